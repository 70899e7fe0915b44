"""Open data: the complete JSON export and its JSON Schema.

Every field of the model, as the public may see it (``public_project``: passages to hide
replaced, and the list of those passages left out), omitted values as ``null``; plus what
Registre computes and SCDL cannot say: who was present, represented, withdrawn or absent at each
item (in the order of passage) and the full count of the vote, NPPV included. The JSON Schema is
generated from the same dataclasses, with their French documentation, and the export matches
it by construction: the converter that writes each value is made from the same type hints as the
schema, and refuses a value that is not of its declared type (T631). The tests validate the
exports of the sample and of a synthetic archive with jsonschema; a build does not, for it would
only check Registre's own code again, at ~1 ms a délibération.

The items of a séance are kept between builds under a hash of their inputs: after an edit, only
the séances that changed are converted again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import reprlib
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from generator.atomic import write_bytes, write_text
from generator.cache import Memo, code_version, seance_keys
from generator.diagnostics import Loc, RegistreError, error
from generator.model import (
    Collectivite,
    Deliberation,
    Membre,
    Project,
    Seance,
    SeanceFiles,
)
from generator.presence import PointPresence, seance_to_presence
from generator.public import public_project
from generator.votes import figures_to_resultat, vote_to_figures

FILE_NAME = "deliberations.json"
SCHEMA_NAME = "deliberations.schema.json"
FORMAT_VERSION = "1.0"


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass(frozen=True, kw_only=True)
class Pouvoir:
    mandant: str = field(metadata=_doc("Identifiant du membre absent, représenté."))
    mandataire: str = field(metadata=_doc("Identifiant du membre présent qui a voté pour lui."))


@dataclass(frozen=True, kw_only=True)
class PresencePoint:
    """Attendance at the délibération's item, computed in the séance's order of passage."""

    en_exercice: int = field(metadata=_doc("Membres en exercice à la date de la séance."))
    presents: tuple[str, ...] = field(
        metadata=_doc("Membres physiquement présents au point (suppléants qui siègent compris).")
    )
    representes: tuple[Pouvoir, ...] = field(metadata=_doc("Pouvoirs exercés au point."))
    retires: tuple[str, ...] = field(metadata=_doc("Membres sortis de la salle pour ce point."))
    absents: tuple[str, ...] = field(
        metadata=_doc(
            "Membres en exercice ni présents, ni représentés, ni remplacés par leur suppléant."
        )
    )
    votants: int = field(metadata=_doc("Présents + pouvoirs exercés."))
    quorum: int = field(
        metadata=_doc("Présents requis : plus de la moitié des membres en exercice.")
    )
    quorum_atteint: bool = field(metadata=_doc("Le quorum est-il atteint à ce point ?"))


@dataclass(frozen=True, kw_only=True)
class Decompte:
    """The count of the vote, as written or as implied by unanimity and names."""

    pour: int = field(metadata=_doc("Voix pour."))
    contre: int = field(metadata=_doc("Voix contre."))
    abstention: int = field(metadata=_doc("Abstentions."))
    nppv: int = field(metadata=_doc("Membres ne prenant pas part au vote."))
    blancs_nuls: int = field(metadata=_doc("Bulletins blancs et nuls (scrutin secret)."))
    voix_candidats: int = field(metadata=_doc("Voix obtenues par les candidats (élection)."))
    total: int = field(metadata=_doc("Somme de toutes les voix et non-participations."))
    exprimes: int = field(
        metadata=_doc("Suffrages exprimés : pour + contre (+ voix des candidats).")
    )
    resultat: Literal["adopte", "rejete"] | None = field(
        metadata=_doc("« adopte » ou « rejete » ; null pour une élection ou s'il est indécidable.")
    )


@dataclass(frozen=True, kw_only=True)
class DeliberationOuverte:
    """A délibération with what Registre computes for it."""

    seance: str = field(metadata=_doc("Dossier de la séance (clé de « seances »)."))
    date: dt.date = field(metadata=_doc("Date de la séance, donc de la décision."))
    deliberation: Deliberation = field(
        metadata=_doc("La délibération, telle qu'écrite dans content/.")
    )
    presence: PresencePoint | None = field(
        metadata=_doc("Présences au point ; null si elles ne sont pas calculables.")
    )
    decompte: Decompte | None = field(
        metadata=_doc("Décompte du vote ; null si les présences ne sont pas calculables.")
    )
    extrait: str | None = field(
        metadata=_doc("Adresse de l'extrait PDF, si le site a une adresse publique.")
    )


@dataclass(frozen=True, kw_only=True)
class SeanceOuverte:
    dossier: str = field(metadata=_doc("Dossier de la séance dans content/seances/."))
    seance: Seance = field(metadata=_doc("La séance, telle qu'écrite dans seance.yml."))


@dataclass(frozen=True, kw_only=True)
class DonneesOuvertes:
    """The whole export."""

    version: str = field(metadata=_doc("Version de ce format d'export."))
    collectivite: Collectivite = field(metadata=_doc("La collectivité."))
    membres: tuple[Membre, ...] = field(
        metadata=_doc("Tous les membres, titulaires et suppléants.")
    )
    seances: tuple[SeanceOuverte, ...] = field(metadata=_doc("Les séances."))
    deliberations: tuple[DeliberationOuverte, ...] = field(
        metadata=_doc("Les délibérations, avec les présences et le décompte calculés.")
    )


# --- Model → JSON --------------------------------------------------------------------------------


#: Fields never published: « occulter » lists the very passages hidden from the public.
PRIVATE_FIELDS = frozenset({"occulter"})

Convert = Callable[[Any], Any]


class Mismatch(Exception):
    """A value of the model is not of its declared type: its JSON would not match the schema.

    ``path`` is filled while the exception goes up, innermost step first."""

    def __init__(self, value: object, expected: str) -> None:
        super().__init__(f"{reprlib.repr(value)} n'est pas {expected}")
        self.path: list[str] = []

    def where(self) -> str:
        """« deliberation.vote.pour », « membres[3].nom »."""
        return "".join(reversed(self.path)).lstrip(".")


def _fields(cls: type[Any]) -> list[dataclasses.Field[Any]]:
    return [
        f
        for f in dataclasses.fields(cls)
        if not f.metadata.get("internal") and f.name not in PRIVATE_FIELDS
    ]


def _string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    raise Mismatch(value, "une chaîne")


def _integer(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise Mismatch(value, "un entier")


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    raise Mismatch(value, "un booléen")


def _date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    raise Mismatch(value, "une date")


def _time(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    raise Mismatch(value, "une heure")


def _number_or_string(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return value
    raise Mismatch(value, "un nombre ou une chaîne")


SIMPLE_CONVERTERS: dict[Any, Convert] = {
    str: _string,
    int: _integer,
    bool: _boolean,
    dt.date: _date,
    dt.time: _time,
}


def _first_failure(steps: Iterable[tuple[str, Convert, Any]]) -> str:
    """The step (field or index) whose conversion fails: looked for once a conversion failed."""
    for step, convert, value in steps:
        try:
            convert(value)
        except Mismatch:
            return step
    return ""


def _union_converter(options: tuple[Convert, ...]) -> Convert:
    def convert(value: Any) -> Any:
        if value is None:
            return None
        for option in options:
            try:
                return option(value)
            except Mismatch:
                continue
        raise Mismatch(value, "d'un type permis")

    return convert


def _array_converter(item: Convert) -> Convert:
    def convert(value: Any) -> Any:
        if not isinstance(value, tuple | list):
            raise Mismatch(value, "une liste")
        try:
            return [item(v) for v in value]
        except Mismatch as exc:
            exc.path.append(_first_failure((f"[{i}]", item, v) for i, v in enumerate(value)))
            raise

    return convert


def _object_converter(cls: type[Any]) -> Convert:
    hints = typing.get_type_hints(cls)
    fields = [(f.name, type_to_converter(hints[f.name])) for f in _fields(cls)]

    def convert(value: Any) -> Any:
        if not isinstance(value, cls):
            raise Mismatch(value, f"un objet {cls.__name__}")
        try:
            return {name: to_json(getattr(value, name)) for name, to_json in fields}
        except Mismatch as exc:
            exc.path.append(_first_failure((f".{n}", c, getattr(value, n)) for n, c in fields))
            raise

    return convert


@functools.cache
def type_to_converter(tp: Any) -> Convert:
    """Make of a value of type ``tp`` what ``type_to_schema(tp)`` describes, or raise
    ``Mismatch`` if the value is not of that type: dates ISO, times « HH:MM », numbers as
    numbers, no positions. The export matches its schema by construction: both are read from
    the same type hints."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = typing.get_args(tp)
        if set(args) == {Decimal, str}:
            return _number_or_string
        inner = [a for a in args if a is not type(None)]
        return _union_converter(tuple(type_to_converter(a) for a in inner))
    if origin is tuple:
        return _array_converter(type_to_converter(typing.get_args(tp)[0]))
    if origin is Literal:
        allowed = typing.get_args(tp)

        def literal(value: Any) -> Any:
            if value in allowed:
                return value
            raise Mismatch(value, f"l'une des valeurs {list(allowed)}")

        return literal
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _object_converter(tp)
    return SIMPLE_CONVERTERS[tp]


