"""The public version of the project: passages marked « occulter » replaced (pure).

Everything public (site, search index, public PDF and Word/ODT copies, open data) is made from
``public_project``; only the official extract sent to the prefecture uses the project as written.

A passage is found whatever the spacing the text gives it: « M. Jean MARTINEAU » hides
« M. Jean⏎MARTINEAU » (a line break in the YAML), two spaces, a no-break space (U+00A0,
U+202F, Markdown's « \\ ») and a Markdown line break (a « \\ » or two spaces at the end of the
line). Letters are kept exact (case, accents). A passage found nowhere is an error of the check
(R114): the build then publishes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from typing import Any

from generator.model import Deliberation, Project, SeanceFiles

OCCULTE = "[occulté]"

#: Whatever may stand between two words of a passage in a text: any run of whitespace (Python's
#: ``\s`` holds the no-break spaces and line breaks), a Markdown backslash before one (a
#: no-break space or a hard line break) and the no-break space's HTML entity. Possessive: a
#: word of a passage never starts with a space, so the run is never given back.
_SPACING = r"(?:\\?\s|&nbsp;|&#160;|&#[xX][aA]0;)++"


def passage_pattern(passage: str) -> str:
    """A regular expression matching ``passage`` with any spacing between its words."""
    return _SPACING.join(map(re.escape, passage.split()))


def passages_regex(passages: Sequence[str]) -> re.Pattern[str]:
    """One expression for all ``passages``, the longest first (the longest passage that starts
    at a place wins: a name inside a longer passage is hidden with it); empty ones ignored."""
    words = [p for p in passages if p.split()]
    longest_first = sorted(words, key=len, reverse=True)
    return re.compile("|".join(map(passage_pattern, longest_first)) or "(?!)")


def _hide(text: str, passages: re.Pattern[str]) -> str:
    return passages.sub(OCCULTE, text)


def _hide_cells(rows: tuple[tuple[Any, ...], ...], passages: re.Pattern[str]) -> Any:
    return tuple(
        tuple(_hide(c, passages) if isinstance(c, str) else c for c in row) for row in rows
    )


def visible_texts(d: Deliberation) -> Iterator[str]:
    """Every text of ``d`` a reader sees and ``deliberation_to_public`` hides passages in."""
    yield d.objet
    yield d.texte
    if d.commission:
        yield d.commission
    if d.budget:
        yield from (t for t in (d.budget.inscription, d.budget.nom) if t)
    for t in d.tableaux:
        if t.titre:
            yield t.titre
        yield from t.colonnes
        for row in (*t.lignes, *t.totaux):
            yield from (c for c in row if isinstance(c, str))
    yield from (a.titre for a in d.annexes if a.titre)


def missing_passages(d: Deliberation) -> list[int]:
    """The indices of the passages of ``d.occulter`` found in none of its visible texts."""
    texts = list(visible_texts(d))
    return [
        i
        for i, passage in enumerate(d.occulter)
        if not any(passages_regex([passage]).search(t) for t in texts)
    ]


def deliberation_to_public(d: Deliberation) -> Deliberation:
    """``d`` with its « occulter » passages replaced in every text a reader sees (not in
    identifiers, which only link pages), in one pass: the longest passage that starts at a
    place wins, and the « [occulté] » put in is never searched again. The result has
    nothing left to hide (``occulter`` empty)."""
    if not d.occulter:
        return d
    passages = passages_regex(d.occulter)

    def hide(text: str | None) -> str | None:
        return None if text is None else _hide(text, passages)

    tableaux = tuple(
        dataclasses.replace(
            t,
            titre=hide(t.titre),
            colonnes=tuple(_hide(c, passages) for c in t.colonnes),
            lignes=_hide_cells(t.lignes, passages),
            totaux=_hide_cells(t.totaux, passages),
        )
        for t in d.tableaux
    )
    budget = d.budget and dataclasses.replace(
        d.budget, inscription=hide(d.budget.inscription), nom=hide(d.budget.nom)
    )
    return dataclasses.replace(
        d,
        objet=_hide(d.objet, passages),
        texte=_hide(d.texte, passages),
        commission=hide(d.commission),
        budget=budget,
        tableaux=tableaux,
        annexes=tuple(dataclasses.replace(a, titre=hide(a.titre)) for a in d.annexes),
        occulter=(),
    )


def public_project(project: Project) -> Project:
    """The project as the public may see it."""
    if not any(d.occulter for s in project.seances for d in s.deliberations):
        return project
    seances = tuple(
        SeanceFiles(s.dossier, s.seance, tuple(deliberation_to_public(d) for d in s.deliberations))
        if any(d.occulter for d in s.deliberations)
        else s  # the same object: what the build knows of it (its key…) still holds
        for s in project.seances
    )
    return dataclasses.replace(project, seances=seances)
