"""The library's front door: check a content folder, build its outputs.

The CLI is a thin layer over these functions; tests and other tools call them directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from generator.atomic import Busy, Tree, exclusive, replace_dirs
from generator.cache import Cache, Memo, code_version, known_key, release_freed_memory
from generator.diagnostics import Diagnostic, Loc, RegistreError, Severity, error, has_errors
from generator.export.actes import default_state_file, export_actes
from generator.export.opendata import export_json
from generator.export.scdl import export_scdl
from generator.jsonschema import write_schemas
from generator.load import load_project
from generator.model import Project, SeanceFiles
from generator.public import public_project
from generator.render.outputs import Store, store_for, write_documents
from generator.render.pdf import Linked, RenderSettings
from generator.rules import SeanceRules, check_project
from generator.site.build import build_site

#: Called with a short French description of each step, for progress display.
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


#: Warnings of ``check`` that are errors for the commands that write outputs: a délibération
#: still holding ``registre new``'s template would be published and transmitted as is.
BLOCK_OUTPUTS = frozenset({"R116"})


def refusals(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """What forbids writing outputs: the errors, and the warnings of ``BLOCK_OUTPUTS`` made
    errors, in their order."""
    return [
        replace(d, severity=Severity.ERROR) if d.code in BLOCK_OUTPUTS else d
        for d in diagnostics
        if d.severity is Severity.ERROR or d.code in BLOCK_OUTPUTS
    ]


@dataclass(frozen=True)
class CheckResult:
    project: Project | None
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return self.project is not None and not has_errors(self.diagnostics)

    def refused(self) -> RegistreError | None:
        """Why outputs cannot be written from this result (``refusals``), or None."""
        blocking = refusals(self.diagnostics)
        if self.project is None or blocking:
            return RegistreError(blocking)
        return None

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)


def default_cache_dir() -> Path:
    """The cache lives where registre is run (the project's root), never inside content."""
    return Path(".registre-cache")


def check(
    content: Path,
    *,
    today: dt.date | None = None,
    cache_dir: Path | None = None,
    progress: Progress = _quiet,
) -> CheckResult:
    """Load and check every file of ``content``; nothing is written but the cache."""
    if not content.is_dir():
        raise FileNotFoundError(content)
    cache = Cache(cache_dir) if cache_dir is not None else None
    progress("Lecture des fichiers")
    project, diagnostics = load_project(content, cache)
    if project is not None:
        progress("Vérification des règles")
        day = today or dt.date.today()
        memo: Memo[list[Diagnostic]] | None = None
        kept = None
        if cache_dir is not None:
            memo = Memo.load(cache_dir, "regles", code_version())
            # positions included: a séance's diagnostics may point into these files too
            roster = pickle.dumps((project.collectivite, project.membres))
            kept = _kept_rules(memo, f"{day}|{content}|{hashlib.sha256(roster).hexdigest()}")
        diagnostics += check_project(
            project, day, os.path.isfile, str(content), os.path.realpath, kept
        )
        if memo is not None:
            memo.save()
    if cache is not None:
        cache.save()
    diagnostics.sort(key=Diagnostic.sort_key)
    return CheckResult(project, diagnostics)


def _kept_rules(memo: Memo[list[Diagnostic]], common: str) -> SeanceRules:
    """A séance's diagnostics from ``memo`` when its key is there, under the key of its files
    (positions included: the diagnostics point into them), of ``common`` (the day, the content
    folder, the collectivité and the members) and of its annexes on disk."""

    def key(files: SeanceFiles) -> str | None:
        known = known_key(files)
        if known is None:
            return None
        annexes = sorted(
            os.path.normpath(os.path.join(os.path.dirname(d.pos.at.file), a.fichier))
            for d in files.deliberations
            for a in d.annexes
        )
        state = "|".join(f"{a}={os.path.isfile(a)}:{os.path.realpath(a)}" for a in annexes)
        return hashlib.sha256(f"{common}|{known}|{state}".encode()).hexdigest()

    def kept(files: SeanceFiles, compute: Callable[[], list[Diagnostic]]) -> list[Diagnostic]:
        k = key(files)
        return compute() if k is None else memo.get_or_make(k, compute)

    return kept


def build(
    content: Path,
    out: Path,
    *,
    today: dt.date | None = None,
    cache_dir: Path | None = None,
    progress: Progress = _quiet,
    settings: RenderSettings | None = None,
) -> CheckResult:
    """Check, then write the public site into ``out`` and the official documents beside it
    (``officiel/``); raise RegistreError on errors (``CheckResult.refused``), with nothing
    written."""
    result = check(content, today=today, cache_dir=cache_dir, progress=progress)
    refused = result.refused()
    if refused is not None:
        raise refused
    project = result.project
    assert project is not None

    public = public_project(project)
    # the extracts of each séance, public and official, kept between builds
    plans: Memo[tuple[Linked, ...]] | None = None
    if cache_dir is not None:
        plans = Memo.load(cache_dir / "documents", "plans", code_version())

    def fill_site(staging: Path, tree: Tree) -> None:
        write_public_documents(public, tree, staging, store, progress, settings, plans)
        if plans is not None:  # the official extracts came first: free the memo for the site
            plans.save()
        release_freed_memory()
        progress("Site public")
        build_site(public, tree, cache=store.texts)
        progress("Schémas JSON du format")
        write_schemas(staging / "schemas")

    def fill_official(staging: Path, tree: Tree) -> None:
        progress("Extraits officiels")
        write_documents(project, tree, store, progress, settings=settings, plans=plans)
        if project.collectivite.actes is not None:
            export_actes(
                project,
                staging / "actes",
                today=today or dt.date.today(),
                state=default_state_file(content),
                extraits={
                    path.removeprefix("extraits/").removesuffix(".pdf"): Path(source)
                    for path, (source, _) in tree.files.items()
                    if path.startswith("extraits/") and path.endswith(".pdf")
                },
                progress=progress,
            )
        report = {
            "collectivite": project.collectivite.nom,
            "seances": len(project.seances),
            "deliberations": sum(len(s.deliberations) for s in project.seances),
            "diagnostics": [d.to_json() for d in result.diagnostics],
        }
        (staging / "verification.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    # the outputs are links to the store's files: it outlives the build with --no-cache too
    with _locked(out), store_for(cache_dir) as store:
        replace_dirs([(official_dir(out), fill_official), (out, fill_site)])
    return result


def write_public_documents(
    public: Project,
    tree: Tree,
    folder: Path,
    store: Store,
    progress: Progress,
    settings: RenderSettings | None = None,
    plans: Memo[tuple[Linked, ...]] | None = None,
) -> None:
    """What the site publishes beside its pages: extracts and listes (linked into ``tree``),
    open data (written into ``folder/donnees`` and added to ``tree``)."""
    write_documents(public, tree, store, progress, settings=settings, plans=plans)
    progress("Données ouvertes (SCDL, JSON)")
    export_scdl(public, folder / "donnees", cache=store.folder / "donnees")
    export_json(public, folder / "donnees", cache=store.folder / "donnees")
    tree.add_folder(folder / "donnees", "donnees")


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """One build at a time writes beside ``out``."""
    try:
        with exclusive(out.parent):
            yield
    except Busy as exc:
        raise RegistreError(
            [
                error(
                    "G003",
                    Loc(str(out)),
                    str(exc),
                    "Relancez la commande quand l'autre sera terminée ; rien n'a été écrit.",
                )
            ]
        ) from None


def official_dir(site: Path) -> Path:
    """Where the official (not occulted) documents go: ``officiel/`` beside ``site/``."""
    return site.with_name("officiel")


def render_some(
    content: Path,
    out: Path,
    numeros: set[str],
    *,
    today: dt.date | None = None,
    cache_dir: Path | None = None,
    progress: Progress = _quiet,
    settings: RenderSettings | None = None,
) -> list[Path]:
    """Check, then (re)write the extracts of a few délibérations in place: the public ones in
    ``out``, the official ones in ``officiel/`` beside it."""
    result = check(content, today=today, cache_dir=cache_dir, progress=progress)
    refused = result.refused()
    if refused is not None:
        raise refused
    project = result.project
    assert project is not None
    known = {d.numero for s in project.seances for d in s.deliberations}
    unknown = sorted(numeros - known)
    if unknown:
        raise RegistreError(
            [
                error(
                    "G002",
                    Loc(str(content)),
                    f"délibération inconnue : {', '.join(unknown)}",
                    "Donnez le numéro tel qu'il est écrit dans « numero: » (ex. 2024_014).",
                )
            ]
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        return _render_into(project, out, numeros, cache_dir, progress, settings)


def _render_into(
    project: Project,
    out: Path,
    numeros: set[str],
    cache_dir: Path | None,
    progress: Progress,
    settings: RenderSettings | None,
) -> list[Path]:
    """The public extracts into ``out``, the official ones into ``officiel/``."""
    final = []
    for variant, folder in ((public_project(project), out), (project, official_dir(out))):
        tree = Tree()
        with store_for(cache_dir) as store, tempfile.TemporaryDirectory(dir=out.parent) as tmp:
            write_documents(variant, tree, store, progress, only=numeros, settings=settings)
            for path in tree.write_into(Path(tmp)):
                target = folder / path.relative_to(tmp)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
                final.append(target)
    return final
