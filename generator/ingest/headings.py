"""Item headings found by typography (pure): a line set apart in bold, in the body of the
document, that opens an item although it carries no number.

Many procès-verbaux and comptes-rendus head their points with the objet alone, in bold
(« Marché de travaux d'extension de la cuisine… », « Tour de table »). In a document that
numbers none of its points, a bold line is such a heading when it
- stands alone on its line (a bold table header has several columns), is not a repeated page
  header, and reads as a title: it starts with a capital, does not end with « : » (« EXPOSE : »
  labels what follows), is not one of the words of the séance's frame (présents, vote,
  décision, « Le Conseil Municipal… ») nor what a person says (« M. X précise… »), and is not
  a bold paragraph (more than four lines, or two sentences);
- comes after the attendance (the document's own title and date are bold too) and does not
  follow a line ending with « : » (the text of a label, not a new point);
- is not in an extract (one délibération, whose bold lines are its own).

Beside numbered headings (« Délibération n°20151214-03 » then, unnumbered, « Projet de Schéma
Départemental… ») such lines are not looked for yet: it finds the unnumbered points of four
more corpus documents, but moves the items of four others, whose expected values
(tests/expected/ingest) must first be read again by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LineStyle:
    """How a body line is set: bold, its left edge and its font size."""

    bold: bool
    x0: float
    size: float
    #: The line is a single run of text (not the columns of a table row).
    alone: bool = True


#: What a title is made of: a capital first, then a few words.
_TITLE = re.compile(r"^(?P<objet>[A-ZÀ-Ý«\"][^\n]{2,199})$")

#: A person's name alone (« Marc MIOTTO », « Mme FONS »): who speaks, in a debate's account.
_PERSON = re.compile(
    r"^(?:(?:M\.|MM\.|Mme|Mmes|Mlle|Monsieur|Madame)\s+(?:[A-ZÀ-Ý][a-zà-ÿ]+[-\s])?|"
    r"[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?\s+)"
    r"[A-ZÀ-Ý][A-ZÀ-Ý'’\-]+(?:\s[A-ZÀ-Ý'’\-]{2,})*(?:\s*\(.*\))?\s*:?$"
)

#: The words that open the séance's frame and its decisions, never an item's title.
_FRAME = re.compile(
    r"(?i)^(?:(?:m\.|mme|mmes|mlle|mr|monsieur|madame)\s|(?:(?:[ée]taient\s+|sont\s+)?pr[ée]sents?|absents?|excus[ée]s?|pouvoirs?|"
    r"procurations?|secr[ée]taire|votants?|nombre|en exercice|membres|conseillers)\b|"
    r"(?:le|la|les)\s+(?:conseil|maire|pr[ée]sident|membres|s[ée]ance|compte|proc[èe]s)|"
    r"apr[èe]s\s+(?:en\s+)?avoir|d[ée]cid|d[ée]lib[èe]r|vote|pour\b|contre\b|abstention|"
    r"(?:[aà]\s+)?(?:l['’]\s*)?unanimit|(?:[aà]\s+)?(?:la\s+)?majorit|"
    r"adopt[ée]|approuv[ée]|d[ée]but|fin\s+de|s[ée]ance|ordre du jour|"
    r"l'an\b|l’an\b|date|d[ée]partement|r[ée]publique|extrait|"
    r"arrondissement|canton|commune de|ville de|monsieur le maire|madame le maire|page\b|"
    r"expos[ée]|vu\b|consid[ée]rant|article|annexe|objet\b|rapporteur|d[ée]lib[ée]ration\b)"
)

#: The frame of the séance: once a line says who is present, the body has begun.
_ATTENDANCE = re.compile(
    r"(?i)^\s*(?:[ée]taient\s+)?pr[ée]sents?\b|secr[ée]taire\s+de\s+s[ée]ance|"
    r"absents?\s+excus[ée]s?|\bsous la pr[ée]sidence\b"
)

#: Two sentences: a paragraph, not a title.
_SENTENCES = re.compile(r"[a-zà-ÿ0-9)][.!?]\s+[A-ZÀ-Ý]")

#: The title of an extract (« EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS »).
_EXTRACT = re.compile(r"(?i)\bextrait\s+(?:du|des)\s+(?:registre|d[ée]lib[ée]rations?|proc[èe]s)")


def _is_extract(lines: Sequence[str]) -> bool:
    return any(_EXTRACT.search(line) for line in lines[:60])


def body_start(lines: Sequence[str]) -> int:
    """The index of the first line after the attendance (0 when none is said)."""
    last = -1
    for i, line in enumerate(lines[:80]):
        if _ATTENDANCE.search(line):
            last = i
    return last + 1


#: A bullet before a point's title (a symbol font's glyphs come in the private use area); a
#: dash starts a list's line, not a title.
_BULLET = re.compile(r"^[\s\ue000-\uf8ff•▪◦■□►➢❖✓]+")


def bare(line: str) -> str:
    """``line`` without its leading bullet and outer spaces (pure)."""
    return _BULLET.sub("", line).strip()


def is_title(line: str) -> bool:
    """Whether ``line`` reads as an item's title (pure)."""
    text = bare(line)
    return (
        _TITLE.match(text) is not None
        and (not text.endswith(":") or len(text.split()) >= 4)  # « EXPOSE : » labels
        and _FRAME.match(text) is None
        and _PERSON.match(text) is None
    )


def _repeated(lines: Sequence[str]) -> set[str]:
    """Lines printed three times or more: running page headers and footers (a point's title
    may be printed twice: in a document printed twice over)."""
    counts = Counter(line.strip() for line in lines)
    return {text for text, n in counts.items() if n > 2}


def _opens_item(
    i: int, lines: Sequence[str], styles: Sequence[LineStyle], repeated: set[str]
) -> bool:
    """Whether line ``i``, after the attendance, heads an item (module docstring)."""
    if not (styles[i].bold and styles[i].alone) or lines[i].strip() in repeated:
        return False
    before = lines[i - 1].strip() if i > 0 else ""
    if (i > 0 and styles[i - 1].bold and not _FRAME.match(before)) or before.endswith(":"):
        return False  # a title's second line, or the text of a label
    if not is_title(lines[i]) or i + 1 >= len(lines):
        return False
    block = 1  # a title takes four lines at most; a bold paragraph is emphasis
    while i + block < len(lines) and styles[i + block].bold and block <= 4:
        block += 1
    text = " ".join(lines[i : i + block]).strip()
    return block <= 4 and len(text) <= 320 and not _SENTENCES.search(text)


def typographic_headings(
    lines: Sequence[str], styles: Sequence[LineStyle], side: Sequence[str] = ()
) -> list[int]:
    """The lines of ``lines`` (set as ``styles`` say) that open an item by their typography,
    in a document that numbers none of its points; ``side``: the lines of a side column, where
    an extract may say what it is."""
    if len(styles) != len(lines) or _is_extract([*side, *lines]):
        return []
    repeated = _repeated(lines)
    return [
        i for i in range(body_start(lines), len(lines)) if _opens_item(i, lines, styles, repeated)
    ]
