"""One file → one report; many files → a pool of worker processes, each file with a time limit."""

from __future__ import annotations

import dataclasses
import os
import resource
import socket
import subprocess
import sys
import time
from multiprocessing.connection import Connection, wait
from pathlib import Path

from generator.ingest.crosscheck import crosscheck
from generator.ingest.ocr import INSTALL_HINT, OcrSettings, ocr_pdf
from generator.ingest.report import DelibReport, FileReport, OcrReport, page_ranges
from generator.ingest.sections import parse_document
from generator.ingest.text import (
    OUT_OF_MEMORY,
    PdfError,
    PdfText,
    TextSettings,
    data_to_text,
    read_bytes,
    require_readable,
)

#: Said after the explanation of a mismatch read from OCR text.
OCR_CAVEAT = "lu par reconnaissance de caractères, à vérifier sur le document"

#: The share of a file's time limit that OCR may take: the pages read by then are parsed.
OCR_SHARE = 0.8


def read_document(path: Path, settings: TextSettings, ocr: OcrSettings) -> PdfText:
    """The positioned lines of ``path``: its text layer, and OCR where it has none."""
    data = read_bytes(path)
    pdf = data_to_text(data, settings, require_pages=ocr.mode == "never")
    return require_readable(ocr_pdf(data, pdf, ocr, settings))


def check_pdf(
    path: Path, settings: TextSettings | None = None, ocr: OcrSettings | None = None
) -> FileReport:
    """Read, parse and cross-check one PDF; never raises for a bad file."""
    settings = settings or TextSettings()
    name = path.name
    try:
        pdf = read_document(path, settings, ocr or OcrSettings())
    except PdfError as exc:
        return FileReport(name, exc.status, exc.message)
    except MemoryError:
        return FileReport(name, "unreadable", OUT_OF_MEMORY)
    except Exception as exc:  # a parser bug must not stop a batch
        return FileReport(name, "unreadable", f"erreur de lecture ({type(exc).__name__}: {exc})")
    return text_to_report(name, pdf, settings, (ocr or OcrSettings()).mode)


def text_to_report(
    name: str, pdf: PdfText, settings: TextSettings, ocr_mode: str = "auto"
) -> FileReport:
    """The report of a PDF's text: parsed and cross-checked, or why it could not be."""
    readable = pdf.pages - len(pdf.damaged)  # a damaged page has no letters, nor a scan
    if pdf.letters < settings.min_letters_per_page * readable:
        return FileReport(
            name,
            "no_text_layer",
            f"{readable} page(s) lue(s), {pdf.letters} lettres seulement : "
            + _why_no_text(pdf, ocr_mode),
            pages=pdf.pages,
            ocr=_ocr_report(pdf),
        )
    try:
        doc = parse_document(pdf)
        check = crosscheck(doc)
    except MemoryError:
        return FileReport(name, "unreadable", OUT_OF_MEMORY, pages=pdf.pages)
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
    elif pdf.ocr is not None and pdf.ocr.pages:
        status, message = "ocr", None
    else:
        status, message = "ok", None
    notes = []
    ocr = _ocr_report(pdf)
    if ocr is not None and ocr.pages:
        notes.append(
            f"lu par reconnaissance de caractères (OCR), page(s) {page_ranges(ocr.pages)}, "
            f"confiance moyenne {ocr.confidence:.0f} % : vérifiez les chiffres sur le document"
        )
        for d in delibs:
            if d.coherent is False:
                d.explanation = f"{d.explanation} ({OCR_CAVEAT})".lstrip()
    if ocr is not None and ocr.skipped:
        why = INSTALL_HINT if pdf.ocr and pdf.ocr.unavailable else "délai de lecture atteint"
        notes.append(f"page(s) scannée(s) non lue(s) : {page_ranges(ocr.skipped)} ({why})")
    if pdf.truncated:
        notes.append(f"seules les {settings.max_pages} premières pages ont été lues")
    if pdf.damaged:
        pages = ", ".join(map(str, pdf.damaged))
        notes.append(f"page(s) endommagée(s), non lue(s) : {pages}")
    if notes:
        message = " ; ".join([message, *notes] if message else notes)
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
        ocr,
    )


def _why_no_text(pdf: PdfText, mode: str) -> str:
    """Why a file with (almost) no letters could not be read, and what to do."""
    scan = "document scanné sans couche texte"
    if mode == "never":
        return f"{scan} ; reconnaissance de caractères (OCR) désactivée par --ocr never"
    if pdf.ocr is None:
        return f"{scan}, ou pages blanches ; aucune image de page à lire par OCR"
    if pdf.ocr.unavailable:
        return f"{scan} ; {pdf.ocr.unavailable}"
    if pdf.ocr.skipped:
        pages = page_ranges(pdf.ocr.skipped)
        return f"{scan} ; page(s) {pages} non lue(s) par OCR : délai de lecture atteint"
    return f"{scan} ; la reconnaissance de caractères (OCR) n'y a pas lu de texte"


