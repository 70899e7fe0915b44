"""``content/`` → the model, with every problem as a located diagnostic.

Reading is split in two: ``text_to_model`` is pure (text in, model and diagnostics out) and is
what the cache memoizes by content hash; ``load_project`` walks the folder, reads the files and
assembles the ``Project``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from generator.cache import Cache, remember_key
from generator.depth import MAX_DEPTH, nesting_bound, too_deep
from generator.diagnostics import Diagnostic, Loc, error
from generator.files import discover, read_inside
from generator.model import (
    Collectivite,
    Deliberation,
    Membres,
    Project,
    Seance,
    SeanceFiles,
)
from generator.schema import INVALID, NodeReader

T = TypeVar("T")

#: Below this many files, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 400

#: A tab in the indentation: libyaml says so, or that a character « cannot start any token ».
TABULATION = (
    "tabulation dans l'indentation : YAML n'accepte que des espaces pour indenter",
    "Remplacez les tabulations du début de la ligne par des espaces, en l'alignant sur les "
    "autres lignes du même bloc ; réglez l'éditeur pour qu'il écrive des espaces quand on "
    "appuie sur la touche Tab.",
)

_YAML_PROBLEMS = {
    "mapping values are not allowed in this context": (
        "« : » inattendu",
        "Une valeur qui contient « : » doit être mise entre guillemets ; sinon vérifiez "
        "l'indentation de la ligne.",
    ),
    "could not find expected ':'": (
        "il manque « : » après une clé",
        "Écrivez « clé: valeur » ; une valeur sur plusieurs lignes s'écrit après « | ».",
    ),
    "did not find expected key": (
        "indentation incohérente : une clé était attendue ici",
        "Alignez cette ligne sur les autres clés du même bloc (espaces, pas de tabulation).",
    ),
    "did not find expected '-' indicator": (
        "indentation incohérente dans une liste",
        "Les éléments d'une liste commencent par « - » et sont alignés les uns sous les autres.",
    ),
    "found a tab character that violates indentation": TABULATION,
    "found character that cannot start any token": (
        "caractère qui ne peut pas commencer une valeur",
        "Mettez la valeur entre guillemets (les valeurs qui commencent par @, ` ou % doivent "
        "l'être).",
    ),
    "found unexpected end of stream": (
        "fin de fichier inattendue : un guillemet ou un crochet n'est pas refermé",
        "Refermez la chaîne ou la liste ouverte plus haut.",
    ),
    "found undefined alias": (
        "alias YAML (*) inconnu",
        "Les alias ne sont pas acceptés : écrivez la valeur elle-même.",
    ),
    "did not find expected ','": (
        "liste ou dictionnaire entre crochets non refermé",
        "Refermez avec « ] » ou « } », ou écrivez la liste une valeur par ligne.",
    ),
    "but found another document": (
        "le fichier contient plusieurs documents YAML (« --- »)",
        "Un fichier ne décrit qu'une séance ou qu'une délibération : retirez le « --- » "
        "et ce qui suit, ou faites-en un autre fichier.",
    ),
}


_OPENING_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s#'"][^#'"]*?:\s+)?(["'])""")


def unclosed_quote(lines: list[str]) -> tuple[int, int] | None:
    """The first line whose value opens a quote it does not close: (line, column), 1-based.

    libyaml reads a quoted scalar across lines until the next matching quote, and reports
    the error far below; the opening quote is what the secretariat must fix.
    """
    for number, line in enumerate(lines, start=1):
        m = _OPENING_QUOTE.match(line)
        if m is None:
            continue
        quote, rest = m[1], line[m.end() :]
        if quote == '"':
            closed = re.search(r'(?<!\\)"', rest) is not None
        else:
            closed = "'" in rest.replace("''", "")
        if not closed:
            return number, m.start(1) + 1
    return None


def _line(text: str, index: int) -> str:
    """Line ``index`` (0-based) of ``text``, empty past its end."""
    lines = text.splitlines()
    return lines[index] if index < len(lines) else ""


