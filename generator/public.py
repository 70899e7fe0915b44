"""The public version of the project: passages marked « occulter » replaced (pure).

Everything public (site, search index, public PDF and Word/ODT copies, open data) is made from
``public_project``; only the official extract sent to the prefecture uses the project as written.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from generator.model import Deliberation, Project, SeanceFiles

OCCULTE = "[occulté]"


def _hide(text: str, passages: re.Pattern[str]) -> str:
    return passages.sub(OCCULTE, text)


def _hide_cells(rows: tuple[tuple[Any, ...], ...], passages: re.Pattern[str]) -> Any:
    return tuple(
        tuple(_hide(c, passages) if isinstance(c, str) else c for c in row) for row in rows
    )


def deliberation_to_public(d: Deliberation) -> Deliberation:
    """``d`` with its « occulter » passages replaced in every text a reader sees (not in
    identifiers, which only link pages), in one pass: the longest passage that starts at a
    place wins (a name inside a longer passage is hidden with it), and the « [occulté] » put
    in is never searched again. The result has nothing left to hide (``occulter`` empty)."""
    if not d.occulter:
        return d
    longest_first = sorted((p for p in d.occulter if p), key=len, reverse=True)
    passages = re.compile("|".join(map(re.escape, longest_first)) or "(?!)")

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
