"""PDF → positioned lines, with pdfplumber's own engine (pdfminer.six) and a lean device.

pdfplumber builds a dictionary per character (and its layout objects) before any text comes out;
reading the same characters straight from pdfminer's interpreter gives the same glyphs, positions
and sizes three times faster. Lines are then grouped the way pdfplumber's ``extract_text`` does
(by baseline, within ``y_tolerance``), and each line is cut into *segments* where the gap between
two characters is wide: a count printed in a side column stays apart from the body text it sits
next to instead of being glued into the sentence.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.ingest.ocr import OcrResult


@dataclass(frozen=True)
class TextSettings:
    """Like pdfplumber's ``extract_text`` settings, plus what the ingest needs."""

    #: Characters whose baselines differ by less than this (points) are on one line.
    y_tolerance: float = 3.0
    #: A gap wider than this (points) between two characters is a space.
    x_tolerance: float = 1.5
    #: A gap wider than this many times the font size starts a new segment (a side column).
    segment_gap: float = 2.2
    #: Fewer letters than this per page on average: the file has no text layer (a scan).
    min_letters_per_page: int = 200
    #: Pages beyond this are not read (the report says so).
    max_pages: int = 400
    #: More drawing operations than this on one page (glyphs, paths, images, forms): a file
    #: built to keep the reader busy (forms drawing forms drawing forms…) is refused.
    max_operations_per_page: int = 300_000


@dataclass(frozen=True)
class Segment:
    x0: float
    x1: float
    text: str


@dataclass(frozen=True)
class Line:
    """One line of text on a page; ``segments`` are its parts separated by wide gaps."""

    page: int
    top: float
    segments: tuple[Segment, ...]
    size: float
    #: Set in a bold font (four characters in five at least): a heading, often.
    bold: bool = False

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    @property
    def x0(self) -> float:
        return self.segments[0].x0


@dataclass
class PdfText:
    pages: int
    lines: list[Line] = field(default_factory=list)
    letters: int = 0
    truncated: bool = False
    #: Pages whose drawing could not be read (counted in ``pages``, without letters).
    damaged: list[int] = field(default_factory=list)
    #: The letters of each page's text layer (page 1 first): a scanned page has almost none.
    page_letters: list[int] = field(default_factory=list)
    #: What OCR read in place of the text layer, when it ran (``generator.ingest.ocr``).
    ocr: OcrResult | None = None

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


#: A reading that ran out of memory (``check.MEMORY_LIMIT`` in a reading process).
OUT_OF_MEMORY = (
    "mémoire dépassée pendant la lecture (PDF anormal, ou construit pour saturer la mémoire)"
)


class PdfError(Exception):
    """The file cannot be read as a PDF; ``status`` is the report's status."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


#: A character: x0, x1, baseline (from the top of the page), size, text.
#: A glyph: left, right, baseline, size, text, and (from a text layer) whether its font is bold.
Char = tuple[float, float, float, float, str] | tuple[float, float, float, float, str, bool]

#: The weight words of font names (« Tahoma,Bold », « Arial-BoldMT », « Calibri-Bold »,
#: « OpenSans-Semibold », « Helvetica-Black »): a bold font, whatever the family.
_BOLD_FONT = re.compile(r"(?i)bold|black|heavy|semibold|demibold|,b$|-bd\b")


def font_is_bold(fontname: str) -> bool:
    """Whether a PDF font name says the font is bold (pure)."""
    return _BOLD_FONT.search(fontname) is not None


def _char_bold(ch: Char) -> bool:
    return len(ch) == 6 and bool(ch[5])


class _Overload(Exception):
    """A page draws more than ``TextSettings.max_operations_per_page`` things."""


def _device_class() -> Any:
    from pdfminer.pdfdevice import PDFTextDevice

    class CharDevice(PDFTextDevice):
        """Records each glyph's position and text; no layout objects."""

        def __init__(self, rsrcmgr: Any, budget: int) -> None:
            super().__init__(rsrcmgr)
            self.chars: list[tuple[float, float, float, float, str, bool]] = []
            #: each font's weight, read once from its name (the font is the key: kept alive,
            #: its identity is never another font's)
            self.bold_fonts: dict[Any, bool] = {}
            self.budget = budget
            self.operations = 0

        def _count(self) -> None:
            self.operations += 1
            if self.operations > self.budget:
                raise _Overload

        def begin_figure(self, name: str, bbox: Any, matrix: Any) -> None:
            self._count()

        def paint_path(
            self, graphicstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any
        ) -> None:
            self._count()

        def render_image(self, name: str, stream: Any) -> None:
            self._count()

        def render_char(
            self,
            matrix: Any,
            font: Any,
            fontsize: float,
            scaling: float,
            rise: float,
            cid: int,
            ncs: Any,
            graphicstate: Any,
        ) -> float:
            self._count()
            try:
                text = font.to_unichr(cid)
            except Exception:
                text = ""
            try:
                width = font.char_width(cid)
            except Exception:
                width = 0.5
            adv = width * fontsize * scaling
            a, b, c, d, e, f = matrix
            # upright text, or nearly (the OCR layer of a scan fed in slightly askew)
            if text and a > 0 and d > 0 and abs(b) <= 0.1 * a and abs(c) <= 0.1 * d:
                bold = self.bold_fonts.get(font)
                if bold is None:
                    bold = font_is_bold(str(getattr(font, "fontname", "") or ""))
                    self.bold_fonts[font] = bold
                self.chars.append((e, e + adv * a, f + rise * d, fontsize * d, text, bold))
            return float(adv)

    return CharDevice


