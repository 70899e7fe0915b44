"""Render some of the site's pages with mkdocs-material, in any process.

mkdocs builds a site in one process and from scratch. ``render_pages`` does what its ``build``
does for the pages it is given only (the same calls: ``_populate_page`` then ``_build_page``,
with the whole set of files known, so that links are checked and the theme sees the same
site): ``build.py`` gives each worker process a share of the pages that changed and keeps the
others from the previous build. mkdocs 1.6 is the last of its line (its successor reads the
same ``mkdocs.yml``), so these two internal functions will not move under us.

The module imports nothing of Registre but ``theme.py`` (a hook of mkdocs' alone): a worker
process starts with mkdocs alone.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from generator.site import theme

#: The hook a worker's configuration keeps (not ``hooks.py``: the pages are given).
THEME_HOOK = str(Path(theme.__file__).resolve())


@dataclass(frozen=True)
class RenderJob:
    """What a worker needs: the whole site's file list, and the pages it renders."""

    config_file: str
    site_dir: str
    site_name: str
    #: Every generated page of the site (its path under the docs folder): the theme's
    #: templates (the sitemap) list them; a page is rendered knowing only the pages it links
    #: to and those of the navigation.
    pages: tuple[str, ...]
    #: The pages to render, with their Markdown.
    render: tuple[tuple[str, str], ...]
    #: The documents (PDFs, open data) the pages link to, by path in the site.
    document_files: tuple[str, ...]
    #: Also write the theme's assets and templates (404, sitemap): one worker does it, when
    #: the pages, the theme or the day changed.
    statics: bool
    #: Where the theme's compiled templates are kept between builds (compiling them costs
    #: ~0.4 s in every worker, more than rendering the few pages an edit changed).
    bytecode: str


class _Warnings(logging.Handler):
    """mkdocs' warnings (a broken link…) become errors of the build, as with ``--strict``."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collected() -> Iterator[list[str]]:
    handler = _Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def job_to_config(job: RenderJob) -> MkDocsConfig:
    """The site's configuration, with the theme's hook only (the pages are given)."""
    config = load_config(job.config_file, site_dir=job.site_dir, hooks=[THEME_HOOK])
    theme.set_site_name(config, job.site_name)
    return config


_MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def linked_files(pages: Sequence[tuple[str, str]], files: Sequence[str]) -> tuple[str, ...]:
    """The ``files`` the Markdown links of ``pages`` (path, text) point to: mkdocs checks
    those links against its file objects, which a worker builds for these only, not for the
    archive's tens of thousands of pages and PDFs."""
    targets = {
        posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
        for path, text in pages
        for link in _MARKDOWN_LINK.findall(text)
    }
    return tuple(f for f in files if f in targets)


def nav_to_paths(nav: object) -> set[str]:
    """The pages ``mkdocs.yml``'s ``nav`` lists (a list of titles → path or → sub-list)."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(nav_to_paths(v) for v in nav.values()))
    if isinstance(nav, list):
        return set().union(*(nav_to_paths(v) for v in nav))
    return set()


def pages_to_know(
    render: Sequence[tuple[str, str]], pages: Sequence[str], nav: set[str]
) -> set[str]:
    """The pages a build of some pages (``render``: path, Markdown) must know of the site's
    ``pages``: those it renders, those their links point to, and the navigation's (``nav``)."""
    return {path for path, _ in render} | nav | set(linked_files(render, pages))


def _files(job: RenderJob, config: MkDocsConfig) -> tuple[Files, dict[str, File]]:
    files = get_files(config)
    if job.statics:  # the theme's assets (listing them walks its thousands of icons: 0.2 s)
        files.add_files_from_theme(config.theme.get_env(), config)
    content = dict(job.render)
    generated = {}
    pages = job.pages
    if not job.statics:
        wanted = pages_to_know(job.render, job.pages, nav_to_paths(config.nav))
        pages = tuple(path for path in job.pages if path in wanted)
    for path in pages:
        file = File(path, None, config.site_dir, config.use_directory_urls)
        file.content_string = content.get(path, "")
        files.append(file)
        generated[path] = file
    for path in job.document_files:  # known for the links to them; never read nor copied
        files.append(File(path, config.docs_dir, config.site_dir, config.use_directory_urls))
    set_exclusions(files, config)
    return files, generated


def _unlink(path: str) -> None:
    """Outputs are hard-linked into the published site: write a new file, never into it."""
    Path(path).unlink(missing_ok=True)


def render_pages(job: RenderJob) -> list[str]:
    """Render ``job.render`` into ``job.site_dir``; return mkdocs' warnings (none expected)."""
    with _collected() as warnings:
        config = job_to_config(job)
        files, generated = _files(job, config)
        env = config.theme.get_env()
        Path(job.bytecode).mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(job.bytecode)
        nav = get_navigation(files, config)
        doc_files = files.documentation_pages()
        for file in doc_files:
            if file.page is None:
                Page(None, file, config)
        for path, _ in job.render:
            page = generated[path].page
            assert page is not None
            _unlink(page.file.abs_dest_path)
            _populate_page(page, config, files)
            _build_page(page, config, doc_files, nav, env)
            # written: the page's Markdown and HTML would otherwise stay in memory until the
            # end (a worker renders thousands of pages); other pages use only its title and URL
            page.markdown = page.content = None
        if job.statics:
            documents = set(job.document_files)
            for file in files:
                if not file.is_documentation_page() and file.src_uri not in documents:
                    file.copy_file(dirty=True)
            for template in config.theme.static_templates:
                _unlink(str(Path(config.site_dir) / template))
                _build_theme_template(template, env, files, config, nav)
    return warnings


def shares(items: Sequence[tuple[str, str]], n: int) -> list[tuple[tuple[str, str], ...]]:
    """``items`` in ``n`` shares of about the same total size (largest first, greedy)."""
    buckets: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    sizes = [0] * n
    for item in sorted(items, key=lambda i: len(i[1]), reverse=True):
        k = sizes.index(min(sizes))
        buckets[k].append(item)
        sizes[k] += len(item[1])
    return [tuple(b) for b in buckets if b]
