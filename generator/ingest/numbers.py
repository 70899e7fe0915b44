"""French numbers written in words (« trente-quatre », « une voix contre ») as integers (pure)."""

from __future__ import annotations

import re
import unicodedata

_UNITS: dict[str, int] = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
    "cent": 100,
    "cents": 100,
}
_JOINERS = {"et"}


def fold(text: str) -> str:
    """Lower case without accents, ligatures and typographic apostrophes (for matching)."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("’", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def words_to_int(words: list[str]) -> int | None:
    """« quatre vingt dix huit » → 98; None if a word is not a number word."""
    total = 0
    current = 0
    seen = False
    for word in words:
        if word in _JOINERS and seen:
            continue
        value = _UNITS.get(word)
        if value is None:
            return None
        seen = True
        if value == 100:
            current = max(current, 1) * 100
        elif value == 20 and current % 100 == 4:  # quatre-vingt
            current = current - 4 + 80
        elif current % 100 in (60, 80) and value < 20:  # soixante-dix, quatre-vingt-douze
            current += value
        else:
            current += value
    total += current
    return total if seen else None


_WORD = (
    r"(?:zero|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
    r"quinze|seize|vingts?|trente|quarante|cinquante|soixante|septante|huitante|octante|nonante|cents?)"
)
_RUN = re.compile(rf"\b{_WORD}(?:(?:[\s-]+|\s+et\s+){_WORD})*\b")


def replace_number_words(folded: str) -> str:
    """Replace number words by digits in an already folded text (same words, digits instead).

    « un »/« une » alone are kept unless followed by a vote word, since they are also articles.
    """

    def sub(match: re.Match[str]) -> str:
        words = re.split(r"[\s-]+", match.group(0))
        if words in (["un"], ["une"]):
            rest = folded[match.end() : match.end() + 30]
            if not re.match(
                r"\s+(?:seule?\s+)?(?:voix|vote|abstention|bulletin|procuration|pouvoir|"
                r"present|absent|membre|conseill|elu)",
                rest,
            ):
                return match.group(0)
        value = words_to_int(words)
        return str(value) if value is not None else match.group(0)

    return _RUN.sub(sub, folded)