def value_to_json(value: Any) -> Any:
    """A dataclass of the model or of this module as JSON (``type_to_converter``)."""
    tp: Any = type(value)
    return type_to_converter(tp)(value)


def type_to_schema(tp: Any) -> dict[str, Any]:
    """The JSON Schema of what ``value_to_json`` makes of a value of type ``tp``."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = typing.get_args(tp)
        if set(args) == {Decimal, str}:
            return {"type": ["number", "string"]}
        inner = [a for a in args if a is not type(None)]
        return {"anyOf": [type_to_schema(a) for a in inner] + [{"type": "null"}]}
    if origin is tuple:
        return {"type": "array", "items": type_to_schema(typing.get_args(tp)[0])}
    if origin is Literal:
        return {"enum": list(typing.get_args(tp))}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return class_to_schema(tp)
    simple: dict[Any, dict[str, Any]] = {
        str: {"type": "string"},
        int: {"type": "integer"},
        bool: {"type": "boolean"},
        dt.date: {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        dt.time: {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
    }
    return dict(simple[tp])


def class_to_schema(cls: type[Any]) -> dict[str, Any]:
    """Every field present (``null`` when not written), documented, nothing else allowed."""
    hints = typing.get_type_hints(cls)
    properties = {}
    for f in _fields(cls):
        properties[f.name] = {**type_to_schema(hints[f.name]), "description": f.metadata["doc"]}
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def export_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Registre — délibérations (export complet)",
        "description": "Toutes les données du registre des délibérations, avec les présences "
        "et le décompte des votes calculés point par point (ce que le format SCDL ne dit pas).",
        **class_to_schema(DonneesOuvertes),
    }


# --- Computed parts ------------------------------------------------------------------------------


def point_to_presence(
    point: PointPresence, membres: tuple[Membre, ...], day: dt.date
) -> PresencePoint:
    representes = tuple(
        Pouvoir(mandant=p.mandant, mandataire=p.mandataire) for p in point.procurations
    )
    remplaces = {m.suppleant_de for m in membres if m.id in point.presents and m.suppleant_de}
    accounted = point.presents | point.retires | {p.mandant for p in representes} | remplaces
    return PresencePoint(
        en_exercice=point.en_exercice,
        presents=tuple(sorted(point.presents)),
        representes=representes,
        retires=tuple(sorted(point.retires)),
        absents=tuple(
            sorted(m.id for m in membres if m.en_exercice(day) and m.id not in accounted)
        ),
        votants=point.votants,
        quorum=point.quorum,
        quorum_atteint=point.quorum_atteint,
    )


def deliberation_to_open(
    project: Project, files: SeanceFiles, d: Deliberation, point: PointPresence | None
) -> DeliberationOuverte:
    url = project.collectivite.url
    decompte = None
    if point is not None:
        f = vote_to_figures(d.vote, point.votants)
        decompte = Decompte(
            pour=f.pour,
            contre=f.contre,
            abstention=f.abstention,
            nppv=f.nppv,
            blancs_nuls=f.blancs_nuls,
            voix_candidats=f.voix_candidats,
            total=f.total,
            exprimes=f.exprimes,
            resultat=d.vote.resultat or figures_to_resultat(d.vote, f),
        )
    return DeliberationOuverte(
        seance=files.dossier,
        date=files.seance.date,
        deliberation=d,
        presence=point_to_presence(point, project.membres, files.seance.date) if point else None,
        decompte=decompte,
        extrait=f"{url.rstrip('/')}/extraits/{d.numero}.pdf" if url else None,
    )


def seance_to_open(
    project: Project, files: SeanceFiles
) -> tuple[SeanceOuverte, tuple[DeliberationOuverte, ...]]:
    """A séance's entry of « seances » and its délibérations' entries of « deliberations »."""
    presence = seance_to_presence(files.seance, {m.id: m for m in project.membres})
    return SeanceOuverte(dossier=files.dossier, seance=files.seance), tuple(
        deliberation_to_open(project, files, d, presence.at(d.point)) for d in files.deliberations
    )


# --- Text ----------------------------------------------------------------------------------------
#
# The file is ``json.dumps(data, ensure_ascii=False, indent=2)``, assembled from the text of its
# parts so that a séance's part can be kept from one export to the next.


def json_to_text(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it ``depth`` levels deep (a string
    never holds a raw line break: JSON escapes it)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


def item_to_bytes(value: Any) -> bytes:
    """An item of one of the export's arrays, two levels deep, its indentation included."""
    return ("    " + json_to_text(value, 2)).encode()


