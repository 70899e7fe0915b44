"""Word (.docx) and OpenDocument (.odt) copies of an extract, written in Python.

For secretariats that finish a text in a word processor. The extract becomes a pandoc document
(the plain-text fields as text, the délibération's text as pandoc read it) and two small writers
turn it into WordprocessingML and OpenDocument, with the paragraph and character styles pandoc
uses and pandoc's reference documents for the rest of the package (page, fonts, styles). pandoc
itself took ~60 ms of CPU per extract for both formats; these writers take a few milliseconds.
The dates inside the files are the séance's, so that builds are reproducible.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import math
import re
import subprocess
import zipfile
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import pypandoc
from lxml import etree

from generator.render.context import Extrait

#: A pandoc JSON element: ``{"t": type, "c": contents}``.
Node = dict[str, Any]

_SPACE: Node = {"t": "Space"}
_BREAK: Node = {"t": "LineBreak"}
_NO_ATTR: list[Any] = ["", [], []]

# ---------------------------------------------------------------------------------------------
# The extract as a pandoc document


_WHITESPACE = re.compile(r"[ \t\r\n]+")
#: What ``escape`` of the former Markdown writer backslash-escaped (a pipe table's line width
#: counts the backslashes).
_PUNCTUATION = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>~^$@\"'&:=;,/?%]")
#: pandoc's ``--columns``: a pipe table with a longer line gets relative column widths.
_COLUMNS = 72


def text_to_inlines(text: str) -> list[Node]:
    """Plain text as pandoc inlines, its blanks one space each, as Markdown would read it
    escaped (one ``Str`` with spaces: the writers join words and spaces anyway)."""
    words = _WHITESPACE.sub(" ", text).strip()
    return [{"t": "Str", "c": words}] if words else []


def _strong(text: str) -> Node:
    return {"t": "Strong", "c": text_to_inlines(text)}


def _emph(text: str) -> Node:
    return {"t": "Emph", "c": text_to_inlines(text)}


def _para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}


def _lines(lines: Sequence[list[Node]]) -> list[Node]:
    """Lines of one paragraph, separated by line breaks."""
    inlines: list[Node] = []
    for i, line in enumerate(lines):
        if i:
            inlines.append(_BREAK)
        inlines += line
    return inlines


def _labelled(label: str, value: str) -> list[Node]:
    """« **Label :** value »."""
    return [_strong(label + " :"), _SPACE, *text_to_inlines(value)]


def _header(level: int, text: str) -> Node:
    return {"t": "Header", "c": [level, _NO_ATTR, text_to_inlines(text)]}


def _markdown_width(cells: Sequence[str]) -> int:
    """Length of the pipe-table line the former Markdown writer wrote for these cells."""
    escaped = sum(len(c) + len(_PUNCTUATION.findall(c)) for c in cells)
    return escaped + 3 * len(cells) + 1


def cells_to_table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]
) -> Node:
    """A table of plain-text cells, numeric columns right-aligned; as pandoc read the pipe table
    of the former Markdown, a line wider than 72 characters gives equal relative widths."""
    wide = any(_markdown_width(r) > _COLUMNS for r in [columns, *rows])
    width = {"t": "ColWidth", "c": 3 / (3 * len(columns))} if wide else {"t": "ColWidthDefault"}
    specs = [[{"t": "AlignRight" if n else "AlignLeft"}, width] for n in numeric]

    def row(cells: Sequence[str]) -> list[Any]:
        return [
            _NO_ATTR,
            [
                [_NO_ATTR, {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": text_to_inlines(c)}]]
                if c.strip()
                else [_NO_ATTR, {"t": "AlignDefault"}, 1, 1, []]
                for c in cells
            ],
        ]

    body = [_NO_ATTR, 0, [], [row(r) for r in rows]]
    return {
        "t": "Table",
        "c": [_NO_ATTR, [None, []], specs, [_NO_ATTR, [row(columns)]], [body], [_NO_ATTR, []]],
    }


def extrait_to_blocks(e: Extrait, texte: list[Node]) -> list[Node]:
    """The whole extract as pandoc blocks; ``texte`` is the délibération's text, read by pandoc."""
    blocks = [
        _para(_lines([[_strong(e.collectivite)], *(text_to_inlines(a) for a in e.adresse)])),
        _header(1, e.titre),
        _para(
            _lines(
                [
                    [_strong(e.seance), _SPACE, *text_to_inlines("— " + e.lieu)],
                    text_to_inlines(e.convocation),
                ]
            )
        ),
        cells_to_table(
            [f.label for f in e.figures], [[f.value for f in e.figures]], [True for _ in e.figures]
        ),
        _para(text_to_inlines(e.quorum)),
        _para(_lines([_labelled(f.label, f.value) for f in e.bureau])),
        *(
            _para(_labelled(f"{nl.title} ({len(nl.names)})", ", ".join(nl.names) + "."))
            for nl in e.attendance
        ),
        _header(2, f"Délibération n° {e.numero} — point n° {e.point}"),
        _para([_strong("Objet : " + e.objet)]),
        _para(_lines([_labelled(f.label, f.value) for f in e.details])),
        *texte,
    ]
    for t in e.tables:
        if t.title:
            blocks.append(_para([_emph(t.title)]))
        blocks.append(cells_to_table(t.columns, [*t.rows, *t.totals], t.numeric))
    votes = [[_strong(e.resultat)], text_to_inlines(e.decompte)]
    votes += [_labelled(nl.title, ", ".join(nl.names)) for nl in e.votes]
    blocks.append(_para(_lines(votes)))
    blocks.append(_para(_lines([text_to_inlines(line) for line in e.certification])))
    blocks.append(_para(_lines([text_to_inlines(e.signataire[0]), [_strong(e.signataire[1])]])))
    if e.transmission:
        blocks.append(_para(_lines([text_to_inlines(line) for line in e.transmission])))
    blocks.append(_para([_emph(e.recours)]))
    return blocks


# ---------------------------------------------------------------------------------------------
# Shared by both writers


#: Characters XML 1.0 forbids, even escaped (control characters, lone surrogates…): dropped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text as XML character data."""
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    """Text as an XML attribute value (between double quotes)."""
    return xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def node_to_text(node: Any) -> str:
    """The text of any pandoc element (pandoc's ``stringify``), for what a writer cannot render."""
    if isinstance(node, dict):
        kind = node.get("t")
        if kind == "Str":
            return str(node.get("c", ""))
        if kind in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if kind in ("Code", "Math", "RawInline", "CodeBlock", "RawBlock"):
            return str(node["c"][1])
        return node_to_text(node.get("c"))
    if isinstance(node, list):
        return "".join(node_to_text(n) for n in node)
    return ""


def _code_lines(code: str) -> list[str]:
    """The lines of a code block (no empty last line for a final newline, as pandoc)."""
    lines = code.split("\n")
    return lines[:-1] if lines and not lines[-1] else lines


def _plain_to_para(node: Node) -> Node:
    return {"t": "Para", "c": node["c"]} if node["t"] == "Plain" else node


