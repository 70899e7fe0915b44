"""The figures of a vote, as written or as implied by names and unanimity (pure).

``pour + contre + abstention + nppv + blancs_nuls + voix des candidats`` is the total that the
cross-check compares with the votants computed for the item (DESIGN.md §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.model import Vote


@dataclass(frozen=True)
class VoteFigures:
    pour: int
    contre: int
    abstention: int
    nppv: int
    blancs_nuls: int
    voix_candidats: int

    @property
    def total(self) -> int:
        """Every votant, however they voted (or did not take part)."""
        return (
            self.pour
            + self.contre
            + self.abstention
            + self.nppv
            + self.blancs_nuls
            + self.voix_candidats
        )

    @property
    def exprimes(self) -> int:
        """Suffrages exprimés: abstentions, blank and void ballots and NPPV do not count."""
        return self.pour + self.contre + self.voix_candidats


def _count(declared: int | None, names: tuple[str, ...]) -> int:
    if declared is not None:
        return declared
    return len(names)


def vote_to_figures(vote: Vote, votants: int) -> VoteFigures:
    """The figures of ``vote``; with unanimity and no ``pour``, pour is the rest of the votants."""
    noms = vote.noms
    contre = _count(vote.contre, noms.contre if noms else ())
    abstention = _count(vote.abstention, noms.abstention if noms else ())
    nppv = _count(vote.nppv, noms.nppv if noms else ())
    blancs = vote.blancs_nuls or 0
    candidats = sum(c.voix for c in vote.candidats)
    if vote.pour is not None:
        pour = vote.pour
    elif noms is not None and noms.pour:
        pour = len(noms.pour)
    elif vote.unanimite and not vote.candidats:
        pour = max(votants - contre - abstention - nppv - blancs, 0)
    else:
        pour = 0
    return VoteFigures(pour, contre, abstention, nppv, blancs, candidats)


def figures_to_resultat(vote: Vote, figures: VoteFigures) -> Literal["adopte", "rejete"] | None:
    """Adopted with the absolute majority of suffrages exprimés; None when undecidable.

    On a tie, the president's casting vote decides in a public vote only (L2121-20): the
    result must then be written in ``resultat``.
    """
    if vote.candidats:
        return None
    if figures.pour > figures.contre:
        return "adopte"
    if figures.pour < figures.contre:
        return "rejete"
    if figures.pour == 0:
        return None
    if vote.voix_preponderante and vote.scrutin != "secret":
        return vote.resultat
    return "rejete"
