"""Who is present, represented and voting at each agenda item (pure functions).

Items are taken in the séance's order of passage, and bounds are inclusive at both ends
(DESIGN.md §1): "à partir du 7.1" means present for 7.1, "jusqu'au 3.10" present for 3.10.
A pouvoir is exercised at an item when the item is within the pouvoir's bounds, its mandant is
not physically there and its mandataire is (and has not withdrawn for that item).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from generator.identity import ByIdentity
from generator.model import Membre, Procuration, Seance


@dataclass(frozen=True)
class Span:
    """The items (indices in the order of passage, inclusive) covered by bounds."""

    start: int
    end: int

    def __contains__(self, index: int) -> bool:
        return self.start <= index <= self.end


@dataclass(frozen=True)
class Lapse:
    """A pouvoir not exercised at an item, and why (said in French)."""

    procuration: Procuration
    reason: str


@dataclass(frozen=True)
class PointPresence:
    """The attendance at one agenda item."""

    point: str
    index: int
    en_exercice: int
    presents: frozenset[str]
    retires: frozenset[str]
    procurations: tuple[Procuration, ...]
    lapses: tuple[Lapse, ...]

    @property
    def votants(self) -> int:
        return len(self.presents) + len(self.procurations)

    @property
    def quorum(self) -> int:
        """Members who must be physically present: more than half of those in office."""
        return self.en_exercice // 2 + 1

    @property
    def quorum_atteint(self) -> bool:
        return len(self.presents) >= self.quorum

    def voters(self) -> frozenset[str]:
        """Ids that may cast a vote here: those present, and mandants whose pouvoir is used."""
        return self.presents | {p.mandant for p in self.procurations}


@dataclass(frozen=True)
class SeancePresence:
    """Attendance at every item of a séance, in the order of passage."""

    points: tuple[PointPresence, ...]
    spans: Mapping[str, tuple[Span, ...]]

    def at(self, point: str) -> PointPresence | None:
        for p in self.points:
            if p.point == point:
                return p
        return None


def passage_order(ordre_de_passage: tuple[str, ...]) -> dict[str, int]:
    """Each point's rank in the order of passage (its first occurrence, if written twice)."""
    order: dict[str, int] = {}
    for i, point in enumerate(ordre_de_passage):
        order.setdefault(point, i)
    return order


def bounds_to_span(
    order: Mapping[str, int], last: int, a_partir_de: str | None, jusqu_a: str | None
) -> Span:
    """Resolve bounds against the order of passage; an unknown bound is left open."""
    start = order.get(a_partir_de, 0) if a_partir_de is not None else 0
    end = order.get(jusqu_a, last) if jusqu_a is not None else last
    return Span(start, end)


def membres_en_exercice(membres: Mapping[str, Membre], jour: dt.date) -> int:
    return sum(1 for m in membres.values() if m.en_exercice(jour))


def bornes_to_text(a_partir_de: str | None, jusqu_a: str | None) -> str:
    """« à partir du 1.1.3 et jusqu'au 3.12 », as documents print bounds."""
    parts = []
    if a_partir_de is not None:
        parts.append(f"à partir du {a_partir_de}")
    if jusqu_a is not None:
        parts.append(f"jusqu'au {jusqu_a}")
    return " et ".join(parts)


#: The attendance of each séance still alive, with the identities of the members it was
#: computed with: the extracts, listes, pages, open data and rules of a build all need it (five
#: times each séance at 10,000 délibérations: 1 s).
_PRESENCES: ByIdentity[tuple[tuple[int, ...], SeancePresence]] = ByIdentity()


def seance_to_presence(seance: Seance, membres: Mapping[str, Membre]) -> SeancePresence:
    """Compute the attendance at every item of the order of passage (once for a séance and
    members that are the same objects: both are frozen)."""
    token = tuple(map(id, membres.values()))
    kept = _PRESENCES.get(seance)
    if kept is not None and kept[0] == token:
        return kept[1]
    presence = _seance_to_presence(seance, membres)
    _PRESENCES.put(seance, (token, presence))
    return presence