def _iso(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _package(files: Sequence[tuple[str, bytes]], day: dt.date, stored: frozenset[str]) -> bytes:
    """A zip package, every entry dated ``day`` (reproducible), ``stored`` ones uncompressed."""
    stamp = max(day, dt.date(1980, 1, 1))  # the zip format starts in 1980
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.create_system = 0
            package.writestr(info, data)
    return buffer.getvalue()


@functools.cache
def _reference(fmt: str) -> dict[str, bytes]:
    """The parts of pandoc's reference document (``reference.docx`` or ``reference.odt``)."""
    data = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", f"reference.{fmt}"],
        check=True,
        capture_output=True,
    ).stdout
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


# ---------------------------------------------------------------------------------------------
# Word


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_WORD_NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    f'xmlns:r="{_REL}" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
)
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SECTION = '<w:sectPr><w:footnotePr><w:numRestart w:val="eachSect"/></w:footnotePr></w:sectPr>'
_FOOTNOTE_SEPARATORS = (
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    '</w:r></w:p></w:footnote><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
    "</w:r></w:p></w:footnote>"
)
_CONTENT_TYPES = "".join(
    [
        _XML_DECLARATION,
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
        '<Default Extension="xml" ContentType="application/xml"/>',
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/>',
        *(
            f'<Override PartName="{part}" ContentType="application/vnd.openxmlformats-{kind}"/>'
            for part, kind in (
                ("/word/webSettings.xml", "officedocument.wordprocessingml.webSettings+xml"),
                ("/word/numbering.xml", "officedocument.wordprocessingml.numbering+xml"),
                ("/word/settings.xml", "officedocument.wordprocessingml.settings+xml"),
                ("/word/theme/theme1.xml", "officedocument.theme+xml"),
                ("/word/fontTable.xml", "officedocument.wordprocessingml.fontTable+xml"),
                ("/docProps/app.xml", "officedocument.extended-properties+xml"),
                ("/docProps/core.xml", "package.core-properties+xml"),
                ("/docProps/custom.xml", "officedocument.custom-properties+xml"),
                ("/word/styles.xml", "officedocument.wordprocessingml.styles+xml"),
                ("/word/document.xml", "officedocument.wordprocessingml.document.main+xml"),
                ("/word/comments.xml", "officedocument.wordprocessingml.comments+xml"),
                ("/word/footnotes.xml", "officedocument.wordprocessingml.footnotes+xml"),
            )
        ),
        "</Types>",
    ]
)
_PACKAGE_RELS = "".join(
    [
        _XML_DECLARATION,
        f'<Relationships xmlns="{_PKG_REL}">',
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>',
        f'<Relationship Id="rId4" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>',
        f'<Relationship Id="rId3" Type="{_PKG_REL}/metadata/core-properties" '
        'Target="docProps/core.xml"/>',
        f'<Relationship Id="rId5" Type="{_REL}/custom-properties" Target="docProps/custom.xml"/>',
        "</Relationships>",
    ]
)
#: The document's relationships, numbered as pandoc does; hyperlinks follow from rId9.
_DOCUMENT_RELS = [
    ("rId8", "numbering", "numbering.xml"),
    ("rId7", "styles", "styles.xml"),
    ("rId6", "settings", "settings.xml"),
    ("rId5", "webSettings", "webSettings.xml"),
    ("rId4", "fontTable", "fontTable.xml"),
    ("rId3", "theme", "theme/theme1.xml"),
    ("rId2", "footnotes", "footnotes.xml"),
    ("rId1", "comments", "comments.xml"),
]
_CUSTOM = (
    f'{_XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    'docPropsVTypes"/>'
)
#: pandoc adds this paragraph style (code blocks) to its reference's styles.
_SOURCE_CODE_STYLE = (
    f'<w:style xmlns:w="{W_NS}" w:type="paragraph" w:customStyle="1" w:styleId="SourceCode">'
    '<w:name w:val="Source Code"/><w:basedOn w:val="Normal"/><w:link w:val="VerbatimChar"/>'
    '<w:pPr><w:wordWrap w:val="off"/></w:pPr></w:style>'
)
#: Settings of the reference document that pandoc does not keep.
_DROPPED_SETTINGS = (
    f"{_W}footnotePr",
    "{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr",
)


@functools.cache
def _word_parts() -> dict[str, bytes]:
    """The parts every Word copy shares: pandoc's reference, French, with pandoc's additions."""
    reference = _reference("docx")
    styles = etree.fromstring(reference["word/styles.xml"])
    lang = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}lang")
    if lang is not None:
        lang.set(f"{_W}val", "fr-FR")
    styles.append(etree.fromstring(_SOURCE_CODE_STYLE))
    settings = etree.fromstring(reference["word/settings.xml"])
    for child in list(settings):
        if child.tag in _DROPPED_SETTINGS:
            settings.remove(child)
    return {
        "word/styles.xml": etree.tostring(
            styles, xml_declaration=True, encoding="UTF-8", standalone=True
        ),
        "word/settings.xml": etree.tostring(
            settings, xml_declaration=True, encoding="UTF-8", standalone=True
        ),
        "word/comments.xml": reference["word/comments.xml"],
        "docProps/app.xml": reference["docProps/app.xml"],
        "word/theme/theme1.xml": reference["word/theme/theme1.xml"],
        "word/fontTable.xml": reference["word/fontTable.xml"],
        "word/webSettings.xml": reference["word/webSettings.xml"],
    }


# Character formatting, one bit each, in the order of WordprocessingML's run properties.
_BOLD, _ITALIC, _SMALLCAPS, _STRIKE, _MARK, _UNDERLINE, _SUPER, _SUB = (1 << i for i in range(8))
_RUN_PROPERTIES = (
    (_BOLD, "<w:b/><w:bCs/>"),
    (_ITALIC, "<w:i/><w:iCs/>"),
    (_SMALLCAPS, "<w:smallCaps/>"),
    (_STRIKE, "<w:strike/>"),
    (_MARK, '<w:highlight w:val="yellow"/>'),
    (_UNDERLINE, '<w:u w:val="single"/>'),
    (_SUPER, '<w:vertAlign w:val="superscript"/>'),
    (_SUB, '<w:vertAlign w:val="subscript"/>'),
)
_INLINE_BITS = {
    "Strong": _BOLD,
    "Emph": _ITALIC,
    "SmallCaps": _SMALLCAPS,
    "Strikeout": _STRIKE,
    "Underline": _UNDERLINE,
    "Superscript": _SUPER,
    "Subscript": _SUB,
}
_QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}
_WORD_ALIGN = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}
_WORD_NUMBER_FORMATS = {
    "UpperAlpha": "upperLetter",
    "LowerAlpha": "lowerLetter",
    "UpperRoman": "upperRoman",
    "LowerRoman": "lowerRoman",
}
_WORD_BULLETS = (("\uf0b7", "Symbol"), ("o", "Courier New"), ("\uf0a7", "Wingdings"))
#: pandoc's identifiers of number styles and delimiters in its abstract numbering ids.
_STYLE_DIGITS = {
    "DefaultStyle": "2",
    "Example": "3",
    "Decimal": "4",
    "LowerRoman": "5",
    "UpperRoman": "6",
    "LowerAlpha": "7",
    "UpperAlpha": "8",
}
_DELIM_DIGITS = {"DefaultDelim": "0", "Period": "1", "OneParen": "2", "TwoParens": "3"}
_TEXT_WIDTH = 7920  # twips: pandoc's 5.5 in


