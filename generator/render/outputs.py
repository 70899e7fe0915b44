"""Write the documents of a checked project: extracts (PDF, .docx, .odt) and listes (PDF).

Rendered files are kept in a cache folder under the hash of their inputs and linked into the
output folder; only what changed is rendered again. Any failure raises ``RegistreError`` with
one diagnostic per document, and the caller leaves the previous outputs in place.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from generator.atomic import Tree, write_bytes
from generator.cache import Memo, code_version, seance_keys
from generator.diagnostics import Diagnostic, Loc, RegistreError, error
from generator.model import Deliberation, Project
from generator.render.context import Extrait, seance_to_liste
from generator.render.markdown import markdown_to_cached
from generator.render.office import extrait_to_office
from generator.render.pdf import (
    Document,
    Linked,
    Planned,
    RenderSettings,
    compile_stream,
    environment,
    input_key,
    plan_extraits,
    plan_kept,
    planned_to_documents,
    template_digest,
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Store:
    """Rendered files by input hash."""

    folder: Path
    #: Where converted texts are kept (``markdown_to_cached``): the site finds them there.
    texts: Path

    def name(self, key: str, suffix: str) -> str:
        """The kept file's path, as a string: a build asks for ~100,000 of them at 10,000
        délibérations."""
        return f"{self.folder}/{key[:2]}/{key}{suffix}"

    @cached_property
    def _inodes(self) -> dict[str, int]:
        """The kept files (name → inode), from one listing of the folder: a build asks
        whether ~60,000 of them are there at 10,000 délibérations (a ``stat`` each), and
        their inodes save ``sync_tree`` another ``stat`` each."""
        inodes: dict[str, int] = {}
        try:
            tops = os.scandir(self.folder)
        except FileNotFoundError:
            return inodes
        with tops:
            for top in tops:
                if top.is_dir(follow_symlinks=False):
                    with os.scandir(top.path) as entries:
                        inodes |= {e.path: e.inode() for e in entries}
        return inodes

    def __reduce__(self) -> tuple[type[Store], tuple[Path, Path]]:
        """A worker process gets the folders, not this process's listing of the store (tens
        of thousands of names, sent with every task of the Word/ODT copies)."""
        return (Store, (self.folder, self.texts))

    def relist(self) -> None:
        """Forget the listing, after other processes wrote into the store (the Word/ODT
        workers): the next question lists it again."""
        self.__dict__.pop("_inodes", None)

    def has(self, key: str, suffix: str) -> bool:
        return self.name(key, suffix) in self._inodes

    def inode(self, key: str, suffix: str) -> int | None:
        """The kept file's inode, if it is there."""
        return self._inodes.get(self.name(key, suffix))

    def put(self, key: str, suffix: str, data: bytes) -> None:
        name = self.name(key, suffix)
        written = write_bytes(Path(name), data)
        if "_inodes" in self.__dict__:  # listed already (a worker process never lists it)
            self._inodes[name] = written.st_ino


@contextmanager
def store_for(cache_dir: Path | None) -> Iterator[Store]:
    """The cache's store, or a throw-away one for ``--no-cache``."""
    if cache_dir is not None:
        yield Store(cache_dir / "documents", cache_dir)
        return
    with tempfile.TemporaryDirectory(prefix="registre-") as tmp:
        yield Store(Path(tmp) / "documents", Path(tmp))


def _failure(d: Deliberation | None, file: str, what: str, message: str) -> Diagnostic:
    loc = d.pos.at if d is not None else Loc(file)
    return error(
        "G001",
        loc,
        f"{what} : rendu impossible ({message})",
        "Le document précédent est conservé. Relancez avec --debug et signalez le problème "
        "s'il persiste.",
    )


def compile_into(
    store: Store, documents: Iterable[Document], count: int, settings: RenderSettings
) -> list[tuple[Document, str]]:
    """Compile documents into the store; the failures, with Typst's message."""
    failures = []
    for doc, pdf, message in compile_stream(documents, count, settings):
        if pdf is None:
            failures.append((doc, message))
        else:
            store.put(doc.key, ".pdf", pdf)
    return failures


