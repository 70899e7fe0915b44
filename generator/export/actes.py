"""@CTES transmission bundles (protocol v1.1, DESIGN.md §3): written, read and checked.

A bundle is a flat ``.tar.gz`` per act: the envelope ``EACT--{SIREN}--{date}-{n}.xml``, the
act's message ``{base}-1-1_0.xml`` (``base`` = ``{dept}-{SIREN}-{date}-{NumeroInterne}-{DE…}``),
the act ``{TypePJ}-{base}-1-1_1.pdf`` and its annexes ``_2``, ``_3``…; XML in ISO-8859-1.

One checking code path: ``check_bundle`` takes a ``Bundle`` (named files, read lazily) and
returns ``Problem``s. Our export assembles the bundle from the disk and checks it before writing
anything, pointing each problem back at the YAML value it comes from; ``check_archive`` opens any
archive (ours, or a tiers de télétransmission's) and checks it with the same function.

The envelope's serial ``n`` is unique per day: the names given are kept in a small state file
(the « registre des envois »). An act exported again unchanged gets its name back, so repeated
builds give the same archives; a changed act gets a new name.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import io
import json
import os
import posixpath
import re
import tarfile
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from generator.atomic import FILE_MODE, Tree, write_text
from generator.diagnostics import Diagnostic, Loc, RegistreError, error
from generator.model import Actes, Collectivite, Deliberation, Project, SeanceFiles
from generator.render.outputs import Progress, store_for, write_documents
from generator.render.pdf import RenderSettings
from generator.rules import MATIERE, OBJET_MAX
from generator.rules import NUMERO_ACTES as NUMERO_INTERNE

NS = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"
INSEE = "http://xml.insee.fr/schema"
NSMAP = {"actes": NS, "insee": INSEE}
HERE = Path(__file__).resolve().parent
XSD = HERE / "xsd" / "actesv1_1.xsd"
DEFAULT_CLASSIFICATION = HERE / "data" / "classification.xml"

#: The whole bundle, in bytes (150 Mo, counted in the stricter decimal unit).
MAX_BUNDLE_BYTES = 150_000_000
TYPE_PJ = re.compile(r"[0-9A-Z]{2}_[0-9A-Z]{2}")
TDT = re.compile(r"[A-Z0-9]{3}")
#: The XSD's own pattern for an e-mail address (actes:Email).
EMAIL = re.compile(
    r"[_a-zA-Z0-9\-]+(\.[_a-zA-Z0-9\-]+)*@[a-zA-Z0-9\-]+(\.[a-zA-Z0-9\-]+)*\.[a-zA-Z]{2,6}"
)
#: ``CodeNatureActe`` → the two letters that end the act's identifier.
NATURE_ABREGE = {1: "DE", 2: "AR", 3: "AI", 4: "CC", 5: "BF", 6: "AU"}

ARCHIVE_NAME = re.compile(
    r"(?:(?P<tdt>[A-Z0-9]{3})-)?(?P<stem>EACT--(?P<siren>\d{9})--(?P<date>\d{8})-(?P<serial>[1-9]\d*))"
    r"\.tar\.gz"
)
ENVELOPE_NAME = re.compile(r"EACT--(?P<siren>\d{9})--(?P<date>\d{8})-(?P<serial>[1-9]\d*)\.xml")
PIECE_NAME = re.compile(r"(?P<type>[^-]+)-(?P<base>.+)-1-1_(?P<rank>[1-9]\d*)\.(?P<ext>[a-z]+)")
#: What a piece's bytes start with, by extension.
MAGIC = {
    "pdf": b"%PDF-",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
}
#: French typography outside ISO-8859-1, spelt with its characters: receiving systems then
#: show « Voeu » rather than a character reference (« V&#339;u »). Anything else still
#: outside becomes a reference, which any XML parser reads back.
LATIN1_SPELLING = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "€": "EUR",
        "\u202f": "\u00a0",
        "\u2009": " ",
    }
)
#: A PDF's header may come after up to 1 KiB of junk (PDF 1.7, annex H).
PDF_HEADER_WINDOW = 1024


# --- XML -----------------------------------------------------------------------------------------


def q(name: str) -> str:
    """The qualified name of an element or attribute of the ACTES namespace."""
    return f"{{{NS}}}{name}"


@functools.cache
def actes_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _parser() -> etree.XMLParser:
    """No entities, no network: what we read may come from anywhere."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse_xml(data: bytes) -> etree._Element:
    """Parse XML bytes in the encoding they declare; raises ``etree.XMLSyntaxError``."""
    return etree.fromstring(data, _parser())


def _short(message: str) -> str:
    return message.replace(f"{{{NS}}}", "actes:").replace(f"{{{INSEE}}}", "insee:")


def xsd_errors(root: etree._Element) -> list[tuple[int, str]]:
    """Where and why ``root`` does not conform to actesv1_1.xsd (lxml's message, shortened)."""
    schema = actes_schema()
    if schema.validate(root):
        return []
    return [(e.line, _short(e.message)) for e in schema.error_log]


def element_to_bytes(root: etree._Element) -> bytes:
    """ISO-8859-1 with the declaration the prefectures write; other characters as references."""
    body = etree.tostring(root, encoding="ISO-8859-1", xml_declaration=False, pretty_print=True)
    return b'<?xml version="1.0" encoding="ISO-8859-1"?>\n' + body


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, q(name))
    if text is not None:
        child.text = text.translate(LATIN1_SPELLING)
    return child