def members_to_bytes(members: Mapping[str, str | Sequence[bytes]]) -> bytes:
    """The export's top-level object: each member either its value's text one level deep, or
    an array's items (``item_to_bytes``); joined once, for the export is large."""
    chunks: list[bytes] = []
    for name, value in members.items():
        chunks.append(b",\n" if chunks else b"{\n")
        chunks.append(f"  {json.dumps(name, ensure_ascii=False)}: ".encode())
        if isinstance(value, str):
            chunks.append(value.encode())
        elif not value:
            chunks.append(b"[]")
        else:
            chunks.append(b"[\n")
            for i, item in enumerate(value):
                chunks += [b",\n", item] if i else [item]
            chunks.append(b"\n  ]")
    chunks.append(b"\n}\n")
    return b"".join(chunks)


# --- Cache ---------------------------------------------------------------------------------------


# --- Export --------------------------------------------------------------------------------------


def _to_json(value: Any, loc: Loc, what: str) -> Any:
    """``value_to_json``; a value not of its declared type is Registre's own error."""
    try:
        return value_to_json(value)
    except Mismatch as exc:
        raise RegistreError(
            [
                error(
                    "T631",
                    loc,
                    f"export JSON non conforme à son schéma : {what} : {exc.where()} : {exc}",
                    "C'est une erreur de Registre : signalez-la avec ce message.",
                )
            ]
        ) from None