def page_chars_to_lines(
    chars: Sequence[Char], page: int, settings: TextSettings
) -> list[Line]:
    """Group characters (top-down baselines) into lines and segments (pure)."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (round(c[2], 1), c[0]))
    rows: list[list[Char]] = []
    base = None
    for ch in ordered:
        if base is None or abs(ch[2] - base) > settings.y_tolerance:
            rows.append([ch])
            base = ch[2]
        else:
            rows[-1].append(ch)
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda c: c[0])
        segments: list[Segment] = []
        buf: list[str] = []
        x0 = row[0][0]
        prev_x1 = row[0][0]
        size = max(c[3] for c in row)
        for ch in row:
            gap = ch[0] - prev_x1
            if buf and gap > settings.segment_gap * max(ch[3], 4.0):
                segments.append(Segment(x0, prev_x1, "".join(buf).strip()))
                buf = []
                x0 = ch[0]
            elif buf and gap > settings.x_tolerance and not buf[-1].isspace() and ch[4] != " ":
                buf.append(" ")
            buf.append(ch[4])
            prev_x1 = max(prev_x1, ch[1]) if buf else ch[1]
        segments.append(Segment(x0, prev_x1, "".join(buf).strip()))
        segs = tuple(s for s in segments if s.text)
        if segs:
            visible = [ch for ch in row if not ch[4].isspace()]
            bold = bool(visible) and sum(map(_char_bold, visible)) >= 0.8 * len(visible)
            lines.append(Line(page, row[0][2], segs, size, bold))
    return lines


def _open(data: bytes) -> Any:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    if not data:
        raise PdfError("unreadable", "fichier vide (0 octet)")
    if b"%PDF-" not in data[:1024]:
        raise PdfError("unreadable", "ce n'est pas un PDF (signature %PDF absente)")
    try:
        return PDFDocument(PDFParser(io.BytesIO(data)))
    except PDFPasswordIncorrect as exc:
        raise PdfError("unreadable", "PDF chiffré : mot de passe requis") from exc
    except PDFEncryptionError as exc:  # a certificate, an unknown handler or algorithm
        raise PdfError(
            "unreadable", "PDF chiffré par une méthode non prise en charge (certificat…)"
        ) from exc
    except MemoryError:
        raise
    except Exception as exc:  # pdfminer raises many types on damaged files
        raise _damaged(data, exc) from exc


def _damaged(data: bytes, exc: Exception) -> PdfError:
    """The error for a file pdfminer gave up on: cut short (its end marker is missing), or
    damaged otherwise (the reader's complaint is named)."""
    if b"%%EOF" not in data[-1024:]:
        return PdfError(
            "unreadable", "PDF tronqué : la fin du fichier manque (marque %%EOF absente)"
        )
    return PdfError("unreadable", f"PDF endommagé, illisible ({type(exc).__name__})")


def read_bytes(path: Path) -> bytes:
    """The bytes of the file at ``path``, or the report's error."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PdfError("unreadable", f"lecture impossible : {exc.strerror}") from exc


def read_pdf(path: Path, settings: TextSettings | None = None) -> PdfText:
    """All positioned lines of ``path``, page after page, top to bottom."""
    return data_to_text(read_bytes(path), settings)


def data_to_text(
    data: bytes, settings: TextSettings | None = None, *, require_pages: bool = True
) -> PdfText:
    """All positioned lines of the PDF ``data``, page after page, top to bottom. Without
    ``require_pages``, a file whose pages pdfminer cannot read is returned as it is (OCR, which
    renders pages with another engine, may still read them: see ``require_readable``)."""
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    settings = settings or TextSettings()
    document = _open(data)
    if not getattr(document, "is_extractable", True):
        pass  # extraction restrictions are not access restrictions; read anyway
    rsrc = PDFResourceManager(caching=True)
    device = _device_class()(rsrc, settings.max_operations_per_page)
    interpreter = PDFPageInterpreter(rsrc, device)
    result = PdfText(pages=0)
    try:
        pages: Iterator[Any] = PDFPage.create_pages(document)
        for number, page in enumerate(pages, start=1):
            if number > settings.max_pages:
                result.truncated = True
                result.pages += sum(1 for _ in pages) + 1
                break
            device.chars = []
            device.operations = 0
            try:
                interpreter.process_page(page)
            except _Overload as exc:
                budget = f"{settings.max_operations_per_page:,}".replace(",", " ")
                raise PdfError(
                    "unreadable",
                    f"page {number} : plus de {budget} opérations de dessin, lecture arrêtée "
                    "(PDF anormal ou construit pour bloquer la lecture)",
                ) from exc
            except MemoryError:
                raise PdfError("unreadable", f"page {number} : {OUT_OF_MEMORY}") from None
            except Exception:
                result.damaged.append(number)  # a damaged page: keep the others
                result.page_letters.append(0)
                result.pages = number
                continue
            box = page.mediabox or (0, 0, 595, 842)
            height = float(box[3])
            chars: list[Char] = [
                (x0, x1, height - y, size, t, bold) for x0, x1, y, size, t, bold in device.chars
            ]
            letters = sum(1 for c in chars if c[4].isalnum())
            result.letters += letters
            result.page_letters.append(letters)
            result.lines.extend(page_chars_to_lines(chars, number, settings))
            result.pages = number
    except (PdfError, MemoryError):
        raise
    except Exception as exc:
        if result.pages == 0:
            raise _damaged(data, exc) from exc
    return require_readable(result) if require_pages else result


def require_readable(pdf: PdfText) -> PdfText:
    """``pdf``, unless none of its pages could be read."""
    if pdf.pages == len(pdf.damaged):
        raise PdfError("unreadable", "le PDF ne contient aucune page lisible")
    return pdf