def child_text(root: etree._Element, path: str) -> str:
    found = root.find(path, NSMAP)
    return (found.text or "") if found is not None else ""


# --- Nomenclature --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nomenclature:
    """The matières of a prefecture's classification: code (« 7 », « 7.1 ») → libellé."""

    date: dt.date
    matieres: Mapping[str, str]

    def known(self, codes: Sequence[int]) -> bool:
        """Levels 1 and 2 must be listed; deeper ones too where the file lists that level."""
        for depth in range(1, len(codes) + 1):
            code = ".".join(map(str, codes[:depth]))
            parent = ".".join(map(str, codes[: depth - 1]))
            listed = depth <= 2 or any(k.startswith(parent + ".") for k in self.matieres)
            if listed and code not in self.matieres:
                return False
        return True


class ClassificationError(Exception):
    """The classification file cannot be used; the message is French."""


def xml_to_nomenclature(data: bytes) -> Nomenclature:
    """A ``RetourClassification``, read leniently: prefectures' files do not all fit the XSD."""
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as exc:
        raise ClassificationError(f"XML mal formé ({exc})") from exc
    if root.tag != q("RetourClassification"):
        raise ClassificationError(
            f"l'élément racine est {_short(str(root.tag))}, pas RetourClassification"
        )
    try:
        date = dt.date.fromisoformat(child_text(root, "actes:DateClassification").strip())
    except ValueError as exc:
        raise ClassificationError("DateClassification absente ou invalide") from exc
    matieres: dict[str, str] = {}

    def walk(element: etree._Element, prefix: str, depth: int) -> None:
        for child in element.findall(f"actes:Matiere{depth}", NSMAP):
            code = prefix + str(child.get(q("CodeMatiere"), "")).strip()
            matieres[code] = str(child.get(q("Libelle"), "")).strip()
            walk(child, code + ".", depth + 1)

    matieres_root = root.find("actes:Matieres", NSMAP)
    if matieres_root is not None:
        walk(matieres_root, "", 1)
    if not matieres:
        raise ClassificationError("aucune matière (Matieres/Matiere1) dans le fichier")
    return Nomenclature(date, matieres)


@functools.cache
def _read_nomenclature(path: Path) -> Nomenclature:
    return xml_to_nomenclature(path.read_bytes())


def collectivite_to_nomenclature(c: Collectivite) -> Nomenclature:
    """The classification named in collectivite.yml, else the one shipped with Registre."""
    cfg = c.actes
    if cfg is None or cfg.classification is None:
        return _read_nomenclature(DEFAULT_CLASSIFICATION)
    path = Path(os.path.dirname(c.pos.at.file)) / cfg.classification
    try:
        return _read_nomenclature(path.resolve())
    except (OSError, ClassificationError) as exc:
        raise RegistreError(
            [
                error(
                    "T614",
                    cfg.pos.of("classification"),
                    f"le fichier de classification « {cfg.classification} » est inutilisable "
                    f"({exc})",
                    "Donnez le chemin, relatif à collectivite.yml, du fichier XML de "
                    "classification que la préfecture a renvoyé (RetourClassification), ou "
                    "retirez « classification » pour utiliser la nomenclature fournie.",
                )
            ]
        ) from exc


# --- The act and the envelope, as data -----------------------------------------------------------


@dataclass(frozen=True)
class Acte:
    """The content of an ``actes:Acte`` message."""

    numero: str
    date: dt.date
    nature: int
    matieres: tuple[int, ...]
    objet: str
    classification: dt.date
    document: str
    annexes: tuple[str, ...]


@dataclass(frozen=True)
class Enveloppe:
    """The content of an ``actes:EnveloppeCLMISILL``."""

    siren: str
    departement: str
    arrondissement: int
    nature: int
    emails: tuple[str, ...]
    formulaires: tuple[str, ...]
    referent: str | None = None
    telephone: str | None = None


def acte_base(departement: str, siren: str, acte: Acte) -> str:
    """``{dept}-{SIREN}-{YYYYMMDD}-{NumeroInterne}-{DE…}``: also the act's @CTES identifier."""
    abrege = NATURE_ABREGE.get(acte.nature, "XX")
    return f"{departement}-{siren}-{acte.date:%Y%m%d}-{acte.numero}-{abrege}"


def message_name(base: str) -> str:
    return f"{base}-1-1_0.xml"


def piece_name(type_pj: str, base: str, rank: int, extension: str) -> str:
    return f"{type_pj}-{base}-1-1_{rank}.{extension.lower()}"


def envelope_name(siren: str, day: dt.date, serial: int) -> str:
    return f"EACT--{siren}--{day:%Y%m%d}-{serial}"


def acte_to_xml(acte: Acte) -> bytes:
    root = etree.Element(q("Acte"), nsmap=NSMAP)
    root.set(q("Date"), acte.date.isoformat())
    root.set(q("NumeroInterne"), acte.numero)
    root.set(q("CodeNatureActe"), str(acte.nature))
    for level, code in enumerate(acte.matieres, start=1):
        _sub(root, f"CodeMatiere{level}").set(q("CodeMatiere"), str(code))
    _sub(root, "Objet", acte.objet)
    _sub(root, "ClassificationDateVersion", acte.classification.isoformat())
    _sub(_sub(root, "Document"), "NomFichier", acte.document)
    annexes = _sub(root, "Annexes")
    annexes.set(q("Nombre"), str(len(acte.annexes)))
    for name in acte.annexes:
        _sub(_sub(annexes, "Annexe"), "NomFichier", name)
    _sub(root, "DocumentPapier", "N")
    return element_to_bytes(root)


