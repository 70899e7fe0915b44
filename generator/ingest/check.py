"""One file → one report; many files → a pool of worker processes, each file with a time limit."""

from __future__ import annotations

import multiprocessing as mp
import time
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from generator.ingest.crosscheck import crosscheck
from generator.ingest.report import DelibReport, FileReport
from generator.ingest.sections import parse_document
from generator.ingest.text import PdfError, TextSettings, read_pdf


def check_pdf(path: Path, settings: TextSettings | None = None) -> FileReport:
    """Read, parse and cross-check one PDF; never raises for a bad file."""
    settings = settings or TextSettings()
    name = path.name
    try:
        pdf = read_pdf(path, settings)
    except PdfError as exc:
        return FileReport(name, exc.status, exc.message)
    except Exception as exc:  # a parser bug must not stop a batch
        return FileReport(name, "unreadable", f"erreur de lecture ({type(exc).__name__}: {exc})")
    if pdf.letters < settings.min_letters_per_page * pdf.pages:
        return FileReport(
            name,
            "no_text_layer",
            f"{pdf.pages} page(s), {pdf.letters} lettres seulement : document scanné sans "
            "couche texte ; la reconnaissance de caractères (OCR) n'est pas prise en charge",
            pages=pdf.pages,
        )
    try:
        doc = parse_document(pdf)
        check = crosscheck(doc)
    except Exception as exc:
        return FileReport(
            name, "unreadable", f"erreur d'analyse ({type(exc).__name__}: {exc})", pages=pdf.pages
        )
    delibs = []
    for item, ic in zip(doc.items, check.items, strict=True):
        v = item.vote
        delibs.append(
            DelibReport(
                ic.ref,
                ic.objet,
                ic.presents,
                ic.procurations,
                {"pour": v.pour, "contre": v.contre, "abstentions": v.abstention, "nppv": v.nppv},
                v.unanimite,
                v.secret,
                ic.declared_total,
                ic.expected_total,
                ic.coherent,
                ic.anomalies,
                ic.explanation,
            )
        )
    if not doc.attendance.found and not any(not it.vote.empty for it in doc.items):
        status = "not_a_deliberation"
        message: str | None = "ni liste de présence ni vote reconnus"
    elif any(d.coherent is False for d in delibs):
        status, message = "incoherent", None
    else:
        status, message = "ok", None
    if pdf.truncated:
        message = (message + " ; " if message else "") + (
            f"seules les {settings.max_pages} premières pages ont été lues"
        )
    return FileReport(
        name,
        status,
        message,
        doc.collectivite,
        doc.date.isoformat() if doc.date else None,
        doc.attendance.en_exercice,
        check.presents,
        check.procurations,
        check.absents,
        check.votants,
        delibs,
        check.anomalies,
        pdf.pages,
    )


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, directories as the PDFs they hold (sorted), each once."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix.lower() == ".pdf" and q.is_file()))
        else:
            out.append(p)
    seen: set[Path] = set()
    return [p for p in out if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def _worker(conn: Connection) -> None:
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        index, path = job
        conn.send((index, check_pdf(Path(path))))


class _Slot:
    def __init__(self, ctx: Any) -> None:
        parent, child = ctx.Pipe()
        self.conn: Connection = parent
        self.process = ctx.Process(target=_worker, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple[int, Path] | None = None
        self.started = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


def check_pdfs(paths: list[Path], workers: int = 2, timeout: float = 60) -> list[FileReport]:
    """Check every PDF (directories expanded) in ``workers`` processes; a file that takes more
    than ``timeout`` seconds is reported unreadable and its worker replaced."""
    files = expand_paths(paths)
    if not files:
        return []
    if workers <= 1:
        return [check_pdf(p) for p in files]
    ctx = mp.get_context("spawn")
    results: dict[int, FileReport] = {}
    pending = list(enumerate(files))
    slots = [_Slot(ctx) for _ in range(min(workers, len(files)))]
    try:
        while len(results) < len(files):
            for slot in slots:
                if slot.job is None and pending:
                    slot.job = pending.pop(0)
                    slot.started = time.monotonic()
                    slot.conn.send((slot.job[0], str(slot.job[1])))
            busy = [s for s in slots if s.job is not None]
            ready = wait([s.conn for s in busy], timeout=0.5)
            now = time.monotonic()
            for i, slot in enumerate(slots):
                if slot.job is None:
                    continue
                if slot.conn in ready:
                    try:
                        index, report = slot.conn.recv()
                    except (EOFError, OSError):
                        index = slot.job[0]
                        report = FileReport(
                            slot.job[1].name,
                            "unreadable",
                            "le processus d'analyse s'est arrêté brutalement",
                        )
                        slot.stop(kill=True)
                        slots[i] = _Slot(ctx)
                    results[index] = report
                    slots[i].job = None
                elif now - slot.started > timeout:
                    results[slot.job[0]] = FileReport(
                        slot.job[1].name,
                        "unreadable",
                        f"délai dépassé : analyse interrompue après {timeout:g} s",
                    )
                    slot.stop(kill=True)
                    slots[i] = _Slot(ctx)
    finally:
        for slot in slots:
            slot.stop()
    return [results[i] for i in range(len(files))]
