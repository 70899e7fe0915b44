"""Build the public site with mkdocs-material, then index it with Pagefind.

The pages come from ``pages.py``. Under ``mkdocs serve`` (or a bare ``mkdocs build``) the hook
(``hooks.py``) adds them to an ordinary mkdocs build. ``registre build`` renders them itself,
for a large archive: the texts' HTML is kept by text hash, each rendered page is kept under
the hash of its Markdown in the cache's ``site/`` folder, and only the pages whose Markdown
changed (and all of them when the theme, ``mkdocs.yml`` or the collectivité's name changed)
go through mkdocs again, shared among worker processes (``render.py``). The kept pages and
search bundles are then added to the output's ``Tree``, beside the documents (the caller links
them into the output folder: ``atomic.sync_tree``).

The search index (``search.py``) is Pagefind's, split in small fragments, one bundle per
year: a first search loads a few hundred kilobytes (mkdocs-material's own index is one file
that grows with the archive).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import shutil
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from mkdocs.utils import get_build_date

from generator.atomic import Tree, folder_files, write_bytes, write_text
from generator.cache import Memo, code_version, release_freed_memory
from generator.model import Project
from generator.render.markdown import conversion_salt, markdown_to_cached
from generator.site.pages import (
    ELUS,
    Page,
    SeanceSite,
    group_folder,
    project_to_pages,
    search_groups,
)
from generator.site.render import RenderJob, linked_files, render_pages, shares
from generator.site.search import (
    MODIFS,
    VOCABULARY,
    index_search,
    index_vocabulary,
    page_to_dest,
)

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG = ROOT / "mkdocs.yml"
#: What the theme is made of besides mkdocs.yml: an edit there renders every page again.
THEME_FILES = ROOT / "templates" / "site"


@dataclass(frozen=True)
class SiteInputs:
    """The site's generated pages."""

    site_name: str
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class SiteSettings:
    """How ``build_site`` spreads its work."""

    #: Worker processes for pandoc and for mkdocs (the machine's cores by default).
    workers: int = os.cpu_count() or 1
    #: Below this many pages to render, they are rendered in this process: starting a worker
    #: (mkdocs, the theme, the list of files) costs more than it saves.
    serial_below: int = 300
    #: An edit that changes more than this share of a year's pages (of the élus') indexes the
    #: year again for the search; fewer are indexed alone, beside it (``search.py``).
    reindex_share: float = 0.1


class SiteBuildError(Exception):
    """mkdocs warned while rendering pages (a broken link…): the site is not published."""


def project_to_inputs(
    project: Project,
    cache: Path | None = None,
    settings: SiteSettings | None = None,
) -> SiteInputs:
    """The site's pages; the délibérations' Markdown goes through pandoc, raw HTML disabled
    (to HTML alone: in a whole build, the PDFs' stage has converted them already, to every
    format; a site built on its own, or previewed, does not pay for the others)."""
    workers = (settings or SiteSettings()).workers

    def convert(texts: Sequence[str]) -> list[str]:
        return markdown_to_cached(texts, "html", cache, workers, formats=("html",))

    if cache is None:
        pages = project_to_pages(project, convert)
    else:
        memo: Memo[SeanceSite] = Memo.load(cache / "site", "pages", code_version())
        pages = project_to_pages(project, convert, memo, conversion_salt())
        memo.save()
    return SiteInputs(project.collectivite.nom, tuple(pages))


def site_fingerprint(site_name: str) -> str:
    """What every page depends on besides its own Markdown."""
    digest = hashlib.sha256(site_name.encode())
    for package in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions"):
        digest.update(f"{package}={version(package)}".encode())
    here = Path(__file__)
    code = [here.with_name("render.py"), here.with_name("theme.py")]
    for path in [CONFIG, *code, *sorted(THEME_FILES.rglob("*"))]:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class KeptPages:
    """Pages kept between builds in ``files`` (their HTML for ``registre build``, their
    Markdown for the preview) and, in ``manifest``, what each was made from (``Page.key``),
    under the fingerprint of what every page depends on: another fingerprint empties
    ``files``."""

    files: Path
    manifest: Path
    fingerprint: str

    def load(self) -> tuple[dict[str, str], str]:
        """Page path → key of the page its kept file was made from; and the key of the kept
        theme's files (``statics_key``)."""
        try:
            data = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint:
            shutil.rmtree(self.files, ignore_errors=True)
            return {}, ""
        pages, statics = data.get("pages"), data.get("statics")
        return (pages if isinstance(pages, dict) else {}), str(statics or "")

    def save(self, pages: dict[str, str], statics: str = "") -> None:
        payload = {"fingerprint": self.fingerprint, "pages": pages, "statics": statics}
        write_text(self.manifest, json.dumps(payload, sort_keys=True))


def statics_key(pages: Sequence[str]) -> str:
    """What the theme's templates and assets depend on besides the theme: the list of pages
    (the sitemap) and the day (each page's date in it, ``get_build_date``)."""
    return hashlib.sha256("\0".join([get_build_date(), *sorted(pages)]).encode()).hexdigest()