def write_documents(
    project: Project,
    out: Tree,
    store: Store,
    progress: Progress,
    only: set[str] | None = None,
    settings: RenderSettings | None = None,
    plans: Memo[tuple[Linked, ...]] | None = None,
) -> None:
    """Render the extracts (and, for a whole build, the listes) into the store and link them
    into ``out`` (``extraits/``, ``listes/``); ``plans`` keeps the keys of each séance's
    extracts between builds (``plan_kept``)."""
    settings = settings or RenderSettings()
    items = [
        (files, d)
        for files in project.seances
        for d in files.deliberations
        if only is None or d.numero in only
    ]
    by_numero = {d.numero: d for _, d in items}

    def wanted(key: str) -> bool:  # a document of the extract is missing from the store
        copy = office_key(key)
        return not all(store.has(k, s) for k, s in ((key, ".pdf"), *((copy, s) for s in OFFICE)))

    if plans is None or only is not None:
        planned = plan_extraits(project, items, settings)
        linked = [(p.name, p.key) for p in planned]
    else:
        linked, planned = plan_kept(project, items, settings, plans, wanted)
    todo = [p for p in planned if not store.has(p.key, ".pdf")]
    progress(f"Extraits PDF ({len(todo)} à produire sur {len(linked)})")
    failures = [
        _failure(by_numero.get(doc.name), doc.name, f"extrait {doc.name}", message)
        for doc, message in compile_into(
            store, planned_to_documents(todo, settings, store.texts), len(todo), settings
        )
    ]
    if failures:
        raise RegistreError(failures)
    for name, key in linked:
        out.link(f"extraits/{name}.pdf", store.name(key, ".pdf"), store.inode(key, ".pdf"))
    write_office(linked, planned, out, store, settings, progress)
    if only is None:
        progress("Listes des délibérations")
        _write_listes(project, out, store, settings)


#: Word and ODT copies written by one task of the worker pool.
OFFICE_CHUNK = 200


def _office_job(store: Store, todo: Sequence[tuple[str, str, Extrait]]) -> None:
    """Write these copies into the store (in a worker process when there are many)."""
    texts = list(dict.fromkeys(e.texte for _, _, e in todo))  # each once, not per format
    converted = dict(zip(texts, markdown_to_cached(texts, "json", store.texts), strict=True))
    for key, suffix, extrait in todo:
        store.put(key, suffix, extrait_to_office(extrait, converted[extrait.texte], suffix[1:]))


#: The copies of each extract for a word processor.
OFFICE = (".docx", ".odt")


def office_key(key: str) -> str:
    """The key of an extract's copies, from its PDF's (which covers the extract and the
    code, office.py included)."""
    return hashlib.sha256(f"office\0{key}".encode()).hexdigest()


def write_office(
    linked: Sequence[Linked],
    planned: Sequence[Planned],
    out: Tree,
    store: Store,
    settings: RenderSettings,
    progress: Progress = lambda _: None,
) -> None:
    """The Word and OpenDocument copies of the extracts (``extrait_to_office``): those of
    ``planned`` missing from the store are written, from the texts' pandoc JSON that the
    PDFs' conversion kept in the store (above the pool threshold, by one process per core:
    ~2 ms of Python a file, 40 s on one core for a 10,000-délibération archive); those of
    ``linked`` are linked into ``out``."""
    todo: list[tuple[str, str, Extrait]] = []
    for p in planned:
        key = office_key(p.key)
        todo += ((key, suffix, p.extrait) for suffix in OFFICE if not store.has(key, suffix))
    progress(
        f"Copies Word et OpenDocument ({len(todo)} à produire sur {len(OFFICE) * len(linked)})"
    )
    for name, pdf in linked:
        key = office_key(pdf)
        for suffix in OFFICE:
            out.link(f"extraits/{name}{suffix}", store.name(key, suffix), store.inode(key, suffix))
    if len(todo) < settings.pool_threshold or settings.workers == 1:
        _office_job(store, todo)
    else:
        chunks = [todo[i : i + OFFICE_CHUNK] for i in range(0, len(todo), OFFICE_CHUNK)]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(settings.workers, mp_context=context) as pool:
            list(pool.map(_office_job, [store] * len(chunks), chunks))
        store.relist()


def _write_listes(project: Project, out: Tree, store: Store, settings: RenderSettings) -> None:
    """The liste of each séance; the key of each is kept in the store's folder under the key
    of the séance (its files, the collectivité, the members, the template): a build makes
    again the listes of the séances that changed only."""
    digest = template_digest(settings, "liste.typ.j2")
    template = environment(settings).get_template("liste.typ.j2")
    memo: Memo[str] = Memo.load(store.folder, "listes", code_version())
    listes_key = seance_keys(project, digest)
    documents = []
    for files in project.seances:
        seance_key = listes_key(files)
        key, source = memo.get(seance_key), ""
        if key is None or not store.has(key, ".pdf"):
            liste = seance_to_liste(project, files)
            key = input_key(digest, liste)
            source = "" if store.has(key, ".pdf") else template.render(l=liste)
        memo.put(seance_key, key)
        documents.append((files, Document(files.dossier, key, source)))
    todo = [doc for _, doc in documents if doc.source]
    failures = compile_into(store, todo, len(todo), settings)
    if failures:
        raise RegistreError(
            [_failure(None, doc.name, f"liste de la séance {doc.name}", m) for doc, m in failures]
        )
    memo.save()
    for _, doc in documents:
        out.link(
            f"listes/{doc.name}.pdf", store.name(doc.key, ".pdf"), store.inode(doc.key, ".pdf")
        )