def _ocr_report(pdf: PdfText) -> OcrReport | None:
    if pdf.ocr is None:
        return None
    confidence = None if pdf.ocr.confidence is None else round(pdf.ocr.confidence, 1)
    return OcrReport(pdf.ocr.pages, confidence, pdf.ocr.skipped, pdf.ocr.engine)


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


#: The address space a reading process may use: a PDF of a few megabytes can unfold into
#: gigabytes (a stream of zeros compressed a thousand times): past this, its reading fails
#: (``MemoryError``) instead of taking the machine's memory from everything else.
MEMORY_LIMIT = 2 * 2**30


def _serve(fd: int, memory: int) -> None:
    """The loop of a reading process: a job is ``(index, path, ocr, timeout)``, the answer
    ``(index, report)``; ``None`` or a closed socket ends it. OCR stops reading pages at
    ``OCR_SHARE`` of the time limit, so that the pages read by then are parsed and reported
    before the process is killed."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    conn = Connection(fd)
    try:
        while (job := conn.recv()) is not None:
            index, path, ocr, timeout = job
            deadline = time.monotonic() + OCR_SHARE * timeout
            ocr = dataclasses.replace(ocr, deadline=deadline)
            conn.send((index, check_pdf(Path(path), ocr=ocr)))
    except (EOFError, OSError):  # the process that asked is gone
        return


def timed_out(name: str, timeout: float) -> FileReport:
    message = f"délai dépassé : analyse interrompue après {timeout:g} s"
    return FileReport(name, "unreadable", message)


class ReadingProcess:
    """A process that reads one file at a time, killed when a file takes too long.

    It is a fresh interpreter started with :mod:`subprocess` and spoken to over a socket pair
    (what ``multiprocessing`` does under the hood), not a ``multiprocessing`` child: the same
    class then also serves inside a Dask worker (:mod:`generator.ingest.cluster`), whose
    process is daemonic and may not have ``multiprocessing`` children.
    """

    def __init__(self, memory: int = MEMORY_LIMIT) -> None:
        parent, child = socket.socketpair()
        fd = child.fileno()
        code = f"from generator.ingest.check import _serve; _serve({fd}, {memory})"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            pass_fds=[fd],
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        child.close()
        self.conn = Connection(parent.detach())
        self.job: tuple[int, Path] | None = None
        self.started = 0.0

    def start(self, index: int, path: Path, ocr: OcrSettings, timeout: float) -> None:
        self.job = (index, path)
        self.started = time.monotonic()
        self.conn.send((index, str(path), ocr, timeout))

    def receive(self) -> FileReport | None:
        """The report of the current job, once ``conn`` is ready; ``None`` if the process
        died instead of answering (then it must be replaced)."""
        assert self.job is not None
        try:
            _, report = self.conn.recv()
        except (EOFError, OSError):
            return None
        self.job = None
        assert isinstance(report, FileReport)
        return report

    def crashed(self) -> FileReport:
        assert self.job is not None
        return FileReport(
            self.job[1].name, "unreadable", "le processus d'analyse s'est arrêté brutalement"
        )

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:  # BrokenPipeError included
                self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.conn.close()


def check_pdfs(
    paths: list[Path],
    workers: int = 2,
    timeout: float = 60,
    memory: int = MEMORY_LIMIT,
    ocr: OcrSettings | None = None,
) -> list[FileReport]:
    """Check every PDF (directories expanded) in ``workers`` processes (one at least: a file
    read in this process could not be stopped) of at most ``memory`` bytes each; a file that
    takes more than ``timeout`` seconds is reported unreadable and its process replaced.
    Scanned pages are read by OCR as ``ocr`` says, in the same processes."""
    ocr = ocr or OcrSettings()
    files = expand_paths(paths)
    if not files:
        return []
    workers = max(1, workers)
    results: dict[int, FileReport] = {}
    pending = list(enumerate(files))
    slots = [ReadingProcess(memory) for _ in range(min(workers, len(files)))]
    try:
        while len(results) < len(files):
            for slot in slots:
                if slot.job is None and pending:
                    slot.start(*pending.pop(0), ocr, timeout)
            busy = [s for s in slots if s.job is not None]
            ready = wait([s.conn for s in busy], timeout=0.5)
            now = time.monotonic()
            for i, slot in enumerate(slots):
                if slot.job is None:
                    continue
                index = slot.job[0]
                if slot.conn in ready:
                    report = slot.receive()
                    if report is None:
                        report = slot.crashed()
                        slot.stop(kill=True)
                        slots[i] = ReadingProcess(memory)
                    results[index] = report
                elif now - slot.started > timeout:
                    results[index] = timed_out(slot.job[1].name, timeout)
                    slot.stop(kill=True)
                    slots[i] = ReadingProcess(memory)
    finally:
        for slot in slots:
            slot.stop()
    return [results[i] for i in range(len(files))]
