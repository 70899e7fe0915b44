"""Build the public site with mkdocs-material, then index it with Pagefind.

The pages come from ``pages.py`` through the mkdocs hook (``hooks.py``): ``build_site`` hands
the hook the pages and the folder of documents (PDFs…) to publish; under ``mkdocs serve`` the
hook computes them itself from ``content/``. Pagefind's index is split in small fragments: the
first search loads a few hundred kilobytes whatever the size of the archive (mkdocs-material's
own index is one file that grows with it).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pagefind_bin
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator.model import Project
from generator.render.markdown import markdown_to
from generator.site.pages import Page, SiteData, project_to_pages

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG = ROOT / "mkdocs.yml"


@dataclass(frozen=True)
class SiteInputs:
    """What the hook adds to the site: generated pages and the documents folder."""

    site_name: str
    pages: tuple[Page, ...]
    documents: Path


#: Set by ``build_site`` for the duration of a build; None under ``mkdocs serve``.
CURRENT: SiteInputs | None = None


def project_to_inputs(project: Project, documents: Path) -> SiteInputs:
    """The site's pages; the délibérations' Markdown goes through pandoc, raw HTML disabled."""
    delibs = [d for s in project.seances for d in s.deliberations]
    textes = dict(
        zip((d.numero for d in delibs), markdown_to([d.texte for d in delibs], "html"), strict=True)
    )
    pages = project_to_pages(SiteData(project, textes))
    return SiteInputs(project.collectivite.nom, tuple(pages), documents)


def index_search(site: Path) -> None:
    """Pagefind over the built site; its fragments land in ``site/pagefind/``."""
    subprocess.run(
        [str(pagefind_bin.get_executable()), "--site", str(site), "--silent"],
        check=True,
        capture_output=True,
    )


def build_site(project: Project, documents: Path, out: Path, config_file: Path = CONFIG) -> None:
    """Build the whole site into ``out`` (emptied first by mkdocs)."""
    global CURRENT
    CURRENT = project_to_inputs(project, documents)
    try:
        config = load_config(str(config_file), site_dir=str(out))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    finally:
        CURRENT = None
    index_search(out)