def _words_and_inlines(
    nodes: Sequence[Node], words: Callable[[str], str], inline: Callable[[Node], str]
) -> str:
    """Inlines written by both writers: each run of words and spaces as one piece of text
    (``words``: one Word run, one ODT span), the other nodes by ``inline``."""
    parts = []
    text: list[str] = []
    for node in nodes:
        kind = node["t"]
        if kind == "Str":
            text.append(node["c"])
        elif kind in ("Space", "SoftBreak"):
            text.append(" ")
        else:
            if text:
                parts.append(words("".join(text)))
                text = []
            parts.append(inline(node))
    if text:
        parts.append(words("".join(text)))
    return "".join(parts)


class _Marker(NamedTuple):
    """A kind of list marker, under pandoc's id for its Word numbering definition."""

    ident: str
    bullet: str = ""  # the same bullet at every level
    style: str = ""  # pandoc's number style (numbered lists)
    delim: str = ""
    start: int = 1


_NO_MARKER = _Marker("990", bullet=" ")
_BULLET = _Marker("991")  # a bullet for each level
#: Task list items (« - [ ] » in Markdown): each item a list of its own, its box as the bullet.
_CHECKBOXES = {
    box: _Marker(ident, bullet=box) for box, ident in (("\u2610", "992"), ("\u2612", "993"))
}


def _number_marker(start: int, style: str, delim: str) -> _Marker:
    ident = f"99{_STYLE_DIGITS.get(style, '4')}{_DELIM_DIGITS.get(delim, '0')}{start}"
    return _Marker(ident, style=style, delim=delim, start=start)


@functools.cache
def _run_properties(style: str | None, bits: int) -> str:
    parts = [f'<w:rStyle w:val="{style}"/>'] if style else []
    parts += [xml for bit, xml in _RUN_PROPERTIES if bits & bit]
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def _run(text: str, style: str | None, bits: int) -> str:
    if not text:
        return ""
    props = _run_properties(style, bits)
    return f'<w:r>{props}<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>'


def _word_level(marker: _Marker, level: int) -> str:
    """One level of a Word numbering definition, as pandoc writes it."""
    font = None
    start = ""
    if marker.style:
        start = f'<w:start w:val="{marker.start}"/>'
        if marker.style == "DefaultStyle":
            fmt = ("decimal", "lowerLetter", "lowerRoman")[level % 3]
        else:
            fmt = _WORD_NUMBER_FORMATS.get(marker.style, "decimal")
        number = f"%{level + 1}"
        text = {"OneParen": f"{number})", "TwoParens": f"({number})"}.get(
            marker.delim, f"{number}."
        )
    elif marker.bullet:
        fmt, text = "bullet", marker.bullet
    else:
        fmt = "bullet"
        text, font = _WORD_BULLETS[level % 3]
    fonts = (
        f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" w:hint="default"/>'
        "</w:rPr>"
        if font
        else ""
    )
    return (
        f'<w:lvl w:ilvl="{level}">{start}<w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{xml_attr(text)}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{720 * (level + 1)}" w:hanging="360"/></w:pPr>{fonts}</w:lvl>'
    )


def lists_to_numbering(markers: Sequence[_Marker]) -> str:
    """Word's numbering part: one definition per kind of marker, one instance per list
    (numbered from 1000: 1000 is « no marker », for an item's later paragraphs)."""
    abstract = [
        f'<w:abstractNum w:abstractNumId="{m.ident}">'
        f'<w:nsid w:val="{("A" + m.ident).rjust(8, "0")}"/>'
        f'<w:multiLevelType w:val="multilevel"/>'
        f"{''.join(_word_level(m, level) for level in range(9))}</w:abstractNum>"
        for m in dict.fromkeys(markers)
    ]
    instances = [
        f'<w:num w:numId="{number}"><w:abstractNumId w:val="{m.ident}"/>'
        + "".join(
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{m.start}"/></w:lvlOverride>'
            for level in range(9 if m.style else 0)
        )
        + "</w:num>"
        for number, m in enumerate(markers, start=1000)
    ]
    content = "".join(abstract + instances)
    return f'{_XML_DECLARATION}<w:numbering xmlns:w="{W_NS}">{content}</w:numbering>'


def _task_box(item: list[Node]) -> bool:
    """Whether a bullet list item starts with a task box (☐ or ☒, then a space)."""
    if not item or item[0]["t"] not in ("Plain", "Para"):
        return False
    inlines = item[0]["c"]
    return (
        len(inlines) > 1
        and inlines[0]["t"] == "Str"
        and inlines[0]["c"] in _CHECKBOXES
        and inlines[1]["t"] == "Space"
    )


class _WordEnv(NamedTuple):
    """What the enclosing blocks impose on a paragraph."""

    style: str | None = None  # paragraph style of a container (quotation, note, definition…)
    jc: str | None = None  # alignment of a table column
    level: int = -1  # list level
    num_id: int = 1000  # numbering instance of the list