def enveloppe_to_xml(env: Enveloppe) -> bytes:
    root = etree.Element(q("EnveloppeCLMISILL"), nsmap=NSMAP)
    emetteur = _sub(root, "Emetteur")
    idcl = _sub(emetteur, "IDCL")
    idcl.set(f"{{{INSEE}}}SIREN", env.siren)
    idcl.set(q("Departement"), env.departement)
    idcl.set(q("Arrondissement"), str(env.arrondissement))
    idcl.set(q("Nature"), f"{env.nature:02d}")
    if env.referent or env.telephone:
        referent = _sub(emetteur, "Referent")
        if env.referent:
            _sub(referent, "Nom", env.referent)
        if env.telephone:
            _sub(referent, "Telephone", env.telephone)
        _sub(referent, "Email", env.emails[0])
    retour = _sub(root, "AdressesRetour")
    for email in env.emails:
        _sub(retour, "Email", email)
    formulaires = _sub(root, "FormulairesEnvoyes")
    for name in env.formulaires:
        _sub(_sub(formulaires, "Formulaire"), "NomFichier", name)
    return element_to_bytes(root)


def _int(text: str | None) -> int | None:
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        return None


def element_to_acte(root: etree._Element) -> Acte | None:
    """An ``Acte`` (or ``ActeRecu``) element as data; None when its essentials are missing."""
    date = _date(root.get(q("Date")))
    nature = _int(root.get(q("CodeNatureActe")))
    classification = _date(child_text(root, "actes:ClassificationDateVersion"))
    matieres = []
    for level in range(1, 6):
        element = root.find(f"actes:CodeMatiere{level}", NSMAP)
        code = _int(element.get(q("CodeMatiere"))) if element is not None else None
        if code is None:
            break
        matieres.append(code)
    if date is None or nature is None or classification is None:
        return None
    return Acte(
        numero=str(root.get(q("NumeroInterne"), "")),
        date=date,
        nature=nature,
        matieres=tuple(matieres),
        objet=child_text(root, "actes:Objet"),
        classification=classification,
        document=child_text(root, "actes:Document/actes:NomFichier"),
        annexes=tuple(
            e.text or "" for e in root.findall("actes:Annexes/actes:Annexe/actes:NomFichier", NSMAP)
        ),
    )


def element_to_enveloppe(root: etree._Element) -> Enveloppe | None:
    idcl = root.find("actes:Emetteur/actes:IDCL", NSMAP)
    if idcl is None:
        return None
    return Enveloppe(
        siren=str(idcl.get(f"{{{INSEE}}}SIREN", "")),
        departement=str(idcl.get(q("Departement"), "")),
        arrondissement=_int(idcl.get(q("Arrondissement"))) or 0,
        nature=_int(idcl.get(q("Nature"))) or 0,
        emails=tuple(e.text or "" for e in root.findall("actes:AdressesRetour/actes:Email", NSMAP)),
        formulaires=tuple(
            e.text or ""
            for e in root.findall(
                "actes:FormulairesEnvoyes/actes:Formulaire/actes:NomFichier", NSMAP
            )
        ),
    )


# --- Checking a bundle ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A file of a bundle: its name, its size and how to read it (lazily: it may be huge)."""

    name: str
    size: int
    read: Callable[[], bytes]
    regular: bool = True


@dataclass(frozen=True)
class Bundle:
    """An archive's name and files, from the disk (before writing) or from a tar.gz."""

    name: str
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Problem:
    """What is wrong in a bundle. ``field`` and ``index`` say which value of the act is at fault
    (``numero``, ``objet``, ``matiere``, ``date``, ``nature``, ``type``, ``annexe``…), so that
    our export can point at the YAML; ``line`` is a line of the member (XML)."""

    code: str
    member: str
    message: str
    hint: str
    field: str = ""
    index: int = 0
    line: int = 0


