"""Extract PDFs: Jinja2 → Typst source → PDF/A-2b, compiled in a spawn pool, cached by input.

Each extract is keyed by a hash of what it shows (the ``Extrait``, its Markdown, the templates
and the code), so an unchanged délibération is neither converted by pandoc nor compiled again.
Typst only warns about a missing font and silently falls back: here any warning is an error.
The embedded fonts of the ``typst`` package are the only fonts used (system fonts are ignored),
so the output does not depend on the machine.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jinja2
import typst

from generator.cache import Memo, code_version, seance_keys
from generator.model import Deliberation, Project, SeanceFiles
from generator.presence import seance_to_presence
from generator.render.context import Extrait, deliberation_to_extrait
from generator.render.markdown import conversion_salt, markdown_to_cached

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


@dataclass(frozen=True)
class RenderSettings:
    """How documents are rendered."""

    #: Folder of the Jinja2 templates (``extrait.typ.j2``, ``liste.typ.j2``).
    templates: Path = TEMPLATES
    #: Compile processes; None: one per core.
    workers: int | None = None
    #: Below this many documents, starting worker processes costs more than it saves.
    pool_threshold: int = 24


class RenderError(Exception):
    """A document could not be rendered; the message is French."""


def typst_string(value: object) -> str:
    """A Typst string literal: the value prints as text, whatever characters it holds."""
    text = str(value)
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def environment(settings: RenderSettings) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(settings.templates),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.filters["s"] = typst_string
    return env


@dataclass(frozen=True)
class Document:
    """One PDF to produce: its name, the cache key of its inputs and its Typst source."""

    name: str
    key: str
    source: str


def template_digest(settings: RenderSettings, *names: str) -> str:
    """What a document depends on besides its own inputs: the code, Typst, the templates, and
    the texts' conversion (pandoc's version, the Lua filters: not Python, so not in
    ``code_version``)."""
    digest = hashlib.sha256(code_version().encode())
    digest.update(str(getattr(typst, "__version__", "")).encode())
    digest.update(conversion_salt().encode())
    for name in names:
        digest.update((settings.templates / name).read_bytes())
    return digest.hexdigest()


def input_key(template_digest: str, payload: object) -> str:
    return hashlib.sha256((template_digest + repr(payload)).encode()).hexdigest()


@functools.cache
def _compiler() -> typst.Compiler:
    """The process's Typst compiler: kept, it keeps the fonts it loaded and Typst's caches
    of what documents share (the template's code): ~12 % of each compile, the same PDF."""
    return typst.Compiler(ignore_system_fonts=True)


def compile_typst(source: str) -> bytes:
    """Compile one Typst source to PDF/A-2b; warnings (a missing font…) are errors."""
    pdf, warnings = _compiler().compile_with_warnings(
        input=source.encode("utf-8"), pdf_standards=["a-2b"]
    )
    if warnings:
        raise RenderError("; ".join(str(getattr(w, "message", w)) for w in warnings))
    assert isinstance(pdf, bytes)  # one file (a list of pages is for PNG or SVG)
    return pdf


def _compile_job(source: str) -> tuple[bytes | None, str]:
    try:
        return compile_typst(source), ""
    except (RenderError, typst.TypstError) as exc:
        return None, str(getattr(exc, "message", exc))


def compile_stream(
    documents: Iterable[Document], count: int, settings: RenderSettings
) -> Iterator[tuple[Document, bytes | None, str]]:
    """Compile sources as they come: (document, PDF or None, error message).

    Above the pool threshold, sources are compiled by spawned workers (Typst hangs in a forked
    child) while this process keeps producing the next ones (pandoc, template): the two
    overlap. Results come back in order, as soon as they are ready.
    """
    if count < settings.pool_threshold or settings.workers == 1:
        for doc in documents:
            yield (doc, *_compile_job(doc.source))
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=settings.workers, mp_context=context) as pool:
        pending: deque[tuple[Document, Future[tuple[bytes | None, str]]]] = deque()
        for doc in documents:
            pending.append((doc, pool.submit(_compile_job, doc.source)))
            while pending and pending[0][1].done():
                done, future = pending.popleft()
                yield (done, *future.result())
        while pending:
            done, future = pending.popleft()
            yield (done, *future.result())


@dataclass(frozen=True)
class Planned:
    """An extract to produce: what it shows, and the key of those inputs."""

    name: str
    key: str
    extrait: Extrait