class _Word:
    """One Word document being written: its numbering, notes, hyperlinks and bookmarks."""

    def __init__(self) -> None:
        self.markers: list[_Marker] = [_NO_MARKER]
        self.notes: list[str] = []
        self.links: dict[str, str] = {}
        self.bookmarks = 0
        self.first_para = True  # the next paragraph starts a run of text (« First Paragraph »)
        self.in_list = False
        self.in_table = False
        self.number_used = False  # the item's number is shown: later paragraphs have none

    def blocks(self, nodes: Sequence[Node], env: _WordEnv) -> str:
        parts = []
        previous = ""
        for node in nodes:
            if node["t"] == "Table" and previous == "Table":  # Word would merge the two
                parts.append("<w:p/>")
            previous = node["t"]
            parts.append(self.block(node, env))
        return "".join(parts)

    def paragraph_properties(self, style: str | None, env: _WordEnv) -> str:
        parts = [f'<w:pStyle w:val="{style}"/>'] if style else []
        if env.level >= 0:
            number = 1000 if self.number_used else env.num_id
            parts.append(
                f'<w:numPr><w:ilvl w:val="{env.level}"/><w:numId w:val="{number}"/></w:numPr>'
            )
        self.number_used = True
        if env.jc:
            parts.append(f'<w:jc w:val="{env.jc}"/>')
        return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""

    def para(self, inlines: list[Node], env: _WordEnv) -> str:
        if not inlines:
            return ""
        style = env.style
        if style is None and env.level < 0:
            style = "FirstParagraph" if self.first_para else "BodyText"
        properties = self.paragraph_properties(style, env)
        self.first_para = False
        return f"<w:p>{properties}{self.inlines(inlines, None, 0)}</w:p>"

    def bookmark(self, ident: str, content: str) -> str:
        if not ident:
            return content
        self.bookmarks += 1
        n = self.bookmarks
        return (
            f'<w:bookmarkStart w:id="{n}" w:name="{xml_attr(ident)}"/>{content}'
            f'<w:bookmarkEnd w:id="{n}"/>'
        )

    def block(self, node: Node, env: _WordEnv) -> str:
        kind = node["t"]
        c: Any = node.get("c")
        if kind == "Para":
            return self.para(c, env)
        if kind == "Plain":
            if self.in_table or self.in_list:
                return self.para(c, env._replace(style="Compact"))
            return self.para(c, env)
        if kind == "Header":
            level, (ident, _, _), inlines = c
            self.first_para = True
            properties = self.paragraph_properties(f"Heading{level}", env)
            body = self.inlines(inlines, None, 0)
            return self.bookmark(ident, f"<w:p>{properties}{body}</w:p>")
        if kind == "BlockQuote":
            style = "FootnoteBlockText" if env.style == "FootnoteText" else "BlockText"
            xml = self.blocks(c, env._replace(style=style))
            self.first_para = True
            return xml
        if kind in ("CodeBlock", "RawBlock"):
            code = self.code(c[1], None, 0)
            properties = self.paragraph_properties("SourceCode", env)
            self.first_para = True
            return f"<w:p>{properties}{code}</w:p>"
        if kind == "HorizontalRule":
            self.first_para = True
            return (
                '<w:p><w:r><w:pict><v:rect style="width:0;height:1.5pt" o:hralign="center" '
                'o:hrstd="t" o:hr="t"/></w:pict></w:r></w:p>'
            )
        if kind == "BulletList":
            if all(_task_box(item) for item in c):
                return "".join(self.task(item, env) for item in c)
            return self.word_list(c, _BULLET, env)
        if kind == "OrderedList":
            (start, style, delim), items = c
            return self.word_list(items, _number_marker(start, style["t"], delim["t"]), env)
        if kind == "DefinitionList":
            return self.definitions(c, env)
        if kind == "Div":
            (ident, _, _), blocks = c
            return self.bookmark(ident, self.blocks(blocks, env))
        if kind == "LineBlock":
            return self.para(_lines(c), env)
        if kind == "Table":
            return self.table(c, env)
        if kind == "Figure":
            _, (_, caption), body = c
            self.first_para = True
            return self.blocks(body, env) + self.blocks(caption, env._replace(style="ImageCaption"))
        return self.para([{"t": "Str", "c": node_to_text(node)}], env)

    def word_list(self, items: list[list[Node]], marker: _Marker, env: _WordEnv) -> str:
        self.markers.append(marker)
        inner = env._replace(level=env.level + 1, num_id=999 + len(self.markers))
        parts = []
        for blocks in items:
            outer, self.in_list = self.in_list, True
            if blocks and blocks[0]["t"] in ("BulletList", "OrderedList"):
                blocks = [{"t": "Plain", "c": [{"t": "Str", "c": ""}]}, *blocks]  # keep the number
            self.number_used = False
            parts.append(self.blocks(blocks, inner))
            self.in_list = outer
        self.first_para = True
        return "".join(parts)

    def task(self, item: list[Node], env: _WordEnv) -> str:
        """A task list item: its box becomes the bullet of a list of its own."""
        first, *rest = item
        marker = _CHECKBOXES[first["c"][0]["c"]]
        return self.word_list([[{"t": first["t"], "c": first["c"][2:]}, *rest]], marker, env)

    def definitions(self, items: list[Any], env: _WordEnv) -> str:
        parts = []
        for term, definitions in items:
            parts.append(self.para(term, env._replace(style="DefinitionTerm")))
            parts += [self.blocks(d, env._replace(style="Definition")) for d in definitions]
        self.first_para = True
        return "".join(parts)

    def table(self, c: list[Any], env: _WordEnv) -> str:
        _, (_, caption), specs, head, bodies, foot = c
        aligns = [spec[0]["t"] for spec in specs]
        widths = [spec[1]["c"] if spec[1]["t"] == "ColWidth" else 0.0 for spec in specs]
        caption_xml = self.blocks(caption, env._replace(style="TableCaption"))
        outer, self.in_table = self.in_table, True
        cell_env = env._replace(level=-1)
        rows = self.rows(head[1], aligns, cell_env, header=True)
        for _, _, head_rows, body_rows in bodies:
            rows += self.rows(head_rows, aligns, cell_env, header=False)
            rows += self.rows(body_rows, aligns, cell_env, header=False)
        rows += self.rows(foot[1], aligns, cell_env, header=False)
        self.in_table = outer
        if any(widths):
            grid = "".join(f'<w:gridCol w:w="{math.floor(_TEXT_WIDTH * w)}"/>' for w in widths)
            width = f'<w:tblW w:type="pct" w:w="{round(5000 * sum(widths))}"/>'
            width += '<w:tblLayout w:type="fixed"/>'
        else:
            column = math.floor(_TEXT_WIDTH / max(1, len(specs)))
            grid = f'<w:gridCol w:w="{column}"/>' * len(specs)
            width = '<w:tblW w:type="auto" w:w="0"/>'
        has_head = bool(head[1])
        caption_text = node_to_text(caption)
        return (
            f'{caption_xml}<w:tbl><w:tblPr><w:tblStyle w:val="Table"/>{width}'
            f'<w:tblLook w:firstRow="{int(has_head)}" w:lastRow="{int(bool(foot[1]))}" '
            'w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0" '
            f'w:val="{"0020" if has_head else "0000"}"/>'
            + (f'<w:tblCaption w:val="{xml_attr(caption_text)}"/>' if caption_text else "")
            + f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
        )

    def rows(self, rows: list[Any], aligns: list[str], env: _WordEnv, header: bool) -> str:
        """Table rows; a cell spanning rows continues in the rows below as a merged cell."""
        spanning: dict[int, tuple[int, int]] = {}  # column → (rows left, columns spanned)
        parts = []
        for _, cells in rows:
            pending = iter(cells)
            xml = []
            column = 0
            while column < len(aligns):
                if column in spanning:
                    left, span = spanning.pop(column)
                    if left > 1:
                        spanning[column] = (left - 1, span)
                    xml.append(
                        f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/><w:vMerge w:val="continue"/>'
                        "</w:tcPr><w:p><w:pPr/></w:p></w:tc>"
                    )
                    column += span
                    continue
                cell = next(pending, None)
                if cell is None:
                    column = min((k for k in spanning if k > column), default=len(aligns))
                    continue
                _, align, rowspan, colspan, blocks = cell
                if rowspan > 1:
                    spanning[column] = (rowspan - 1, colspan)
                xml.append(self.cell(blocks, align["t"], aligns[column], rowspan, colspan, env))
                column += max(1, colspan)
            if xml:
                properties = '<w:trPr><w:tblHeader w:val="on"/></w:trPr>' if header else ""
                parts.append(f"<w:tr>{properties}{''.join(xml)}</w:tr>")
        return "".join(parts)

    def cell(
        self,
        blocks: list[Node],
        align: str,
        column_align: str,
        rowspan: int,
        colspan: int,
        env: _WordEnv,
    ) -> str:
        jc = _WORD_ALIGN.get(column_align if align == "AlignDefault" else align)
        content = self.blocks(blocks, env._replace(jc=jc))
        if not content:
            content = '<w:p><w:pPr><w:pStyle w:val="Compact"/></w:pPr></w:p>'
        elif not content.endswith("</w:p>"):  # Word wants a paragraph last
            content += "<w:p/>"
        spans = (f'<w:gridSpan w:val="{colspan}"/>' if colspan > 1 else "") + (
            '<w:vMerge w:val="restart"/>' if rowspan > 1 else ""
        )
        properties = f"<w:tcPr>{spans}</w:tcPr>" if spans else "<w:tcPr/>"
        return f"<w:tc>{properties}{content}</w:tc>"

    def code(self, text: str, style: str | None, bits: int) -> str:
        runs = (_run(line, style or "VerbatimChar", bits) for line in _code_lines(text))
        return "<w:r><w:br/></w:r>".join(runs)

    def inlines(self, nodes: Sequence[Node], style: str | None, bits: int) -> str:
        return _words_and_inlines(
            nodes, lambda text: _run(text, style, bits), lambda n: self.inline(n, style, bits)
        )

    def inline(self, node: Node, style: str | None, bits: int) -> str:
        kind = node["t"]
        c: Any = node.get("c")
        bit = _INLINE_BITS.get(kind)
        if bit is not None:
            if bit & (_SUPER | _SUB):  # the innermost vertical position wins
                bits &= ~(_SUPER | _SUB)
            return self.inlines(c, style, bits | bit)
        if kind == "LineBreak":
            return "<w:r><w:br/></w:r>"
        if kind == "Quoted":
            opening, closing = _QUOTES.get(c[0]["t"], ("\u201c", "\u201d"))
            return self.inlines(
                [{"t": "Str", "c": opening}, *c[1], {"t": "Str", "c": closing}], style, bits
            )
        if kind == "Code":
            return self.code(c[1], "VerbatimChar", bits)
        if kind == "Link":
            return self.link(c[1], c[2][0], bits)
        if kind == "Span":
            (ident, classes, _), inlines = c
            mark = _MARK if "mark" in classes else 0
            return self.bookmark(ident, self.inlines(inlines, style, bits | mark))
        if kind == "Note":
            return self.note(c)
        if kind == "FootnoteRef":  # the note's own number, first in its text
            return '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        if kind in ("Cite", "Image"):
            return self.inlines(c[1], style, bits)
        return _run(node_to_text(node), style, bits)

    def link(self, inlines: list[Node], target: str, bits: int) -> str:
        content = self.inlines(inlines, "Hyperlink", bits)
        if target.startswith("#"):
            return f'<w:hyperlink w:anchor="{xml_attr(target[1:])}">{content}</w:hyperlink>'
        if target not in self.links:
            self.links[target] = f"rId{9 + len(self.links)}"
        return f'<w:hyperlink r:id="{self.links[target]}">{content}</w:hyperlink>'

    def note(self, blocks: list[Node]) -> str:
        """A footnote's reference; its text goes to the footnotes part, numbered from 1."""
        ident = len(self.notes) + 1
        self.notes.append("")  # the number is taken before a note inside the note
        marker: list[Node] = [{"t": "FootnoteRef"}, _SPACE]
        if blocks and blocks[0]["t"] in ("Para", "Plain"):
            blocks = [{"t": blocks[0]["t"], "c": marker + blocks[0]["c"]}, *blocks[1:]]
        else:
            blocks = [_para(marker[:1]), *blocks]
        first_para = self.first_para
        content = self.blocks(blocks, _WordEnv(style="FootnoteText"))
        self.first_para = first_para
        self.notes[ident - 1] = f'<w:footnote w:id="{ident}">{content}</w:footnote>'
        return (
            '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            f'<w:footnoteReference w:id="{ident}"/></w:r>'
        )

    def relationships(self, base: bool) -> str:
        rels = [
            f'<Relationship Type="{_REL}/{kind}" Id="{ident}" Target="{target}"/>'
            for ident, kind, target in (_DOCUMENT_RELS if base else [])
        ]
        rels += [
            f'<Relationship Type="{_REL}/hyperlink" Id="{ident}" Target="{xml_attr(url)}" '
            'TargetMode="External"/>'
            for url, ident in self.links.items()
        ]
        return (
            f'{_XML_DECLARATION}<Relationships xmlns="{_PKG_REL}">{"".join(rels)}</Relationships>'
        )