def seance_to_items(project: Project, files: SeanceFiles) -> tuple[bytes, tuple[bytes, ...]]:
    """``seance_to_open`` as items of the export's two arrays (``item_to_bytes``)."""
    seance, deliberations = seance_to_open(project, files)
    where = f"séance {files.dossier}"
    return item_to_bytes(_to_json(seance, files.seance.pos.at, where)), tuple(
        item_to_bytes(_to_json(o, o.deliberation.pos.at, f"délibération {o.deliberation.numero}"))
        for o in deliberations
    )


def export_json(project: Project, out: Path, cache: Path | None = None) -> tuple[Path, Path]:
    """Write ``out/deliberations.json`` and its schema. Each value is checked against its
    declared type as it is converted, so the file matches the schema generated from the same
    types (the tests validate exports against it with jsonschema). With ``cache``, the items of
    a séance whose inputs (séance, délibérations, collectivité, members) have not changed since
    the previous export are reused."""
    project = public_project(project)
    memo: Memo[tuple[bytes, tuple[bytes, ...]]] = Memo.load(cache, "json", code_version())
    seance_key = seance_keys(project)
    seances: list[bytes] = []
    deliberations: list[bytes] = []
    for files in project.seances:
        make = functools.partial(seance_to_items, project, files)
        items = memo.get_or_make(seance_key(files), make)
        seances.append(items[0])
        deliberations += items[1]
    shell = DonneesOuvertes(
        version=FORMAT_VERSION,
        collectivite=project.collectivite,
        membres=project.membres,
        seances=(),
        deliberations=(),
    )
    head = _to_json(shell, Loc(str(out / FILE_NAME)), "export")
    members: dict[str, str | Sequence[bytes]] = {k: json_to_text(v, 1) for k, v in head.items()}
    members |= {"seances": seances, "deliberations": deliberations}
    target, schema_file = out / FILE_NAME, out / SCHEMA_NAME
    write_text(schema_file, json.dumps(export_schema(), ensure_ascii=False, indent=2) + "\n")
    write_bytes(target, members_to_bytes(members))
    memo.save()
    return target, schema_file