def plan_extraits(
    project: Project,
    items: Sequence[tuple[SeanceFiles, Deliberation]],
    settings: RenderSettings,
) -> list[Planned]:
    """The extract of each délibération, with its Markdown text still unconverted (cheap)."""
    digest = template_digest(settings, "extrait.typ.j2")
    membres = {m.id: m for m in project.membres}
    planned: list[Planned] = []
    for files, delibs in _by_seance(items):
        presence = seance_to_presence(files.seance, membres)
        planned += (
            Planned(d.numero, input_key(digest, extrait), extrait)
            for d in delibs
            for extrait in [deliberation_to_extrait(project, files, d, d.texte, presence)]
        )
    return planned


def _by_seance(
    items: Sequence[tuple[SeanceFiles, Deliberation]],
) -> list[tuple[SeanceFiles, list[Deliberation]]]:
    seances: dict[str, tuple[SeanceFiles, list[Deliberation]]] = {}
    for files, d in items:
        seances.setdefault(files.dossier, (files, []))[1].append(d)
    return list(seances.values())


#: An extract's name (its délibération's numéro) and key: what a build links.
Linked = tuple[str, str]


def plan_kept(
    project: Project,
    items: Sequence[tuple[SeanceFiles, Deliberation]],
    settings: RenderSettings,
    memo: Memo[tuple[Linked, ...]],
    wanted: Callable[[str], bool],
) -> tuple[list[Linked], list[Planned]]:
    """Each extract's name and key, and the extract itself for those whose key is ``wanted``
    (a document to render). The keys of a séance's extracts are kept in ``memo`` (between
    builds; ``items`` are whole séances) under the hash of what they depend on: the séance's
    files, the collectivité, the members and the template. Only the keys: the extracts of a
    large archive weigh tens of megabytes, read at every build for the few to render."""
    seance_key = seance_keys(project, template_digest(settings, "extrait.typ.j2"))
    seances = [(files, delibs, seance_key(files)) for files, delibs in _by_seance(items)]
    keys: dict[str, tuple[Linked, ...]] = {}
    again = []
    for files, delibs, key in seances:
        found = memo.get(key)
        if found is None or any(wanted(k) for _, k in found):
            again += [(files, d) for d in delibs]
        else:
            keys[key] = found
    # planned in one call: the template's digest is read once, not once per séance
    made = {p.name: p for p in plan_extraits(project, again, settings)}
    linked: list[Linked] = []
    for _, delibs, key in seances:
        if key not in keys:
            keys[key] = tuple((d.numero, made[d.numero].key) for d in delibs)
        memo.put(key, keys[key])
        linked += keys[key]
    return linked, [p for p in made.values() if wanted(p.key)]


def planned_to_documents(
    planned: Sequence[Planned],
    settings: RenderSettings,
    texts_cache: Path | None = None,
    batch: int = 64,
) -> Iterator[Document]:
    """Typst sources, lazily: one pandoc run per batch of texts (kept in ``texts_cache``, with
    their other formats, for the site and the Word copies), then the template. As many pandoc
    runs at once as compile workers, a few batches ahead: converting the texts costs as much
    as compiling them, and one pandoc at a time left the compile workers waiting."""
    template = environment(settings).get_template("extrait.typ.j2")
    chunks = [planned[start : start + batch] for start in range(0, len(planned), batch)]
    workers = settings.workers or os.cpu_count() or 1

    def convert(chunk: Sequence[Planned]) -> list[str]:
        return markdown_to_cached([p.extrait.texte for p in chunk], "typst", texts_cache)

    with ThreadPoolExecutor(workers) as pool:
        ahead: deque[tuple[Sequence[Planned], Future[list[str]]]] = deque()
        for chunk in chunks:
            ahead.append((chunk, pool.submit(convert, chunk)))
            if len(ahead) > 2 * workers:
                yield from _sources(template, *_done(ahead.popleft()))
        while ahead:
            yield from _sources(template, *_done(ahead.popleft()))


def _done(
    item: tuple[Sequence[Planned], Future[list[str]]],
) -> tuple[Sequence[Planned], list[str]]:
    return item[0], item[1].result()


def _sources(
    template: jinja2.Template, chunk: Sequence[Planned], texts: list[str]
) -> Iterator[Document]:
    for p, texte in zip(chunk, texts, strict=True):
        source = template.render(e=dataclasses.replace(p.extrait, texte=texte))
        yield Document(p.name, p.key, source)
