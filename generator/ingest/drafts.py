"""``registre import-pdf``: a parsed séance written as YAML drafts in the content format."""

from __future__ import annotations

import re
from pathlib import Path

from generator.ingest.crosscheck import crosscheck
from generator.ingest.names import same_person
from generator.ingest.sections import parse_document
from generator.ingest.text import PdfError, read_pdf


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def import_pdf(pdf: Path, content: Path) -> list[Path]:
    """Write ``seances/<date>/seance.yml`` and one draft per délibération; return the paths.

    Members are matched to ``content/membres.yml`` by name where it exists; the others are
    listed in a comment at the top of seance.yml (« membres inconnus ») to be added by hand.
    """
    try:
        doc = parse_document(read_pdf(pdf))
    except PdfError as exc:
        raise ValueError(exc.message) from exc
    check = crosscheck(doc)
    seance = check.seance
    assert seance is not None
    roster_ids: dict[str, str] = {}
    known: list[tuple[str, str, str]] = []
    membres_yml = content / "membres.yml"
    if membres_yml.exists():
        from generator.ingest.names import Mention

        text = membres_yml.read_text(encoding="utf-8")
        for block in re.split(r"\n\s*-\s+", text):
            id_m = re.search(r"\bid:\s*(\S+)", block)
            nom_m = re.search(r"\bnom:\s*(.+)", block)
            prenom_m = re.search(r"\bprenom:\s*(.+)", block)
            if id_m and nom_m:
                prenom = (prenom_m.group(1) if prenom_m else "").strip().strip("\"'")
                known.append(
                    (id_m.group(1).strip("\"'"), prenom, nom_m.group(1).strip().strip("\"'"))
                )
        for rid_, m in check.roster.people:
            for kid, kprenom, knom in known:
                if same_person(m, Mention(None, kprenom, knom, 0, 0)):
                    roster_ids[rid_] = kid
                    break
    unknown = [m.label for i, m in check.roster.people if i not in roster_ids]

    def rid(ident: str) -> str:
        return roster_ids.get(ident, ident)

    folder = content / "seances" / (doc.date.isoformat() if doc.date else "date-inconnue")
    (folder / "deliberations").mkdir(parents=True, exist_ok=True)
    lines = [f"# Brouillon importé de {pdf.name} par registre import-pdf : à relire."]
    if unknown:
        lines.append("# Membres inconnus (à ajouter à membres.yml) : " + ", ".join(unknown))
    lines.append("# À compléter : lieu, convocation, president, secretaires.")
    lines += [
        f"date: {seance.date.isoformat()}",
        'lieu: "À COMPLÉTER"',
        f"convocation: {seance.date.isoformat()}",
        'president: "À COMPLÉTER"',
        "secretaires: []",
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
    att = doc.attendance
    lines += [
        "declare:",
        f"  en_exercice: {att.en_exercice if att.en_exercice is not None else 'null'}",
        f"  presents: {att.presents_n if att.presents_n is not None else 'null'}",
        f"  procurations: {att.procurations_n if att.procurations_n is not None else 'null'}",
        f"  votants: {att.votants_n if att.votants_n is not None else 'null'}",
    ]
    written = [folder / "seance.yml"]
    (folder / "seance.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for i, (item, point) in enumerate(zip(doc.items, seance.ordre_de_passage, strict=False)):
        numero = re.sub(r"[^A-Z0-9_]", "_", (item.ref or f"IMPORT_{i + 1}").upper())[:15]
        v = item.vote
        body = [
            f"# Brouillon importé de {pdf.name} : à relire ; matiere et texte à compléter.",
            f"numero: {_q(numero)}",
            f"point: {_q(item.point or point)}",
            f"objet: {_q(item.objet or 'À COMPLÉTER')}",
            'matiere: "9.1"  # À COMPLÉTER',
            "texte: |",
            "  À COMPLÉTER (texte de la délibération)",
            "vote:",
        ]
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