def check_bundle(bundle: Bundle, nomenclature: Nomenclature, today: dt.date) -> list[Problem]:
    """Everything @CTES would refuse in a bundle: names, envelope, messages, pieces, size."""
    problems: list[Problem] = []
    archive = ARCHIVE_NAME.fullmatch(bundle.name)
    if archive is None:
        problems.append(
            Problem(
                "T611",
                "",
                f"le nom de l'archive « {bundle.name} » n'est pas de la forme "
                "« [TDT-]EACT--SIREN--AAAAMMJJ-n.tar.gz »",
                "Ne renommez pas les archives produites par Registre.",
            )
        )
    members = {m.name: m for m in bundle.members}
    problems += _layout_problems(bundle)
    total = sum(m.size for m in bundle.members)
    if total > MAX_BUNDLE_BYTES:
        biggest = max(bundle.members, key=lambda m: m.size)
        problems.append(
            Problem(
                "T607",
                biggest.name,
                f"l'envoi pèse {_mo(total)} ({biggest.name} : {_mo(biggest.size)}) ; @CTES "
                f"n'accepte pas plus de {_mo(MAX_BUNDLE_BYTES)}",
                "Allégez les pièces (PDF compressé, images moins définies) ou retirez une annexe "
                "pour la transmettre à part.",
                *_piece_field(biggest.name),
            )
        )
    envelopes = [name for name in members if ENVELOPE_NAME.fullmatch(name)]
    if len(envelopes) != 1:
        problems.append(
            Problem(
                "T612",
                "",
                f"l'archive contient {len(envelopes)} enveloppe(s) EACT--…xml au lieu d'une",
                "Une archive @CTES contient exactement une enveloppe.",
            )
        )
        return problems
    envelope_member = members[envelopes[0]]
    if archive is not None and f"{archive['stem']}.xml" != envelope_member.name:
        problems.append(
            Problem(
                "T611",
                envelope_member.name,
                f"l'enveloppe « {envelope_member.name} » ne porte pas le nom de l'archive "
                f"« {bundle.name} »",
                "L'archive et son enveloppe portent le même SIREN, la même date et le même "
                "numéro d'ordre.",
            )
        )
    env, env_problems = _read_envelope(envelope_member)
    problems += env_problems
    if env is None:
        return problems
    listed = {envelope_member.name}
    numeros: dict[str, str] = {}
    for formulaire in env.formulaires:
        listed.add(formulaire)
        member = members.get(formulaire)
        if member is None:
            problems.append(_missing(envelope_member.name, formulaire))
            continue
        acte, acte_problems = _read_message(member, env, nomenclature, today)
        problems += acte_problems
        if acte is None:
            continue
        if acte.numero in numeros:
            problems.append(
                Problem(
                    "T603",
                    member.name,
                    f"le numéro « {acte.numero} » est aussi celui de {numeros[acte.numero]}",
                    "Chaque acte porte un numéro unique pour toujours.",
                    field="numero",
                )
            )
        numeros[acte.numero] = member.name
        pieces = (acte.document, *acte.annexes)
        listed.update(pieces)
        for rank, piece in enumerate(pieces):
            if piece not in members:
                problems.append(_missing(member.name, piece, rank))
            elif total <= MAX_BUNDLE_BYTES:
                problems += _piece_problems(members[piece], rank)
    for name in members:
        if name not in listed:
            problems.append(
                Problem(
                    "T612",
                    name,
                    f"« {name} » n'est cité ni par l'enveloppe ni par un acte",
                    "Une archive @CTES ne contient que l'enveloppe, les messages qu'elle cite "
                    "et leurs pièces.",
                )
            )
    return problems


def _mo(size: int) -> str:
    """« 151,1 Mo » (décimal, comme la limite de @CTES)."""
    return f"{size / 1e6:.1f}".removesuffix(".0").replace(".", ",") + " Mo"


def _piece_field(name: str) -> tuple[str, int]:
    """Which piece a file is: the document (0) or the n-th annexe, for locating problems."""
    found = PIECE_NAME.fullmatch(name)
    index = int(found["rank"]) - 1 if found else 0
    return ("annexe" if index else "document"), index


def _layout_problems(bundle: Bundle) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for m in bundle.members:
        if not m.regular or "/" in m.name or m.name in seen:
            problems.append(
                Problem(
                    "T612",
                    m.name,
                    f"« {m.name} » : l'archive doit être plate (fichiers ordinaires, sans dossier "
                    "ni doublon)",
                    "Reconstruisez l'archive avec « registre export actes ».",
                )
            )
        seen.add(m.name)
    return problems


def _missing(member: str, piece: str, rank: int = 0) -> Problem:
    return Problem(
        "T612",
        member,
        f"« {piece} » est cité mais absent de l'archive",
        "Chaque fichier cité par l'enveloppe ou par un acte doit être dans l'archive.",
        field="annexe" if rank else "document",
        index=rank,
    )


def _parse_member(member: Member, root_name: str) -> tuple[etree._Element | None, list[Problem]]:
    try:
        root = parse_xml(member.read())
    except etree.XMLSyntaxError as exc:
        return None, [
            Problem(
                "T610",
                member.name,
                f"XML mal formé : {exc.msg}",
                "Reconstruisez l'archive avec « registre export actes ».",
                line=exc.lineno or 0,
            )
        ]
    if root.tag != q(root_name):
        return None, [
            Problem(
                "T610",
                member.name,
                f"l'élément racine est {_short(str(root.tag))} au lieu de actes:{root_name}",
                "Reconstruisez l'archive avec « registre export actes ».",
            )
        ]
    return root, []


def _schema_problems(member: Member, root: etree._Element, field: str) -> list[Problem]:
    return [
        Problem(
            "T610",
            member.name,
            f"non conforme au schéma @CTES (actesv1_1.xsd) : {message}",
            "Corrigez la valeur en cause ; le schéma est celui du ministère de l'Intérieur.",
            field=field,
            line=line,
        )
        for line, message in xsd_errors(root)
    ]


def _read_envelope(member: Member) -> tuple[Enveloppe | None, list[Problem]]:
    root, problems = _parse_member(member, "EnveloppeCLMISILL")
    if root is None:
        return None, problems
    problems = _schema_problems(member, root, "enveloppe")
    env = element_to_enveloppe(root)
    named = ENVELOPE_NAME.fullmatch(member.name)
    if env is not None and named is not None and named["siren"] != env.siren:
        problems.append(
            Problem(
                "T611",
                member.name,
                f"le SIREN de l'enveloppe ({env.siren}) n'est pas celui de son nom "
                f"({named['siren']})",
                "Le nom de l'enveloppe reprend le SIREN de l'émetteur.",
            )
        )
    return env, problems