def _core_properties(day: dt.date) -> str:
    return (
        f"{_XML_DECLARATION}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title></dc:title><dc:creator></dc:creator><dc:language>fr-FR</dc:language>"
        "<cp:keywords></cp:keywords>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{_iso(day)}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_iso(day)}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def blocks_to_docx(blocks: list[Node], day: dt.date) -> bytes:
    """A Word document of pandoc blocks, dated ``day``."""
    word = _Word()
    body = word.blocks(blocks, _WordEnv())
    shared = _word_parts()
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _PACKAGE_RELS,
        "word/document.xml": f"{_XML_DECLARATION}<w:document {_WORD_NAMESPACES}><w:body>"
        f"{body}{_SECTION}</w:body></w:document>",
        "word/_rels/document.xml.rels": word.relationships(base=True),
        "word/_rels/footnotes.xml.rels": word.relationships(base=False),
        "word/numbering.xml": lists_to_numbering(word.markers),
        "word/styles.xml": shared["word/styles.xml"],
        "word/footnotes.xml": f"{_XML_DECLARATION}<w:footnotes {_WORD_NAMESPACES}>"
        f"{_FOOTNOTE_SEPARATORS}{''.join(word.notes)}</w:footnotes>",
        "word/comments.xml": shared["word/comments.xml"],
        "docProps/core.xml": _core_properties(day),
        "docProps/custom.xml": _CUSTOM,
        "word/settings.xml": shared["word/settings.xml"],
        "docProps/app.xml": shared["docProps/app.xml"],
        "word/theme/theme1.xml": shared["word/theme/theme1.xml"],
        "word/fontTable.xml": shared["word/fontTable.xml"],
        "word/webSettings.xml": shared["word/webSettings.xml"],
    }
    files = [(n, p.encode("utf-8") if isinstance(p, str) else p) for n, p in parts.items()]
    return _package(files, day, frozenset())


# ---------------------------------------------------------------------------------------------
# OpenDocument


_ODF_NAMESPACES = " ".join(
    f'xmlns:{prefix}="{uri}"'
    for prefix, uri in (
        ("office", "urn:oasis:names:tc:opendocument:xmlns:office:1.0"),
        ("style", "urn:oasis:names:tc:opendocument:xmlns:style:1.0"),
        ("text", "urn:oasis:names:tc:opendocument:xmlns:text:1.0"),
        ("table", "urn:oasis:names:tc:opendocument:xmlns:table:1.0"),
        ("draw", "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"),
        ("fo", "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"),
        ("xlink", "http://www.w3.org/1999/xlink"),
        ("dc", "http://purl.org/dc/elements/1.1/"),
        ("meta", "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"),
        ("number", "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"),
        ("svg", "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"),
        ("chart", "urn:oasis:names:tc:opendocument:xmlns:chart:1.0"),
        ("dr3d", "urn:oasis:names:tc:opendocument:xmlns:dr3d:1.0"),
        ("math", "http://www.w3.org/1998/Math/MathML"),
        ("form", "urn:oasis:names:tc:opendocument:xmlns:form:1.0"),
        ("script", "urn:oasis:names:tc:opendocument:xmlns:script:1.0"),
        ("ooo", "http://openoffice.org/2004/office"),
        ("ooow", "http://openoffice.org/2004/writer"),
        ("oooc", "http://openoffice.org/2004/calc"),
        ("dom", "http://www.w3.org/2001/xml-events"),
        ("xforms", "http://www.w3.org/2002/xforms"),
        ("xsd", "http://www.w3.org/2001/XMLSchema"),
        ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
    )
)
_ODF_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_ODF_MANIFEST = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3">'
    + "".join(
        f'<manifest:file-entry manifest:media-type="{kind}" manifest:full-path="{path}"{extra}/>'
        for kind, path, extra in (
            ("application/vnd.oasis.opendocument.text", "/", ' manifest:version="1.3"'),
            ("application/xml", "content.xml", ""),
            ("application/rdf+xml", "manifest.rdf", ""),
            ("application/xml", "styles.xml", ""),
            ("application/xml", "meta.xml", ""),
        )
    )
    + "</manifest:manifest>"
)
_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"

