"""Word (.docx) and OpenDocument (.odt) copies of an extract, written by pandoc.

For secretariats that finish a text in a word processor. The extract is written as Markdown
(values escaped, the délibération's own Markdown kept) and pandoc writes both formats. The
timestamps inside the files come from SOURCE_DATE_EPOCH (the séance), so builds are reproducible.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import re
import secrets
import subprocess
import zipfile
from collections.abc import Sequence

import pypandoc
from lxml import etree

from generator.render.context import Extrait
from generator.render.markdown import SAFE_FILTER, SAFE_MARKDOWN

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~^$@\"'&:=;,/?%])")


def escape(text: str) -> str:
    """Plain text as Markdown: every ASCII punctuation mark backslash-escaped."""
    return _PUNCTUATION.sub(r"\\\1", text)


def _table(columns: tuple[str, ...], rows: list[tuple[str, ...]], numeric: tuple[bool, ...]) -> str:
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(escape(c) for c in cells) + " |"

    rule = "|" + "|".join("--:" if n else ":--" for n in numeric) + "|"
    return "\n".join([line(columns), rule, *(line(r) for r in rows)])


def extrait_to_markdown(e: Extrait) -> str:
    """The whole extract as pandoc Markdown; ``e.texte`` is the délibération's Markdown."""
    parts = [
        f"**{escape(e.collectivite)}**  \n" + "  \n".join(escape(a) for a in e.adresse),
        f"# {escape(e.titre)}",
        f"**{escape(e.seance)}** — {escape(e.lieu)}  \n{escape(e.convocation)}",
        _table(
            tuple(f.label for f in e.figures),
            [tuple(f.value for f in e.figures)],
            tuple(True for _ in e.figures),
        ),
        escape(e.quorum),
        "  \n".join(f"**{escape(f.label)} :** {escape(f.value)}" for f in e.bureau),
        *(
            f"**{escape(nl.title)} ({len(nl.names)}) :** {escape(', '.join(nl.names))}."
            for nl in e.attendance
        ),
        f"## {escape(f'Délibération n° {e.numero} — point n° {e.point}')}",
        f"**{escape('Objet : ' + e.objet)}**",
        "  \n".join(f"**{escape(f.label)} :** {escape(f.value)}" for f in e.details),
        e.texte.strip(),
    ]
    for t in e.tables:
        if t.title:
            parts.append(f"*{escape(t.title)}*")
        parts.append(_table(t.columns, [*t.rows, *t.totals], t.numeric))
    votes = [f"**{escape(e.resultat)}**", escape(e.decompte)]
    votes += [f"**{escape(nl.title)} :** {escape(', '.join(nl.names))}" for nl in e.votes]
    parts.append("  \n".join(votes))
    parts.append("  \n".join(escape(line) for line in e.certification))
    parts.append(f"{escape(e.signataire[0])}  \n**{escape(e.signataire[1])}**")
    if e.transmission:
        parts.append("  \n".join(escape(line) for line in e.transmission))
    parts.append(f"*{escape(e.recours)}*")
    return "\n\n".join(parts) + "\n"


def _pandoc_office(markdown: str, fmt: str, day: dt.date) -> bytes:
    """pandoc's .docx or .odt of ``markdown``, dated ``day`` inside (reproducible)."""
    epoch = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    run = subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            f"--from={SAFE_MARKDOWN}",
            f"--lua-filter={SAFE_FILTER}",
            f"--to={fmt}",
            "--output=-",
            "--metadata=lang:fr-FR",
        ],
        input=markdown.encode("utf-8"),
        env=env,
        check=True,
        capture_output=True,
    )
    return run.stdout


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ODF_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
#: Per format: the XML part holding the text, and the path to the element whose children are
#: the document's blocks.
_BODIES = {
    "docx": ("word/document.xml", f"{W}body"),
    "odt": ("content.xml", f"{ODF_OFFICE}body/{ODF_OFFICE}text"),
}


