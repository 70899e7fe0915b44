"""mkdocs hooks (named in mkdocs.yml): the site's pages, generated from ``content/``.

``registre build`` renders the pages itself (``generator.site.build``); under ``mkdocs serve``
or a bare ``mkdocs build``, this hook checks ``content/`` (cached by file content, so a reload
after editing one YAML file re-reads only that file) and renders the documents that changed
into ``.registre-cache/apercu/``. The pages are written as files into
``.registre-cache/apercu-pages/``, each rewritten only when its text changed: under
``mkdocs serve --dirty``, mkdocs renders again only the files newer than their output, so a
reload after an edit renders the few pages it changed, not the whole archive.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from generator.atomic import Tree, folder_files, sync_tree, write_text
from generator.cache import Memo, code_version, keep_memos_resident
from generator.diagnostics import format_diagnostics
from generator.project import check, write_public_documents
from generator.public import public_project
from generator.render.outputs import store_for
from generator.render.pdf import Linked
from generator.site import build as site_build
from generator.site.pages import Page
from generator.site.render import linked_files, nav_to_paths, pages_to_know
from generator.site.search import page_to_dest
from generator.site.theme import set_site_name


def _quiet(_: str) -> None:
    pass


def preview_inputs(root: Path) -> tuple[site_build.SiteInputs, Path, list[str], set[str]]:
    """Pages and documents computed from ``root/content`` (for ``mkdocs serve``): the pages,
    the documents folder, its files and those that changed."""
    cache = root / ".registre-cache"
    result = check(root / "content", cache_dir=cache)
    if result.project is None or not result.ok:
        raise PluginError(
            "le contenu a des erreurs (registre check) :\n" + format_diagnostics(result.diagnostics)
        )
    public = public_project(result.project)
    documents = cache / "apercu"
    tree = Tree()
    # the extracts of each séance, kept between reloads (apart from the build's, which also
    # holds the official ones: each keeps only what it used)
    plans: Memo[tuple[Linked, ...]] = Memo.load(cache / "documents", "apercu", code_version())
    with store_for(cache) as store, tempfile.TemporaryDirectory(dir=cache) as tmp:
        write_public_documents(public, tree, Path(tmp), store, _quiet, plans=plans)
        plans.save()
        changed = set(sync_tree(tree, documents))  # those that changed, in place: a preview
    return site_build.project_to_inputs(public, cache), documents, sorted(tree.files), changed


#: The documents this build linked anew into the preview's documents folder: if the build
#: fails before mkdocs copied them, they are unlinked, so that the next one links (and
#: copies) them again.
_JUST_LINKED: list[Path] = []


def on_build_error(error: Exception) -> None:
    for path in _JUST_LINKED:
        path.unlink(missing_ok=True)


class _Document(File):
    """A document of the preview: mkdocs copies it into the site when it is not there yet or
    has just changed, without comparing the dates of tens of thousands of files at each
    reload (``is_modified``: three ``stat`` each)."""

    def __init__(self, path: str, changed: bool, documents: Path, config: MkDocsConfig):
        super().__init__(
            path,
            src_dir=str(documents),
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
        )
        self.changed = changed

    def is_modified(self) -> bool:
        return self.changed or not os.path.exists(self.abs_dest_path)


def pages_to_folder(pages: Sequence[Page], folder: Path, fingerprint: str) -> set[str]:
    """Each page as a Markdown file under ``folder``, written only when it changed (its
    modification time tells mkdocs' dirty builds that it must be rendered again: its key
    differs from the one kept, or its file is missing), every page when what all of them
    depend on changed (``fingerprint``: the theme, ``mkdocs.yml``, the collectivité's name);
    the files of pages that no longer exist are removed. Returns the paths written."""
    kept = site_build.KeptPages(folder, folder / ".pages.json", fingerprint)
    previous, _ = kept.load()
    present = folder_files(folder)
    written = set()
    for page in pages:
        if previous.get(page.path) != page.key or page.path not in present:
            write_text(folder / page.path, page.text())
            written.add(page.path)
    kept.save({page.path: page.key for page in pages})
    for old in present - {page.path for page in pages}:
        if old.endswith(".md"):
            (folder / old).unlink()
    return written


def dirty_files(
    pages: Sequence[Page],
    written: set[str],
    documents: Sequence[str],
    changed: set[str],
    published: set[str],
    nav: set[str],
) -> tuple[list[Page], list[str]]:
    """The pages and documents a dirty build is to know (``mkdocs serve --dirty`` keeps
    the site's folder, ``published``, between reloads): the pages ``written`` or missing from
    it, with the pages and documents their links point to and the navigation's pages; the
    documents ``changed`` or missing. Building mkdocs' objects for the 10,700 pages and the
    30,000 documents of a 10,000-délibération archive took more than a second at each
    reload, for the four pages an edit changes."""
    render = {p.path for p in pages if p.path in written or page_to_dest(p.path) not in published}
    texts = [(p.path, p.body) for p in pages if p.path in render]
    wanted = pages_to_know(texts, [p.path for p in pages], nav)
    linked = set(linked_files(texts, documents))
    return (
        [p for p in pages if p.path in wanted],
        [d for d in documents if d in changed or d in linked or d not in published],
    )


class _ExactDirtyBuilds(logging.Filter):
    """mkdocs warns that a dirty build may leave stale navigation and links; here it cannot
    (the navigation is fixed, and a page's file is rewritten whenever its text or the theme
    changes), so the warning is shown as information and does not stop a strict build."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and "'dirty' build" in record.getMessage():
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


#: Whether this process builds with ``--dirty`` (``on_startup``).
_DIRTY = False


def on_startup(command: str, dirty: bool) -> None:
    global _DIRTY
    _DIRTY = dirty
    if dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_ExactDirtyBuilds())
    if command == "serve":  # each reload builds again in this process
        keep_memos_resident()


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """The theme's templates, compiled once and kept (by their source's checksum): mkdocs
    makes a new environment at each reload, which compiled them all again (~0.4 s)."""
    folder = Path(config.config_file_path).parent / ".registre-cache" / "apercu-templates"
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = Path(config.config_file_path).parent
    inputs, documents, document_files, changed = preview_inputs(root)
    _JUST_LINKED[:] = [documents / path for path in changed]
    set_site_name(config, inputs.site_name)
    folder = root / ".registre-cache" / "apercu-pages"
    fingerprint = site_build.site_fingerprint(inputs.site_name)
    written = pages_to_folder(inputs.pages, folder, fingerprint)
    pages: Sequence[Page] = inputs.pages
    if _DIRTY:
        published = folder_files(Path(config.site_dir))
        nav = nav_to_paths(config.nav)
        pages, document_files = dirty_files(pages, written, document_files, changed, published, nav)
    for page in pages:
        files.append(
            File(
                page.path,
                src_dir=str(folder),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
    for path in document_files:
        files.append(_Document(path, path in changed, documents, config))
    return files