# Character formatting, one bit each; the properties of an automatic text style.
_ODF_TEXT_PROPERTIES = (
    (
        _ITALIC,
        {
            "fo:font-style": "italic",
            "style:font-style-asian": "italic",
            "style:font-style-complex": "italic",
        },
    ),
    (
        _BOLD,
        {
            "fo:font-weight": "bold",
            "style:font-weight-asian": "bold",
            "style:font-weight-complex": "bold",
        },
    ),
    (
        _UNDERLINE,
        {
            "style:text-underline-style": "solid",
            "style:text-underline-width": "auto",
            "style:text-underline-color": "font-color",
        },
    ),
    (_STRIKE, {"style:text-line-through-style": "solid"}),
    (_SUB, {"style:text-position": "sub 58%"}),
    (_SUPER, {"style:text-position": "super 58%"}),
    (_SMALLCAPS, {"fo:font-variant": "small-caps"}),
)
_ODF_ALIGN = {"AlignRight": "end", "AlignCenter": "center"}
_ODF_NUMBER_FORMATS = {"UpperAlpha": "A", "LowerAlpha": "a", "UpperRoman": "I", "LowerRoman": "i"}
_ODF_BULLETS = ("\u2022", "\u25e6", "\u25aa")
_ODF_SPACES = re.compile(r" +|\t")
_PREFORMATTED = 'style:parent-style-name="Preformatted_20_Text"'


@functools.cache
def _odt_parts() -> dict[str, bytes]:
    """The parts every OpenDocument copy shares: pandoc's reference styles, in French."""
    reference = _reference("odt")
    styles = etree.fromstring(reference["styles.xml"])
    for element in styles.iter():
        if element.get(f"{_FO}language") is not None:
            element.set(f"{_FO}language", "fr")
        if element.get(f"{_FO}country") is not None:
            element.set(f"{_FO}country", "FR")
    return {
        "styles.xml": etree.tostring(styles, xml_declaration=True, encoding="UTF-8"),
        "manifest.rdf": reference["manifest.rdf"],
    }


def _odt_code(code: str) -> str:
    """Escaped code with its spaces and tabs kept (``text:s``, ``text:tab``), as pandoc. (Running
    text has single spaces between words: the reader makes every blank a ``Space``.)"""

    def space(match: re.Match[str]) -> str:
        run = match.group()
        if run == "\t":
            return "<text:tab/>"
        start = match.start()
        if start == 0 or text[start - 1] == "\t":
            return f'<text:s text:c="{len(run)}"/>'
        return " " + (f'<text:s text:c="{len(run) - 1}"/>' if len(run) > 1 else "")

    text = xml_text(code)
    if "  " not in text and "\t" not in text and not text.startswith(" "):
        return text
    return _ODF_SPACES.sub(space, text)


@functools.cache
def _odt_text_style(name: str, bits: int) -> str:
    properties: dict[str, str] = {}
    for bit, attributes in _ODF_TEXT_PROPERTIES:
        if bits & bit:
            properties.update(attributes)
    attributes_xml = " ".join(f'{k}="{v}"' for k, v in sorted(properties.items()))
    return (
        f'<style:style style:name="{name}" style:family="text">'
        f"<style:text-properties {attributes_xml}/></style:style>"
    )


def _odt_level_properties(level: int) -> str:
    indent = f"{0.25 + 0.25 * level}in"
    return (
        '<style:list-level-properties text:list-level-position-and-space-mode="label-alignment" '
        'fo:text-align="right"><style:list-level-label-alignment text:label-followed-by="listtab" '
        f'text:list-tab-stop-position="{indent}" fo:text-indent="-0.25in" '
        f'fo:margin-left="{indent}"/>'
        "</style:list-level-properties>"
    )


def _odt_bullet_levels() -> list[str]:
    return [
        f'<text:list-level-style-bullet text:level="{i + 1}" text:style-name="Bullet_20_Symbols" '
        f'style:num-suffix="." text:bullet-char="{_ODF_BULLETS[i % 3]}">'
        f"{_odt_level_properties(i + 1)}</text:list-level-style-bullet>"
        for i in range(10)
    ]


def _odt_number_level(level: int, start: int, style: str, delim: str) -> str:
    affixes = {
        "OneParen": ' style:num-suffix=")"',
        "TwoParens": ' style:num-prefix="(" style:num-suffix=")"',
    }.get(delim, ' style:num-suffix="."')
    return (
        f'<text:list-level-style-number text:level="{level}" '
        'text:style-name="Numbering_20_Symbols" '
        f'style:num-format="{_ODF_NUMBER_FORMATS.get(style, "1")}" text:start-value="{start}"'
        f"{affixes}>{_odt_level_properties(level)}</text:list-level-style-number>"
    )


