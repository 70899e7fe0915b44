"""The report of one file: the JSON shape of issue #5 and its French text rendering (pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

STATUS_TEXT = {
    "ok": "cohérent",
    "incoherent": "INCOHÉRENT",
    "ocr": "cohérent, lu par reconnaissance de caractères (OCR) : à vérifier sur le document",
    "no_text_layer": "sans texte lisible (PDF scanné)",
    "unreadable": "illisible",
    "not_a_deliberation": "pas une délibération (ni présences ni vote reconnus)",
}


@dataclass
class DelibReport:
    ref: str | None
    objet: str | None
    presents: int | None
    procurations: int | None
    vote: dict[str, int | None]
    unanimite: bool
    secret_ballot: bool
    declared_total: int | None
    expected_total: int | None
    coherent: bool | None
    anomalies: list[str]
    explanation: str

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "objet": self.objet,
            "presents": self.presents,
            "procurations": self.procurations,
            "vote": dict(self.vote),
            "unanimite": self.unanimite,
            "secret_ballot": self.secret_ballot,
            "declared_total": self.declared_total,
            "expected_total": self.expected_total,
            "coherent": self.coherent,
            "anomalies": list(self.anomalies),
            "explanation": self.explanation,
        }


@dataclass
class OcrReport:
    """Which pages were read by OCR, with what confidence, and which could not be."""

    pages: list[int]
    confidence: float | None
    skipped: list[int]
    engine: str

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": list(self.pages),
            "confidence": self.confidence,
            "skipped": list(self.skipped),
            "engine": self.engine,
        }


def page_ranges(pages: list[int]) -> str:
    """``[1, 2, 3, 5]`` as « 1-3, 5 » (pure)."""
    runs: list[list[int]] = []
    for page in sorted(pages):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


@dataclass
class FileReport:
    file: str
    status: str
    message: str | None = None
    collectivite: str | None = None
    seance_date: str | None = None
    en_exercice: int | None = None
    presents: int | None = None
    procurations: int | None = None
    absents: int | None = None
    votants: int | None = None
    deliberations: list[DelibReport] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    pages: int = 0
    #: What OCR read, when some pages needed it.
    ocr: OcrReport | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "status": self.status,
            "message": self.message,
            "collectivite": self.collectivite,
            "seance_date": self.seance_date,
            "en_exercice": self.en_exercice,
            "presents": self.presents,
            "procurations": self.procurations,
            "absents": self.absents,
            "votants": self.votants,
            "deliberations": [d.to_json() for d in self.deliberations],
            "ocr": None if self.ocr is None else self.ocr.to_json(),
        }


def reports_to_json(reports: list[FileReport]) -> str:
    return json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2) + "\n"


def _n(value: int | None) -> str:
    return "?" if value is None else str(value)


def report_to_text(report: FileReport) -> str:
    """A French report for one file."""
    out = [f"{report.file} : {STATUS_TEXT.get(report.status, report.status)}"]
    if report.message:
        out.append(f"  {report.message}")
    if report.status in ("unreadable", "no_text_layer"):
        return "\n".join(out)
    head = report.collectivite or "collectivité non indiquée"
    out.append(f"  Séance : {head}, {report.seance_date or 'date non trouvée'}")
    out.append(
        f"  En exercice : {_n(report.en_exercice)} ; présents : {_n(report.presents)} ; "
        f"procurations : {_n(report.procurations)} ; absents : {_n(report.absents)} ; "
        f"votants : {_n(report.votants)} (à l'ouverture)"
    )
    for anomaly in report.anomalies:
        out.append(f"  ! {anomaly}")
    for d in report.deliberations:
        verdict = {True: "cohérent", False: "INCOHÉRENT", None: "non vérifiable"}[d.coherent]
        title = f"  Délibération {d.ref or '(sans numéro)'}"
        if d.objet:
            title += f" — {d.objet}"
        out.append(title)
        v = d.vote
        figures = ", ".join(
            f"{k} {v[k]}" for k in ("pour", "contre", "abstentions", "nppv") if v.get(k) is not None
        )
        extra = []
        if d.unanimite:
            extra.append("à l'unanimité")
        if d.secret_ballot:
            extra.append("scrutin secret")
        out.append(
            "    vote : "
            + (figures or "sans chiffres")
            + (f" ({', '.join(extra)})" if extra else "")
        )
        out.append(
            f"    déclaré {_n(d.declared_total)}, attendu {_n(d.expected_total)} "
            f"({_n(d.presents)} présents + {_n(d.procurations)} pouvoirs) : {verdict}"
        )
        for anomaly in d.anomalies:
            out.append(f"    ! {anomaly}")
        if d.explanation and d.coherent is False:
            out.append(f"    {d.explanation}")
    return "\n".join(out)


def reports_to_text(reports: list[FileReport]) -> str:
    return "\n\n".join(report_to_text(r) for r in reports) + "\n"


def exit_code(reports: list[FileReport]) -> int:
    """0 all coherent, 1 any file incoherent, 2 any unreadable input."""
    if any(r.status == "unreadable" for r in reports):
        return 2
    if any(r.status == "incoherent" for r in reports):
        return 1
    return 0