def tab_indented(line: str, column: int) -> bool:
    """Whether the 0-based ``column`` of ``line`` is within its indentation, and that
    indentation holds a tab."""
    indentation = line[: len(line) - len(line.lstrip(" \t"))]
    return column <= len(indentation) and "\t" in indentation


def yaml_error_to_diagnostic(exc: MarkedYAMLError, text: str, file: str) -> Diagnostic:
    """A French diagnostic at the place to fix, for a YAML syntax error."""
    problem = str(exc.problem or exc.context or "")
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 0
    quote = unclosed_quote(text.splitlines()[:line]) if line else None
    if quote is not None:
        return error(
            "S001",
            Loc(file, *quote),
            "guillemet ouvert sur cette ligne et jamais refermé",
            "Refermez le guillemet à la fin de la valeur, ou retirez-le.",
        )
    if problem.startswith("did not find expected ','") and exc.context_mark is not None:
        mark = exc.context_mark  # where the unclosed [ or { was opened
    loc = Loc(file, mark.line + 1, mark.column + 1) if mark is not None else Loc(file)
    if mark is not None and tab_indented(_line(text, mark.line), mark.column):
        return error("S001", loc, *TABULATION)
    message, hint = next(
        ((fr, h) for en, (fr, h) in _YAML_PROBLEMS.items() if en in problem),
        (
            f"syntaxe YAML incorrecte ({problem})",
            "Vérifiez l'indentation et les guillemets autour de cette position.",
        ),
    )
    return error("S001", loc, message, hint)


def _alias_locs(text: str, file: str) -> list[Loc]:
    """Where aliases (*name) are used; parsed again only when the reader met one."""
    return [
        Loc(file, event.start_mark.line + 1, event.start_mark.column + 1)
        for event in YAML(typ="safe", pure=False).parse(text)
        if isinstance(event, AliasEvent)
    ]


class _TaglessResolver(VersionedResolver):
    """Skips YAML's implicit typing of scalars: ``schema.py`` types values from the model, and
    the regular expressions the resolver tries on every scalar were half of composing time.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            return self.DEFAULT_SCALAR_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


@functools.cache
def _composer() -> YAML:
    """One C composer per process (building one costs as much as composing a small file)."""
    yaml = YAML(typ="safe", pure=False)
    yaml.Resolver = _TaglessResolver
    return yaml


def text_to_model(text: str, file: str, cls: type[T]) -> tuple[T | None, list[Diagnostic]]:
    """Parse one file's text as ``cls``; pure, so its result can be cached by content."""
    try:
        if (
            nesting_bound(text) > MAX_DEPTH
            and (deep := too_deep(_composer().parse(text), file)) is not None
        ):
            return None, [deep]
        node = _composer().compose(text)
    except MarkedYAMLError as exc:
        return None, [yaml_error_to_diagnostic(exc, text, file)]
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return None, [
            error(
                "S009",
                Loc(file, line, col),
                f"caractère interdit dans un fichier YAML (code {exc.character:#06x})",
                "Retirez ce caractère invisible (souvent collé depuis un autre logiciel).",
            )
        ]
    if node is None:
        return None, [
            error("S007", Loc(file, 1, 1), "le fichier est vide", "Complétez-le ou supprimez-le.")
        ]
    reader = NodeReader(file)
    value = reader.read(node, cls, Path(file).name)
    diagnostics = reader.diagnostics
    if any(d.code == "S006" for d in diagnostics):
        aliases = iter(_alias_locs(text, file))
        diagnostics = [
            dataclasses.replace(d, loc=next(aliases, d.loc)) if d.code == "S006" else d
            for d in diagnostics
        ]
    return (None if value is INVALID else value), diagnostics


@dataclass(frozen=True)
class _Job:
    file: str
    digest: str
    kind: str
    text: str


_KINDS: dict[str, type[Any]] = {
    "collectivite": Collectivite,
    "membres": Membres,
    "seance": Seance,
    "deliberation": Deliberation,
}

Parsed = tuple[Any, list[Diagnostic]]


def _parse_job(job: _Job) -> Parsed:
    return text_to_model(job.text, job.file, _KINDS[job.kind])