def _column_name(index: int) -> str:
    """A, B, … Z, AA, AB…: a table column's style suffix."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _odt_table_style(number: int, widths: Sequence[float]) -> str:
    name = f"Table{number}"
    total = sum(widths)
    relative = f' style:rel-width="{round(total * 100)}%"' if 0 < total <= 1 else ""
    columns = "".join(
        f'<style:style style:name="{name}.{_column_name(i)}" style:family="table-column">'
        f'<style:table-column-properties style:rel-column-width="{math.floor(w * 65535)}*"/>'
        "</style:style>"
        if w > 0
        else f'<style:style style:name="{name}.{_column_name(i)}" style:family="table-column"/>'
        for i, w in enumerate(widths)
    )
    cells = (
        "".join(
            f'<style:style style:name="{cell}" style:family="table-cell">'
            '<style:table-cell-properties fo:border="none"/></style:style>'
            for cell in ("TableHeaderRowCell", "TableRowCell")
        )
        if number == 1
        else ""
    )
    return (
        f'{cells}<style:style style:name="{name}" style:family="table">'
        f'<style:table-properties table:align="center"{relative}/></style:style>{columns}'
    )


class _Odt:
    """One OpenDocument text being written: its automatic styles and notes."""

    def __init__(self) -> None:
        self.text_styles: dict[int, str] = {}
        self.para_styles: list[str] = []
        self.list_styles: list[tuple[int, list[str]]] = []
        self.table_styles: list[str] = []
        self.indent = 0  # block quotation depth
        self.in_definition = False
        self.first_para = False  # the next paragraph follows a heading, list, table…
        self.notes = 0

    def automatic_styles(self) -> str:
        lists = "".join(
            f'<text:list-style style:name="L{n}">{"".join(levels)}</text:list-style>'
            for n, levels in self.list_styles
        )
        texts = "".join(
            _odt_text_style(name, bits)
            for bits, name in sorted(self.text_styles.items(), key=lambda item: item[1])
        )
        return lists + texts + "".join(self.para_styles) + "".join(self.table_styles)

    def para_style(self, attributes: str, tight: bool = False) -> int:
        """A new automatic paragraph style, indented in quotations and definitions."""
        number = len(self.para_styles) + 1
        indent = 0.5 * self.indent
        properties = ""
        if indent or self.in_definition:
            value = max(0.5, indent) if self.in_definition else indent
            properties += (
                f' fo:margin-left="{value}in" fo:margin-right="0in" fo:text-indent="0in" '
                'style:auto-text-indent="false"'
            )
        if tight:
            properties += ' fo:margin-top="0in" fo:margin-bottom="0in"'
        inner = f"<style:paragraph-properties{properties}/>" if properties else ""
        self.para_styles.append(
            f'<style:style style:name="P{number}" style:family="paragraph" {attributes}>'
            f"{inner}</style:style>"
        )
        return number

    def aligned_style(self, parent: str, align: str) -> str:
        number = len(self.para_styles) + 1
        self.para_styles.append(
            f'<style:style style:name="P{number}" style:family="paragraph" '
            f'style:parent-style-name="{parent}"><style:paragraph-properties '
            f'fo:text-align="{_ODF_ALIGN[align]}" style:justify-single-word="false"/></style:style>'
        )
        return f"P{number}"

    def paragraph(self, inlines: list[Node]) -> str:
        if not inlines:
            return ""
        style = "First_20_paragraph" if self.first_para else "Text_20_body"
        self.first_para = False
        return f'<text:p text:style-name="{style}">{self.inlines(inlines, 0)}</text:p>'

    def styled(self, style: str, blocks: Sequence[Node]) -> str:
        """Blocks whose paragraphs take ``style``."""
        return "".join(
            f'<text:p text:style-name="{style}">{self.inlines(b["c"], 0)}</text:p>'
            if b["t"] == "Para"
            else self.block(b)
            for b in blocks
        )

    def blocks(self, nodes: Sequence[Node]) -> str:
        return "".join(self.block(node) for node in nodes)

    def block(self, node: Node) -> str:
        kind = node["t"]
        c: Any = node.get("c")
        if kind in ("Para", "Plain"):
            return self.paragraph(c)
        if kind == "Header":
            level, (ident, _, _), inlines = c
            self.first_para = True
            return (
                f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
                f"{self.bookmark(ident, self.inlines(inlines, 0))}</text:h>"
            )
        if kind == "BlockQuote":
            self.first_para = True
            return self.quotation(c)
        if kind in ("CodeBlock", "RawBlock"):
            self.first_para = True
            return "".join(
                f'<text:p text:style-name="P{self.para_style(_PREFORMATTED)}">'
                f"{_odt_code(line)}</text:p>"
                for line in _code_lines(c[1])
            )
        if kind == "HorizontalRule":
            self.first_para = True
            return '<text:p text:style-name="Horizontal_20_Line"/>'
        if kind == "BulletList":
            self.first_para = True
            return self.bullet_list(c)
        if kind == "OrderedList":
            self.first_para = True
            return self.ordered_list(c[0], c[1])
        if kind == "DefinitionList":
            self.first_para = True
            return self.definitions(c)
        if kind == "Div":
            (ident, _, _), blocks = c
            content = self.blocks(blocks)
            if ident:
                return f'<text:section text:name="{xml_attr(ident)}">{content}</text:section>'
            return content
        if kind == "LineBlock":
            return self.paragraph(_lines(c))
        if kind == "Table":
            self.first_para = True
            return self.table(c)
        if kind == "Figure":
            _, (_, caption), body = c
            self.first_para = True
            return self.blocks(body) + self.styled(
                "FigureCaption", [_plain_to_para(b) for b in caption]
            )
        return self.paragraph([{"t": "Str", "c": node_to_text(node)}])

    def quotation(self, blocks: list[Node]) -> str:
        self.indent += 1
        number = self.para_style('style:parent-style-name="Quotations"')
        parts = []
        for b in map(_plain_to_para, blocks):
            if b["t"] == "BlockQuote":
                parts.append(self.quotation(b["c"]))
            elif b["t"] == "Para":
                parts.append(
                    f'<text:p text:style-name="P{number}">{self.inlines(b["c"], 0)}</text:p>'
                )
            else:
                parts.append(self.block(b))
        self.indent -= 1
        return "".join(parts)

    def list_para_style(self, number: int, items: list[list[Node]]) -> int:
        tight = bool(items and items[0] and items[0][0]["t"] == "Plain")
        return self.para_style(
            f'style:parent-style-name="Text_20_body" style:list-style-name="L{number}"', tight
        )

    def bullet_list(self, items: list[list[Node]]) -> str:
        number = len(self.list_styles) + 1
        para = self.list_para_style(number, items)
        self.list_styles.append((number, _odt_bullet_levels()))
        content = "".join(
            f"<text:list-item>{self.styled(f'P{para}', list(map(_plain_to_para, item)))}"
            "</text:list-item>"
            for item in items
        )
        return f'<text:list text:style-name="L{number}">{content}</text:list>'

    def ordered_list(self, attributes: list[Any], items: list[list[Node]]) -> str:
        start, style, delim = attributes
        number = len(self.list_styles) + 1
        para = self.list_para_style(number, items)
        self.list_styles.append((number, [_odt_number_level(1, start, style["t"], delim["t"])]))
        return (
            f'<text:list text:style-name="L{number}">{self.ordered_items(para, items)}</text:list>'
        )

    def ordered_items(self, para: int, items: list[list[Node]]) -> str:
        """Items of a numbered list; a numbered list right inside one is a level of its style."""
        parts = []
        for item in items:
            content = []
            for b in map(_plain_to_para, item):
                if b["t"] == "OrderedList":
                    (start, style, delim), inner = b["c"]
                    levels = self.list_styles[-1][1]
                    levels.append(_odt_number_level(len(levels) + 1, start, style["t"], delim["t"]))
                    nested = self.ordered_items(len(self.para_styles), inner)
                    content.append(f"<text:list>{nested}</text:list>")
                elif b["t"] == "Para":
                    content.append(
                        f'<text:p text:style-name="P{para}">{self.inlines(b["c"], 0)}</text:p>'
                    )
                else:
                    content.append(self.block(b))
            parts.append(f"<text:list-item>{''.join(content)}</text:list-item>")
        return "".join(parts)

    def definitions(self, items: list[Any]) -> str:
        self.in_definition = True
        parts = []
        for term, definitions in items:
            tight = bool(definitions and definitions[0] and definitions[0][0]["t"] == "Plain")
            suffix = "_20_Tight" if tight else ""
            parts.append(
                f'<text:p text:style-name="Definition_20_Term{suffix}">'
                f"{self.inlines(term, 0)}</text:p>"
            )
            for d in definitions:
                parts.append(
                    self.styled(f"Definition_20_Definition{suffix}", [_plain_to_para(b) for b in d])
                )
        self.in_definition = False
        return "".join(parts)

    def table(self, c: list[Any]) -> str:
        _, (_, caption), specs, head, bodies, foot = c
        number = len(self.table_styles) + 1
        aligns = [spec[0]["t"] for spec in specs]
        widths = [spec[1]["c"] if spec[1]["t"] == "ColWidth" else 0.0 for spec in specs]
        heading = [
            self.aligned_style("Table_20_Heading", a) if a in _ODF_ALIGN else "Table_20_Heading"
            for a in aligns
        ]
        contents = [
            self.aligned_style("Table_20_Contents", a) if a in _ODF_ALIGN else "Table_20_Contents"
            for a in aligns
        ]
        self.table_styles.append(_odt_table_style(number, widths))
        caption_xml = ""
        if caption:
            inlines = _lines([b["c"] for b in caption if b["t"] in ("Para", "Plain")])
            caption_xml = (
                f'<text:p text:style-name="TableCaption">{self.inlines(inlines, 0)}</text:p>'
            )
        columns = "".join(
            f'<table:table-column table:style-name="Table{number}.{_column_name(i)}"/>'
            for i in range(len(specs))
        )
        header = self.rows(head[1], heading, "TableHeaderRowCell")
        if header:
            header = f"<table:table-header-rows>{header}</table:table-header-rows>"
        rows = [
            self.rows([*head_rows, *body_rows], contents, "TableRowCell")
            for _, _, head_rows, body_rows in bodies
        ]
        rows.append(self.rows(foot[1], contents, "TableRowCell"))
        return (
            f'{caption_xml}<table:table table:name="Table{number}" '
            f'table:style-name="Table{number}">'
            f"{columns}{header}{''.join(rows)}</table:table>"
        )

    def rows(self, rows: list[Any], styles: list[str], cell_style: str) -> str:
        """Table rows; the positions a cell spans are covered cells."""
        covered: set[tuple[int, int]] = set()
        parts = []
        for r, (_, cells) in enumerate(rows):
            xml = []
            column = 0
            for _, align, rowspan, colspan, blocks in cells:
                while (r, column) in covered:
                    xml.append("<table:covered-table-cell/>")
                    column += 1
                covered.update(
                    (r + i, column + j) for i in range(rowspan) for j in range(colspan) if i or j
                )
                spans = (f' table:number-columns-spanned="{colspan}"' if colspan > 1 else "") + (
                    f' table:number-rows-spanned="{rowspan}"' if rowspan > 1 else ""
                )
                style = styles[min(column, len(styles) - 1)]
                if align["t"] in _ODF_ALIGN:
                    style = self.aligned_style(style, align["t"])
                content = self.styled(style, [_plain_to_para(b) for b in blocks])
                xml.append(
                    f'<table:table-cell table:style-name="{cell_style}" office:value-type="string"'
                    f"{spans}>{content}</table:table-cell>"
                )
                column += 1
            while (r, column) in covered:
                xml.append("<table:covered-table-cell/>")
                column += 1
            parts.append(f"<table:table-row>{''.join(xml)}</table:table-row>")
        return "".join(parts)

    def bookmark(self, ident: str, content: str) -> str:
        if not ident:
            return content
        name = xml_attr(ident)
        if not content:
            return f'<text:bookmark text:name="{name}"/>'
        return (
            f'<text:bookmark-start text:name="{name}"/>{content}'
            f'<text:bookmark-end text:name="{name}"/>'
        )

    def text(self, text: str, bits: int) -> str:
        content = xml_text(text)
        if not bits:
            return content
        if bits not in self.text_styles:
            self.text_styles[bits] = f"T{len(self.text_styles) + 1}"
        return f'<text:span text:style-name="{self.text_styles[bits]}">{content}</text:span>'

    def inlines(self, nodes: Sequence[Node], bits: int) -> str:
        return _words_and_inlines(
            nodes, lambda text: self.text(text, bits), lambda n: self.inline(n, bits)
        )

    def inline(self, node: Node, bits: int) -> str:
        kind = node["t"]
        c: Any = node.get("c")
        bit = _INLINE_BITS.get(kind)
        if bit is not None:
            return self.inlines(c, bits | bit)
        if kind == "LineBreak":
            return "<text:line-break/>"
        if kind == "Quoted":
            opening, closing = _QUOTES.get(c[0]["t"], ("\u201c", "\u201d"))
            return f"{opening}{self.inlines(c[1], bits)}{closing}"
        if kind == "Code":
            code = _odt_code(c[1])
            return f'<text:span text:style-name="Source_Text">{code}</text:span>'
        if kind == "Link":
            url, title = c[2]
            return (
                f'<text:a xlink:type="simple" xlink:href="{xml_attr(url)}" '
                f'office:name="{xml_attr(title)}"><text:span text:style-name="Definition">'
                f"{self.inlines(c[1], bits)}</text:span></text:a>"
            )
        if kind == "Span":
            return self.bookmark(c[0][0], self.inlines(c[1], bits))
        if kind == "Note":
            number = self.notes
            self.notes += 1
            return (
                f'<text:note text:id="ftn{number}" text:note-class="footnote">'
                f"<text:note-citation>{number + 1}</text:note-citation>"
                f"<text:note-body>{self.styled('Footnote', c)}</text:note-body></text:note>"
            )
        if kind in ("Cite", "Image"):
            return self.inlines(c[1], bits)
        return self.text(node_to_text(node), bits)


def _odt_meta(day: dt.date) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        'xmlns:ooo="http://openoffice.org/2004/office" '
        'xmlns:grddl="http://www.w3.org/2003/g/data-view#" office:version="1.3"><office:meta>'
        "<meta:generator>Registre</meta:generator><dc:language>fr-FR</dc:language>"
        f"<meta:creation-date>{_iso(day)}</meta:creation-date><dc:date>{_iso(day)}</dc:date>"
        "</office:meta></office:document-meta>"
    )


def blocks_to_odt(blocks: list[Node], day: dt.date) -> bytes:
    """An OpenDocument text of pandoc blocks, dated ``day``."""
    odt = _Odt()
    body = odt.blocks(blocks)
    content = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<office:document-content {_ODF_NAMESPACES} '
        'office:version="1.3"><office:font-face-decls><style:font-face style:name="Courier New" '
        'style:font-family-generic="modern" style:font-pitch="fixed" '
        "svg:font-family=\"'Courier New'\"/></office:font-face-decls>"
        f"<office:automatic-styles>{odt.automatic_styles()}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    shared = _odt_parts()
    files = [
        ("mimetype", _ODF_MIMETYPE),
        ("meta.xml", _odt_meta(day).encode("utf-8")),
        ("META-INF/manifest.xml", _ODF_MANIFEST.encode("utf-8")),
        ("content.xml", content.encode("utf-8")),
        ("manifest.rdf", shared["manifest.rdf"]),
        ("styles.xml", shared["styles.xml"]),
    ]
    return _package(files, day, frozenset({"mimetype"}))


# ---------------------------------------------------------------------------------------------


def extrait_to_office(e: Extrait, texte: str, fmt: str) -> bytes:
    """The .docx (fmt "docx") or .odt (fmt "odt") of one extract. ``texte`` is the pandoc JSON
    document (``pandoc -f <SAFE_MARKDOWN> --lua-filter safe.lua -t json``) of ``e.texte``, the
    délibération's Markdown; everything else comes from the Extrait's plain-text fields."""
    blocks = extrait_to_blocks(e, json.loads(texte)["blocks"])
    if fmt == "docx":
        return blocks_to_docx(blocks, e.date)
    if fmt == "odt":
        return blocks_to_odt(blocks, e.date)
    raise ValueError(f"unknown office format: {fmt}")
