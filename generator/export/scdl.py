"""Open data: the SCDL « Délibérations » 2.1.5 CSV (DESIGN.md §4), validated before it is written.

The CSV (UTF-8, comma, the schema's 17 columns in order) is checked by frictionless against the
schema shipped in ``data/``, and by the schema's ``custom_checks`` (SIRET checksum, vote sums,
dates, cohesive columns, ACTES nomenclature…), implemented here as frictionless checks and
instantiated from the schema's own list, with its parameters. Any error is reported against the
YAML value the cell comes from, and nothing is written. Every rule bears on one line, so a line
validated by a previous build (same text, same code, schema and frictionless) is not validated
again: after an edit, only the changed lines are.

SCDL counts abstentions in ``VOTE_REEL`` and has no column for NPPV or procurations: the JSON
export (``opendata.py``) has them.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata
import io
import itertools
import json
import operator
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs
from frictionless import Check, Checklist, Error, Resource, Row, Schema
from frictionless.errors import CellError
from frictionless.formats import CsvControl

from generator.atomic import write_text
from generator.cache import Memo, code_version, seance_keys
from generator.diagnostics import Diagnostic, Loc, RegistreError, error
from generator.export.actes import Nomenclature, collectivite_to_nomenclature, matiere_to_codes
from generator.model import MATIERES_NIVEAU_1, Deliberation, Project, SeanceFiles
from generator.presence import PointPresence, seance_to_presence
from generator.public import public_project
from generator.rules import luhn_ok
from generator.votes import vote_to_figures

SCHEMA = Path(__file__).resolve().parent / "data" / "scdl-deliberations-2.1.5.json"
FILE_NAME = "deliberations.csv"

#: La Poste's establishments share one SIREN whose SIRETs follow another checksum.
SIREN_LA_POSTE = "356000000"


@functools.cache
def scdl_descriptor() -> dict[str, Any]:
    """The schema, without its remote ``path``, which frictionless would refuse as unsafe."""
    descriptor: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    descriptor.pop("path", None)
    return descriptor


def columns() -> list[str]:
    return [f["name"] for f in scdl_descriptor()["fields"]]


# --- The schema's custom checks ------------------------------------------------------------------


@attrs.define(kw_only=True, repr=False)
class CustomCheckError(CellError):
    type = "scdl-custom-check"
    title = "Contrôle du schéma SCDL"
    description = "Une valeur ne respecte pas un contrôle propre au schéma SCDL."
    template = "{note}"


@attrs.define(kw_only=True, repr=False)
class CustomCheck(Check):
    """A check of the schema's ``custom_checks``: its errors are ``CustomCheckError``s."""

    Errors: ClassVar[list[type[Error]]] = [CustomCheckError]


def _filled(value: object) -> bool:
    return value is not None and value != ""


def _plain(text: str) -> str:
    """Lower case, no accents: « Libertés » and « LIBERTES » compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


#: The level-1 matières of the ACTES nomenclature, as ``_plain`` compares them.
NIVEAU_1_PLAIN = frozenset(_plain(name) for name in MATIERES_NIVEAU_1.values())


def siret_ok(siret: str) -> bool:
    """14 digits with the Luhn key; La Poste's SIRETs sum to a multiple of 5 instead."""
    if not re.fullmatch(r"\d{14}", siret):
        return False
    if siret.startswith(SIREN_LA_POSTE):
        return sum(int(ch) for ch in siret) % 5 == 0
    return luhn_ok(siret)


@attrs.define(kw_only=True, repr=False)
class FrenchSiretValue(CustomCheck):
    type = "french-siret-value"
    column: str

    def validate_row(self, row: Row) -> Iterable[Error]:
        value = row[self.column]
        if _filled(value) and not siret_ok(str(value)):
            note = f"« {value} » n'est pas un numéro SIRET valide (14 chiffres, clé de Luhn)"
            yield CustomCheckError.from_row(row, note=note, field_name=self.column)