def _read_message(
    member: Member, env: Enveloppe, nomenclature: Nomenclature, today: dt.date
) -> tuple[Acte | None, list[Problem]]:
    """The act of a message and its problems: the explicit rules first, since they say more
    than the XSD (whose errors would repeat them); the XSD once they pass."""
    root, problems = _parse_member(member, "Acte")
    if root is None:
        return None, problems
    acte = element_to_acte(root)
    if acte is None:
        return None, _schema_problems(member, root, "")
    problems = acte_problems(acte, nomenclature, today, member.name)
    problems += _name_problems(member.name, env, acte)
    nombre = root.find("actes:Annexes", NSMAP)
    if nombre is not None and nombre.get(q("Nombre")) != str(len(acte.annexes)):
        problems.append(
            Problem(
                "T610",
                member.name,
                f"Annexes/@Nombre vaut « {nombre.get(q('Nombre'))} » pour "
                f"{len(acte.annexes)} annexe(s) citée(s)",
                "Le nombre déclaré d'annexes doit être celui des annexes citées.",
                field="annexe",
                line=nombre.sourceline or 0,
            )
        )
    if not problems:
        problems = _schema_problems(member, root, "")
    return acte, problems


def acte_problems(
    acte: Acte, nomenclature: Nomenclature, today: dt.date, member: str
) -> list[Problem]:
    """The rules @CTES applies to an act's data, beyond the XSD (DESIGN.md §3)."""
    out = []
    if not NUMERO_INTERNE.fullmatch(acte.numero):
        out.append(
            Problem(
                "T602",
                member,
                f"le numéro « {acte.numero} » n'est pas accepté par @CTES",
                "De 2 à 15 caractères : majuscules sans accent, chiffres et « _ » (ni tiret, ni "
                "point, ni espace), sans « _ » au début ni à la fin ; exemple « 2024_014 ».",
                field="numero",
            )
        )
    lines = acte.objet.count("\n") + 1
    if len(acte.objet) > OBJET_MAX or lines > 1 or not acte.objet.strip():
        out.append(
            Problem(
                "T604",
                member,
                f"l'objet fait {len(acte.objet)} caractères sur {lines} ligne(s) ; @CTES en "
                f"accepte de 1 à {OBJET_MAX}, sur une seule ligne",
                "Raccourcissez l'objet ; le détail va dans le texte de la délibération.",
                field="objet",
            )
        )
    code = ".".join(map(str, acte.matieres))
    if len(acte.matieres) < 2 or not nomenclature.known(acte.matieres):
        out.append(
            Problem(
                "T605",
                member,
                f"le code matière « {code} » n'existe pas dans la classification du "
                f"{nomenclature.date:%d/%m/%Y}",
                "Choisissez un code de la nomenclature @CTES de votre préfecture (deux niveaux "
                "au moins, « 7.1 ») ; la classification se règle dans collectivite.yml, bloc "
                "« actes ».",
                field="matiere",
            )
        )
    if acte.date > today:
        out.append(
            Problem(
                "T606",
                member,
                f"la date de décision ({acte.date:%d/%m/%Y}) est dans le futur",
                "Un acte ne se transmet qu'une fois adopté : vérifiez la date de la séance.",
                field="date",
            )
        )
    if acte.nature not in NATURE_ABREGE:
        out.append(
            Problem(
                "T610",
                member,
                f"la nature d'acte {acte.nature} n'existe pas",
                "1 délibérations, 2 actes réglementaires, 3 actes individuels, 4 contrats et "
                "conventions, 5 documents budgétaires, 6 autres.",
                field="nature",
            )
        )
    return out


def _name_problems(name: str, env: Enveloppe, acte: Acte) -> list[Problem]:
    """The message's and pieces' names against the envelope and the act they carry."""
    base = acte_base(env.departement, env.siren, acte)
    hint = "Les noms des fichiers se déduisent de l'enveloppe et de l'acte (DESIGN.md §3)."
    out = []
    if name != message_name(base):
        out.append(
            Problem("T611", name, f"le message devrait s'appeler « {message_name(base)} »", hint)
        )
    for rank, piece in enumerate((acte.document, *acte.annexes), start=1):
        found = PIECE_NAME.fullmatch(piece)
        field = "annexe" if rank > 1 else "document"
        if found is None or found["base"] != base or int(found["rank"]) != rank:
            out.append(
                Problem(
                    "T611",
                    name,
                    f"la pièce n° {rank} « {piece} » devrait s'appeler « TYPE-{base}-1-1_{rank}"
                    ".ext »",
                    hint,
                    field=field,
                    index=rank - 1,
                )
            )
        elif not TYPE_PJ.fullmatch(found["type"]):
            out.append(
                Problem(
                    "T613",
                    name,
                    f"la typologie « {found['type']} » de la pièce n° {rank} n'a pas la forme "
                    "« 99_DE » (5 caractères)",
                    "Donnez un code de la typologie de votre préfecture dans collectivite.yml, "
                    "bloc « actes » (« type_piece », « type_annexe »).",
                    field="type",
                    index=rank - 1,
                )
            )
    return out


def _piece_problems(member: Member, rank: int) -> list[Problem]:
    field = "annexe" if rank else "document"
    extension = member.name.rsplit(".", 1)[-1] if "." in member.name else ""
    magic = MAGIC.get(extension)
    if magic is None:
        return [
            Problem(
                "T608",
                member.name,
                f"format « .{extension} » refusé par @CTES",
                "@CTES n'accepte que des pièces PDF, JPG ou PNG : convertissez-la en PDF.",
                field=field,
                index=rank,
            )
        ]
    data = member.read()
    window = data[:PDF_HEADER_WINDOW] if extension == "pdf" else data[: len(magic)]
    if magic not in window:
        return [
            Problem(
                "T608",
                member.name,
                f"le contenu n'est pas celui d'un fichier .{extension}",
                "Le fichier a peut-être été renommé : ouvrez-le et enregistrez-le en PDF.",
                field=field,
                index=rank,
            )
        ]
    reason = pdf_unreadable(data) if extension == "pdf" else None
    if reason is not None:
        return [
            Problem(
                "T609",
                member.name,
                f"PDF illisible ({reason})",
                "Ouvrez le fichier et enregistrez-le de nouveau en PDF (non protégé par mot de "
                "passe).",
                field=field,
                index=rank,
            )
        ]
    return []


