"""Item headings found by typography (pure): a line set apart in bold, in the body of the
document, that opens an item although it carries no number.

Many procès-verbaux and comptes-rendus head their points with the objet alone, in bold
(« Marché de travaux d'extension de la cuisine… », « Tour de table »), and some number only
the délibérations among them (« Délibération n°20151214-03 » then, unnumbered, « Projet de
Schéma Départemental… »). A bold line is such a heading when it
- stands alone on its line (a bold table header has several columns), is not a repeated page
  header, and reads as a title: it starts with a capital, does not end with « : » (« EXPOSE : »
  labels what follows), is not one of the words of the séance's frame (présents, vote,
  décision, « Le Conseil Municipal… ») nor what a person says (« M. X précise… »), and is not
  a bold paragraph (more than four lines, or two sentences);
- comes after the attendance (the document's own title and date are bold too) and does not
  follow a line ending with « : » (the text of a label, not a new point);
- when the document also has numbered headings (two at least: an extract's one heading leaves
  its bold lines to its text), is set like their titles (same indent and size) and comes after
  an item that closed with its decision, or after another point of the same kind: an item
  opens with a heading and closes with its decision and vote, so a bold line inside an open
  numbered item is emphasis.
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

#: What closes an item: its decision or its vote.
_DECISION = re.compile(
    r"(?i)d[ée]lib[ée]r[ée]|\bd[ée]cide\b|\badopt[ée]e?s?\b|\bapprouv[ée]e?s?\b|unanimit[ée]|"
    r"\bprend acte\b|\bprennent acte\b|voix pour|\bpour\s*:\s*\d"
)


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


def _same_set(a: LineStyle, b: LineStyle) -> bool:
    return a.bold and b.bold and abs(a.x0 - b.x0) <= 3 and abs(a.size - b.size) <= 0.6


def typographic_headings(
    lines: Sequence[str],
    styles: Sequence[LineStyle],
    numbered: Sequence[int] = (),
    side: Sequence[str] = (),
) -> list[int]:
    """The lines of ``lines`` that open an item by their typography (module docstring).
    ``numbered`` are the lines of the headings already found by their numbers: with them, a
    bold line must be set like their titles and follow a closed item. ``side``: the lines of a
    side column, where an extract may say what it is."""
    if len(styles) != len(lines) or len(numbered) == 1 or _is_extract([*side, *lines]):
        return []  # an extract: one délibération, whose bold lines are its own
    start = body_start(lines)
    repeated = _repeated(lines)
    # the titles of numbered headings: the heading line itself, or the bold line after it
    models = [
        styles[j]
        for i in numbered
        for j in (i, i + 1)
        if j < len(lines) and styles[j].bold and styles[j].alone
    ]
    found: list[int] = []
    for i in range(start, len(lines)):
        style = styles[i]
        if not (style.bold and style.alone) or lines[i].strip() in repeated:
            continue
        before = lines[i - 1].strip() if i > 0 else ""
        if (i > 0 and styles[i - 1].bold and not _FRAME.match(before)) or before.endswith(":"):
            continue  # a title's second line, or the text of a label
        if not is_title(lines[i]) or i + 1 >= len(lines):
            continue
        block = 1  # a title takes four lines at most; a bold paragraph is emphasis
        while i + block < len(lines) and styles[i + block].bold and block <= 4:
            block += 1
        text = " ".join(lines[i : i + block]).strip()
        if block > 4 or len(text) > 320 or _SENTENCES.search(text):
            continue
        if numbered:
            if any(0 <= i - j <= 2 for j in numbered):
                continue  # the title of a numbered heading
            if not any(_same_set(style, m) for m in models):
                continue
            opened = max((j for j in (*numbered, *found) if j < i), default=None)
            if opened is None:
                continue
            # after a numbered item, only once it closed; after a point of the same set
            # (« Décisions prises sur délégation », then « Tour de table »), at once
            if opened not in found and not _DECISION.search("\n".join(lines[opened:i])):
                continue
        found.append(i)
    return found
