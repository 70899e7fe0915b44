"""Values on the site's pages: escaped so that Python-Markdown prints them as they are."""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
import pytest

from generator.project import check
from generator.site.pages import THEME_PAGE_MAX, Page, SiteData, index_pages, md, theme_of
from tests.bench.synth import write_archive
from tests.conftest import TODAY

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


def test_front_matter_title_is_escaped_and_valid_yaml() -> None:
    page = Page("x.md", 'Titre <script>alert("x")</script>\n: suite', "corps\n")
    front = page.text().split("---\n")[1]
    assert front == ('title: "Titre &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\\n: suite"\n')


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