def _split_blocks(
    blocks: list[etree._Element], token: str, count: int
) -> tuple[list[etree._Element], list[list[etree._Element]]] | None:
    """The blocks before the first marker paragraph, and the blocks of each text; None if the
    markers are not all there, in order (a text swallowed one)."""
    prefix: list[etree._Element] = []
    parts: list[list[etree._Element]] = []
    pattern = re.compile(rf"{token}(\d+)")
    for block in blocks:
        match = pattern.fullmatch("".join(block.itertext()).strip())
        if match is not None and match.group(1) == str(len(parts)):
            parts.append([])
        elif parts:
            parts[-1].append(block)
        else:
            prefix.append(block)
    return (prefix, parts) if len(parts) == count else None


def _split_office(whole: bytes, fmt: str, token: str, count: int) -> list[bytes] | None:
    """Cut the file of several extracts (joined by marker paragraphs) into one file each: the
    same package, with the text part holding only that extract's blocks (and, for Word, only
    its footnotes). None if a marker is missing."""
    part_name, body_path = _BODIES[fmt]
    with zipfile.ZipFile(io.BytesIO(whole)) as package:
        infos = package.infolist()
        files = {info.filename: package.read(info) for info in infos}
    root = etree.fromstring(files[part_name])
    body = root.find(body_path)
    assert body is not None
    blocks = list(body)
    tail = [b for b in blocks if b.tag == f"{W}sectPr"]  # Word's page settings, last
    split = _split_blocks([b for b in blocks if b not in tail], token, count)
    if split is None:
        return None
    prefix, parts = split
    notes = etree.fromstring(files["word/footnotes.xml"]) if fmt == "docx" else None
    outputs = []
    for blocks_of_part in parts:
        for child in list(body):
            body.remove(child)
        for block in [*(copy.deepcopy(b) for b in prefix), *blocks_of_part, *tail]:
            body.append(block)
        replaced = {}
        if notes is not None:
            replaced["word/footnotes.xml"] = _notes_of(notes, blocks_of_part)
        else:  # ODT prints each note's number: count from 1 in each extract
            citations = (c for b in blocks_of_part for c in b.iter(f"{ODF_TEXT}note-citation"))
            for number, citation in enumerate(citations, start=1):
                citation.text = str(number)
        replaced[part_name] = etree.tostring(
            root, xml_declaration=True, encoding="UTF-8", standalone=fmt == "docx" or None
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            for info in infos:
                package.writestr(info, replaced.get(info.filename, files[info.filename]))
        outputs.append(buffer.getvalue())
    return outputs


def _notes_of(notes: etree._Element, blocks: list[etree._Element]) -> bytes:
    """Word's footnotes part with the notes these blocks refer to (and the separators)."""
    ids = {ref.get(f"{W}id") for b in blocks for ref in b.iter(f"{W}footnoteReference")}
    kept = copy.deepcopy(notes)
    for note in list(kept):
        if note.get(f"{W}type") is None and note.get(f"{W}id") not in ids:
            kept.remove(note)
    return etree.tostring(kept, xml_declaration=True, encoding="UTF-8", standalone=True)


def markdowns_to_office(markdowns: Sequence[str], fmt: str, day: dt.date) -> list[bytes]:
    """The .docx or .odt of several extracts of one day, in one pandoc run: they are joined
    with marker paragraphs, converted, and the file is cut at the markers (a pandoc process
    costs ~0.15 s, more than the extract itself; a thousand extracts took five minutes one by
    one). If a text swallowed a marker, each extract is converted on its own."""
    if len(markdowns) == 1:
        return [_pandoc_office(markdowns[0], fmt, day)]
    token = "REGISTRESPLIT" + secrets.token_hex(8)
    # in Word, what follows a heading is styled as the start of a document; in ODT, what
    # follows a paragraph
    mark = "# " if fmt == "docx" else ""
    joined = "\n\n".join(f"{mark}{token}{i}\n\n{m}" for i, m in enumerate(markdowns))
    split = _split_office(_pandoc_office(joined, fmt, day), fmt, token, len(markdowns))
    if split is None:
        return [_pandoc_office(m, fmt, day) for m in markdowns]
    return split
