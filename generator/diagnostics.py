"""The one error type users see: a coded, located, French diagnostic with a hint."""

from __future__ import annotations

import enum
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

from generator.text_safety import escape_unprintable


@dataclass(frozen=True, order=True)
class Loc:
    """A place in a content file; line and column start at 1 (0 means unknown)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        file = escape_unprintable(self.file)
        if self.line:
            return f"{file}:{self.line}:{self.col}"
        return file


NOWHERE = Loc("")


class Pos:
    """Where an object of the model was written, and where each of its fields was.

    Field positions are keyed by field name, and list items by ``name.index``; they are all
    in the file of ``at``. They are kept packed (the names in one string, the lines and
    columns in one ``bytes``) and made into ``Loc`` when asked for: the parsed files of a
    large archive hold ~400,000 positions, unpickled from the cache at every build, and only
    a diagnostic reads one.
    """

    __slots__ = ("_names", "_numbers", "at")

    def __init__(self, at: Loc = NOWHERE, fields: Mapping[str, Loc] | None = None) -> None:
        fields = fields or {}
        if any(loc.file != at.file for loc in fields.values()):
            raise ValueError("the positions of a Pos are in the file of its object")
        self.at = at
        self._names = "\0".join(fields)
        self._numbers = struct.pack(
            f"<{2 * len(fields)}I", *(n for loc in fields.values() for n in (loc.line, loc.col))
        )

    def _find(self, key: str) -> Loc | None:
        try:
            i = self._names.split("\0").index(key)
        except ValueError:
            return None
        line, col = struct.unpack_from("<2I", self._numbers, 8 * i)
        return Loc(self.at.file, line, col)

    def of(self, name: str, index: int | None = None) -> Loc:
        """The position of a field (or of one item of a list field), else of the object."""
        if index is not None:
            loc = self._find(f"{name}.{index}")
            if loc is not None:
                return loc
        return self._find(name) or self.at


NOPOS = Pos()


class Severity(enum.Enum):
    ERROR = "erreur"
    WARNING = "avertissement"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in the content, said in French, with how to fix it."""

    code: str
    severity: Severity
    loc: Loc
    message: str
    hint: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.loc.file, self.loc.line, self.loc.col, self.code, self.message)

    def shown_message(self) -> str:
        """The message as printed: values from content/ may hold control characters (an ESC
        sequence would drive the terminal), shown escaped (« \\x1b », « \\u202e »)."""
        return escape_unprintable(self.message)

    def shown_hint(self) -> str:
        """The hint as printed: escaped like the message, its own line breaks kept."""
        return escape_unprintable(self.hint, keep_newlines=True)

    def format(self) -> str:
        """``file:line:col: CODE message`` then the hint on an indented line."""
        text = f"{self.loc}: {self.code} {self.shown_message()}"
        if self.severity is Severity.WARNING:
            text = f"{self.loc}: {self.code} (avertissement) {self.shown_message()}"
        if self.hint:
            text += "\n    → " + self.shown_hint().replace("\n", "\n      ")
        return text

    def to_json(self) -> dict[str, object]:
        """The diagnostic for ``--format json``, escaped as in the text output."""
        return {
            "code": self.code,
            "severity": self.severity.name.lower(),
            "file": escape_unprintable(self.loc.file),
            "line": self.loc.line,
            "column": self.loc.col,
            "message": self.shown_message(),
            "hint": self.shown_hint(),
        }


def error(code: str, loc: Loc, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, loc, message, hint)


def warning(code: str, loc: Loc, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, loc, message, hint)


def format_diagnostics(diagnostics: Sequence[Diagnostic]) -> str:
    """Diagnostics grouped by file (blank line between files), each with its hint."""
    blocks = []
    for _, group in groupby(diagnostics, key=lambda d: d.loc.file):
        blocks.append("\n".join(d.format() for d in group))
    return "\n\n".join(blocks)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


class RegistreError(Exception):
    """Raised by library entry points when diagnostics forbid going on (e.g. a build).

    The CLI prints the diagnostics and exits 1, without a traceback.
    """

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} diagnostic(s)")
        self.diagnostics = diagnostics
