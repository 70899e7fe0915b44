"""Bounding the nesting of a YAML text before the C composer sees it.

The composer recurses on the machine stack: 50,000 nested lists crash the process (SIGSEGV).
``nesting_bound`` is a cheap scan of the text that never under-estimates the nesting depth;
only a text whose bound exceeds ``MAX_DEPTH`` is measured exactly, with the parser's event
stream (iterative, no recursion), by ``too_deep``.

Why the bound holds: a flow collection (``[``, ``{``) needs its own opening bracket, so the
number of brackets in the text bounds the flow depth. A block collection starts where a line's
indentation ends or after one of the indicators that open a line (``- ``, ``? ``, ``: ``);
those are the only places libyaml lets one start. The block collections open at any point all
start at different columns, except a sequence written at its parent key's column: at most two
per column, so twice the number of distinct such columns bounds the block depth.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, Event

from generator.diagnostics import Diagnostic, Loc, error

#: Deeper than this, a file is refused before it is composed (the schema needs 5 levels).
MAX_DEPTH = 24

#: The line breaks of libyaml (YAML 1.1) other than "\n": the scan must cut lines exactly
#: where it does, so they are turned into "\n" first.
_OTHER_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")

#: At each line start: the indentation, then the indicators and node properties that may
#: open the line, each followed by blanks or the end of the line.
_LINE_START = re.compile(r"^[ \t]*(?:(?:[-?:]|---|[&!][^ \t\n]*)(?:[ \t]+|$))*", re.M)
_INDENT = re.compile(r"[ \t]*")
_INDICATOR = re.compile(r"(?:[-?:]|---|[&!][^ \t\n]*)(?:[ \t]+|$)")


def _starts(start: str) -> Iterable[int]:
    """The columns where a block node may start on a line that opens with ``start``
    (indentation, then indicators)."""
    indent = _INDENT.match(start)
    column = indent.end() if indent else 0
    yield column
    for m in _INDICATOR.finditer(start, column):
        yield m.end()


def nesting_bound(text: str) -> int:
    """An upper bound of the nesting depth of any YAML text (cheap, linear)."""
    flow = text.count("[") + text.count("{")
    columns: set[int] = set()
    # lines open in few distinct ways: measure each way once
    text = text.removeprefix("\ufeff")
    if any(b in text for b in "\r\x85\u2028\u2029"):
        text = _OTHER_BREAKS.sub("\n", text)
    for start in set(_LINE_START.findall(text)):
        columns.update(_starts(start))
    return 2 * len(columns) + flow


def too_deep(events: Iterable[Event], file: str) -> Diagnostic | None:
    """The S011 error at the first collection nested deeper than ``MAX_DEPTH``, if any."""
    depth = 0
    for event in events:
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return error(
                    "S011",
                    Loc(file, mark.line + 1, mark.column + 1),
                    f"structure imbriquée sur plus de {MAX_DEPTH} niveaux",
                    "Aucun fichier du format n'en demande autant : vérifiez les tirets, les "
                    "crochets et l'indentation.",
                )
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return None
