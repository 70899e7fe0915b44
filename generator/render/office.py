"""Word (.docx) and OpenDocument (.odt) copies of an extract, written by pandoc.

For secretariats that finish a text in a word processor. The extract is written as Markdown
(values escaped, the délibération's own Markdown kept) and pandoc writes both formats. The
timestamps inside the files come from SOURCE_DATE_EPOCH (the séance), so builds are reproducible.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pypandoc

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


def markdown_to_office(markdown: str, target: Path, day: dt.date) -> None:
    """Write ``target`` (.docx or .odt, by its suffix) from the extract's Markdown."""
    epoch = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            f"--from={SAFE_MARKDOWN}",
            f"--lua-filter={SAFE_FILTER}",
            f"--to={target.suffix[1:]}",
            f"--output={target}",
            "--metadata=lang:fr-FR",
        ],
        input=markdown.encode("utf-8"),
        env=env,
        check=True,
        capture_output=True,
    )