@attrs.define(kw_only=True, repr=False)
class YearIntervalValue(CustomCheck):
    type = "year-interval-value"
    column: str
    allow_year_only: str = "no"

    def validate_row(self, row: Row) -> Iterable[Error]:
        value = row[self.column]
        if not _filled(value):
            return
        text = str(value)
        interval = re.fullmatch(r"(\d{4})/(\d{4})", text)
        if re.fullmatch(r"\d{4}", text):
            if self.allow_year_only != "yes":
                note = f"« {text} » : une période « AAAA/AAAA » est attendue"
                yield CustomCheckError.from_row(row, note=note, field_name=self.column)
        elif interval is None or int(interval[1]) >= int(interval[2]):
            note = f"« {text} » n'est ni une année, ni une période « AAAA/AAAA » croissante"
            yield CustomCheckError.from_row(row, note=note, field_name=self.column)


@attrs.define(kw_only=True, repr=False)
class CohesiveColumnsValue(CustomCheck):
    type = "cohesive-columns-value"
    column: str
    othercolumns: list[str]

    def validate_row(self, row: Row) -> Iterable[Error]:
        names = [self.column, *self.othercolumns]
        empty = [name for name in names if not _filled(row[name])]
        if empty and len(empty) < len(names):
            note = (
                f"les colonnes {', '.join(names)} sont toutes remplies ou toutes vides ; "
                f"vides : {', '.join(empty)}"
            )
            yield CustomCheckError.from_row(row, note=note, field_name=empty[0])


COMPARISONS: Mapping[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@attrs.define(kw_only=True, repr=False)
class CompareColumnsValue(CustomCheck):
    type = "compare-columns-value"
    column: str
    op: str
    column2: str

    def validate_row(self, row: Row) -> Iterable[Error]:
        left, right = row[self.column], row[self.column2]
        if _filled(left) and _filled(right) and not COMPARISONS[self.op](left, right):
            note = f"{self.column} ({left}) devrait être {self.op} {self.column2} ({right})"
            yield CustomCheckError.from_row(row, note=note, field_name=self.column)


@attrs.define(kw_only=True, repr=False)
class SumColumnsValue(CustomCheck):
    type = "sum-columns-value"
    column: str
    columns: list[str]

    def validate_row(self, row: Row) -> Iterable[Error]:
        total, parts = row[self.column], [row[name] for name in self.columns]
        if _filled(total) and all(_filled(p) for p in parts) and total != sum(parts):
            note = f"{self.column} ({total}) ≠ {' + '.join(self.columns)} ({sum(parts)})"
            yield CustomCheckError.from_row(row, note=note, field_name=self.column)


@attrs.define(kw_only=True, repr=False)
class NomenclatureActesValue(CustomCheck):
    type = "nomenclature-actes-value"
    column: str

    def validate_row(self, row: Row) -> Iterable[Error]:
        value = row[self.column]
        if not _filled(value):
            return
        text = str(value)
        if "/" not in text:
            note = f"« {text} » : la barre oblique « / » entre les deux niveaux manque"
            yield CustomCheckError.from_row(row, note=note, field_name=self.column)
        elif _plain(text.split("/", 1)[0]) not in NIVEAU_1_PLAIN:
            niveau_1 = text.split("/", 1)[0]
            note = f"« {niveau_1} » n'est pas une matière de niveau 1 de la nomenclature ACTES"
            yield CustomCheckError.from_row(row, note=note, field_name=self.column)


CUSTOM_CHECKS: Mapping[str, type[CustomCheck]] = {
    cls.type: cls
    for cls in (
        FrenchSiretValue,
        YearIntervalValue,
        CohesiveColumnsValue,
        CompareColumnsValue,
        SumColumnsValue,
        NomenclatureActesValue,
    )
}


def descriptor_to_checks(descriptor: Mapping[str, Any]) -> list[Check]:
    """The schema's ``custom_checks``, each with its parameters (``allow-year-only`` →
    ``allow_year_only``); one the code does not know is an error, never skipped."""
    checks: list[Check] = []
    for spec in descriptor.get("custom_checks", []):
        params = {key.replace("-", "_"): value for key, value in spec["params"].items()}
        checks.append(CUSTOM_CHECKS[spec["name"]](**params))
    return checks


# --- Validation ----------------------------------------------------------------------------------


def csv_problems(path: Path, control: CsvControl | None = None) -> list[tuple[int, str, str]]:
    """(row number, column, message) for each error frictionless finds; row 1 is the header.
    Without ``control``, frictionless guesses the dialect from the first lines."""
    descriptor = scdl_descriptor()
    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        schema=Schema.from_descriptor(descriptor),
        format="csv",
        encoding="utf-8",
        control=control,
    )
    report = resource.validate(Checklist(checks=descriptor_to_checks(descriptor)))
    return [
        (int(row or 0), str(field or ""), str(note or message))
        for row, field, note, message in report.flatten(
            ["rowNumber", "fieldName", "note", "message"]
        )
    ]


