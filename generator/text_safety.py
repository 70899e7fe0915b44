"""Characters a reader cannot see or tell apart: how they are shown, and where they are refused.

Three concerns, all pure functions:

- ``escape_unprintable``: what every diagnostic goes through before it is printed or serialised,
  so that a value from ``content/`` can never drive the user's terminal (ESC sequences, ``\\r``,
  BEL, C1 controls) nor reorder what is shown (bidi overrides). Ordinary French text, accents,
  « », and the spaces of French typography (U+00A0, U+202F) are kept as they are.
- ``identifier_problem`` / ``text_problem``: why a value cannot be an identifier (safe
  alphabet, NFC, one script, no invisible character, not shaped like a path) or a text (no
  invisible or bidi control character), said in French with the character escaped.
- ``lookalike_note``: when a suggestion (« vouliez-vous dire ») would look like the value it
  corrects, how the two differ.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

#: Categories shown escaped: controls, format characters (bidi, zero-width), surrogates,
#: private use, unassigned, line and paragraph separators.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

#: Windows device names: a file or folder named so cannot be written there.
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)

#: An identifier that becomes part of a path: a letter or digit first, then letters, digits,
#: « - », « _ » and « . » (so never « . », « .. », « a/b » nor a hidden file).
_SAFE_IDENTIFIER = re.compile(r"[^\W_][\w.-]*")

#: The longest identifier accepted (a file name stays well within every file system's limit).
MAX_IDENTIFIER = 80

#: Letters of other scripts drawn like Latin ones (Cyrillic and Greek): the ones an identifier
#: or key pasted from elsewhere is likely to carry.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        "ј": "j", "ѕ": "s", "ԁ": "d", "ӏ": "l", "һ": "h", "ԛ": "q", "ԝ": "w",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "α": "a", "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "τ": "t", "υ": "u",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip


def _unprintable(ch: str) -> bool:
    return unicodedata.category(ch) in _UNPRINTABLE


def escape_char(ch: str) -> str:
    """``\\x1b``, ``\\u202e`` or ``\\U000e0041``: the code of one character, as Python writes it."""
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape_unprintable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every unprintable character written as its code (``\\x1b``, ``\\u202e``).

    With ``keep_newlines``, ``\\n`` stays a line break (the hints of diagnostics are laid out
    on several lines); everything else that is not printable is escaped.
    """
    if text.isprintable():
        return text
    return "".join(
        escape_char(ch) if _unprintable(ch) and not (keep_newlines and ch == "\n") else ch
        for ch in text
    )


def _script(ch: str) -> str | None:
    """The script of a letter (« LATIN », « CYRILLIC »…), None for digits and punctuation."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else None


_SCRIPT_NAMES = {"LATIN": "latin", "CYRILLIC": "cyrillique", "GREEK": "grec"}


def _script_name(script: str) -> str:
    return _SCRIPT_NAMES.get(script, script.lower())


def _first(text: str, bad: str) -> str:
    """« \\u200b en position 3 »: the first character of ``text`` that is in ``bad``."""
    for i, ch in enumerate(text, 1):
        if ch in bad:
            return f"{escape_char(ch)} en position {i}"
    return ""


def invisible_problem(text: str, *, allowed: str = "") -> str | None:
    """Why ``text`` cannot be shown faithfully: an invisible, control or bidi character."""
    bad = "".join(ch for ch in set(text) if _unprintable(ch) and ch not in allowed)
    if not bad:
        return None
    return f"contient un caractère invisible ou de contrôle ({_first(text, bad)})"


def mixed_script_problem(text: str) -> str | None:
    """Why ``text`` mixes scripts (« latin et cyrillique »), None when it keeps to one."""
    scripts: dict[str, int] = {}
    for i, ch in enumerate(text, 1):
        script = _script(ch)
        if script is not None:
            scripts.setdefault(script, i)
    if len(scripts) < 2:
        return None
    first, *others = sorted(scripts, key=scripts.__getitem__)
    other = others[0]
    pos = scripts[other]
    return (
        f"mélange les alphabets {_script_name(first)} et {_script_name(other)} "
        f"({escape_char(text[pos - 1])} en position {pos})"
    )


def nfc_problem(text: str) -> str | None:
    """Why ``text`` is not in Unicode's composed form (an accent typed as a separate mark)."""
    if unicodedata.is_normalized("NFC", text):
        return None
    marks = "".join(ch for ch in set(text) if unicodedata.combining(ch))
    where = f" : {_first(text, marks)}" if marks else ""
    return f"écrit un accent comme un caractère séparé (forme non normalisée NFC{where})"


