"""Declared vs computed, with the project's own presence computation (generator.presence).

What was parsed becomes ``generator.model`` objects (Membre, Seance, Presence, Procuration,
Retrait) and goes through ``seance_to_presence`` / ``explain_point``: a parsed PDF and a YAML
séance are checked by one piece of code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generator.ingest.attendance import Bounds
from generator.ingest.names import Mention, same_person, slug
from generator.ingest.sections import Item, ParsedDoc
from generator.model import Membre, Presence, Procuration, Retrait, Seance
from generator.presence import PointPresence, explain_point, seance_to_presence


@dataclass
class Roster:
    """The people of one document, each once, with a stable id."""

    people: list[tuple[str, Mention]] = field(default_factory=list)

    def find(self, m: Mention, among: set[str] | None = None) -> str | None:
        for ident, known in self.people:
            if (among is None or ident in among) and same_person(known, m):
                return ident
        return None

    def add(self, m: Mention, among: set[str] | None = None) -> str:
        found = self.find(m, among) if among is not None else None
        if found is None:
            found = self.find(m)
        if found is not None:
            return found
        base = slug(m) or "membre"
        ident, n = base, 2
        taken = {i for i, _ in self.people}
        while ident in taken:
            ident, n = f"{base}-{n}", n + 1
        self.people.append((ident, m))
        return ident


def _natural(ref: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (10**9, p) for p in re.split(r"[.\-/_ ]", ref))


@dataclass
class ItemCheck:
    ref: str | None
    objet: str | None
    presents: int | None
    procurations: int | None
    declared_total: int | None
    expected_total: int | None
    coherent: bool | None
    anomalies: list[str]
    explanation: str


@dataclass
class SeanceCheck:
    presents: int | None
    procurations: int | None
    votants: int | None
    absents: int | None
    items: list[ItemCheck]
    anomalies: list[str]
    seance: Seance | None
    membres: dict[str, Membre]
    roster: Roster


def lists_are_per_item(doc: ParsedDoc) -> bool:
    """An extract whose lists say who was there *for its item*, bounds being mere notes.

    Only for a one-item document without a printed order of passage (with the order, bounds
    are resolved as written). The document says its lists are the item's when it has a list
    « absents pour ce point » or « se sont retirés », or when the number of présents printed
    in its head is the number of names in its list of présents although some of them carry
    bounds (« parti après le point 3 » on the extract of point 6, examined before point 3):
    without the order of passage, reading those bounds in numeric order would be a guess.
    """
    att = doc.attendance
    if not doc.single or att.ordre or not doc.items:
        return False
    if att.absents_point or att.retires:
        return True
    bounded = any(a.bounds.a_partir_de or a.bounds.jusqu_a for a in att.presents)
    return bounded and att.presents_n is not None and att.presents_n == len(att.presents)


def build_seance(doc: ParsedDoc) -> tuple[Seance, dict[str, Membre], Roster, list[str]]:
    """The parsed attendance as a ``generator.model.Seance`` (and its members)."""
    seance, membres, roster, anomalies, _ = build_seance_notes(doc)
    return seance, membres, roster, anomalies


def build_seance_notes(
    doc: ParsedDoc,
) -> tuple[Seance, dict[str, Membre], Roster, list[str], list[str]]:
    """:func:`build_seance`, with notes on how the lists were read (for the explanation)."""
    att = doc.attendance
    roster = Roster()
    anomalies: list[str] = []
    notes: list[str] = []
    per_item = lists_are_per_item(doc)
    item_point = (doc.items[0].point or doc.items[0].ref or "#1") if per_item else ""
    present_ids: dict[str, Bounds] = {}
    retraits: dict[str, tuple[str, ...]] = {}
    suppleants: dict[str, str] = {}
    unapplied: list[str] = []
    for a in att.presents:
        ident = roster.add(a.mention)
        if per_item and (a.bounds.a_partir_de or a.bounds.jusqu_a):
            unapplied.append(f"{a.mention.label} ({', '.join(a.mention.notes)})")
        present_ids[ident] = Bounds() if per_item else a.bounds
        if a.absent_for:
            retraits[ident] = a.absent_for
        if a.suppleant_de is not None:
            suppleants[ident] = roster.add(a.suppleant_de)
    if per_item:
        for m in att.retires:
            ident = roster.add(m)
            present_ids.setdefault(ident, Bounds())
            retraits[ident] = (item_point,)
        away = [roster.add(a.mention) for a in att.absents_point]
        if unapplied:
            notes.append(
                "listes imprimées pour ce point (ordre de passage non imprimé) : bornes lues "
                "comme des mentions, non appliquées : " + ", ".join(unapplied)
            )
        if away:
            notes.append("absents pour ce point : " + ", ".join(_label(roster, i) for i in away))
    else:
        for a in att.absents_point:
            # at the séance, out for the item this document is about
            ident = roster.add(a.mention)
            present_ids.setdefault(ident, a.bounds)
            if doc.single and doc.items:
                retraits[ident] = (doc.items[0].point or doc.items[0].ref or "#1",)
    absent_ids: list[str] = []
    for m in att.excuses + att.absents:
        absent_ids.append(roster.add(m))
    procs: list[Procuration] = []
    present_set = set(present_ids)
    for p in att.pouvoirs:
        mandant = roster.find(p.mandant, set(absent_ids)) or roster.add(p.mandant)
        bounded = p.bounds.a_partir_de or p.bounds.jusqu_a
        if (
            mandant in present_set
            and not bounded
            and not (present_ids[mandant].a_partir_de or present_ids[mandant].jusqu_a)
        ):
            anomalies.append(
                f"{p.mandant.label} donne pouvoir mais figure aussi parmi les présents"
            )
        if p.mandataire is None:
            anomalies.append(f"pouvoir de {p.mandant.label} : mandataire non indiqué")
            continue
        mandataire = roster.find(p.mandataire, present_set)
        if mandataire is None:
            mandataire = roster.add(p.mandataire)
            anomalies.append(
                f"pouvoir de {p.mandant.label} à {p.mandataire.label}, "
                "qui ne figure pas parmi les présents"
            )
        procs.append(
            Procuration(
                mandant=mandant,
                mandataire=mandataire,
                a_partir_de=None if per_item else p.bounds.a_partir_de,
                jusqu_a=None if per_item else p.bounds.jusqu_a,
            )
        )
    holders: dict[str, int] = {}
    for proc in procs:
        holders[proc.mandataire] = holders.get(proc.mandataire, 0) + 1
    for holder, n in holders.items():
        if n > 1:
            anomalies.append(f"{_label(roster, holder)} détient {n} pouvoirs (un seul permis)")
    # order of passage: printed, else the items as they come, with every bound they cite
    if per_item:
        ordre = [item_point]
    elif att.ordre:
        ordre = list(att.ordre)
    else:
        ordre = [it.point or it.ref or f"#{i + 1}" for i, it in enumerate(doc.items)]
        cited = {b for a in att.presents for b in (a.bounds.a_partir_de, a.bounds.jusqu_a) if b}
        cited |= {b for p in att.pouvoirs for b in (p.bounds.a_partir_de, p.bounds.jusqu_a) if b}
        cited |= {r for refs in retraits.values() for r in refs}
        cited |= {e.point for e in att.events if e.point}
        extra = [c for c in cited if c not in ordre]
        if extra and (doc.single or all(re.fullmatch(r"[\d.]+", r) for r in ordre + extra)):
            ordre = sorted(set(ordre) | set(extra), key=_natural)
        if not ordre:
            ordre = ["#1"]
    order_index = {p: i for i, p in enumerate(ordre)}
    presences: list[Presence] = []
    for ident, b in present_ids.items():
        presences.append(Presence(membre=ident, a_partir_de=b.a_partir_de, jusqu_a=b.jusqu_a))
    events = [] if per_item else list(att.events) + [e for it in doc.items for e in it.events]
    seen: set[tuple[str, str, str]] = set()
    for e in sorted(events, key=lambda e: order_index.get(e.point, -1)):
        ident = roster.find(e.mention) or roster.add(e.mention)
        if e.point not in order_index or (e.kind, ident, e.point) in seen:
            continue
        seen.add((e.kind, ident, e.point))
        if e.kind == "retrait":
            retraits[ident] = (*retraits.get(ident, ()), e.point)
            continue
        # a member may leave and come back: the spans already closed are kept
        others = [p for p in presences if p.membre != ident]
        closed = [p for p in presences if p.membre == ident and p.jusqu_a is not None]
        opened = [p for p in presences if p.membre == ident and p.jusqu_a is None]
        if e.kind == "arrivee":
            if closed and opened:
                continue  # back already: « réintègre » said again
            presences = [*others, *closed, Presence(membre=ident, a_partir_de=e.point)]
        else:
            idx = order_index[e.point]
            before = ordre[idx - 1] if idx > 0 else None
            since = opened[0].a_partir_de if opened else None
            presences = [*others, *closed]
            if before is not None and (since is None or order_index.get(since, idx) < idx):
                presences.append(Presence(membre=ident, a_partir_de=since, jusqu_a=before))
            if e.pouvoir_a is not None:
                target = roster.find(e.pouvoir_a, present_set) or roster.add(e.pouvoir_a)
                procs.append(Procuration(mandant=ident, mandataire=target, a_partir_de=e.point))
    membres: dict[str, Membre] = {}
    for ident, m in roster.people:
        membres[ident] = Membre(
            id=ident,
            civilite="Mme" if m.civilite == "Mme" else "M.",
            prenom=m.prenom or "",
            nom=m.nom,
            commune=m.commune,
            suppleant_de=suppleants.get(ident),
        )
    seance = Seance(
        date=doc.date or dt.date(1900, 1, 1),
        lieu="",
        convocation=doc.date or dt.date(1900, 1, 1),
        president="",
        secretaires=(),
        ordre_de_passage=tuple(ordre),
        presents=tuple(presences),
        excuses=tuple(absent_ids),
        procurations=tuple(procs),
        retraits=tuple(Retrait(membre=i, points=pts) for i, pts in retraits.items()),
    )
    return seance, membres, roster, anomalies, notes


def _label(roster: Roster, ident: str) -> str:
    for i, m in roster.people:
        if i == ident:
            return m.label
    return ident


def _printed_votants(
    doc: ParsedDoc, item: Item, pp: PointPresence | None, opening: PointPresence | None, point: str
) -> int | None:
    """The votants a vote without figures (« à l'unanimité ») declares: those printed for the
    item's range of items, or printed after an item before it; else those printed for the
    séance, in a one-item extract, or at an item where nobody has come, gone or withdrawn since
    the opening."""
    att = doc.attendance
    in_range = att.range_of(point)
    if in_range is not None:
        return in_range.votants_n
    if item.votants_printed is not None:
        return item.votants_printed
    if doc.single:
        return att.votants_n
    unchanged = (
        pp is not None
        and opening is not None
        and not item.events
        and pp.presents == opening.presents
        and pp.procurations == opening.procurations
    )
    return att.votants_n if unchanged else None


def crosscheck(doc: ParsedDoc) -> SeanceCheck:
    att = doc.attendance
    seance, membres, roster, anomalies, notes = build_seance_notes(doc)
    presence = seance_to_presence(seance, membres)
    opening = presence.points[0] if presence.points else None
    printed_at = opening
    if doc.single and doc.items and presence.points:
        # an extract prints the figures of its own item
        first = doc.items[0]
        printed_at = presence.at(first.point or first.ref or "") or opening
    # « Absents ayant voté par procuration : X, Y, Z »: pouvoirs whose holder is not named
    # (reported as anomalies) count as exercised, for the whole séance, unless the member is
    # in the room or the same pouvoir is listed elsewhere with its holder
    in_room = {p.membre for p in seance.presents}
    named = [p.mandant for p in att.pouvoirs if p.mandataire is not None]
    unnamed = [
        p.mandant.label
        for p in att.pouvoirs
        if p.mandataire is None
        and not (p.bounds.a_partir_de or p.bounds.jusqu_a)
        and roster.find(p.mandant) not in in_room
        and not any(same_person(p.mandant, m) for m in named)
    ]
    if unnamed:
        notes = [
            *notes,
            f"{len(unnamed)} pouvoir(s) sans mandataire nommé, compté(s) comme exercé(s) : "
            + ", ".join(unnamed),
        ]
    presents = att.presents_n
    procurations = att.procurations_n
    if presents is None and opening is not None and att.presents:
        presents = len(opening.presents)
    if procurations is None and opening is not None and (att.presents or att.pouvoirs):
        procurations = len(opening.procurations) + len(unnamed)
    votants = att.votants_n
    if votants is None and presents is not None and procurations is not None:
        votants = presents + procurations
    # only a printed count: the names listed under « Absents » leave open who is counted
    # (excused members, members represented by a pouvoir, late arrivals, replaced titulaires)
    absents = att.absents_n
    # names listed: literally, in a one-item extract; else those present where the head counts
    listed_presents = (
        len(att.presents)
        if doc.single
        else (len(printed_at.presents) if printed_at is not None else None)
    )
    if (
        att.presents_n is not None
        and listed_presents is not None
        and att.presents
        and att.presents_n != listed_presents
    ):
        anomalies.append(
            f"en-tête : {att.presents_n} présents annoncés, {listed_presents} noms listés"
        )
    if att.procurations_n is not None and att.pouvoirs and att.procurations_n != len(att.pouvoirs):
        anomalies.append(
            f"en-tête : {att.procurations_n} procurations annoncées, {len(att.pouvoirs)} listées"
        )
    for kind, n in att.listed_counts.items():
        listed_n = {"presents": len(att.presents), "pouvoirs": len(att.pouvoirs)}.get(kind)
        if listed_n is not None and listed_n != n:
            anomalies.append(f"liste des {kind} : ({n}) annoncés, {listed_n} noms lus")
    items: list[ItemCheck] = []
    for i, item in enumerate(doc.items):
        point = item.point or item.ref or ("" if att.ordre else f"#{i + 1}")
        pp = presence.at(point) if att.found else None
        fallback = _printed_votants(doc, item, pp, opening, point)
        declared = item.vote.declared_total(fallback)
        counted = pp is not None and bool(att.presents or att.pouvoirs)
        procs = len(pp.procurations) + len(unnamed) if pp is not None and counted else None
        expected = pp.votants + len(unnamed) if pp is not None and counted else None
        coherent = None if declared is None or expected is None else declared == expected
        item_anoms: list[str] = []
        explanation = ""
        if pp is not None:
            lines = explain_point(seance, presence, pp, membres) + notes
            explanation = " ; ".join(lines)
            if (
                not pp.quorum_atteint
                and att.en_exercice
                and len(pp.presents) <= att.en_exercice // 2
            ):
                item_anoms.append(
                    f"quorum non atteint : {len(pp.presents)} présents pour "
                    f"{att.en_exercice} membres en exercice"
                )
        if coherent is False and pp is not None:
            item_anoms.insert(
                0,
                f"total déclaré {declared} ≠ {expected} attendus "
                f"({len(pp.presents)} présents + {procs} pouvoirs en vigueur)",
            )
        if item.vote.empty:
            item_anoms.append("aucun vote trouvé dans le texte de ce point")
        items.append(
            ItemCheck(
                item.ref,
                item.objet,
                len(pp.presents) if pp is not None and att.presents else None,
                procs,
                declared,
                expected,
                coherent,
                item_anoms,
                explanation,
            )
        )
    return SeanceCheck(
        presents, procurations, votants, absents, items, anomalies, seance, membres, roster
    )