def validate_scdl(path: Path) -> list[Diagnostic]:
    """Any SCDL « Délibérations » CSV, checked; diagnostics located at ``file:row``."""
    return [
        error(
            "T630",
            Loc(str(path), row),
            f"données ouvertes (SCDL) : {f'colonne {column} : ' if column else ''}{message}",
            "Le fichier ne respecte pas le schéma SCDL « Délibérations » 2.1.5.",
        )
        for row, column, message in csv_problems(path)
    ]


# --- Export --------------------------------------------------------------------------------------


def matiere_nom(nomenclature: Nomenclature, matiere: str) -> str | None:
    """« finances locales/decisions budgetaires »: levels 1 and 2, lower case, without commas or
    parentheses (SCDL); None when the code is not in the nomenclature."""
    codes = matiere_to_codes(matiere)
    niveau_2 = nomenclature.matieres.get(".".join(map(str, codes[:2])))
    if len(codes) < 2 or niveau_2 is None:
        return None
    text = f"{MATIERES_NIVEAU_1[str(codes[0])]}/{niveau_2}"
    return " ".join(re.sub(r"[,()]", " ", text.lower()).split()).replace(" /", "/")


def deliberation_to_row(
    project: Project, files: SeanceFiles, d: Deliberation, point: PointPresence | None, matiere: str
) -> dict[str, str]:
    """One line of the CSV; vote columns are left empty for an election (no pour/contre)."""
    c = project.collectivite
    row = {
        "COLL_NOM": c.nom,
        "COLL_SIRET": c.siret,
        "DELIB_ID": d.numero,
        "DELIB_DATE": files.seance.date.isoformat(),
        "DELIB_MATIERE_CODE": ".".join(d.matiere.split(".")[:2]),
        "DELIB_MATIERE_NOM": matiere,
        "DELIB_OBJET": " ".join(d.objet.split()),
        "BUDGET_ANNEE": str(d.budget.annee) if d.budget and d.budget.annee else "",
        "BUDGET_NOM": (d.budget.nom or "") if d.budget else "",
        "PREF_ID": f"PREF{c.departement}" if d.prefecture else "",
        "PREF_DATE": d.prefecture.date_reception.isoformat() if d.prefecture else "",
        "DELIB_URL": f"{c.url.rstrip('/')}/extraits/{d.numero}.pdf" if c.url else "",
    }
    if point is not None and not d.vote.candidats:
        f = vote_to_figures(d.vote, point.votants)
        row |= {
            "VOTE_EFFECTIF": str(point.en_exercice),
            "VOTE_REEL": str(f.pour + f.contre + f.abstention),
            "VOTE_POUR": str(f.pour),
            "VOTE_CONTRE": str(f.contre),
            "VOTE_ABSTENTION": str(f.abstention),
        }
    return row


def seance_to_rows(
    project: Project, files: SeanceFiles
) -> tuple[list[dict[str, str]], list[Diagnostic]]:
    """A séance's lines; a matière outside the nomenclature is an error."""
    nomenclature = collectivite_to_nomenclature(project.collectivite)
    membres = {m.id: m for m in project.membres}
    rows, problems = [], []
    presence = seance_to_presence(files.seance, membres)
    for d in files.deliberations:
        matiere = matiere_nom(nomenclature, d.matiere)
        if matiere is None:
            problems.append(
                error(
                    "T605",
                    d.pos.of("matiere"),
                    f"le code matière « {d.matiere} » n'existe pas dans la classification du "
                    f"{nomenclature.date:%d/%m/%Y}",
                    "Choisissez un code de la nomenclature @CTES de votre préfecture (deux "
                    "niveaux au moins, « 7.1 »).",
                )
            )
            continue
        rows.append(deliberation_to_row(project, files, d, presence.at(d.point), matiere))
    return rows, problems


