"""Checks of a délibération's texts (pure): passages to occult that are found (R114), words of
a length the conversions can handle (R115), no text left from ``registre new``'s template (R116).

A « word » is what pandoc reads as one: a run of characters between ASCII spaces, tabs and line
breaks (a no-break space does not end it). Pandoc's Typst writer takes a time that grows with
the square of a word's length: a word of 20,000 characters took 0.9 s, 40,000 took 3.4 s, and a
base64 image of 200,000 characters pasted into a ``texte`` by mistake kept ``registre build``
busy for 90 s (everything else, site, search index, Word/ODT copies, Typst's layout, took 1 s).
Past ``WORD_MAX`` characters a word is refused: no French word, reference or address comes
near, and the writer's time stays proportional to the text's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.diagnostics import Diagnostic, error, warning
from generator.model import Deliberation
from generator.public import missing_passages

#: The longest word a ``texte`` may hold (a long address of a web page fits).
WORD_MAX = 1000

#: A word longer than ``WORD_MAX``: ``WORD_MAX + 1`` characters that are not ASCII whitespace,
#: at the start of a run (so each run is looked at once, whatever its length).
_LONG_WORD = re.compile(rf"(?<![^ \t\n\r])[^ \t\n\r]{{{WORD_MAX + 1}}}")
_WORD_END = re.compile(r"[ \t\n\r]|\Z")

#: How much of a refused word the message shows.
SHOWN = 20


def thousands(n: int) -> str:
    """« 200 000 »: groups of digits separated by a no-break space, as French writes them."""
    return f"{n:,}".replace(",", "\u00a0")


def long_words(text: str) -> Iterator[tuple[int, int]]:
    """The offset and length of each word of ``text`` longer than ``WORD_MAX``."""
    for found in _LONG_WORD.finditer(text):
        start = found.start()
        end_found = _WORD_END.search(text, found.end())
        end = end_found.start() if end_found else len(text)
        yield start, end - start


def long_word_diagnostics(d: Deliberation) -> Iterator[Diagnostic]:
    """R115: each word of ``d.texte`` too long to be a word, with its line in the text."""
    for start, length in long_words(d.texte):
        line = d.texte.count("\n", 0, start) + 1
        shown = d.texte[start : start + SHOWN]
        yield error(
            "R115",
            d.pos.of("texte"),
            f"le texte contient un mot de {thousands(length)} caractères "
            f"(« {shown}… », ligne {line} du texte) : une image collée ?",
            f"Un mot ne peut dépasser {thousands(WORD_MAX)} caractères. Retirez ce passage "
            "(une image se joint en annexe : « annexes: ») ou coupez-le par des espaces.",
        )


def occultation_diagnostics(d: Deliberation) -> Iterator[Diagnostic]:
    """R114: each passage to occult that no visible text of ``d`` holds (the name would be
    published as written elsewhere, or the passage was badly copied)."""
    for i in missing_passages(d):
        yield error(
            "R114",
            d.pos.of("occulter", i),
            f"le passage à occulter « {d.occulter[i]} » n'apparaît pas dans la délibération",
            "Recopiez-le exactement (majuscules, accents) tel qu'il est écrit dans l'objet, "
            "le texte, les tableaux, la commission ou le titre d'une annexe ; les espaces et "
            "les retours à la ligne peuvent différer. Rien n'est publié tant qu'il manque.",
        )


#: The objet ``registre new deliberation`` writes (templates/new/deliberation.yml.j2).
OBJET_A_COMPLETER = "À compléter"

#: The texte it writes; its placeholder lines, ``TEXTE_MODELE``, are not a délibération's words
#: (the « Vu… » and « DÉCIDE » lines are, and are kept).
TEXTE_A_COMPLETER = (
    "Exposé des motifs.\n"
    "\n"
    "Vu le Code général des collectivités territoriales,\n"
    "\n"
    "**DÉCIDE**\n"
    "\n"
    "Article 1 : …"
)
TEXTE_MODELE = ("Exposé des motifs.", "Article 1 : …")

#: The end of R116's hints, whatever the field.
REFUSE = (
    "Tant qu'une délibération garde le texte du modèle, « registre build », « registre pdf » et "
    "« registre export » refusent d'écrire (il serait publié et transmis tel quel)."
)


def template_lines(texte: str) -> list[str]:
    """The placeholder lines of the template that ``texte`` still holds, in order."""
    lines = {line.strip() for line in texte.splitlines()}
    return [line for line in TEXTE_MODELE if line in lines]


def placeholder_diagnostics(d: Deliberation) -> Iterator[Diagnostic]:
    """R116: the objet or lines of the texte still those of ``registre new deliberation``'s
    template. A warning here; ``generator.project`` refuses to write outputs while one is left."""
    if d.objet.strip() == OBJET_A_COMPLETER:
        yield warning(
            "R116",
            d.pos.of("objet"),
            "l'objet est encore celui du modèle de « registre new deliberation » : "
            f"« {OBJET_A_COMPLETER} »",
            f"Écrivez l'objet de la délibération, sur une ligne. {REFUSE}",
        )
    left = template_lines(d.texte)
    if left:
        shown = " et ".join(f"« {line} »" for line in left)
        yield warning(
            "R116",
            d.pos.of("texte"),
            f"le texte garde {shown}, {'lignes' if len(left) > 1 else 'ligne'} du modèle de "
            "« registre new deliberation »",
            "Écrivez à la place l'exposé des motifs et les articles de la délibération. " + REFUSE,
        )


def text_diagnostics(d: Deliberation) -> list[Diagnostic]:
    """The checks of this module on ``d``."""
    return [
        *occultation_diagnostics(d),
        *long_word_diagnostics(d),
        *placeholder_diagnostics(d),
    ]
