"""``registre import-pdf``: a parsed séance written as YAML drafts in the content format."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from ruamel.yaml import YAML

from generator.ingest.check import read_document
from generator.ingest.crosscheck import crosscheck
from generator.ingest.names import Mention, same_person
from generator.ingest.ocr import OcrSettings
from generator.ingest.report import page_ranges
from generator.ingest.sections import ParsedDoc, parse_document
from generator.ingest.text import PdfError, PdfText, TextSettings
from generator.model import Membre, Seance


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_DRAFT = "# Brouillon de membres.yml écrit par registre import-pdf : à relire."


def _write_membres(
    path: Path, source: str, unknown: list[tuple[str, Mention]], membres: dict[str, Membre]
) -> bool:
    """Add the members a document names to ``membres.yml`` when it is a draft of ours (or
    does not exist yet); a membres.yml written by hand is never changed: the members it lacks
    are then reported by ``registre check`` (« membre inconnu »)."""
    if path.exists() and not path.read_text(encoding="utf-8").startswith(_DRAFT):
        return False
    text = path.read_text(encoding="utf-8") if path.exists() else _DRAFT + "\nmembres:\n"
    present = set(re.findall(r"\bid: ([\w-]+)", text))
    lines = [f"  # lus dans {source}"]
    for ident, m in unknown:
        if ident in present:
            continue
        fields = [
            f"id: {ident}",
            f"civilite: {membres[ident].civilite}",
            f"prenom: {_q(m.prenom) if m.prenom else _q('À COMPLÉTER')}",
            f"nom: {_q(m.nom)}",
        ]
        if m.commune:
            fields.append(f"commune: {_q(m.commune)}")
        if membres[ident].suppleant_de:
            fields.append(f"suppleant_de: {membres[ident].suppleant_de}")
        lines.append("  - {" + ", ".join(fields) + "}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return True


def _known_members(path: Path) -> list[tuple[str, str, str]]:
    """(id, prénom, nom) of each member of ``membres.yml``; none when it cannot be read."""
    if not path.exists():
        return []
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except Exception:
        return []
    entries = data.get("membres") if isinstance(data, dict) else None
    out = []
    for e in entries if isinstance(entries, list) else []:
        if isinstance(e, dict) and e.get("id") and e.get("nom"):
            out.append((str(e["id"]), str(e.get("prenom") or ""), str(e["nom"])))
    return out


def _one_item(doc: ParsedDoc, seance: Seance) -> Seance:
    """The séance as an extract shows it: its one item; and the members who gave a pouvoir
    without being listed elsewhere are excused.

    An extract's figures are those of its item: the order of passage of the draft is that item
    alone (the figures declared are then compared where they apply), and what concerns other
    items (a retrait at point 19 on the extract of point 35) is left out.
    """
    listed = {p.membre for p in seance.presents} | set(seance.excuses)
    excuses = seance.excuses + tuple(
        dict.fromkeys(p.mandant for p in seance.procurations if p.mandant not in listed)
    )
    if not doc.single or not doc.items:
        return dataclasses.replace(seance, excuses=excuses)
    item = doc.items[0]
    keep = item.point or item.ref or seance.ordre_de_passage[0]
    if keep not in seance.ordre_de_passage:
        return dataclasses.replace(seance, excuses=excuses)
    rank = seance.ordre_de_passage.index(keep)

    def here(a: str | None, b: str | None) -> bool:
        """Whether bounds (a_partir_de, jusqu_a) cover the kept item."""
        order = seance.ordre_de_passage
        start = order.index(a) if a in order else 0
        end = order.index(b) if b in order else len(order)
        return start <= rank <= end

    presents = tuple(
        dataclasses.replace(p, a_partir_de=None, jusqu_a=None)
        for p in seance.presents
        if here(p.a_partir_de, p.jusqu_a)
    )
    away = tuple(p.membre for p in seance.presents if not here(p.a_partir_de, p.jusqu_a))
    procurations = tuple(
        dataclasses.replace(p, a_partir_de=None, jusqu_a=None)
        for p in seance.procurations
        if here(p.a_partir_de, p.jusqu_a)
    )
    retraits = tuple(
        dataclasses.replace(r, points=(keep,)) for r in seance.retraits if keep in r.points
    )
    return dataclasses.replace(
        seance,
        ordre_de_passage=(keep,),
        presents=presents,
        excuses=tuple(dict.fromkeys(excuses + away)),
        procurations=procurations,
        retraits=retraits,
    )


def ocr_mark(text: PdfText) -> str | None:
    """The comment that says a draft was read by OCR, with the pages and the confidence."""
    if text.ocr is None or not text.ocr.pages:
        return None
    confidence = f", confiance moyenne {text.ocr.confidence:.0f} %" if text.ocr.confidence else ""
    return (
        f"# Lu par OCR (reconnaissance de caractères), page(s) {page_ranges(text.ocr.pages)}"
        f"{confidence} : vérifiez chaque nom et chaque chiffre sur le document."
    )


def import_pdf(pdf: Path, content: Path, ocr: OcrSettings | None = None) -> list[Path]:
    """Write ``seances/<date>/seance.yml`` and one draft per délibération; return the paths.

    Members are matched to ``content/membres.yml`` by name; the others are added to it when
    it is missing or a draft of ours, else listed in a comment at the top of seance.yml
    (« membres inconnus ») and reported by ``registre check``. What the document does not
    print (lieu, convocation, président, secrétaires, matière, texte…) is left out, so that
    ``registre check`` names exactly what is missing.
    """
    try:
        text = read_document(pdf, TextSettings(), ocr or OcrSettings())
    except PdfError as exc:
        raise ValueError(exc.message) from exc
    if text.letters < TextSettings().min_letters_per_page * (text.pages - len(text.damaged)):
        why = text.ocr.unavailable if text.ocr and text.ocr.unavailable else None
        raise ValueError(
            f"{pdf.name} : aucun texte lisible (document scanné)" + (f" ; {why}" if why else "")
        )
    doc = parse_document(text)
    mark = ocr_mark(text)
    check = crosscheck(doc)
    seance = check.seance
    assert seance is not None
    roster_ids: dict[str, str] = {}
    written: list[Path] = []
    membres_yml = content / "membres.yml"
    for rid_, m in check.roster.people:
        for kid, kprenom, knom in _known_members(membres_yml):
            if same_person(m, Mention(None, kprenom, knom, 0, 0)):
                roster_ids[rid_] = kid
                break
    unknown = [(i, m) for i, m in check.roster.people if i not in roster_ids]
    if unknown and _write_membres(membres_yml, pdf.name, unknown, check.membres):
        written.append(membres_yml)
        unknown = []

    seance = _one_item(doc, seance)

    def rid(ident: str) -> str:
        return roster_ids.get(ident, ident)

    folder = content / "seances" / (doc.date.isoformat() if doc.date else "date-inconnue")
    (folder / "deliberations").mkdir(parents=True, exist_ok=True)
    # what the document does not say is left out, so that « registre check » names it
    lines = [
        f"# Brouillon importé de {pdf.name} par registre import-pdf : à relire.",
        "# Non imprimés dans le document, à ajouter : lieu, convocation, president, secretaires.",
        *([mark] if mark else []),
    ]
    if unknown:
        lines.append(
            "# Membres inconnus (à ajouter à membres.yml) : "
            + ", ".join(m.label for _, m in unknown)
        )
    lines += [
        f"date: {seance.date.isoformat()}",
        "ordre_de_passage: [" + ", ".join(_q(p) for p in seance.ordre_de_passage) + "]",
        "presents:",
    ]
    for p in seance.presents:
        if p.a_partir_de or p.jusqu_a:
            lines.append(f"  - membre: {rid(p.membre)}")
            if p.a_partir_de:
                lines.append(f"    a_partir_de: {_q(p.a_partir_de)}")
            if p.jusqu_a:
                lines.append(f"    jusqu_a: {_q(p.jusqu_a)}")
        else:
            lines.append(f"  - {rid(p.membre)}")
    if seance.excuses:
        lines.append("excuses: [" + ", ".join(rid(e) for e in seance.excuses) + "]")
    if seance.procurations:
        lines.append("procurations:")
        for proc in seance.procurations:
            lines.append(f"  - mandant: {rid(proc.mandant)}")
            lines.append(f"    mandataire: {rid(proc.mandataire)}")
            if proc.a_partir_de:
                lines.append(f"    a_partir_de: {_q(proc.a_partir_de)}")
            if proc.jusqu_a:
                lines.append(f"    jusqu_a: {_q(proc.jusqu_a)}")
    if seance.retraits:
        lines.append("retraits:")
        for r in seance.retraits:
            lines.append(f"  - membre: {rid(r.membre)}")
            lines.append("    points: [" + ", ".join(_q(x) for x in r.points) + "]")
    att = doc.attendance
    lines += [
        "declare:",
        f"  en_exercice: {att.en_exercice if att.en_exercice is not None else 'null'}",
        f"  presents: {att.presents_n if att.presents_n is not None else 'null'}",
        f"  procurations: {att.procurations_n if att.procurations_n is not None else 'null'}",
        f"  votants: {att.votants_n if att.votants_n is not None else 'null'}",
    ]
    written.insert(0, folder / "seance.yml")
    (folder / "seance.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for i, (item, point) in enumerate(zip(doc.items, seance.ordre_de_passage, strict=False)):
        numero = re.sub(r"[^A-Z0-9_]", "_", (item.ref or f"IMPORT_{i + 1}").upper())[:15]
        v = item.vote
        missing = ([] if item.objet else ["objet"]) + ["matiere", "texte"]
        body = [
            f"# Brouillon importé de {pdf.name} : à relire ; à ajouter : {', '.join(missing)}.",
            *([mark] if mark else []),
            f"numero: {_q(numero)}",
            f"point: {_q(item.point or point)}",
        ]
        if item.objet:
            body.append(f"objet: {_q(item.objet)}")
        body.append("vote:")
        if v.secret:
            body.append("  scrutin: secret")
        if v.unanimite:
            body.append("  unanimite: true")
        for key, value in (
            ("pour", v.pour),
            ("contre", v.contre),
            ("abstention", v.abstention),
            ("nppv", v.nppv),
            ("blancs_nuls", v.blancs),
            ("votants", v.votants),
        ):
            if value is not None:
                body.append(f"  {key}: {value}")
        path = folder / "deliberations" / f"{numero}.yml"
        path.write_text("\n".join(body) + "\n", encoding="utf-8")
        written.append(path)
    return written
