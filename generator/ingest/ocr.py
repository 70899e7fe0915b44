"""Scanned pages read by OCR: Tesseract's French model over page images rendered by PDFium.

Why Tesseract driven page by page rather than OCRmyPDF: the reader needs words with their
positions and confidences, not a new PDF. Tesseract's TSV output gives exactly that (each word's
box, its line, its confidence), and PDFium (``pypdfium2``, already installed with pdfplumber)
renders a page in ~0.2 s at 300 dpi. OCRmyPDF would add Ghostscript, write a PDF/A that the
reader would then parse again, and hide the per-word confidences that decide which figures can
be trusted. One page at a time also lets a long scan stop at the file's time limit with the
pages already read, and lets each page be kept in the cache by itself.

The words become the same :class:`~generator.ingest.text.Line` objects as a text layer's, so
the same reader runs on both. A figure (a word holding a digit) read with a low confidence is
masked (``ILLEGIBLE``): the reader then finds no number where it stands and says ``null``
rather than a wrong count.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.ingest.text import Char, Line, PdfText, TextSettings, page_chars_to_lines

MODES = ("auto", "always", "never")

#: What a figure read with too little confidence becomes: no digit, so no number is read.
ILLEGIBLE = "[illisible]"

#: How to get the engine, said when a scan cannot be read without it.
INSTALL_HINT = (
    "installez Tesseract et son modèle français pour lire les scans : "
    "apt-get install tesseract-ocr tesseract-ocr-fra"
)


@dataclass(frozen=True)
class OcrSettings:
    """How scanned pages are read."""

    #: ``auto``: the pages without a text layer, or whose text is only a stamp or a header, when
    #: a scanned image covers them; ``always``: every page; ``never``: none.
    mode: str = "auto"
    #: Resolution of the page images (Tesseract's models are trained near 300 dpi).
    dpi: int = 300
    #: Tesseract's language model.
    lang: str = "fra"
    #: In ``auto`` mode, a page with fewer letters than this in its text layer may be a scan.
    min_page_letters: int = 200
    #: ...when an image covers at least this share of it.
    min_image_share: float = 0.5
    #: A word holding a digit read with less confidence than this (0-100) is masked.
    min_figure_confidence: float = 70.0
    #: Where each page's OCR is kept, under the hash of the file (``None``: not kept).
    cache: Path | None = None
    #: A ``time.monotonic()`` after which no further page is read (the file's time limit).
    deadline: float | None = None


@dataclass
class OcrResult:
    """What OCR read of a file."""

    #: Pages read by OCR (numbered from 1).
    pages: list[int] = field(default_factory=list)
    #: The mean confidence of their words (0-100).
    confidence: float | None = None
    #: Pages that needed OCR but were not read: the time limit came first.
    skipped: list[int] = field(default_factory=list)
    #: Why pages that needed OCR were not read at all (no engine), else ``None``.
    unavailable: str | None = None
    #: The engine, as ``tesseract 5.3.0 (fra)``.
    engine: str = ""


@dataclass(frozen=True)
class OcrWord:
    """One word of Tesseract's TSV output, in pixels of the page image."""

    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]  # block, paragraph, line
    confidence: float
    text: str


def tsv_to_words(tsv: str) -> list[OcrWord]:
    """The words of Tesseract's TSV output (level 5 rows with text), in its order (pure)."""
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) != 12 or cells[0] != "5" or not cells[11].strip():
            continue
        try:
            block, par, line = int(cells[2]), int(cells[3]), int(cells[4])
            left, top, width, height = (int(c) for c in cells[6:10])
            confidence = float(cells[10])
        except ValueError:
            continue
        words.append(
            OcrWord(left, top, width, height, (block, par, line), confidence, cells[11].strip())
        )
    return words


def word_text(word: OcrWord, settings: OcrSettings) -> str:
    """What the reader is given for ``word``: a figure read with low confidence is masked."""
    if word.confidence < settings.min_figure_confidence and any(c.isdigit() for c in word.text):
        return ILLEGIBLE
    return word.text


def words_to_lines(
    words: Sequence[OcrWord], page: int, settings: OcrSettings, text: TextSettings
) -> list[Line]:
    """OCR words as the reader's lines (pure): each word is placed on the baseline of its
    Tesseract line (the bottom of the line's box, in points), so that the lines are grouped
    and cut into segments by the same rules as a text layer's characters."""
    scale = 72 / settings.dpi
    bottoms: dict[tuple[int, int, int], int] = {}
    for w in words:
        bottoms[w.line] = max(bottoms.get(w.line, 0), w.top + w.height)
    chars: list[Char] = []
    for w in words:
        # a line's box spans ascenders and descenders: the font size is about 4/5 of it
        size = max(4.0, w.height * scale * 0.8)
        x0, x1 = w.left * scale, (w.left + w.width) * scale
        chars.append((x0, x1, bottoms[w.line] * scale, size, word_text(w, settings)))
    return page_chars_to_lines(chars, page, text)


@functools.cache
def engine() -> str | None:
    """``tesseract X.Y.Z`` when Tesseract and its French model are installed, else ``None``."""
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    try:
        langs = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
        version = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return None
    if "fra" not in langs or len(version) < 2:
        return None
    return f"tesseract {version[1]}"


class _OutOfTime(Exception):
    """The file's time limit came while a page was being read."""


#: The longest a page may take when no time limit is set.
PAGE_SECONDS = 300.0


