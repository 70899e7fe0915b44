"""mkdocs hooks (named in mkdocs.yml): the site's pages, generated from ``content/``.

``registre build`` renders the pages itself (``generator.site.build``); under ``mkdocs serve``
or a bare ``mkdocs build``, this hook checks ``content/`` (cached by file content, so a reload
after editing one YAML file re-reads only that file) and renders the documents that changed
into ``.registre-cache/apercu/``.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from generator.atomic import replace_dir
from generator.diagnostics import format_diagnostics
from generator.project import check, write_public_documents
from generator.public import public_project
from generator.render.outputs import store_for
from generator.site import build as site_build


def _quiet(_: str) -> None:
    pass


def preview_inputs(root: Path) -> site_build.SiteInputs:
    """Pages and documents computed from ``root/content`` (for ``mkdocs serve``)."""
    cache = root / ".registre-cache"
    result = check(root / "content", cache_dir=cache)
    if result.project is None or not result.ok:
        raise PluginError(
            "le contenu a des erreurs (registre check) :\n" + format_diagnostics(result.diagnostics)
        )
    project = result.project
    documents = cache / "apercu"
    with store_for(cache) as store:

        def fill(staging: Path) -> None:
            write_public_documents(public_project(project), staging, store, _quiet)

        replace_dir(documents, fill)
    return site_build.project_to_inputs(public_project(project), documents, cache)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    inputs = preview_inputs(Path(config.config_file_path).parent)
    config.site_name = inputs.site_name
    config.copyright = f"{inputs.site_name} — registre des délibérations"
    for page in inputs.pages:
        files.append(File.generated(config, page.path, content=page.text()))
    for path in sorted(inputs.documents.rglob("*")):
        if path.is_file():
            files.append(
                File(
                    str(path.relative_to(inputs.documents)),
                    src_dir=str(inputs.documents),
                    dest_dir=config.site_dir,
                    use_directory_urls=config.use_directory_urls,
                )
            )
    return files