def rows_to_lines(rows: Iterable[Mapping[str, str]]) -> list[str]:
    """The CSV's header line, then each row's line (which may hold a quoted line break)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(), lineterminator="\r\n", restval="")
    # each write returns the length of the line it wrote
    ends = list(itertools.accumulate([writer.writeheader(), *map(writer.writerow, rows)]))
    text = buffer.getvalue()
    return [text[start:end] for start, end in itertools.pairwise([0, *ends])]


def _column_loc(project: Project, files: SeanceFiles, d: Deliberation, column: str) -> Loc:
    """The YAML value a column of a délibération's line comes from."""
    c = project.collectivite
    sources: dict[str, Loc] = {
        "COLL": c.pos.of("siret" if column == "COLL_SIRET" else "nom"),
        "DELIB_ID": d.pos.of("numero"),
        "DELIB_DATE": files.seance.pos.of("date"),
        "DELIB_MATIERE": d.pos.of("matiere"),
        "DELIB_OBJET": d.pos.of("objet"),
        "DELIB_URL": c.pos.of("url"),
        "BUDGET": d.budget.pos.at if d.budget else d.pos.at,
        "PREF": d.prefecture.pos.at if d.prefecture else d.pos.at,
        "VOTE": d.vote.pos.at,
    }
    return next((loc for prefix, loc in sources.items() if column.startswith(prefix)), d.pos.at)


def _memo_version() -> str:
    """What decides whether a line is valid, besides its text: the code, frictionless, the
    schema."""
    digest = hashlib.sha256(code_version().encode())
    digest.update(importlib.metadata.version("frictionless").encode())
    digest.update(SCHEMA.read_bytes())
    return digest.hexdigest()[:16]


def export_scdl(project: Project, out: Path, cache: Path | None = None) -> Path:
    """Write ``out/deliberations.csv`` (public texts: passages to hide replaced) once
    frictionless has found nothing wrong in it. Every rule of the schema bears on one line
    (types, patterns, custom checks; no uniqueness, no primary key): with ``cache``, only the
    lines not validated by a previous export are validated again."""
    project = public_project(project)
    # each séance's lines, kept under the key of its files (their text: 0.3 s at 10,000); the
    # memo is saved only when no séance had a problem
    kept: Memo[tuple[tuple[str, ...], tuple[Diagnostic, ...]]] = Memo.load(
        cache, "scdl-lignes", code_version()
    )
    seance_key = seance_keys(project)
    header = rows_to_lines([])[0]
    lines: list[str] = []
    problems: list[Diagnostic] = []

    def make(files: SeanceFiles) -> tuple[tuple[str, ...], tuple[Diagnostic, ...]]:
        rows, wrong = seance_to_rows(project, files)
        return tuple(rows_to_lines(rows)[1:]), tuple(wrong)

    for files in project.seances:
        seance, wrong = kept.get_or_make(seance_key(files), functools.partial(make, files))
        lines += seance
        problems += wrong
    if problems:
        raise RegistreError(problems)
    kept.save()
    memo: Memo[bool] = Memo.load(cache, "scdl", _memo_version())
    new = [i for i, line in enumerate(lines) if memo.get(line) is None]
    out.mkdir(parents=True, exist_ok=True)
    if new:
        fd, tmp = tempfile.mkstemp(dir=out, prefix=".scdl-", suffix=".csv")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(header + "".join(lines[i] for i in new))
            # the dialect ``rows_to_lines`` writes, not one guessed from the first lines
            written = CsvControl(delimiter=",", quote_char='"', skip_initial_space=False)
            found = csv_problems(Path(tmp), written)
        finally:
            Path(tmp).unlink(missing_ok=True)
        if found:
            sources = [(files, d) for files in project.seances for d in files.deliberations]
            raise RegistreError([_locate(project, [sources[i] for i in new], *p) for p in found])
        for i in new:
            memo.put(lines[i], True)
    target = out / FILE_NAME
    write_text(target, header + "".join(lines))
    memo.save()
    return target


def _locate(
    project: Project,
    sources: Sequence[tuple[SeanceFiles, Deliberation]],
    row: int,
    column: str,
    message: str,
) -> Diagnostic:
    loc = project.collectivite.pos.at
    if 2 <= row <= len(sources) + 1:
        files, d = sources[row - 2]
        loc = _column_loc(project, files, d, column)
    return error(
        "T630",
        loc,
        f"données ouvertes (SCDL) : colonne {column} : {message}" if column else message,
        "La valeur est refusée par le schéma SCDL « Délibérations » 2.1.5 ; corrigez-la dans "
        "le fichier indiqué.",
    )
