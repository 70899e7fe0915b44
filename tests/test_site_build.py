"""The site as ``registre build`` renders it: the same pages as mkdocs itself, only what
changed rendered again, the previous site never touched, the search index kept to the pages
worth finding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.atomic import Tree
from generator.project import build, check, write_public_documents
from generator.public import public_project
from generator.render.outputs import store_for
from generator.site.build import SiteSettings, build_site
from generator.site.search import (
    MODIFS,
    Bundle,
    bundle_to_fragments,
    bundle_to_words,
    hidden_live_results,
    index_search,
    index_vocabulary,
)
from tests.conftest import ROOT, TODAY, sample_copy
from tests.test_pdf import pdf_text

MKDOCS = Path(sys.executable).with_name("mkdocs")


def _pages(site: Path) -> dict[str, bytes]:
    """Every page and theme file of a built site, but the documents and the search index."""
    skip = ("extraits/", "listes/", "donnees/", "pagefind", "schemas/")
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not str(p.relative_to(site)).startswith(skip)
    }


def _mkdocs_build(project: Path, out: Path, option: str) -> None:
    """``mkdocs build`` of the project's ``mkdocs.yml`` (the hook computes the pages)."""
    run = subprocess.run(
        [str(MKDOCS), "build", option, "-f", str(project / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert run.returncode == 0, run.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample built by ``registre build`` (folder, site), its cache beside it."""
    folder = tmp_path_factory.mktemp("site-build")
    build(sample_copy(folder), folder / "site", today=TODAY, cache_dir=folder / "cache")
    return folder, folder / "site"


def test_registre_build_renders_the_pages_mkdocs_build_strict_renders(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    """``mkdocs build --strict`` (the hook computes the pages) and ``registre build`` (its own
    page-by-page rendering, in worker processes) publish byte-identical pages."""
    _, site = built
    _mkdocs_build(ROOT, tmp_path, "--strict")
    ours, theirs = _pages(site), _pages(tmp_path)
    assert sorted(ours) == sorted(theirs)
    assert [p for p in ours if ours[p] != theirs[p]] == []


def test_the_actes_identifier_is_shown_as_written(built: tuple[Path, Path]) -> None:
    """Regression: the identifier was printed inside a code span after Markdown escaping,
    and the reader saw backslashes (``039\\-200071116\\-…``)."""
    _, site = built
    page = (site / "deliberations" / "2024_001" / "index.html").read_text(encoding="utf-8")
    assert "identifiant @CTES : <code>039-200071116-20240314-2024_001-BF</code>" in page


def test_index_pages_and_roll_call_names_stay_out_of_the_search(
    built: tuple[Path, Path],
) -> None:
    _, site = built
    for index in ("index.html", "seances/index.html", "themes/index.html", "elus/index.html"):
        assert "data-pagefind-body" not in (site / index).read_text(encoding="utf-8"), index
    delib = (site / "deliberations" / "2024_003" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" in delib
    assert "<p data-pagefind-ignore><strong>Ont voté pour</strong> : <a href=" in delib
    elu = next((site / "elus").glob("*/index.html")).read_text(encoding="utf-8")
    assert "data-pagefind-body" in elu


def test_an_edit_renders_only_what_depends_on_it_and_leaves_the_old_site_alone(
    built: tuple[Path, Path],
) -> None:
    folder, site = built
    kept = folder / "cache" / "site" / "html"
    before = {p: p.stat().st_ino for p in kept.rglob("*.html")}
    source = folder / "content" / "seances" / "2024-06-27" / "deliberations" / "2024_009.yml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("« Habiter mieux »", "« Habiter mieux » (rectifiée)"))
    new_site = folder / "site-2"
    build(folder / "content", new_site, today=TODAY, cache_dir=folder / "cache")

    page = "deliberations/2024_009/index.html"
    assert "« Habiter mieux » (rectifiée)" in (new_site / page).read_text(encoding="utf-8")
    assert "(rectifiée)" not in (site / page).read_text(encoding="utf-8")
    rendered = {
        str(p.relative_to(kept)) for p in kept.rglob("*.html") if before.get(p) != p.stat().st_ino
    }
    assert page in rendered
    assert "seances/2024-06-27/index.html" in rendered
    # a délibération of another séance is not rendered again, and is shared by both sites
    other = "deliberations/2024_001/index.html"
    assert other not in rendered
    assert os.path.samefile(site / other, new_site / other)
    assert len(rendered) < len(before) // 3
    # nor are the theme's pages (the same pages, the same day); each page rendered again
    # knew only the pages it links to: the site is what a build from nothing makes
    assert "404.html" not in rendered
    fresh = folder / "site-fresh"
    build(folder / "content", fresh, today=TODAY, cache_dir=folder / "cache-fresh")
    assert _pages(new_site) == _pages(fresh)


def test_an_edit_of_a_text_indexes_that_page_alone_beside_its_year(tmp_path: Path) -> None:
    """Indexing a year takes Pagefind seconds: the page an edit changed is indexed into a
    small bundle beside the year's, which is kept (so is the élus'), and the search page is
    told which of the year's results that page replaces."""
    content, cache, site = sample_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(content, site, today=TODAY, cache_dir=cache)
    assert json.loads((site / "pagefind" / MODIFS).read_text(encoding="utf-8")) == {
        "overlays": {},
        "stale": [],
        "mots": None,
    }
    year = bundle_to_fragments(site / "pagefind")
    bundles = ("pagefind/pagefind-entry.json", "pagefind-elus/pagefind-entry.json")
    kept = {path: (site / path).stat().st_ino for path in bundles}
    source = content / "seances" / "2024-06-27" / "deliberations" / "2024_010.yml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("encore\n  volatils", "encore\n  très volatils"))
    build(content, site, today=TODAY, cache_dir=cache)
    assert "très volatils" in (site / "deliberations/2024_010/index.html").read_text()
    assert {path: (site / path).stat().st_ino for path in bundles} == kept
    page = "/deliberations/2024_010/"
    assert set(bundle_to_fragments(site / "pagefind-2024-modifs")) == {page}
    modifs = json.loads((site / "pagefind" / MODIFS).read_text(encoding="utf-8"))
    assert modifs == {
        "overlays": {"pagefind/": "pagefind-2024-modifs/"},
        "stale": [year[page]],
        "mots": None,  # one year, the latest: searched first, no vocabulary to ask
    }


def _pages_html(folder: Path, words: dict[str, str]) -> None:
    for name, word in words.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / name / "index.html").write_text(
            f'<html lang="fr"><body><div data-pagefind-body>{word}</div></body></html>'
        )


def test_a_group_is_indexed_again_past_a_share_of_its_pages_changed(tmp_path: Path) -> None:
    html, kept = tmp_path / "html", tmp_path / "kept"
    words = {f"p{i}": f"mot{i}" for i in range(10)}
    _pages_html(html, words)
    groups = {"2024": [f"{p}.md" for p in words]}
    keys = {f"{p}.md": "v1" for p in words}

    def index(keys: dict[str, str]) -> Bundle:
        return index_search(html, groups, keys, kept, "theme", workers=1, reindex_share=0.2)["2024"]

    first = index(keys)
    assert first.overlay is None and first.stale == ()
    _pages_html(html, {"p0": "nouveau0", "p1": "nouveau1"})
    edited = index(keys | {"p0.md": "v2", "p1.md": "v2"})  # 2 pages of 10: an overlay
    assert edited.base == first.base and edited.overlay is not None
    assert set(bundle_to_fragments(edited.overlay)) == {"/p0/", "/p1/"}
    base = bundle_to_fragments(first.base)
    assert edited.stale == tuple(sorted([base["/p0/"], base["/p1/"]]))
    _pages_html(html, {"p2": "nouveau2"})
    again = index(keys | {"p0.md": "v2", "p1.md": "v2", "p2.md": "v2"})  # 3 of 10: again
    assert again.base != first.base and again.overlay is None and again.stale == ()
    assert bundle_to_fragments(again.base).keys() == {f"/{p}/" for p in words}


def test_hidden_live_results_names_the_groups_that_would_hide_a_page_still_published() -> None:
    live = {"2023": {"fr_a", "fr_b"}, "2024": {"fr_c"}}
    assert hidden_live_results(live, {"2023": set(), "2024": {"fr_d"}}) == set()
    assert hidden_live_results(live, {"2023": set(), "2024": {"fr_a"}}) == {"2024"}


def test_worker_processes_render_what_one_process_renders(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, _ = built
    result = check(sample_copy(tmp_path), today=TODAY)
    assert result.project is not None
    public = public_project(result.project)
    documents = Tree()
    with store_for(folder / "cache") as store:  # the documents rendered by the fixture's build
        write_public_documents(public, documents, tmp_path / "donnees", store, lambda _: None)
    sites = []
    for name, settings in (
        ("one", SiteSettings(workers=1)),
        ("two", SiteSettings(workers=2, serial_below=0)),
    ):
        tree = Tree(dict(documents.files))
        build_site(public, tree, cache=tmp_path / f"cache-{name}", settings=settings)
        tree.write_into(tmp_path / name)
        sites.append(_pages(tmp_path / name))
    assert sites[0] == sites[1]


def test_the_vocabulary_has_a_page_of_each_year_s_words(tmp_path: Path) -> None:
    html, kept, folder = tmp_path / "html", tmp_path / "kept", tmp_path / "vocabulaire"
    _pages_html(html, {"a": "Budget primitif", "b": "(subvention)", "c": "séance"})
    groups = {"2015": ["a.md", "b.md"], "2016": ["c.md"]}
    bundles = index_search(
        html, groups, {"a.md": "1", "b.md": "1", "c.md": "1"}, kept, "t", workers=1, reindex_share=0
    )
    assert bundle_to_words(bundles["2015"].base) == {"budget", "primitif", "subvention"}
    vocabulary = index_vocabulary(bundles, ["2015"], folder, "t", reindex_share=0)
    assert vocabulary is not None
    assert vocabulary.groups == {bundle_to_fragments(vocabulary.bundle.base)["/mots/2015/"]: "2015"}
    page = (folder / "pages" / "mots" / "2015" / "index.html").read_text(encoding="utf-8")
    assert "<p>budget primitif subvention</p>" in page
    # another bundle with a page of the same id (Pagefind's ids are short hashes): the search
    # page could not tell the vocabulary's page from it, and reads every year instead
    same = {**bundles, "autre": vocabulary.bundle}
    assert index_vocabulary(same, ["2015"], folder, "t", reindex_share=0) is None


def test_a_theme_change_indexes_every_group_again(tmp_path: Path) -> None:
    """Regression: the bundles were kept under the hash of the pages' Markdown only, and a
    template change (the pages' HTML) left the search index of the previous theme."""
    html = tmp_path / "html"
    (html / "a").mkdir(parents=True)
    (html / "a" / "index.html").write_text(
        '<html lang="fr"><body><div data-pagefind-body>séance du conseil</div></body></html>'
    )
    groups, keys = {"2024": ["a.md"]}, {"a.md": "k"}
    kept = tmp_path / "kept"
    first = index_search(html, groups, keys, kept, "theme-1", workers=1, reindex_share=0.1)
    again = index_search(html, groups, keys, kept, "theme-1", workers=1, reindex_share=0.1)
    other = index_search(html, groups, keys, kept, "theme-2", workers=1, reindex_share=1)
    assert first == again != other
    assert other["2024"].overlay is None
    assert (other["2024"].base / "pagefind-entry.json").is_file()


def _preview_project(folder: Path) -> tuple[Path, Path]:
    """A project folder as a secretariat has one (``mkdocs.yml``, the theme, the package, a
    copy of the sample content), for ``mkdocs build`` through the hook: the folder and its
    ``content/``."""
    project = folder / "projet"
    project.mkdir()
    for name in ("mkdocs.yml", "templates", "generator"):
        (project / name).symlink_to(ROOT / name)
    return project, sample_copy(project)


def test_a_preview_build_that_failed_leaves_no_old_document_in_the_next_one(
    tmp_path: Path,
) -> None:
    """Under ``mkdocs serve``, mkdocs copies into the site only the documents the reload
    changed. A reload that failed after they changed, before mkdocs copied them, would have
    left the old ones there for good: the next reload finds nothing changed."""
    project, content = _preview_project(tmp_path)
    out = tmp_path / "out"
    _mkdocs_build(project, out, "--dirty")
    delib = content / "seances" / "2024-03-14" / "deliberations" / "2024_003.yml"
    text = delib.read_text(encoding="utf-8")
    delib.write_text(text.replace("objet: ", "objet: Rectifié — ", 1), encoding="utf-8")
    # a page's file that cannot be written: the hook fails once the documents are linked
    blocked = project / ".registre-cache" / "apercu-pages" / "deliberations" / "2024_001.md"
    blocked.unlink()
    blocked.mkdir()
    failed = subprocess.run(
        [str(MKDOCS), "build", "--dirty", "-f", str(project / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        cwd=project,
    )
    assert failed.returncode != 0
    blocked.rmdir()
    _mkdocs_build(project, out, "--dirty")
    assert "Rectifié" in "\n".join(pdf_text(out / "extraits" / "2024_003.pdf"))


def test_a_dirty_mkdocs_build_renders_only_the_pages_an_edit_changed(tmp_path: Path) -> None:
    """``mkdocs serve --dirty`` (here ``mkdocs build --dirty``, the same build, strict as
    mkdocs.yml says) renders again only the pages whose Markdown changed: the hook rewrites a
    page's file only then, or all of them when what every page shows changed."""
    project, content = _preview_project(tmp_path)
    out = tmp_path / "out"

    def dirty_build() -> dict[str, int]:
        _mkdocs_build(project, out, "--dirty")
        return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("index.html")}

    before = dirty_build()
    pdfs = {n: (out / "extraits" / f"{n}.pdf").stat().st_mtime_ns for n in ("2024_001", "2024_003")}
    delib = content / "seances" / "2024-03-14" / "deliberations" / "2024_003.yml"
    text = delib.read_text(encoding="utf-8")
    delib.write_text(text.replace("objet: ", "objet: Rectifié — ", 1), encoding="utf-8")
    after = dirty_build()
    # the edited extract is copied into the site again, not the others
    assert "Rectifié" in "\n".join(pdf_text(out / "extraits" / "2024_003.pdf"))
    assert (out / "extraits" / "2024_003.pdf").stat().st_mtime_ns != pdfs["2024_003"]
    assert (out / "extraits" / "2024_001.pdf").stat().st_mtime_ns == pdfs["2024_001"]
    changed = sorted(p for p in after if after[p] != before.get(p))
    assert "deliberations/2024_003/index.html" in changed
    assert "seances/2024-03-14/index.html" in changed  # lists the objet
    assert "deliberations/2024_001/index.html" not in changed
    assert len(changed) < len(after) / 4, changed
    page = (out / "deliberations" / "2024_003" / "index.html").read_text(encoding="utf-8")
    assert "Rectifié —" in page
    # the dirty build knew only the pages and documents it needed: what it wrote is what a
    # whole build writes (the preview has no search index)
    whole = tmp_path / "whole"
    _mkdocs_build(project, whole, "--strict")
    assert _pages(out) == _pages(whole)
    # every page shows the collectivité's name: renamed, every page is rendered again
    collectivite = content / "collectivite.yml"
    text = collectivite.read_text(encoding="utf-8")
    collectivite.write_text(text.replace("nom: ", "nom: Nouvelle ", 1), encoding="utf-8")
    renamed = dirty_build()
    assert [p for p in renamed if renamed[p] == after[p]] == []


def test_free_memory_is_given_back_before_the_workers_start() -> None:
    """Texts freed by the build (200 MB of them here, a few kept alive among them as in a
    real heap) stay in the process until ``release_freed_memory`` gives them back."""
    script = """if True:
        from generator.cache import release_freed_memory

        def rss():
            with open("/proc/self/status") as status:
                line = next(line for line in status if line.startswith("VmRSS"))
            return int(line.split()[1]) // 1024

        texts = [("x" * 5000) + str(i) for i in range(40_000)]
        kept = texts[::100]
        del texts
        freed = rss()
        release_freed_memory()
        print(freed, rss())
    """
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    freed, released = map(int, run.stdout.split())
    assert freed - released > 150, (freed, released)