def _read_text(path: Path, file: str, root: str) -> tuple[str | None, bytes, list[Diagnostic]]:
    """A file's text, read inside ``root`` (see ``files.read_inside``), or why it was not."""
    read = read_inside(path, file, root)
    if read.data is None:
        return None, b"", [read.problem] if read.problem is not None else []
    data = read.data
    try:
        return data.decode("utf-8"), data, []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return (
            None,
            data,
            [
                error(
                    "S009",
                    Loc(file, line, 1),
                    "le fichier n'est pas encodé en UTF-8",
                    "Enregistrez-le en UTF-8 depuis votre éditeur.",
                )
            ],
        )


def load_project(
    content: Path, cache: Cache | None = None, workers: int | None = None
) -> tuple[Project | None, list[Diagnostic]]:
    """Read every file of ``content/``; the project is None when a file it needs is unusable."""
    files, diagnostics = discover(content)
    root = os.path.realpath(content)
    jobs: list[_Job] = []
    parsed: dict[str, Parsed] = {}
    digests: dict[str, str] = {}
    read_at = time.time_ns()
    for path, kind in files.all():
        file = str(path)
        if file in files.refused:
            continue
        try:
            status: os.stat_result | None = os.stat(file)
        except FileNotFoundError:
            what, hint = {
                "collectivite": (
                    "la description de la collectivité",
                    "Créez-le d'après l'exemple complet de docs/format.md (nom, SIREN, "
                    "département, population, signataire…).",
                ),
                "membres": (
                    "la liste des membres",
                    "Créez-le d'après l'exemple de docs/format.md : une entrée par membre, "
                    "avec son identifiant.",
                ),
            }.get(
                kind,
                (
                    "la description de la séance",
                    "Chaque dossier de seances/ décrit une séance dans seance.yml : créez-le "
                    "(voir docs/format.md), ou retirez ce dossier.",
                ),
            )
            diagnostics.append(error("S010", Loc(file), f"fichier manquant : {what}", hint))
            continue
        except OSError:
            status = None  # reported by _read_text
        if cache is not None and status is not None:
            found = cache.lookup(file, status)
            if found is not None:  # unchanged since it was read: not read again
                digests[file], parsed[file] = found
                continue
        text, data, problems = _read_text(path, file, root)
        diagnostics.extend(problems)
        if text is None:
            continue
        digest = hashlib.sha256(kind.encode() + file.encode() + b"\0" + data).hexdigest()
        digests[file] = digest
        if cache is not None and status is not None:
            cache.remember(file, status, digest, read_at)
        jobs.append(_Job(file, digest, kind, text))

    todo = []
    for job in jobs:
        hit = cache.get(job.digest) if cache is not None else None
        if hit is not None:
            parsed[job.file] = hit
        else:
            todo.append(job)
    if len(todo) >= PARALLEL_THRESHOLD and (workers or os.cpu_count() or 1) > 1:
        # spawn, not fork: a forked child of a process that used Typst hangs
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
            results = list(pool.map(_parse_job, todo, chunksize=64))
    else:
        results = [_parse_job(job) for job in todo]
    for job, result in zip(todo, results, strict=True):
        parsed[job.file] = result
        if cache is not None:
            cache.put(job.digest, result)
    for path, _ in files.all():  # in the files' order, read or not
        found = parsed.get(str(path))
        if found is not None:
            diagnostics.extend(found[1])

    def model(path: Path) -> Any:
        result = parsed.get(str(path))
        return result[0] if result is not None else None

    collectivite = model(files.collectivite)
    membres = model(files.membres)
    seances = []
    for seance_path, delib_paths in files.seances:
        seance = model(seance_path)
        delibs = tuple(d for d in (model(p) for p in delib_paths) if d is not None)
        if seance is not None:
            made = SeanceFiles(seance_path.parent.name, seance, delibs)
            key = "\0".join(digests.get(str(p), "") for p in (seance_path, *delib_paths))
            remember_key(made, hashlib.sha256(key.encode()).hexdigest())
            seances.append(made)
    if collectivite is None or membres is None:
        return None, diagnostics
    return Project(collectivite, membres.membres, tuple(seances)), diagnostics