def _tesseract_tsv(png: bytes, lang: str, seconds: float) -> str:
    """Tesseract on one page image; TSV out. One thread: the pages of a batch are read by as
    many processes as there are cores already."""
    exe = shutil.which("tesseract") or "tesseract"
    try:
        run = subprocess.run(
            [exe, "stdin", "stdout", "-l", lang, "--psm", "3", "tsv"],
            input=png,
            capture_output=True,
            timeout=max(0.1, seconds),
            check=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired as exc:
        raise _OutOfTime from exc
    return run.stdout.decode("utf-8", errors="replace")


def _page_png(document: object, index: int, dpi: int) -> bytes:
    page = document[index]  # type: ignore[index]
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _image_share(document: object, index: int) -> float:
    """The share of page ``index`` covered by its largest image (0 when it has none)."""
    import pypdfium2.raw as pdfium_c

    page = document[index]  # type: ignore[index]
    width, height = page.get_size()
    area = max(1.0, float(width * height))
    largest = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        largest = max(largest, (right - left) * (top - bottom))
    return min(1.0, largest / area)


def pages_to_read(pdf: PdfText, document: object, settings: OcrSettings) -> list[int]:
    """The pages (from 1) that OCR must read under ``settings.mode``."""
    if settings.mode == "never":
        return []
    # the pages read (a file cut at ``max_pages`` has fewer than it counts); a page whose
    # drawing pdfminer could not read has no letters, and PDFium may still render it
    numbers = list(range(1, len(pdf.page_letters) + 1))
    if settings.mode == "always":
        return numbers
    return [
        n
        for n in numbers
        if pdf.page_letters[n - 1] < settings.min_page_letters
        and _image_share(document, n - 1) >= settings.min_image_share
    ]


def cache_key(data: bytes, settings: OcrSettings, version: str) -> str:
    """What a page's OCR depends on: the file, the resolution, the model, the engine."""
    digest = hashlib.sha256(data).hexdigest()
    salt = hashlib.sha256(f"{settings.dpi}\0{settings.lang}\0{version}".encode()).hexdigest()
    return f"{digest}-{salt[:16]}"


def _page_tsv(document: object, data_key: str, number: int, settings: OcrSettings) -> str:
    """Page ``number``'s TSV, from the cache when it was read before."""
    kept = settings.cache / data_key[:2] / f"{data_key}-{number}.tsv" if settings.cache else None
    if kept is not None and kept.is_file():
        try:
            return kept.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass  # read it again
    png = _page_png(document, number - 1, settings.dpi)
    left = PAGE_SECONDS if settings.deadline is None else settings.deadline - time.monotonic()
    tsv = _tesseract_tsv(png, settings.lang, min(PAGE_SECONDS, left))
    if kept is not None:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            partial = kept.with_suffix(f".{os.getpid()}.part")
            partial.write_text(tsv, encoding="utf-8")
            partial.replace(kept)
        except OSError:
            pass  # a cache that cannot be written only costs the next run its time
    return tsv


def ocr_pdf(data: bytes, pdf: PdfText, settings: OcrSettings, text: TextSettings) -> PdfText:
    """``pdf`` with the lines of the pages that need OCR replaced by what OCR read of them;
    ``pdf.ocr`` says which pages, with what confidence, and what was left out."""
    if settings.mode == "never":
        return pdf
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return pdf
    try:
        if pdf.pages == 0 and not pdf.damaged:  # pdfminer found no page at all; PDFium does
            pdf.pages = len(document)
            pdf.page_letters = [0] * min(pdf.pages, text.max_pages)
            pdf.damaged = list(range(1, len(pdf.page_letters) + 1))
            pdf.truncated = pdf.pages > text.max_pages
        wanted = pages_to_read(pdf, document, settings)
        if not wanted:
            return pdf
        version = engine()
        result = OcrResult()
        if version is None:
            result.unavailable = INSTALL_HINT
            result.skipped = wanted
            pdf.ocr = result
            return pdf
        result.engine = f"{version} ({settings.lang})"
        key = cache_key(data, settings, version)
        read: dict[int, list[Line]] = {}
        confidences: list[float] = []
        letters = 0
        for number in wanted:
            try:
                if settings.deadline is not None and time.monotonic() > settings.deadline:
                    raise _OutOfTime
                words = tsv_to_words(_page_tsv(document, key, number, settings))
            except _OutOfTime:
                result.skipped = [n for n in wanted if n not in read]
                break
            confidences.extend(w.confidence for w in words)
            letters += sum(c.isalnum() for w in words for c in w.text)
            read[number] = words_to_lines(words, number, settings, text)
        result.pages = sorted(read)
        if confidences:
            result.confidence = sum(confidences) / len(confidences)
    finally:
        document.close()
    kept = [line for line in pdf.lines if line.page not in read]
    lines = sorted(
        kept + [line for lines in read.values() for line in lines], key=lambda x: x.page
    )  # stable: each page's lines keep their order
    replaced = sum(pdf.page_letters[n - 1] for n in read if n <= len(pdf.page_letters))
    pdf.lines = lines
    pdf.letters = pdf.letters - replaced + letters
    pdf.damaged = [n for n in pdf.damaged if n not in read]
    pdf.ocr = result
    return pdf


def default_cache() -> Path:
    """The user's cache of OCR'd pages (``$XDG_CACHE_HOME/registre/ocr``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "registre" / "ocr"