def _seance_to_presence(seance: Seance, membres: Mapping[str, Membre]) -> SeancePresence:
    order = passage_order(seance.ordre_de_passage)
    last = len(seance.ordre_de_passage) - 1
    spans: dict[str, list[Span]] = {}
    for presence in seance.presents:
        span = bounds_to_span(order, last, presence.a_partir_de, presence.jusqu_a)
        spans.setdefault(presence.membre, []).append(span)
    withdrawn: dict[int, set[str]] = {}
    for retrait in seance.retraits:
        for point in retrait.points:
            if point in order:
                withdrawn.setdefault(order[point], set()).add(retrait.membre)
    en_exercice = membres_en_exercice(membres, seance.date)
    # who is in the room at each item, filled once from the spans
    room: list[set[str]] = [set() for _ in seance.ordre_de_passage]
    for ident, member_spans in spans.items():
        for span in member_spans:
            for index in range(span.start, min(span.end, last) + 1):
                room[index].add(ident)
    proc_spans = [
        bounds_to_span(order, last, proc.a_partir_de, proc.jusqu_a) for proc in seance.procurations
    ]
    points = []
    for index, point in enumerate(seance.ordre_de_passage):
        retires = frozenset(withdrawn.get(index, ()))
        presents = frozenset(room[index] - retires)
        exercised: list[Procuration] = []
        lapses: list[Lapse] = []
        for proc, span in zip(seance.procurations, proc_spans, strict=True):
            if index not in span:
                bornes = bornes_to_text(proc.a_partir_de, proc.jusqu_a)
                lapses.append(Lapse(proc, f"hors de ses bornes ({bornes})"))
            elif proc.mandant in room[index]:
                lapses.append(Lapse(proc, "le mandant est présent"))
            elif proc.mandataire in retires:
                lapses.append(Lapse(proc, "le mandataire s'est retiré pour ce point"))
            elif proc.mandataire not in room[index]:
                lapses.append(Lapse(proc, "le mandataire est absent"))
            elif any(e.mandant == proc.mandant for e in exercised):
                lapses.append(Lapse(proc, "le mandant a déjà donné un autre pouvoir"))
            else:
                exercised.append(proc)
        points.append(
            PointPresence(
                point=point,
                index=index,
                en_exercice=en_exercice,
                presents=presents,
                retires=retires,
                procurations=tuple(exercised),
                lapses=tuple(lapses),
            )
        )
    return SeancePresence(tuple(points), {m: tuple(s) for m, s in spans.items()})


def _name(membres: Mapping[str, Membre], ident: str) -> str:
    m = membres.get(ident)
    return m.nom_complet if m is not None else ident


def explain_point(
    seance: Seance, presence: SeancePresence, point: PointPresence, membres: Mapping[str, Membre]
) -> list[str]:
    """Say in French how the votants of an item were counted: which bounds applied."""
    arrived: list[str] = []
    not_yet: list[str] = []
    gone: list[str] = []
    for p in seance.presents:
        if p.a_partir_de is None and p.jusqu_a is None:
            continue
        span = presence.spans[p.membre]
        label = f"{_name(membres, p.membre)} ({bornes_to_text(p.a_partir_de, p.jusqu_a)})"
        if any(point.index in s for s in span):
            arrived.append(label)
        elif all(point.index < s.start for s in span):
            not_yet.append(label)
        else:
            gone.append(label)
    lines = [
        f"au point {point.point} (rang {point.index + 1} de l'ordre de passage) : "
        f"{len(point.presents)} présents et {len(point.procurations)} pouvoirs exercés, "
        f"soit {point.votants} votants"
    ]
    if arrived:
        lines.append("comptés présents selon leurs bornes : " + ", ".join(arrived))
    if not_yet:
        lines.append("pas encore arrivés : " + ", ".join(not_yet))
    if gone:
        lines.append("déjà partis : " + ", ".join(gone))
    if point.retires:
        lines.append(
            "retirés pour ce point : " + ", ".join(_name(membres, r) for r in sorted(point.retires))
        )
    bounded = [
        f"{_name(membres, p.mandant)} → {_name(membres, p.mandataire)} "
        f"({bornes_to_text(p.a_partir_de, p.jusqu_a)})"
        for p in point.procurations
        if p.a_partir_de is not None or p.jusqu_a is not None
    ]
    if bounded:
        lines.append("pouvoirs bornés encore exercés : " + ", ".join(bounded))
    if point.lapses:
        lines.append(
            "pouvoirs non exercés : "
            + ", ".join(
                f"{_name(membres, lapse.procuration.mandant)} → "
                f"{_name(membres, lapse.procuration.mandataire)} ({lapse.reason})"
                for lapse in point.lapses
            )
        )
    return lines