def _render(jobs: list[RenderJob]) -> list[str]:
    """Render the jobs, each in a worker process when there are several (not in this process:
    its heap holds the whole archive, and the collector would walk it all the while)."""
    if len(jobs) <= 1:
        return [w for job in jobs for w in render_pages(job)]
    release_freed_memory()
    with ProcessPoolExecutor(len(jobs), mp_context=mp.get_context("spawn")) as pool:
        return [w for warnings in pool.map(render_pages, jobs) for w in warnings]


def build_site(
    project: Project,
    out: Tree,
    *,
    cache: Path,
    config_file: Path = CONFIG,
    settings: SiteSettings | None = None,
) -> None:
    """Add the site's pages and search index to ``out``, which holds the documents the pages
    link to; the rendered pages and the index are kept in ``cache/site/`` (``out`` links to
    them, and the next build renders only the pages that changed). Raise ``SiteBuildError``
    if mkdocs warned (the pages are generated: a warning is a bug of Registre, not of the
    content)."""
    settings = settings or SiteSettings()
    inputs = project_to_inputs(project, cache, settings)
    site_name = inputs.site_name
    groups: dict[str, list[str]] = {}
    for page in inputs.pages:
        if page.search_group is not None:
            groups.setdefault(page.search_group, []).append(page.path)
    order = search_groups(inputs.pages)
    document_files = tuple(sorted(out.files))
    folder = cache / "site"
    kept = KeptPages(folder / "html", folder / "pages.json", site_fingerprint(site_name))
    manifest, statics = kept.load()
    keys = {page.path: page.key for page in inputs.pages}
    present = folder_files(kept.files)
    todo = [
        (page.path, page.text())
        for page in inputs.pages
        if manifest.get(page.path) != page.key or page_to_dest(page.path) not in present
    ]
    del inputs  # from here on, the texts to render are enough: free the pages while mkdocs runs
    rendered = {path for path, _ in todo}
    removed = set(manifest) - set(keys)
    for path in removed:
        (kept.files / page_to_dest(path)).unlink(missing_ok=True)
    # forget the pages (and theme files) about to be rendered: a build killed half-way
    # renders them again
    kept.save({p: k for p, k in manifest.items() if p in keys and p not in rendered}, "")
    n = 1 if len(todo) < settings.serial_below else max(1, settings.workers)
    new_statics = statics_key(list(keys))
    with_statics = new_statics != statics or "404.html" not in present
    parts = shares(todo, n) or ([()] if with_statics else [])
    jobs = [
        RenderJob(
            str(config_file),
            str(kept.files.resolve()),
            site_name,
            tuple(keys),
            part,
            linked_files(part, document_files),
            statics=k == 0 and with_statics,
            bytecode=str(folder / "templates"),
        )
        for k, part in enumerate(parts)
    ]
    warnings = _render(jobs)
    if warnings:
        raise SiteBuildError("\n".join(warnings))
    del todo, jobs  # the pages' Markdown: not needed by the indexing, which peaks
    kept.save(keys, new_statics)
    out.add_folder(kept.files)
    release_freed_memory()  # before Pagefind's processes, the build's peak
    bundles = index_search(
        kept.files,
        groups,
        keys,
        folder / "recherche",
        kept.fingerprint,
        workers=settings.workers,
        reindex_share=settings.reindex_share,
    )
    # the years the search page reaches back through, and the vocabulary that tells which
    years = [group for group in order[:-1] if group != ELUS]
    vocabulary = index_vocabulary(
        bundles,
        years,
        folder / "vocabulaire",
        kept.fingerprint,
        reindex_share=settings.reindex_share,
    )
    mots = None
    if vocabulary is not None:
        bundles = {**bundles, VOCABULARY: vocabulary.bundle}
        mots = {
            "index": f"{group_folder(VOCABULARY)}/",
            "ids": {i: f"{group_folder(g)}/" for i, g in vocabulary.groups.items()},
        }
    overlays: dict[str, str] = {}
    stale: list[str] = []
    for group, bundle in bundles.items():
        published = "pagefind" if group == order[-1] else group_folder(group)
        out.add_folder(bundle.base, published)
        if bundle.overlay is not None:
            overlay = f"{group_folder(group)}-modifs"
            out.add_folder(bundle.overlay, overlay)
            overlays[f"{published}/"] = f"{overlay}/"
        stale += bundle.stale
    # what the search page merges beside each bundle, the results it hides, and the
    # vocabulary's bundle (kept under its hash: a kept file is never written again)
    modifs = json.dumps(
        {"overlays": overlays, "stale": sorted(stale), "mots": mots}, sort_keys=True
    ).encode()
    modifs_file = folder / "modifs" / f"{hashlib.sha256(modifs).hexdigest()[:32]}.json"
    if not modifs_file.is_file():
        write_bytes(modifs_file, modifs)
    for old in modifs_file.parent.iterdir():
        if old != modifs_file:
            old.unlink()
    out.link(f"pagefind/{MODIFS}", str(modifs_file))
