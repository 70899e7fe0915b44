"""Values on the site's pages: escaped so that Python-Markdown prints them as they are."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

import markdown
import pytest

import generator.site.pages as pages_module
from generator.cache import Memo
from generator.model import Project
from generator.project import check
from generator.site.pages import (
    THEME_PAGE_MAX,
    Page,
    SeanceSite,
    SiteData,
    index_pages,
    md,
    project_to_pages,
    seances_to_groups,
    theme_of,
)
from generator.site.theme import meta_to_markup
from tests.bench.synth import write_archive
from tests.conftest import TODAY, sample_copy

HOSTILE = [
    "*gras* et _souligné_",
    "[lien](javascript:alert(1))",
    "![image](https://tracker.example/x.png)",
    "<script>alert(1)</script> & <b>x</b>",
    "a | b | c",
    "`code` et \\ barre",
    "# pas un titre",
    "1. pas une liste",
    "<https://autolien.example>",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_values_are_printed_literally_in_text_and_tables(value: str) -> None:
    for source in (f"Objet : {md(value)}", f"| a | b |\n|---|---|\n| {md(value)} | x |"):
        rendered = markdown.markdown(source, extensions=["tables"])
        assert "<a " not in rendered and "<img" not in rendered and "<script" not in rendered
        text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
        assert value in text


def test_front_matter_title_is_plain_text_and_valid_yaml() -> None:
    """Plain text (escaped once when handed to the theme: ``theme.meta_to_markup``)."""
    page = Page("x.md", 'Titre <script>alert("x")</script>\n: suite', "corps\n")
    front = page.text().split("---\n")[1]
    assert front == ('title: "Titre <script>alert(\\"x\\")</script>\\n: suite"\n')
    assert meta_to_markup({"title": "L'été <b>", "search": {"exclude": True}}) == {
        "title": "L&#39;été &lt;b&gt;",
        "search": {"exclude": True},
    }


def test_a_large_theme_has_one_page_per_year(tmp_path: Path) -> None:
    write_archive(tmp_path / "content", seances=50, deliberations_per_seance=10, seed=3)
    result = check(tmp_path / "content", today=TODAY)
    assert result.ok and result.project is not None
    pages = {
        p.path: p.text().replace("\\_", "_")  # the numeros' "_" are escaped
        for p in index_pages(SiteData(result.project, {}))
    }
    themes: dict[str, list[str]] = {}
    for s in result.project.seances:
        for d in s.deliberations:
            themes.setdefault(theme_of(d), []).append(d.numero)
    assert max(len(n) for n in themes.values()) > THEME_PAGE_MAX >= min(map(len, themes.values()))
    for theme, numeros in themes.items():
        page = pages[f"themes/{theme}.md"]
        years = sorted(p for p in pages if p.startswith(f"themes/{theme}/"))
        if len(numeros) <= THEME_PAGE_MAX:
            assert years == []
            assert sorted(re.findall(r"\[(\d{4}_\d+)\]", page)) == sorted(numeros)
            continue
        assert re.findall(r"\[(\d{4}_\d+)\]", page) == []  # the years only
        links = re.findall(r"- \[(\d{4})\]\((\w+)/(\d{4})\.md\) — (\d+) délibérations", page)
        assert [f"themes/{t}/{y}.md" for _, t, y, _ in links] == years[::-1]
        listed = [re.findall(r"\[(\d{4}_\d+)\]", pages[y]) for y in years]
        assert [int(n) for *_, n in links] == [len(x) for x in listed[::-1]]
        assert sorted(n for x in listed for n in x) == sorted(numeros)
        assert f"[Toutes les années](../../themes/{theme}.md)" in pages[years[0]]


def test_the_elus_counts_follow_an_edit_with_the_other_seances_kept(tmp_path: Path) -> None:
    """The élus' pages count every séance; with the memo, only the edited séance's
    attendance is computed again, and the pages are those of a build without the memo."""

    def convert(texts: Sequence[str]) -> list[str]:
        return [html.escape(t) for t in texts]

    def elu(project: Project, memo: Memo[SeanceSite] | None) -> str:
        pages = project_to_pages(project, convert, memo)
        if memo is not None:
            memo.save()
        return next(p.text() for p in pages if p.path == "elus/meyer-alain.md")

    content = sample_copy(tmp_path)

    def checked() -> Project:
        project = check(content, today=TODAY).project
        assert project is not None
        return project

    before = elu(checked(), Memo.load(tmp_path, "pages", "v1"))
    seance = content / "seances" / "2024-03-14" / "seance.yml"
    text = seance.read_text(encoding="utf-8")
    seance.write_text(
        text.replace(
            'membre: meyer-alain\n    jusqu_a: "4"', 'membre: meyer-alain\n    jusqu_a: "3"'
        ),
        encoding="utf-8",
    )
    project = checked()
    after = elu(project, Memo.load(tmp_path, "pages", "v1"))
    assert after != before
    assert after == elu(project, None)


def test_a_large_year_is_indexed_in_parts_of_whole_seances(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind holds a bundle's words while indexing it: a year of more than
    ``GROUP_PAGES`` pages is split, séance by séance in date order, into parts of about the
    same size; the latest year, which every search reads first, stays whole."""
    monkeypatch.setattr(pages_module, "GROUP_PAGES", 5)
    monkeypatch.setattr(pages_module, "PRIMARY_PAGES", 6)  # the latest year alone
    write_archive(tmp_path / "content", 24, 2, seed=1)  # two or three séances a year
    result = check(tmp_path / "content", today=TODAY)
    assert result.project is not None
    groups = seances_to_groups(result.project.seances)
    in_2015 = {dossier: g for dossier, g in groups.items() if dossier.startswith("2015-")}
    assert in_2015 == {"2015-01-12": "2015-1", "2015-06-12": "2015-1", "2015-11-27": "2015-2"}
    assert (groups["2016-06-04"], groups["2016-12-11"]) == ("2016-1", "2016-2")
    assert groups["2026-03-16"] == groups["2026-10-16"] == "2026"
    pages = project_to_pages(result.project, list)
    delib = next(p for p in pages if p.path == "deliberations/2015_0005.md")
    assert delib.search_group == "2015-2"


def test_the_latest_year_takes_the_small_years_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every search reads the latest year's group first: it takes the years before it while
    they all hold at most ``PRIMARY_PAGES`` pages, so that a first page of results fills."""
    monkeypatch.setattr(pages_module, "PRIMARY_PAGES", 12)
    write_archive(tmp_path / "content", 24, 2, seed=1)  # 2025 and 2026: six pages each
    result = check(tmp_path / "content", today=TODAY)
    assert result.project is not None
    groups = seances_to_groups(result.project.seances)
    assert {groups[d] for d in ("2025-02-10", "2025-09-14", "2026-03-16", "2026-10-16")} == {
        "2025_2026"
    }
    assert groups["2024-03-25"] == "2024"
    pages = project_to_pages(result.project, list)
    recherche = next(p for p in pages if p.path == "recherche.md").text()
    assert 'data-annee="2025"' in recherche
    assert "pagefind-2024/" in recherche and "2025_2026" not in recherche