def identifier_problem(text: str, *, path_safe: bool = True) -> str | None:
    """Why ``text`` cannot be an identifier, in French; None when it can.

    Every identifier is NFC, in one script and without invisible characters; ``path_safe``
    ones (they name files and pages) also keep to letters, digits, « - », « _ », « . »,
    begin with a letter or digit and are not a device name of Windows.
    """
    problem = invisible_problem(text) or nfc_problem(text) or mixed_script_problem(text)
    if problem or not path_safe:
        return problem
    if len(text) > MAX_IDENTIFIER:
        return f"fait {len(text)} caractères ({MAX_IDENTIFIER} au plus)"
    if not _SAFE_IDENTIFIER.fullmatch(text):
        odd = [(i, ch) for i, ch in enumerate(text, 1) if not (ch.isalnum() or ch in "-_.")]
        if odd:
            return f"contient « {odd[0][1]} » (en position {odd[0][0]})"
        return "ne commence pas par une lettre ou un chiffre"
    if _RESERVED.fullmatch(text):
        return "est un nom réservé par Windows pour un périphérique"
    return None


def text_problem(text: str, *, multiline: bool) -> str | None:
    """Why a text cannot be published as is: an invisible, control or bidi character.

    Such a character is never seen by whoever proofreads the text, yet it reorders what is
    shown (bidi), hides a word from search and occultation (zero-width) or drives a terminal;
    line breaks and tabs of a text on several lines are its own layout and are kept.
    """
    return invisible_problem(text, allowed="\n\t" if multiline else "")


def _skeleton(text: str) -> str:
    """What ``text`` looks like: compatibility forms folded, look-alike letters made Latin,
    invisible characters dropped."""
    folded = unicodedata.normalize("NFKC", text).translate(_CONFUSABLES)
    return "".join(ch for ch in folded if not _unprintable(ch))


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "").lower()
    return f"{escape_char(ch)} ({name})" if name else escape_char(ch)


def lookalike_note(value: str, suggestion: str) -> str:
    """How ``value`` differs from a ``suggestion`` that looks the same; "" when they look apart.

    Example: `` (« vоte » a \\u043e (cyrillic small letter o) en position 2 où « vote » a
    « o »)``.
    """
    if value == suggestion or _skeleton(value) != _skeleton(suggestion):
        return ""
    differences = []
    matcher = difflib.SequenceMatcher(None, value, suggestion, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        here = ", ".join(_describe(ch) for ch in value[i1:i2]) or "rien"
        there = ", ".join(f"« {escape_unprintable(ch)} »" for ch in suggestion[j1:j2]) or "rien"
        differences.append(f"{here} en position {i1 + 1} où la suggestion a {there}")
    return " Attention, les deux se ressemblent mais diffèrent : " + " ; ".join(differences) + "."


def url_problem(text: str) -> str | None:
    """Why ``text`` is not a public web address (``http(s)://host…``), None when it is."""
    if invisible_problem(text) or any(ch.isspace() for ch in text):
        return "contient un espace ou un caractère invisible"
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return "ne commence pas par « https:// » ou « http:// »"
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
    if not host or host.startswith(("-", ".")) or not re.fullmatch(r"[\w.:\[\]-]+", host):
        return "n'a pas de nom de site valable après « https:// »"
    return None
