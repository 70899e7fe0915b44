"""French typography for printed values: dates, times, amounts (pure functions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

#: U+202F, the thin no-break space French typesetting puts between groups of digits.
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def date_to_text(day: dt.date, *, weekday: bool = False) -> str:
    """« 1er mars 2024 », or « vendredi 1er mars 2024 »."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MOIS[day.month - 1]} {day.year}"
    return f"{JOURS[day.weekday()]} {text}" if weekday else text


def time_to_text(moment: dt.time) -> str:
    """« 18 h 30 », « 20 h »."""
    if moment.minute:
        return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    return f"{moment.hour}{NBSP}h"


def number_to_text(value: Decimal | int, unit: str | None = None) -> str:
    """« 3 107 000 € » with narrow no-break spaces, a decimal comma, a true minus sign."""
    value = Decimal(value)
    sign = "−" if value < 0 else ""
    magnitude = abs(value)
    whole, _, fraction = f"{magnitude:f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sign + NARROW_NBSP.join(groups or ["0"])
    if fraction:
        text += "," + fraction
    if unit:
        text += NBSP + unit
    return text


def count_to_text(n: int, singular: str, plural: str) -> str:
    """« 1 abstention », « 2 abstentions »."""
    return f"{n} {singular if n <= 1 else plural}"
