"""Open data: the complete JSON export and its JSON Schema.

Every field of the model, as the public may see it (``public_project``: passages to hide
replaced, and the list of those passages left out), omitted values as ``null``; plus what
Registre computes and SCDL cannot say: who was present, represented, withdrawn or absent at each
item (in the order of passage) and the full count of the vote, NPPV included. The JSON Schema is
generated from the same dataclasses, with their French documentation, and the export is
validated against it before it is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator

from generator.atomic import write_text
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


def _fields(cls: type[Any]) -> list[dataclasses.Field[Any]]:
    return [
        f
        for f in dataclasses.fields(cls)
        if not f.metadata.get("internal") and f.name not in PRIVATE_FIELDS
    ]


def value_to_json(value: Any) -> Any:
    """A model value as JSON: dates ISO, times « HH:MM », numbers as numbers, no positions."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: value_to_json(getattr(value, f.name)) for f in _fields(type(value))}
    if isinstance(value, tuple | list):
        return [value_to_json(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


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


def project_to_open(project: Project) -> DonneesOuvertes:
    membres = {m.id: m for m in project.membres}
    deliberations = []
    for files in project.seances:
        presence = seance_to_presence(files.seance, membres)
        deliberations += [
            deliberation_to_open(project, files, d, presence.at(d.point))
            for d in files.deliberations
        ]
    return DonneesOuvertes(
        version=FORMAT_VERSION,
        collectivite=project.collectivite,
        membres=project.membres,
        seances=tuple(SeanceOuverte(dossier=s.dossier, seance=s.seance) for s in project.seances),
        deliberations=tuple(deliberations),
    )


def export_json(project: Project, out: Path) -> tuple[Path, Path]:
    """Write ``out/deliberations.json`` and its schema, once the data validates against it."""
    schema = export_schema()
    data = value_to_json(project_to_open(public_project(project)))
    problems = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: e.json_path)
    if problems:
        raise RegistreError(
            [
                error(
                    "T631",
                    Loc(str(out / FILE_NAME)),
                    f"export JSON non conforme à son schéma : {p.json_path} : {p.message}",
                    "C'est une erreur de Registre : signalez-la avec ce message.",
                )
                for p in problems[:20]
            ]
        )
    target, schema_file = out / FILE_NAME, out / SCHEMA_NAME
    write_text(schema_file, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    write_text(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return target, schema_file