def pdf_unreadable(data: bytes) -> str | None:
    """Why a PDF cannot be read (its pages listed), or None if it can."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        pages = sum(1 for _ in PDFPage.create_pages(document))
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        return f"{type(exc).__name__}: {exc}"[:200]
    return None if pages else "aucune page"


# --- Reading an archive --------------------------------------------------------------------------


@contextmanager
def open_bundle(path: Path) -> Iterator[Bundle]:
    """The files of a ``.tar.gz``, read from the archive only when a check needs them."""
    with tarfile.open(path, "r:gz") as tar:

        def reader(info: tarfile.TarInfo) -> Callable[[], bytes]:
            def read() -> bytes:
                stream = tar.extractfile(info)
                return stream.read() if stream is not None else b""

            return read

        members = tuple(
            Member(info.name, info.size, reader(info), info.isfile()) for info in tar.getmembers()
        )
        yield Bundle(path.name, members)


def problem_to_diagnostic(problem: Problem, loc: Loc) -> Diagnostic:
    return error(problem.code, loc, problem.message, problem.hint)


def check_archive(
    path: Path, today: dt.date, nomenclature: Nomenclature | None = None
) -> list[Diagnostic]:
    """Check any @CTES archive on disk; diagnostics are located in ``archive/member:line``."""
    nomenclature = nomenclature or _read_nomenclature(DEFAULT_CLASSIFICATION)
    if path.stat().st_size > MAX_BUNDLE_BYTES:
        return [
            error(
                "T607",
                Loc(str(path)),
                f"l'archive pèse {_mo(path.stat().st_size)} ; @CTES n'accepte pas plus de "
                f"{_mo(MAX_BUNDLE_BYTES)}",
                "Allégez les pièces ou transmettez les annexes à part.",
            )
        ]
    try:
        with open_bundle(path) as bundle:
            problems = check_bundle(bundle, nomenclature, today)
    except (tarfile.TarError, OSError, EOFError) as exc:
        return [
            error(
                "T612",
                Loc(str(path)),
                f"archive illisible ({exc})",
                "Une archive @CTES est un fichier .tar.gz ; reconstruisez-la.",
            )
        ]
    return [
        problem_to_diagnostic(
            p, Loc(f"{path}/{p.member}" if p.member else str(path), p.line, 1 if p.line else 0)
        )
        for p in problems
    ]


# --- The registre des envois (state file) --------------------------------------------------------


@dataclass(frozen=True)
class Envoi:
    """An envelope name given to an act (by its numero and the digest of what was sent)."""

    date: dt.date
    serial: int
    numero: str
    empreinte: str


def default_state_file(content: Path) -> Path:
    """Kept with the content: it is the history of what was sent, and must not be lost."""
    return content / "envois-actes.json"


def read_envois(path: Path) -> list[Envoi]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            Envoi(
                dt.date.fromisoformat(e["date"]),
                int(e["numero_ordre"]),
                e["numero"],
                e["empreinte"],
            )
            for e in data["envois"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RegistreError(
            [
                error(
                    "T614",
                    Loc(str(path)),
                    f"le registre des envois @CTES est illisible ({exc})",
                    "Ce fichier garantit que deux envois du même jour ne portent pas le même "
                    "nom : restaurez-le depuis votre sauvegarde ou l'historique git.",
                )
            ]
        ) from exc


def envois_to_json(envois: Sequence[Envoi]) -> str:
    rows = [
        {
            "date": e.date.isoformat(),
            "numero_ordre": e.serial,
            "numero": e.numero,
            "empreinte": e.empreinte,
        }
        for e in sorted(envois, key=lambda e: (e.date, e.serial))
    ]
    note = (
        "Registre des envois @CTES tenu par Registre : un nom d'enveloppe par acte envoyé, "
        "jamais deux fois le même. Ne pas modifier à la main."
    )
    return json.dumps({"note": note, "envois": rows}, ensure_ascii=False, indent=2) + "\n"


def assign_envoi(envois: Sequence[Envoi], numero: str, empreinte: str, day: dt.date) -> Envoi:
    """The name already given to this very act, else the next serial of ``day``."""
    for e in envois:
        if e.numero == numero and e.empreinte == empreinte:
            return e
    serial = max((e.serial for e in envois if e.date == day), default=0) + 1
    return Envoi(day, serial, numero, empreinte)


# --- Export --------------------------------------------------------------------------------------


def _missing_config(c: Collectivite) -> RegistreError:
    return RegistreError(
        [
            error(
                "T601",
                c.pos.at,
                "la transmission @CTES n'est pas paramétrée : bloc « actes » absent",
                "Ajoutez à collectivite.yml :\nactes:\n  email_retour: actes@votre-collectivite.fr"
                "\n  tdt: SIC   # trigramme de votre tiers de télétransmission, s'il le demande",
            )
        ]
    )


def config_diagnostics(cfg: Actes) -> list[Diagnostic]:
    """The ``actes`` block, checked once rather than in every envelope built from it."""
    out = []
    if not EMAIL.fullmatch(cfg.email_retour):
        out.append(
            error(
                "T601",
                cfg.pos.of("email_retour"),
                f"l'adresse « {cfg.email_retour} » est refusée par @CTES",
                "Une adresse simple (lettres, chiffres, « . », « - », « _ »), dont le nom de "
                "domaine finit par 2 à 6 lettres : « assemblees@ville-exemple.fr ».",
            )
        )
    if cfg.tdt is not None and not TDT.fullmatch(cfg.tdt):
        out.append(
            error(
                "T601",
                cfg.pos.of("tdt"),
                f"le trigramme « {cfg.tdt} » n'a pas 3 majuscules ou chiffres",
                "Recopiez le trigramme que votre tiers de télétransmission vous a donné (« SIC »).",
            )
        )
    for key in ("type_piece", "type_annexe"):
        value = getattr(cfg, key)
        if not TYPE_PJ.fullmatch(value):
            out.append(
                error(
                    "T613",
                    cfg.pos.of(key),
                    f"la typologie « {value} » n'a pas la forme « 99_DE » (5 caractères)",
                    "Prenez le code dans la typologie des pièces de votre préfecture.",
                )
            )
    return out


def select_deliberations(
    project: Project, seance: dt.date | None = None, numeros: Collection[str] = ()
) -> list[tuple[SeanceFiles, Deliberation]]:
    """The acts numbered, or those of a séance; by default those not yet acknowledged."""
    items = [(s, d) for s in project.seances for d in s.deliberations]
    where = Loc(os.path.dirname(project.collectivite.pos.at.file))
    if numeros:
        unknown = sorted(set(numeros) - {d.numero for _, d in items})
        if unknown:
            raise RegistreError(
                [
                    error(
                        "T615",
                        where,
                        f"délibération inconnue : {', '.join(unknown)}",
                        "Donnez le numéro tel qu'il est écrit dans « numero: » (ex. 2024_014).",
                    )
                ]
            )
        return [(s, d) for s, d in items if d.numero in numeros]
    if seance is not None:
        chosen = [(s, d) for s, d in items if s.seance.date == seance]
        if not chosen:
            raise RegistreError(
                [
                    error(
                        "T615",
                        where,
                        f"aucune délibération pour une séance du {seance:%d/%m/%Y}",
                        "Donnez la date de la séance (AAAA-MM-JJ) telle qu'écrite dans seance.yml.",
                    )
                ]
            )
        return chosen
    return [(s, d) for s, d in items if d.prefecture is None]


def matiere_to_codes(matiere: str) -> tuple[int, ...]:
    """« 8.1.2 » → (8, 1, 2); a malformed code gives (), and T605 says what is wrong."""
    if not MATIERE.fullmatch(matiere):
        return ()
    return tuple(int(part) for part in matiere.split("."))


def deliberation_to_acte(
    c: Collectivite,
    cfg: Actes,
    nomenclature: Nomenclature,
    files: SeanceFiles,
    d: Deliberation,
    extrait: Path,
) -> tuple[Acte, list[tuple[str, Path]]]:
    """The act's message data, and each piece's name in the bundle with its file on disk."""
    acte = Acte(
        numero=d.numero,
        date=files.seance.date,
        nature=d.nature,
        matieres=matiere_to_codes(d.matiere),
        objet=d.objet.strip(),
        classification=cfg.classification_date_version or nomenclature.date,
        document="",
        annexes=(),
    )
    base = acte_base(c.departement, c.siren, acte)
    sources = [(piece_name(cfg.type_piece, base, 1, "pdf"), extrait)]
    folder = os.path.dirname(d.pos.at.file)
    for rank, annexe in enumerate(d.annexes, start=2):
        extension = posixpath.splitext(annexe.fichier)[1].lstrip(".") or "sans-extension"
        path = Path(os.path.normpath(os.path.join(folder, annexe.fichier)))
        sources.append((piece_name(cfg.type_annexe, base, rank, extension), path))
    names = [name for name, _ in sources]
    return replace(acte, document=names[0], annexes=tuple(names[1:])), sources


def _absent(d: Deliberation, rank: int, path: Path) -> Diagnostic:
    if rank == 0:
        return error(
            "T612",
            d.pos.at,
            f"l'extrait PDF de la délibération {d.numero} est introuvable ({path})",
            "Lancez « registre build » (ou « registre export actes », qui les produit).",
        )
    return error(
        "T612",
        d.annexes[rank - 1].pos.of("fichier"),
        f"l'annexe « {d.annexes[rank - 1].fichier} » est introuvable",
        "Le chemin est relatif au fichier de la délibération ; vérifiez le nom du fichier.",
    )


def _disk_member(name: str, path: Path) -> Member:
    return Member(name, path.stat().st_size, path.read_bytes)


def _bytes_member(name: str, data: bytes) -> Member:
    return Member(name, len(data), lambda: data)


def _digest(members: Sequence[Member]) -> str:
    digest = hashlib.sha256()
    for m in members:
        digest.update(m.name.encode() + b"\0")
        digest.update(hashlib.sha256(m.read()).digest())
    return digest.hexdigest()


def plan_bundle(
    c: Collectivite,
    cfg: Actes,
    acte: Acte,
    sources: Sequence[tuple[str, Path]],
    envois: Sequence[Envoi],
    today: dt.date,
) -> tuple[Bundle, Envoi]:
    """The bundle of one act, named from the registre des envois (not yet written)."""
    message = _bytes_member(
        message_name(acte_base(c.departement, c.siren, acte)), acte_to_xml(acte)
    )
    pieces = [_disk_member(name, path) for name, path in sources]
    small = message.size + sum(p.size for p in pieces) <= MAX_BUNDLE_BYTES
    # an oversized bundle is refused (T607): no need to read it all for its digest
    envoi = assign_envoi(envois, acte.numero, _digest([message, *pieces]) if small else "", today)
    stem = envelope_name(c.siren, envoi.date, envoi.serial)
    envelope = Enveloppe(
        siren=c.siren,
        departement=c.departement,
        arrondissement=c.arrondissement,
        nature=c.nature_actes_effective,
        emails=(cfg.email_retour,),
        formulaires=(message.name,),
        referent=cfg.referent,
        telephone=cfg.telephone,
    )
    members = (_bytes_member(f"{stem}.xml", enveloppe_to_xml(envelope)), message, *pieces)
    archive = f"{cfg.tdt}-{stem}.tar.gz" if cfg.tdt else f"{stem}.tar.gz"
    return Bundle(archive, members), envoi


def problem_locator(cfg: Actes, files: SeanceFiles, d: Deliberation) -> Callable[[Problem], Loc]:
    """Where, in the YAML, the value behind a problem of this délibération's bundle was written."""

    def locate(p: Problem) -> Loc:
        if p.field == "annexe" and 1 <= p.index <= len(d.annexes):
            return d.annexes[p.index - 1].pos.of("fichier")
        if p.field == "type":
            return cfg.pos.of("type_annexe" if p.index else "type_piece")
        if p.field == "date":
            return files.seance.pos.of("date")
        if p.field in ("numero", "objet", "matiere", "nature"):
            return d.pos.of(p.field)
        if p.field == "enveloppe" or ENVELOPE_NAME.fullmatch(p.member):
            return cfg.pos.at
        return d.pos.at

    return locate


