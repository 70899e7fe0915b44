"""The reference texts (tests/reference/textes/*.txt) rendered into PDF in typographies of our
own, so that the reader is measured on the language of real councils, not on one layout.

Each text is set by Typst as the extracts are (``generator.render.pdf.compile_typst``: the
embedded fonts only, any warning an error, PDF/A-2b), so the bytes depend on the text, the
typography and Typst's version, never on the machine or the day. The words are given to Typst
as string literals: the text is never read as markup, and the PDF holds exactly its words in
its order; only the typography changes.

    render_all(folder)            # every text in every typography: folder/<stem>.<typo>.pdf
    render(text_path, "serif", folder)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.render.pdf import compile_typst, typst_string

HERE = Path(__file__).resolve().parent
#: The texts: beginnings of real documents as published on the web (SOURCES.tsv).
TEXTES = HERE / "reference" / "textes"
#: Their labels, one ``<stem>.yaml`` each, whose ``file:`` is ``<stem>.pdf``.
LABELS = HERE / "labels" / "textes"
#: The default cache of the rendered PDFs (ignored by git).
CACHE = HERE / ".textes-pdf"


@dataclass(frozen=True)
class Typography:
    """How a text is set: its page, its font and how its lines become paragraphs."""

    name: str
    #: Typst set-rules placed before the text.
    preamble: str
    #: Lines within a paragraph (no blank line between them) are broken as in the text; False:
    #: every line is a paragraph of its own.
    keep_blocks: bool = True
    #: Lines wholly in capitals are set in bold.
    bold_capitals: bool = False
    #: A running header (the text's first line) and a footer « page n / N ».
    running: bool = False
    #: Paragraphs get a first-line indent, except lines that look numbered (kept as they are).
    indent: bool = False


#: The words of the running header: the text's first line, cut to this many characters.
HEADER_LENGTH = 70

TYPOGRAPHIES: dict[str, Typography] = {
    # (a) a book face, justified (and so hyphenated, as French justified setting is), A4
    "serif": Typography(
        "serif",
        """#set page(paper: "a4", margin: (x: 2.5cm, y: 2.5cm))
#set text(font: "Libertinus Serif", size: 11pt, lang: "fr", hyphenate: true)
#set par(justify: true, leading: 0.62em, spacing: 1.1em)
""",
    ),
    # (b) another face, ragged right, running header and footer, capitals in bold
    "entete": Typography(
        "entete",
        """#set page(paper: "a4", margin: (left: 2cm, right: 3cm, top: 3cm, bottom: 2.5cm),
  header: context align(center, text(size: 8pt, header-text)),
  footer: context align(center, text(size: 8pt)[page #counter(page).display("1 / 1", both: true)]))
#set text(font: "New Computer Modern", size: 10.5pt, lang: "fr", hyphenate: false)
#set par(justify: false, leading: 0.7em, spacing: 1.4em)
""",
        bold_capitals=True,
        running=True,
    ),
    # (c) a monospaced face on a narrow measure, small and widely spaced, one line a paragraph
    "etroit": Typography(
        "etroit",
        """#set page(paper: "a4", margin: (left: 5cm, right: 4.5cm, top: 2cm, bottom: 2cm))
#set text(font: "DejaVu Sans Mono", size: 8.5pt, lang: "fr", hyphenate: false)
#set par(justify: false, leading: 1em, spacing: 1.2em)
#set par(first-line-indent: (amount: 1.5em, all: true))
""",
        keep_blocks=False,
        indent=True,
    ),
}

#: A line that looks numbered (« 1. », « 2) », « II – », « a/ », « N° 3 », « - », « • »).
NUMBERED = re.compile(
    r"^\s*(?:\d+(?:[.\-/]\d+)*\s*[.)/°–-]|[IVXLC]+\s*[.)–-]|[a-z]\s*[.)/]|n°|[-–•])",
    re.IGNORECASE,
)


def read_text(path: Path) -> str:
    """A text as its lines say it: line ends normalised, trailing blanks dropped."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def blocks(text: str) -> list[list[str]]:
    """The text's paragraphs (separated by blank lines), each a list of its lines."""
    out: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def wholly_capitals(line: str) -> bool:
    """A line whose letters (three at least) are all capitals."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def header_text(text: str) -> str:
    """The running header: the text's first line, cut at a word under ``HEADER_LENGTH``."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= HEADER_LENGTH:
        return first
    cut = first[:HEADER_LENGTH].rsplit(" ", 1)[0]
    return f"{cut} …"


def _line(line: str, typo: Typography) -> str:
    literal = typst_string(line)
    if typo.bold_capitals and wholly_capitals(line):
        return f"#strong({literal})"
    return f"#{literal}"


def source(text: str, typo: Typography) -> str:
    """The Typst source of one text in one typography."""
    # a fixed date: PDF/A wants one, and the bytes must not depend on the day
    parts = ["#set document(date: datetime(year: 2000, month: 1, day: 1))\n"]
    if typo.running:
        parts.append(f"#let header-text = {typst_string(header_text(text))}\n")
    parts.append(typo.preamble)
    paragraphs: list[tuple[list[str], bool]] = []
    for block in blocks(text):
        if typo.keep_blocks:
            paragraphs.append((block, True))
        else:
            paragraphs.extend(([line], not NUMBERED.match(line)) for line in block)
    for lines, indented in paragraphs:
        body = "#linebreak()".join(_line(line, typo) for line in lines)
        if typo.indent and not indented:
            parts.append(f"\n#par(first-line-indent: 0pt)[{body}]\n")
        else:
            parts.append(f"\n#par[{body}]\n")
    return "".join(parts)


def pdf_name(stem: str, typo: str) -> str:
    """The rendered PDF's name: ``<stem>.<typo>.pdf``."""
    return f"{stem}.{typo}.pdf"


def render(text_path: Path, typo: str, folder: Path) -> Path:
    """Set one text in one typography into ``folder``; an unchanged PDF is not rewritten."""
    pdf = compile_typst(source(read_text(text_path), TYPOGRAPHIES[typo]))
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / pdf_name(text_path.stem, typo)
    if not out.is_file() or out.read_bytes() != pdf:
        out.write_bytes(pdf)
    return out


def texts(stems: Iterable[str] | None = None) -> list[Path]:
    """The texts, all of them or those of the given stems, in name order."""
    every = sorted(TEXTES.glob("*.txt"))
    if stems is None:
        return every
    wanted = set(stems)
    return [p for p in every if p.stem in wanted]


def render_all(
    folder: Path, stems: Iterable[str] | None = None, typos: Iterable[str] | None = None
) -> dict[str, list[Path]]:
    """Every text (or those of ``stems``) in every typography (or ``typos``): the PDFs of
    each typography, in the texts' order."""
    chosen = list(texts(stems))
    return {
        typo: [render(path, typo, folder) for path in chosen]
        for typo in (typos if typos is not None else TYPOGRAPHIES)
    }
