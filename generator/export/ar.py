"""The prefecture's answers (@CTES): acknowledgements and anomaly notices, written back into
the délibération's YAML.

An ``ARActe`` gives the act's identifier and its date of receipt (``prefecture:``); an
``AnomalieActe`` or ``AnomalieEnveloppe`` (files ``ANO_…``) says the act was not received
(``prefecture_anomalie:``). The YAML is edited by a ruamel round trip, so that the secretariat's
comments and layout stay as they were, and written atomically once the edited text has been
read back as a valid délibération.

Prefectures' messages are read leniently: the essentials must be there, but the whole message
need not fit the XSD (the real anomaly example has a ``Nature`` of 999, outside its list).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from lxml import etree
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from generator.atomic import write_text
from generator.diagnostics import Diagnostic, Loc, RegistreError, Severity, error
from generator.export.actes import NSMAP, child_text, element_to_acte, parse_xml, q
from generator.load import load_project, text_to_model
from generator.model import Deliberation, Project

#: ``{dept}-{SIREN}-{YYYYMMDD}-{NumeroInterne}-{DE…}``, as in IDActe and in message names.
IDENTIFIANT = re.compile(
    r"(?P<dept>[0-9]{2}[0-9AB])-(?P<siren>\d{9})-(?P<date>\d{8})-(?P<numero>[A-Za-z0-9_]{1,15})"
    r"-(?P<nature>[A-Z]{2})"
)
#: Where a new block goes: after the first of these keys the file has (docs/format.md order).
PLACE_AFTER = {
    "prefecture": ("vote",),
    "prefecture_anomalie": ("publication", "prefecture", "vote"),
}


@dataclass(frozen=True)
class Reponse:
    """What the prefecture said about one act."""

    kind: Literal["accuse", "anomalie"]
    numero: str
    date_acte: dt.date | None
    siren: str | None
    date: dt.date
    identifiant: str = ""
    nature: str = ""
    detail: str = ""


class ReponseError(Exception):
    """The file is not a prefecture answer Registre can read; the message is French."""


def _date(text: str | None, what: str, form: str = "%Y-%m-%d") -> dt.date:
    try:
        return dt.datetime.strptime(str(text).strip(), form).date()
    except ValueError:
        raise ReponseError(f"{what} absente ou invalide (« {text} »)") from None


def _accuse(root: etree._Element) -> list[Reponse]:
    identifiant = str(root.get(q("IDActe"), ""))
    found = IDENTIFIANT.fullmatch(identifiant)
    recu = root.find("actes:ActeRecu", NSMAP)
    acte = element_to_acte(recu) if recu is not None else None
    if found is None:
        raise ReponseError(f"identifiant de l'acte (IDActe) invalide : « {identifiant} »")
    return [
        Reponse(
            kind="accuse",
            numero=acte.numero if acte is not None else found["numero"],
            date_acte=acte.date if acte is not None else None,
            siren=found["siren"],
            date=_date(root.get(q("DateReception")), "date de réception (DateReception)"),
            identifiant=identifiant,
        )
    ]


def _anomalie_acte(root: etree._Element) -> list[Reponse]:
    recu = root.find("actes:ActeRecu", NSMAP)
    acte = element_to_acte(recu) if recu is not None else None
    if acte is None:
        raise ReponseError("l'acte concerné (ActeRecu) est absent ou incomplet")
    return [
        Reponse(
            kind="anomalie",
            numero=acte.numero,
            date_acte=acte.date,
            siren=None,
            date=_date(child_text(root, "actes:Date"), "date de l'anomalie"),
            nature=child_text(root, "actes:Nature").strip(),
            detail=child_text(root, "actes:Detail").strip(),
        )
    ]


def _anomalie_enveloppe(root: etree._Element) -> list[Reponse]:
    date = _date(child_text(root, "actes:Date"), "date de l'anomalie")
    names = root.findall(
        "actes:EnveloppeRecue/actes:FormulairesEnvoyes/actes:Formulaire/actes:NomFichier", NSMAP
    )
    out = []
    for name in names:
        found = IDENTIFIANT.match(name.text or "")
        if found is None:
            raise ReponseError(f"nom de message illisible : « {name.text} »")
        out.append(
            Reponse(
                kind="anomalie",
                numero=found["numero"],
                date_acte=_date(found["date"], "date de l'acte", "%Y%m%d"),
                siren=found["siren"],
                date=date,
                nature=child_text(root, "actes:Nature").strip(),
                detail=child_text(root, "actes:Detail").strip(),
            )
        )
    if not out:
        raise ReponseError("l'enveloppe en anomalie ne cite aucun acte")
    return out


READERS = {
    "ARActe": _accuse,
    "AnomalieActe": _anomalie_acte,
    "AnomalieEnveloppe": _anomalie_enveloppe,
}


def xml_to_reponses(data: bytes) -> list[Reponse]:
    """The acts an ``ARActe``, ``AnomalieActe`` or ``AnomalieEnveloppe`` message is about."""
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as exc:
        raise ReponseError(f"XML mal formé ({exc.msg})") from exc
    for name, reader in READERS.items():
        if root.tag == q(name):
            return reader(root)
    raise ReponseError(
        f"message {etree.QName(root).localname} : Registre lit les accusés de réception "
        "(ARActe) et les anomalies (AnomalieActe, AnomalieEnveloppe)"
    )


# --- The YAML round trip -------------------------------------------------------------------------


def indentation(text: str) -> tuple[int, int, int]:
    """``(mapping, sequence, offset)`` as the file writes its nested blocks: ``noms:`` then
    ``  pour:`` is a mapping indent of 2; ``pour:`` then ``  - x`` a sequence indent of 4 whose
    dash is offset by 2. Read from the composed nodes, so text inside ``|`` blocks is ignored."""
    found: dict[str, int] = {}

    def walk(node: Node) -> None:
        if isinstance(node, MappingNode):
            for key, value in node.value:
                column = key.start_mark.column
                block = not getattr(value, "flow_style", True) and value.value
                if isinstance(value, MappingNode) and block:
                    found.setdefault("mapping", value.start_mark.column - column)
                if isinstance(value, SequenceNode) and block:
                    found.setdefault("offset", value.start_mark.column - column)
                    found.setdefault("sequence", value.value[0].start_mark.column - column)
                walk(value)
        elif isinstance(node, SequenceNode):
            for item in node.value:
                walk(item)

    root = YAML().compose(text)
    if root is not None:
        walk(root)
    return found.get("mapping", 2), found.get("sequence", 4), found.get("offset", 2)


def _yaml_for(text: str) -> YAML:
    """A round-trip YAML that writes back with the file's own indentation and quotes."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line that was not folded
    mapping, sequence, offset = indentation(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def set_block(text: str, key: str, values: Mapping[str, Any], remove: str | None = None) -> str:
    """``text`` with the mapping ``key:`` set to ``values`` (in place if it exists, else after
    the keys of ``PLACE_AFTER``) and ``remove:`` deleted; everything else kept as written."""
    yaml = _yaml_for(text)
    data = yaml.load(text)
    assert isinstance(data, CommentedMap), "a délibération loaded by the project is a mapping"
    block = data.get(key)
    if isinstance(block, CommentedMap):  # edited in place: its comments stay
        for name in [k for k in block if k not in values]:
            del block[name]
        block.update(values)
    elif key in data:
        data[key] = CommentedMap(values)
    else:
        keys = list(data)
        after = next((keys.index(k) + 1 for k in PLACE_AFTER[key] if k in keys), len(keys))
        data.insert(after, key, CommentedMap(values))
    if remove is not None and remove in data:
        del data[remove]
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def reponse_to_values(r: Reponse) -> tuple[str, dict[str, Any], str | None]:
    """The YAML block for an answer: its key, its values, and the block it replaces."""
    if r.kind == "accuse":
        values = {"date_reception": r.date, "identifiant": r.identifiant}
        return "prefecture", values, "prefecture_anomalie"
    anomalie: dict[str, Any] = {"date": r.date, "nature": r.nature or "000"}
    if r.detail:
        anomalie["detail"] = " ".join(r.detail.split())
    return "prefecture_anomalie", anomalie, None


# --- import-ar -----------------------------------------------------------------------------------


def _refuse(code: str, loc: Loc, message: str, hint: str) -> RegistreError:
    return RegistreError([error(code, loc, message, hint)])


def _find(project: Project, r: Reponse, where: Loc) -> Deliberation:
    c = project.collectivite
    if r.siren is not None and r.siren != c.siren:
        raise _refuse(
            "T621",
            where,
            f"ce message concerne le SIREN {r.siren}, pas {c.nom} ({c.siren})",
            "Importez-le dans le registre de la collectivité concernée (--content).",
        )
    for files in project.seances:
        for d in files.deliberations:
            if d.numero != r.numero:
                continue
            if r.date_acte is not None and r.date_acte != files.seance.date:
                raise _refuse(
                    "T622",
                    d.pos.of("numero"),
                    f"l'acte {r.numero} de la préfecture est daté du {r.date_acte:%d/%m/%Y}, "
                    f"la délibération {d.numero} du {files.seance.date:%d/%m/%Y}",
                    "Ce message concerne un autre acte portant le même numéro : vérifiez-le "
                    "auprès de la préfecture.",
                )
            return d
    raise _refuse(
        "T622",
        where,
        f"aucune délibération ne porte le numéro {r.numero}",
        "Le numéro est celui de « numero: » dans le fichier de la délibération ; vérifiez que "
        "le message concerne bien ce registre.",
    )


def import_ar(content: Path, file: Path) -> list[Path]:
    """Write a prefecture's answer into the YAML of the délibération(s) it concerns."""
    where = Loc(str(file))
    try:
        reponses = xml_to_reponses(file.read_bytes())
    except (OSError, ReponseError) as exc:
        raise _refuse(
            "T620",
            where,
            f"message de la préfecture illisible : {exc}",
            "Donnez le fichier XML reçu de @CTES (ARActe…, ANO_…), tel quel.",
        ) from exc
    project, diagnostics = load_project(content)
    if project is None:
        raise RegistreError([d for d in diagnostics if d.severity is Severity.ERROR])
    edits: dict[Path, str] = {}
    for r in reponses:
        path = Path(_find(project, r, where).pos.at.file)
        text = edits.get(path) or path.read_text(encoding="utf-8")
        key, values, remove = reponse_to_values(r)
        edits[path] = set_block(text, key, values, remove)
    for path, text in edits.items():
        _check_edit(path, text)
    for path, text in edits.items():
        write_text(path, text)
    return list(edits)


def _check_edit(path: Path, text: str) -> None:
    """The edited file must still be a valid délibération: never write one that is not."""
    model, diagnostics = text_to_model(text, str(path), Deliberation)
    errors: list[Diagnostic] = [d for d in diagnostics if d.severity is Severity.ERROR]
    if model is None or errors:
        raise RegistreError(errors or diagnostics)