def write_bundle(bundle: Bundle, day: dt.date, out: Path) -> Path:
    """A reproducible tar.gz (fixed dates, owners and modes), written then renamed into place."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / bundle.name
    stamp = int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())
    fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{bundle.name}-", suffix=".tmp")
    os.fchmod(fd, FILE_MODE)  # mkstemp's files are private
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=stamp) as gz,
            tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar,
        ):
            for m in bundle.members:
                data = m.read()
                info = tarfile.TarInfo(m.name)
                info.size, info.mtime, info.mode = len(data), stamp, 0o644
                tar.addfile(info, io.BytesIO(data))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def export_actes(
    project: Project,
    out: Path,
    *,
    today: dt.date,
    state: Path,
    extraits: Mapping[str, Path] | None = None,
    seance: dt.date | None = None,
    numeros: Collection[str] = (),
    cache_dir: Path | None = None,
    settings: RenderSettings | None = None,
    progress: Progress = lambda _: None,
) -> list[Path]:
    """Write one @CTES archive per selected délibération into ``out``; nothing if any is wrong.

    The acts are the extract PDFs of ``extraits`` (by numero: those ``build`` renders), or
    rendered here when it is None. Every bundle is checked with ``check_bundle``
    (XSD included) before the first one is written; problems raise ``RegistreError``,
    located in the YAML.
    """
    c = project.collectivite
    if c.actes is None:
        raise _missing_config(c)
    cfg = c.actes
    if config := config_diagnostics(cfg):
        raise RegistreError(config)
    nomenclature = collectivite_to_nomenclature(c)
    chosen = select_deliberations(project, seance, numeros)
    envois = read_envois(state)
    with _extraits(project, chosen, extraits, cache_dir, settings, progress) as pdfs:
        progress(f"Archives @CTES ({len(chosen)})")
        planned: list[tuple[Bundle, Envoi]] = []
        diagnostics: list[Diagnostic] = []
        for files, d in chosen:
            pdf = pdfs.get(d.numero, Path("extraits", f"{d.numero}.pdf"))
            acte, sources = deliberation_to_acte(c, cfg, nomenclature, files, d, pdf)
            absent = [
                _absent(d, r, path) for r, (_, path) in enumerate(sources) if not path.is_file()
            ]
            if absent:
                diagnostics += absent
                continue
            bundle, envoi = plan_bundle(c, cfg, acte, sources, envois, today)
            if envoi not in envois:
                envois = [*envois, envoi]
            planned.append((bundle, envoi))
            locate = problem_locator(cfg, files, d)
            diagnostics += [
                problem_to_diagnostic(p, locate(p))
                for p in check_bundle(bundle, nomenclature, today)
            ]
        if diagnostics:
            raise RegistreError(sorted(set(diagnostics), key=Diagnostic.sort_key))
        # the names are kept before the archives are written: a name is never given twice
        write_text(state, envois_to_json(envois))
        return [write_bundle(bundle, envoi.date, out) for bundle, envoi in planned]


@contextmanager
def _extraits(
    project: Project,
    chosen: Sequence[tuple[SeanceFiles, Deliberation]],
    extraits: Mapping[str, Path] | None,
    cache_dir: Path | None,
    settings: RenderSettings | None,
    progress: Progress,
) -> Iterator[Mapping[str, Path]]:
    if extraits is not None:
        yield extraits
        return
    with store_for(cache_dir) as store:
        only = {d.numero for _, d in chosen}
        tree = Tree()
        write_documents(project, tree, store, progress, only=only, settings=settings)
        yield {n: Path(tree.files[f"extraits/{n}.pdf"][0]) for n in only}
