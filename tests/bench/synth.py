"""Synthetic, valid deliberation archives: for tests and the ``registre check`` benchmark.

``write_archive(folder, seances, deliberations_per_seance, seed)`` writes a complete ``content/``
tree (docs/format.md) that ``registre check`` accepts without a single diagnostic: a
communauté d'agglomération of 45 seats renewed at each election and by resignations, a few
suppléants, séances spread over the years with late arrivals, early departures, bounded pouvoirs,
retraits and a non-numeric order of passage, and délibérations with 2 to 6 KB of French
administrative Markdown, budget tables that add up and votes whose totals are exactly the
votants of their point.

The votants are computed here, independently of ``generator/presence.py``, from the rule of
docs/format.md: at a point (taken in the order of passage) the present members are those whose
bounds cover it, minus those who withdrew for it; a pouvoir is exercised when the point is within
its bounds, its mandant is not there and its mandataire is there and has not withdrawn.

Everything is drawn from ``random.Random(seed)`` and never from a set's iteration order, so a
seed always gives byte-identical files. ``inconsistencies=k`` adds one vote "pour" to k
délibérations (chosen with another generator, so the rest of the archive is unchanged): each
must be reported once as V301.

    python -m tests.bench.synth OUT --seances 50 --deliberations 20 --seed 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: The last séance is held on this day at the latest; every date written (convocations,
#: receipts, publications) is before 2026-11-01.
LAST_SEANCE = dt.date(2026, 10, 16)
#: The first séance of an archive of default span.
FIRST_SEANCE = dt.date(2015, 1, 12)
#: Installation of each council after the general elections (most recent first); older ones are
#: extrapolated every six years when a large archive reaches further back.
INSTALLATIONS = (
    dt.date(2026, 4, 10),
    dt.date(2020, 7, 10),
    dt.date(2014, 4, 11),
    dt.date(2008, 4, 4),
)
SEATS = 45
POPULATION = 41250  # more than 3 500 inhabitants: convocations 5 clear days before

NBSP = "\u00a0"
NNBSP = "\u202f"
WIDTH = 98  # texts are wrapped as a secretariat would, for readable diffs

# fmt: off
MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)
PRENOMS_F = (
    "Claire", "Sophie", "Anne", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Martine",
    "Valérie", "Christine", "Monique", "Céline", "Émilie", "Agnès", "Sandrine", "Hélène", "Odile",
    "Chantal", "Laure", "Nadia", "Camille", "Julie", "Aurélie", "Élodie", "Françoise", "Brigitte",
    "Véronique", "Patricia", "Marion", "Pauline", "Léa", "Charlotte", "Mathilde", "Lucie",
    "Jeanne", "Élise", "Mireille", "Josiane", "Danielle", "Geneviève",
)
PRENOMS_M = (
    "Luc", "Paul", "Julien", "Thomas", "Didier", "Philippe", "Bernard", "François", "Patrick",
    "Gérard", "Marc", "Olivier", "Jérôme", "Alain", "Jean", "Hervé", "Michel", "Yves", "René",
    "Daniel", "André", "Éric", "Nicolas", "Sébastien", "Laurent", "Christophe", "Frédéric",
    "Stéphane", "Pascal", "Thierry", "Guillaume", "Antoine", "Mathieu", "Romain", "Hugo", "Maxime",
    "Vincent", "Jacques", "Pierre", "Denis", "Gilles", "Bruno", "Serge",
)
NOMS = (
    "Morel", "Bernard", "Garnier", "Lambert", "Chevalier", "Masson", "Renard", "Gauthier",
    "Marchand", "Faure", "Girard", "Bonnet", "Mercier", "Henry", "Vincent", "Perrin", "Blanc",
    "Guérin", "Rolland", "David", "Moulin", "Royer", "Caron", "Picard", "Brun", "Meyer", "Dumont",
    "Leroy", "Nicolas", "Rivière", "Arnaud", "Brunet", "Gaillard", "Barbier", "Fabre", "Roux",
    "Petit", "Lefèvre", "Schmitt", "Benoît", "Fontaine", "Collin", "Durand", "Lemoine", "Roussel",
    "Noël", "Boyer", "Colin", "Vidal", "Jacquet", "Poulain", "Besson", "Clément", "Millet",
    "Hubert", "Carpentier", "Lacroix", "Rey", "Cordier", "Prévost", "Charpentier", "Bertin",
    "Joly", "Bailly", "Marie", "Lucas", "Huet", "Tissot", "Jeannin", "Cuenot", "Vuillemin",
    "Bourgeois", "Courvoisier", "Gindre", "Monnier", "Pernot", "Simonin", "Vernier", "Grandjean",
    "Cattin", "Jobard", "Mougin", "Brocard",
)
COMMUNES = (
    "Dole", "Tavaux", "Damparis", "Foucherans", "Choisey", "Authume", "Saint-Aubin", "Champvans",
    "Sampans", "Brevans", "Crissey", "Rahon", "Chaussin", "Moissey", "Rochefort-sur-Nenon",
    "Gevry", "Parcey", "Villette-lès-Dole", "Jouhe", "Menotey", "Abergement-la-Ronce", "Baverans",
    "Monnières", "Falletans", "Saint-Ylie",
)
# fmt: on
#: Seats per commune (the first ones have several seats; the single-seat communes have a
#: suppléant).
SEATS_PER_COMMUNE = (14, 5, 4, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
GROUPES = (
    "Ensemble pour le Val d'Amour",
    "Territoires solidaires",
    "Val d'Amour écologiste et citoyen",
    "Non inscrits",
)
OPPOSITION = frozenset({"Val d'Amour écologiste et citoyen", "Non inscrits"})
ENTREPRISES = (
    "Collectes de l'Est",
    "Jura Recyclage",
    "Bourgogne Voirie Travaux",
    "Eiffage Route Centre-Est",
    "Colas France, agence de Dole",
    "SARL Menuiseries Comtoises",
    "Atelier d'architecture Vernier et associés",
    "Bureau d'études Hydro-Jura",
    "Société publique locale Jura Aménagement",
    "Groupement Ingérop – Citadia",
    "Électricité Cuenot et fils",
    "Transdev Franche-Comté",
)
ASSOCIATIONS = (
    "Office de tourisme du Val d'Amour",
    "Mission locale du Jura Nord",
    "Les Restos du cœur, antenne de Dole",
    "Union sportive doloise",
    "École de musique intercommunale",
    "Amicale des sapeurs-pompiers de Tavaux",
    "Comité des fêtes de Chaussin",
    "Association Jura Nature Environnement",
    "Maison de l'emploi et de la formation",
    "Club de l'âge d'or de Damparis",
    "Théâtre des Forges",
    "Secours populaire, comité de Dole",
    "Jeunesse et loisirs du Val d'Amour",
    "Cinéma associatif La Passerelle",
)
EQUIPEMENTS = (
    "la médiathèque intercommunale",
    "la piscine communautaire",
    "le gymnase des Paters",
    "la maison de santé pluriprofessionnelle",
    "la crèche Les Petits Loups",
    "le pôle d'échanges multimodal de la gare",
    "la station d'épuration de Choisey",
    "la déchetterie de Tavaux",
    "le conservatoire à rayonnement intercommunal",
    "la zone d'activités Innovia",
    "la voie verte du canal du Rhône au Rhin",
    "l'aire d'accueil des gens du voyage",
)
BUDGETS = (
    "Budget principal",
    "Budget annexe Eau potable",
    "Budget annexe Assainissement",
    "Budget annexe Déchets ménagers",
    "Budget annexe Transports",
    "Budget annexe Zones d'activités",
)
COMMISSIONS = {
    "finances": "Finances, administration générale et ressources",
    "eco": "Développement économique et attractivité",
    "env": "Environnement, déchets et transition écologique",
    "urba": "Aménagement, urbanisme et habitat",
    "culture": "Culture, sports et tourisme",
    "social": "Solidarités, santé et petite enfance",
    "mobilite": "Mobilités et voirie",
}
MOTIFS = (
    "intérêt personnel à l'affaire",
    "membre du conseil d'administration de l'association",
    "lien de parenté avec le bénéficiaire",
    "administrateur de la société concernée",
)
LIEUX = (
    "Salle du conseil communautaire, hôtel communautaire, Dole",
    "Salle des fêtes de Tavaux",
    "Salle polyvalente de Damparis",
    "La Commanderie, Dole",
)
SUFFIXES_ACTES = {1: "DE", 2: "AR", 3: "AI", 4: "CC", 5: "BF", 6: "AU"}


# ------------------------------------------------------------------------------ small helpers


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(payload: str) -> str:
    """``payload`` followed by the digit that makes its Luhn checksum right."""
    return next(payload + d for d in "0123456789" if luhn_ok(payload + d))


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def euros(amount: int) -> str:
    """``1 234 567 €`` with non-breaking spaces, as French documents print amounts."""
    return f"{amount:,}".replace(",", NNBSP) + NBSP + "€"


def date_longue(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MOIS[day.month - 1]} {day.year}"


_PLAIN = re.compile(r"[A-Za-zÀ-ÿŒœ0-9][^#:\"\[\]{}&*!|>%@`\n]*")


def scalar(text: str) -> str:
    """A YAML scalar for a text: plain when unambiguous, else double-quoted."""
    if _PLAIN.fullmatch(text) and text == text.strip() and text.lower() not in _RESERVED:
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


_RESERVED = frozenset({"yes", "no", "true", "false", "on", "off", "null", "oui", "non", "y", "n"})


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flow(items: Sequence[str]) -> str:
    return "[" + ", ".join(items) + "]"


def wrap(paragraph: str, indent: str = "", hanging: str = "") -> list[str]:
    """Greedy wrap on spaces (non-breaking spaces never break) to ``WIDTH`` columns."""
    lines: list[str] = []
    line = indent
    start = len(indent)
    for word in paragraph.split(" "):
        if len(line) > start and len(line) + 1 + len(word) > WIDTH:
            lines.append(line)
            line = hanging + word
            start = len(hanging)
        elif len(line) > start:
            line += " " + word
        else:
            line += word
    lines.append(line)
    return lines


# ------------------------------------------------------------------------------ the roster


@dataclass
class Person:
    id: str
    civilite: str
    prenom: str
    nom: str
    commune: str
    groupe: str
    fonction: str | None = None
    debut: dt.date | None = None
    fin: dt.date | None = None
    suppleant_de: str | None = None
    comment: str | None = None

    @property
    def feminine(self) -> bool:
        return self.civilite == "Mme"


@dataclass
class Seat:
    commune: str
    groupe: str
    fonction: int  # 0 président, 1..9 vice-présidents, 10.. conseillers
    single: bool
    holders: list[Person] = field(default_factory=list)
    suppleants: dict[str, Person] = field(default_factory=dict)

    def holder(self, day: dt.date) -> Person:
        for p in self.holders:
            if (p.debut is None or p.debut <= day) and (p.fin is None or day <= p.fin):
                return p
        raise AssertionError(f"seat of {self.commune} vacant on {day}")


class Roster:
    """Seats and their successive holders; ``persons`` in the order of membres.yml."""

    def __init__(self, rng: random.Random, first: dt.date) -> None:
        self.rng = rng
        self.persons: list[Person] = []
        self._ids: set[str] = set()
        installs = list(INSTALLATIONS)
        while installs[-1] > first:
            previous = installs[-1]
            installs.append(dt.date(previous.year - 6, 4, rng.randint(1, 20)))
        installs = sorted(d for d in installs if d <= LAST_SEANCE)
        while len(installs) > 1 and installs[1] <= first:
            installs.pop(0)
        self.terms = installs
        self.seats: list[Seat] = []
        index = 0
        for commune, count in zip(COMMUNES, SEATS_PER_COMMUNE, strict=False):
            for _ in range(count):
                groupe = GROUPES[0] if index < 20 else rng.choice(GROUPES)
                self.seats.append(Seat(commune, groupe, index, single=count == 1))
                index += 1
        assert len(self.seats) == SEATS
        for t, start in enumerate(self.terms):
            end = self.terms[t + 1] - dt.timedelta(days=1) if t + 1 < len(self.terms) else None
            for seat in self.seats:
                keep = t > 0 and rng.random() < (0.85 if seat.fonction == 0 else 0.6)
                if keep:
                    continue
                if seat.holders:
                    seat.holders[-1].fin = start - dt.timedelta(days=1)
                self._new_holder(seat, start, None)
            # resignations during the term, replaced the next day by the following candidate
            for seat in rng.sample(self.seats[1:], rng.randint(1, 3)):
                last = end or LAST_SEANCE
                span = (last - start).days
                if span < 200:
                    continue
                when = start + dt.timedelta(days=rng.randint(90, span - 90))
                gone = seat.holders[-1]
                gone.fin = when - dt.timedelta(days=1)
                gone.comment = rng.choice(("démission", "démission", "décès", "démission d'office"))
                self._new_holder(seat, when, gone)

    def _new_holder(self, seat: Seat, start: dt.date, replaces: Person | None) -> None:
        person = self._person(seat.commune, seat.groupe)
        person.debut = start
        if replaces is not None:
            person.comment = (
                f"installé{'e' if person.feminine else ''} en remplacement de "
                f"{replaces.civilite} {replaces.prenom} {replaces.nom} ({replaces.comment})"
            )
        if seat.fonction == 0:
            person.fonction = "Présidente" if person.feminine else "Président"
        elif seat.fonction < 10:
            rank = "1re" if person.feminine and seat.fonction == 1 else f"{seat.fonction}e"
            if seat.fonction == 1 and not person.feminine:
                rank = "1er"
            person.fonction = f"{rank} vice-président{'e' if person.feminine else ''}"
        elif seat.fonction < 14:
            person.fonction = "Conseillère déléguée" if person.feminine else "Conseiller délégué"
        seat.holders.append(person)
        self.persons.append(person)
        if seat.single:
            suppleant = self._person(seat.commune, seat.groupe)
            suppleant.suppleant_de = person.id
            seat.suppleants[person.id] = suppleant
            self.persons.append(suppleant)

    def _person(self, commune: str, groupe: str) -> Person:
        feminine = self.rng.random() < 0.5
        prenom = self.rng.choice(PRENOMS_F if feminine else PRENOMS_M)
        nom = self.rng.choice(NOMS)
        ident = f"{slug(nom)}-{slug(prenom)}"
        n = 2
        while ident in self._ids:
            ident = f"{slug(nom)}-{slug(prenom)}-{n}"
            n += 1
        self._ids.add(ident)
        return Person(ident, "Mme" if feminine else "M.", prenom, nom.upper(), commune, groupe)

    def en_exercice(self, day: dt.date) -> list[Person]:
        return [seat.holder(day) for seat in self.seats]

    def suppleant(self, titulaire: Person) -> Person | None:
        for seat in self.seats:
            if titulaire.id in seat.suppleants:
                return seat.suppleants[titulaire.id]
        return None


# ------------------------------------------------------------------------------ séances


@dataclass
class Bounded:
    """A presence entry or a pouvoir, with inclusive bounds (indices in the order of passage)."""

    membre: str
    start: int | None = None
    end: int | None = None
    mandataire: str | None = None  # for pouvoirs: ``membre`` is the mandant
    comment: str | None = None

    def covers(self, index: int, last: int) -> bool:
        start = 0 if self.start is None else self.start
        end = last if self.end is None else self.end
        return start <= index <= end


@dataclass
class Point:
    """The attendance computed at one point."""

    label: str
    presents: list[str]
    mandants: list[str]  # whose pouvoir is exercised here

    @property
    def votants(self) -> int:
        return len(self.presents) + len(self.mandants)

    @property
    def voters(self) -> list[str]:
        return sorted(self.presents + self.mandants)


@dataclass
class SeancePlan:
    date: dt.date
    convocation: dt.date
    ouverture: str
    cloture: str
    lieu: str
    president: Person
    secretaires: list[str]
    order: list[str]
    numeric_order: list[str]
    presents: list[Bounded]
    excuses: list[str]
    absents: list[str]
    procurations: list[Bounded]
    retraits: list[tuple[str, list[int], str]]
    points: list[Point]
    en_exercice: int
    declare: bool
    comment: str | None


def point_labels(rng: random.Random, count: int) -> list[str]:
    """Agenda item numbers as printed: "1", "2", "3.1", "3.2", "4"…"""
    labels: list[str] = []
    section = 1
    while len(labels) < count:
        left = count - len(labels)
        if left >= 2 and rng.random() < 0.3:
            subs = min(left, rng.randint(2, 4))
            labels += [f"{section}.{i}" for i in range(1, subs + 1)]
        else:
            labels.append(str(section))
        section += 1
    return labels


def passage(rng: random.Random, labels: list[str]) -> tuple[list[str], str | None]:
    """The order of examination: numeric, but one or two items are brought forward."""
    order = list(labels)
    if len(order) < 3:
        return order, None
    moved: list[str] = []
    for _ in range(rng.choice((1, 1, 2))):
        src = rng.randrange(2, len(order))
        dst = rng.randrange(0, src - 1)
        item = order.pop(src)
        order.insert(dst, item)
        moved.append(item)
    comment = (
        f"le point {moved[0]} a été avancé à la demande du rapporteur"
        if len(moved) == 1
        else f"les points {moved[0]} et {moved[1]} ont été avancés pour libérer les intervenants"
    )
    return order, comment


def attendance(plan: SeancePlan) -> list[Point]:
    """Who is present and whose pouvoir is exercised at each point (docs/format.md)."""
    last = len(plan.order) - 1
    points = []
    for index, label in enumerate(plan.order):
        withdrawn = {m for m, idx, _ in plan.retraits if index in idx}
        there = {p.membre for p in plan.presents if p.covers(index, last)}
        presents = sorted(there - withdrawn)
        mandants = [
            proc.membre
            for proc in plan.procurations
            if proc.covers(index, last)
            and proc.membre not in there
            and proc.mandataire is not None
            and proc.mandataire in there
            and proc.mandataire not in withdrawn
        ]
        points.append(Point(label, presents, sorted(mandants)))
    return points


def plan_seance(rng: random.Random, roster: Roster, day: dt.date, labels: list[str]) -> SeancePlan:
    titulaires = roster.en_exercice(day)
    president = titulaires[0]
    order, comment = passage(rng, labels)
    count = len(order)
    last = count - 1
    others = list(titulaires[1:])
    rng.shuffle(others)

    n_absent = rng.choices(range(1, 9), weights=(4, 8, 10, 10, 8, 6, 4, 2))[0]
    n_late = rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10))[0] if count >= 2 else 0
    n_early = rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10))[0] if count >= 2 else 0
    n_back = 1 if count >= 3 and rng.random() < 0.15 else 0
    absent = others[:n_absent]
    late = others[n_absent : n_absent + n_late]
    early = others[n_absent + n_late : n_absent + n_late + n_early]
    back = others[n_absent + n_late + n_early : n_absent + n_late + n_early + n_back]
    busy = {p.id for p in absent + late + early + back}
    full = [p for p in titulaires if p.id not in busy]
    mandataires = [p.id for p in full]
    rng.shuffle(mandataires)
    departures = {p.id: rng.randint(0, last - 1) for p in early}
    early_mandataires = [p.id for p in early]

    entries: dict[str, list[Bounded]] = {p.id: [Bounded(p.id)] for p in full}
    excuses: list[str] = []
    absents: list[str] = []
    procurations: list[Bounded] = []
    sitting: dict[str, Bounded] = {}

    def give(
        mandant: Person, start: int | None, end: int | None, note: str | None, whole: bool = False
    ) -> None:
        if whole and early_mandataires and rng.random() < 0.15:
            # the mandataire leaves during the séance: the pouvoir goes to another member
            first = early_mandataires.pop()
            k = departures[first]
            procurations.append(
                Bounded(mandant.id, None, k, first, "jusqu'au départ du mandataire")
            )
            second = mandataires.pop()
            procurations.append(Bounded(mandant.id, k + 1, None, second, "pouvoir repris"))
            return
        procurations.append(Bounded(mandant.id, start, end, mandataires.pop(), note))

    for p in absent:
        if rng.random() < 0.8:
            excuses.append(p.id)
            suppleant = roster.suppleant(p)
            if suppleant is not None and rng.random() < 0.8:
                sitting[p.id] = Bounded(
                    suppleant.id,
                    comment=f"suppléant{'e' if suppleant.feminine else ''} de "
                    f"{p.civilite} {p.prenom} {p.nom}, excusé{'e' if p.feminine else ''}",
                )
            elif rng.random() < 0.65:
                give(p, None, None, None, whole=True)
        else:
            absents.append(p.id)
    for p in late:
        k = rng.randint(1, last)
        note = f"arrivé{'e' if p.feminine else ''} pour le point {order[k]}"
        if order[k] != labels[k]:
            note += f", examiné en {_rang(k)}"
        entries[p.id] = [Bounded(p.id, start=k, comment=note)]
        r = rng.random()
        if r < 0.3:
            give(p, None, None, "pouvoir qui tombe à l'arrivée du mandant")
        elif r < 0.55:
            give(p, None, k - 1, None)
    for p in early:
        k = departures[p.id]
        note = f"parti{'e' if p.feminine else ''} après le point {order[k]} (inclus)"
        entries[p.id] = [Bounded(p.id, end=k, comment=note)]
        if rng.random() < 0.6:
            give(p, k + 1, None, "pouvoir donné en partant")
    for p in back:
        k1 = rng.randint(0, last - 2)
        k2 = rng.randint(k1 + 2, last)
        entries[p.id] = [
            Bounded(p.id, end=k1, comment="sorti un moment de la salle"),
            Bounded(p.id, start=k2, comment=f"revenu pour le point {order[k2]}"),
        ]
        if rng.random() < 0.5:
            give(p, k1 + 1, k2 - 1, "pouvoir pendant son absence")

    presents: list[Bounded] = []
    for p in titulaires:
        presents += entries.get(p.id, [])
        if p.id in sitting:
            presents.append(sitting[p.id])

    retraits: list[tuple[str, list[int], str]] = []
    if count >= 2 and rng.random() < 0.3:
        candidates = [p.id for p in full[1:]]
        for ident in rng.sample(candidates, rng.choice((1, 1, 2))):
            idx = sorted(rng.sample(range(count), rng.choice((1, 1, 2)) if count > 2 else 1))
            held = [proc for proc in procurations if proc.mandataire == ident]
            if any(all(i in idx for i in range(count) if proc.covers(i, last)) for proc in held):
                continue  # the pouvoir would never be exercised (P202): no retrait this time
            retraits.append((ident, idx, rng.choice(MOTIFS)))

    ouverture = rng.choice(("18:00", "18:30", "18:30", "19:00", "20:00"))
    hours = int(ouverture[:2]) + 1 + count // 8 + rng.randint(0, 1)
    cloture = f"{min(hours, 23):02d}:{rng.choice(('05', '15', '20', '40', '45', '50'))}"
    secretaires = [rng.choice(full[1:]).id]
    plan = SeancePlan(
        date=day,
        convocation=day - dt.timedelta(days=rng.randint(6, 11)),
        ouverture=ouverture,
        cloture=cloture,
        lieu=rng.choices(LIEUX, weights=(10, 1, 1, 1))[0],
        president=president,
        secretaires=secretaires,
        order=order,
        numeric_order=labels,
        presents=presents,
        excuses=excuses,
        absents=absents,
        procurations=procurations,
        retraits=retraits,
        points=[],
        en_exercice=len(titulaires),
        declare=rng.random() < 0.3,
        comment=comment,
    )
    plan.points = attendance(plan)
    quorum = plan.en_exercice // 2 + 1
    assert all(len(pt.presents) >= quorum for pt in plan.points), "quorum"
    return plan


def _rang(index: int) -> str:
    return "première position" if index == 0 else f"{index + 1}e position"


def render_seance(plan: SeancePlan) -> str:
    order = plan.order
    out: list[str] = []
    if plan.comment:
        out.append(f"# Ordre de passage : {plan.comment}.")
    out += [
        f"date: {plan.date.isoformat()}",
        f'ouverture: "{plan.ouverture}"',
        f'cloture: "{plan.cloture}"',
        f"lieu: {scalar(plan.lieu)}",
        f"convocation: {plan.convocation.isoformat()}",
        f"president: {plan.president.id}",
        f"secretaires: {flow(plan.secretaires)}",
        f"ordre_de_passage: {flow([quoted(p) for p in order])}",
        "presents:",
    ]
    for entry in plan.presents:
        note = f"  # {entry.comment}" if entry.comment else ""
        if entry.start is None and entry.end is None:
            out.append(f"  - {entry.membre}{note}")
            continue
        out.append(f"  - membre: {entry.membre}{note}")
        if entry.start is not None:
            out.append(f"    a_partir_de: {quoted(order[entry.start])}")
        if entry.end is not None:
            out.append(f"    jusqu_a: {quoted(order[entry.end])}")
    if plan.excuses:
        out.append(f"excuses: {flow(plan.excuses)}")
    if plan.absents:
        out.append(f"absents: {flow(plan.absents)}")
    if plan.procurations:
        out.append("procurations:")
        for proc in plan.procurations:
            note = f"  # {proc.comment}" if proc.comment else ""
            out.append(f"  - mandant: {proc.membre}{note}")
            out.append(f"    mandataire: {proc.mandataire}")
            if proc.start is not None:
                out.append(f"    a_partir_de: {quoted(order[proc.start])}")
            if proc.end is not None:
                out.append(f"    jusqu_a: {quoted(order[proc.end])}")
    if plan.retraits:
        out.append("retraits:")
        for ident, idx, motif in plan.retraits:
            out.append(f"  - membre: {ident}")
            out.append(f"    points: {flow([quoted(order[i]) for i in idx])}")
            out.append(f"    motif: {scalar(motif)}")
    if plan.declare:
        first = plan.points[0]
        out += [
            "declare:                         # chiffres imprimés en tête du procès-verbal",
            f"  en_exercice: {plan.en_exercice}",
            f"  presents: {len(first.presents)}",
            f"  procurations: {len(first.mandants)}",
            f"  votants: {first.votants}",
        ]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------ texts

Ctx = Mapping[str, str]


@dataclass(frozen=True)
class Theme:
    key: str
    matiere: tuple[str, ...]
    nature: int
    commission: str
    objets: tuple[str, ...]
    expose: tuple[str, ...]
    vus: tuple[str, ...]
    considerants: tuple[str, ...]
    articles: tuple[str, ...]
    votes: tuple[str, ...]  # vote forms, drawn uniformly
    table: str | None = None
    budget: bool = False
    weight: int = 10


GENERIC_EXPOSE = (
    "Ce dossier a été présenté en bureau communautaire le {date_bureau}, qui a émis un avis "
    "favorable à l'unanimité de ses membres.",
    "La commission {commission_min} a examiné ce rapport lors de sa réunion du {date_commission} "
    "et l'a approuvé sans modification.",
    "Les crédits nécessaires sont inscrits au {budget_min} de l'exercice {annee}, chapitre "
    "{chapitre}.",
    "Il est rappelé que cette décision s'inscrit dans les orientations du projet de territoire "
    "adopté en {annee_projet}, qui fait de la cohésion entre les communes membres une priorité.",
    "Les services de la communauté d'agglomération ont conduit une concertation avec les maires "
    "des communes concernées, dont les observations ont été intégrées au projet.",
    "Le coût global de l'opération est estimé à {montant} hors taxes, dont {montant2} pourraient "
    "être couverts par des financements extérieurs (État, Région, Département).",
    "Les modalités de suivi prévoient un bilan annuel présenté en commission et un rapport "
    "d'exécution transmis à l'ensemble des conseillers communautaires.",
    "Cette mesure n'a pas d'incidence sur les taux de fiscalité ni sur l'encours de la dette de "
    "la collectivité.",
    "La dépense correspondante représente {pct} % des dépenses réelles de fonctionnement de "
    "l'exercice, ce qui reste compatible avec la trajectoire financière votée.",
    "Le comité technique (désormais comité social territorial) a été informé de ce dossier lors "
    "de sa séance du {date_commission}.",
    "La commune de {commune} a fait part de son soutien au projet par une délibération de son "
    "conseil municipal en date du {date_bureau}.",
    "Un point d'étape sera présenté au conseil communautaire au terme d'une première année de "
    "mise en œuvre, afin d'ajuster le dispositif si nécessaire.",
    "Les pièces du dossier ont été tenues à la disposition des conseillers communautaires au "
    "secrétariat général pendant les cinq jours précédant la séance.",
    "Il convient enfin de préciser que la présente délibération annule et remplace celle du "
    "{date_ancienne} portant sur le même objet, dont les montants sont devenus caducs.",
    "Le calendrier prévisionnel prévoit un démarrage au cours du {trimestre} trimestre {annee} "
    "et un achèvement dans un délai de {duree} mois.",
    "Au cours du débat, plusieurs conseillers ont souligné l'importance d'associer les habitants "
    "et les acteurs associatifs à la mise en œuvre de ce projet.",
)

GENERIC_VUS = (
    "Vu le Code général des collectivités territoriales, et notamment ses articles L5211-1 et "
    "suivants ;",
    "Vu les statuts de la communauté d'agglomération du Val d'Amour ;",
    "Vu le règlement intérieur du conseil communautaire ;",
    "Vu l'avis de la commission {commission_min} du {date_commission} ;",
    "Vu l'avis favorable du bureau communautaire du {date_bureau} ;",
    "Vu le budget de l'exercice {annee} ;",
)

GENERIC_CONSIDERANTS = (
    "Considérant l'intérêt communautaire de l'opération ;",
    "Considérant que les crédits nécessaires sont inscrits au budget ;",
    "Considérant la nécessité d'assurer la continuité du service public ;",
    "Considérant que le projet répond aux objectifs du projet de territoire ;",
)

GENERIC_ARTICLES = (
    "d'autoriser {signataire_min} ou son représentant à signer tous les actes et documents "
    "nécessaires à l'exécution de la présente délibération ;",
    "d'imputer les dépenses et recettes correspondantes au {budget_min} de l'exercice {annee} ;",
    "de charger {signataire_min} de l'exécution de la présente délibération, qui sera "
    "transmise au représentant de l'État et publiée.",
)

THEMES = (
    Theme(
        key="budget",
        matiere=("7.1",),
        nature=5,
        commission=COMMISSIONS["finances"],
        objets=(
            "Budget primitif {annee} du {budget_min}",
            "Décision modificative n° {dm} du {budget_min} pour l'exercice {annee}",
            "Compte financier unique {annee_prec} du {budget_min} et affectation du résultat",
            "Budget supplémentaire {annee} du {budget_min}",
        ),
        expose=(
            "Le projet de budget soumis au conseil s'équilibre en dépenses et en recettes à "
            "{montant} en section de fonctionnement et à {montant2} en section d'investissement.",
            "Il traduit les orientations présentées lors du débat d'orientation budgétaire du "
            "{date_commission} : maîtrise des charges à caractère général, stabilité des taux "
            "de fiscalité et poursuite du programme pluriannuel d'investissement.",
            "Les dépenses de personnel progressent de {pct} %, sous l'effet du glissement "
            "vieillesse-technicité et de la revalorisation du point d'indice.",
            "L'autofinancement dégagé permet de limiter le recours à l'emprunt à {montant3}, "
            "l'encours de la dette restant inférieur à la moyenne de la strate.",
            "Les principales opérations d'investissement concernent {equipement}, la rénovation "
            "énergétique des bâtiments communautaires et le renouvellement des réseaux.",
            "Les recettes de fonctionnement sont estimées avec prudence, les notifications de la "
            "dotation globale de fonctionnement n'étant pas encore connues à la date du vote.",
            "Le résultat de l'exercice antérieur, constaté au compte financier unique, est repris "
            "et affecté en priorité à la couverture du besoin de financement de la section "
            "d'investissement.",
        ),
        vus=(
            "Vu les articles L2311-1 et suivants, L2312-1 et suivants et L5211-36 du Code "
            "général des collectivités territoriales ;",
            "Vu l'instruction budgétaire et comptable M57 ;",
            "Vu le rapport d'orientation budgétaire et la délibération du {date_commission} "
            "prenant acte du débat ;",
        ),
        considerants=(
            "Considérant que le budget est présenté en équilibre réel ;",
            "Considérant que les prévisions de recettes ont été évaluées de façon sincère ;",
        ),
        articles=(
            "d'adopter le {budget_min} de l'exercice {annee} tel qu'il est présenté, par "
            "chapitre en section de fonctionnement et par opération en section d'investissement ;",
            "d'approuver les montants figurant dans les tableaux ci-dessus ;",
            "de reprendre les résultats de l'exercice antérieur selon l'affectation proposée ;",
        ),
        votes=("chiffres", "chiffres", "chiffres", "nominal", "unanime"),
        table="budget",
        budget=True,
        weight=8,
    ),
    Theme(
        key="subventions",
        matiere=("7.5",),
        nature=1,
        commission=COMMISSIONS["culture"],
        objets=(
            "Attribution de subventions aux associations au titre de l'exercice {annee}",
            "Subvention {annee} et convention d'objectifs avec l'association {association}",
            "Subventions exceptionnelles aux associations sportives et culturelles pour {annee}",
        ),
        expose=(
            "Dans le cadre de sa politique de soutien à la vie associative, la communauté "
            "d'agglomération accompagne les associations dont l'action présente un intérêt "
            "communautaire.",
            "L'association {association} a sollicité une aide de {montant3} pour l'organisation "
            "de ses activités de l'année {annee}, qui ont accueilli plus de {nombre} participants "
            "l'an passé.",
            "Les demandes ont été instruites au regard des critères adoptés par le conseil : "
            "rayonnement intercommunal, public touché, partenariats et part d'autofinancement.",
            "Une convention d'objectifs et de moyens précise les engagements réciproques, les "
            "modalités de versement et les indicateurs d'évaluation de l'action soutenue.",
            "Le montant total des subventions proposées s'élève à {total_table}, dans la limite "
            "des crédits ouverts au budget.",
        ),
        vus=(
            "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs "
            "relations avec les administrations, et notamment son article 10 ;",
            "Vu le décret n° 2001-495 du 6 juin 2001 relatif à la transparence financière des "
            "aides octroyées par les personnes publiques ;",
        ),
        considerants=(
            "Considérant l'intérêt communautaire des actions portées par ces associations ;",
            "Considérant que les dossiers de demande sont complets ;",
        ),
        articles=(
            "d'attribuer les subventions figurant au tableau ci-dessus ;",
            "d'approuver la convention d'objectifs et de moyens avec l'association {association} ;",
            "de verser les subventions en deux fois : 60 % à la signature, le solde sur "
            "présentation du bilan de l'action ;",
        ),
        votes=("unanime", "unanime", "chiffres"),
        table="subventions",
        budget=True,
        weight=9,
    ),
    Theme(
        key="marches",
        matiere=("1.1", "1.4", "1.2"),
        nature=1,
        commission=COMMISSIONS["finances"],
        objets=(
            "Attribution du marché de travaux de {equipement_min} – lot {lot}",
            "Accord-cadre de maintenance des installations de {equipement_min} : attribution",
            "Avenant n° {dm} au marché de maîtrise d'œuvre de {equipement_min}",
            "Groupement de commandes avec la commune de {commune} pour l'achat d'énergie",
        ),
        expose=(
            "Une procédure d'appel d'offres ouvert a été lancée le {date_ancienne} en vue de la "
            "passation d'un marché relatif à {equipement}, d'une durée de {duree} mois.",
            "{offres} offres ont été reçues dans les délais. Après analyse au regard des critères "
            "annoncés (prix {pct_prix} %, valeur technique {pct_tech} %), la commission d'appel "
            "d'offres, réunie le {date_commission}, a retenu l'offre de la société {entreprise}.",
            "Le montant de l'offre retenue s'élève à {montant} hors taxes, soit un écart de "
            "{pct} % par rapport à l'estimation du maître d'œuvre.",
            "L'avenant proposé intègre des prestations supplémentaires rendues nécessaires par "
            "des sujétions techniques imprévues, sans bouleverser l'économie générale du marché.",
            "Le groupement de commandes permet de mutualiser les besoins et d'obtenir des "
            "conditions tarifaires plus favorables que celles que chaque membre obtiendrait "
            "seul.",
        ),
        vus=(
            "Vu le Code de la commande publique, et notamment ses articles L2124-2, R2124-2 et "
            "R2162-1 à R2162-6 ;",
            "Vu la décision de la commission d'appel d'offres du {date_commission} ;",
        ),
        considerants=(
            "Considérant que l'offre de la société {entreprise} est économiquement la plus "
            "avantageuse au regard des critères fixés par le règlement de la consultation ;",
        ),
        articles=(
            "d'attribuer le marché à la société {entreprise} pour un montant de {montant} hors "
            "taxes ;",
            "d'approuver l'avenant n° {dm} dans les conditions exposées ci-dessus ;",
        ),
        votes=("unanime", "chiffres", "nominal"),
        weight=10,
    ),
    Theme(
        key="urbanisme",
        matiere=("2.1", "2.2", "2.3"),
        nature=1,
        commission=COMMISSIONS["urba"],
        objets=(
            "Modification simplifiée n° {dm} du plan local d'urbanisme intercommunal",
            "Instauration du droit de préemption urbain sur la commune de {commune}",
            "Bilan de la concertation et arrêt du projet de règlement local de publicité",
            "Programme local de l'habitat {annee}-{annee_fin} : bilan à mi-parcours",
        ),
        expose=(
            "Le plan local d'urbanisme intercommunal, approuvé le {date_ancienne}, doit être "
            "adapté pour permettre la réalisation d'un projet d'intérêt général sur la commune "
            "de {commune}.",
            "La modification porte sur le classement de la parcelle cadastrée {parcelle}, d'une "
            "superficie de {surface} m², et sur l'ajustement du règlement écrit de la zone UB.",
            "Le dossier a été mis à la disposition du public du {date_commission} au "
            "{date_bureau} ; les observations recueillies, au nombre de {offres}, portent "
            "principalement sur le stationnement et la hauteur des constructions.",
            "Les personnes publiques associées ont été consultées ; l'avis de la chambre "
            "d'agriculture est assorti d'une réserve que le projet lève.",
            "Le programme local de l'habitat prévoit la production de {nombre} logements, dont "
            "un quart de logements locatifs sociaux, répartis entre les communes selon leur "
            "niveau d'équipement.",
        ),
        vus=(
            "Vu le Code de l'urbanisme, et notamment ses articles L153-36 et suivants ;",
            "Vu le plan local d'urbanisme intercommunal approuvé le {date_ancienne} ;",
            "Vu l'avis des personnes publiques associées ;",
        ),
        considerants=(
            "Considérant que les modifications envisagées ne portent pas atteinte aux "
            "orientations du projet d'aménagement et de développement durables ;",
        ),
        articles=(
            "d'approuver la modification simplifiée n° {dm} du plan local d'urbanisme "
            "intercommunal telle qu'annexée à la présente délibération ;",
            "de dire que la présente délibération fera l'objet d'un affichage pendant un mois "
            "au siège de la communauté d'agglomération et dans la mairie de {commune} ;",
        ),
        votes=("chiffres", "unanime", "chiffres"),
        weight=8,
    ),
    Theme(
        key="foncier",
        matiere=("3.1", "3.2", "3.3"),
        nature=1,
        commission=COMMISSIONS["eco"],
        objets=(
            "Acquisition de la parcelle {parcelle} à {commune} pour l'extension de la zone "
            "d'activités",
            "Cession d'un terrain de {surface} m² dans la zone d'activités Innovia à la société "
            "{entreprise}",
            "Bail emphytéotique avec la commune de {commune} pour {equipement_min}",
        ),
        expose=(
            "La communauté d'agglomération envisage l'acquisition de la parcelle cadastrée "
            "{parcelle}, d'une superficie de {surface} m², située sur le territoire de la "
            "commune de {commune}.",
            "Le service du Domaine, consulté le {date_commission}, a estimé la valeur vénale du "
            "bien à {montant3} ; le prix négocié avec le propriétaire est conforme à cette "
            "estimation.",
            "La société {entreprise} souhaite implanter une activité créant une vingtaine "
            "d'emplois ; la cession est proposée au prix de {prix_m2} € hors taxes le mètre "
            "carré.",
            "Les frais d'acte, confiés à l'étude notariale de {commune}, seront à la charge de "
            "l'acquéreur.",
        ),
        vus=(
            "Vu le Code général de la propriété des personnes publiques ;",
            "Vu l'avis du service du Domaine du {date_commission} ;",
        ),
        considerants=(
            "Considérant que cette opération foncière est nécessaire au développement "
            "économique du territoire ;",
        ),
        articles=(
            "d'approuver l'acquisition de la parcelle {parcelle} au prix de {montant3} ;",
            "de dire que l'acte authentique sera reçu par l'étude notariale de {commune} ;",
        ),
        votes=("unanime", "unanime", "chiffres", "retrait"),
        weight=8,
    ),
    Theme(
        key="personnel",
        matiere=("4.1", "4.2", "4.5"),
        nature=1,
        commission=COMMISSIONS["finances"],
        objets=(
            "Modification du tableau des effectifs au {date_effet}",
            "Création d'un emploi non permanent pour accroissement temporaire d'activité au "
            "service {service}",
            "Mise à jour du régime indemnitaire tenant compte des fonctions, des sujétions, de "
            "l'expertise et de l'engagement professionnel",
        ),
        expose=(
            "Conformément à l'article L313-1 du Code général de la fonction publique, les "
            "emplois de chaque collectivité sont créés par l'organe délibérant.",
            "La réorganisation du service {service} conduit à créer un poste d'attaché "
            "territorial et à supprimer un poste de rédacteur devenu vacant.",
            "Le régime indemnitaire proposé comprend une indemnité de fonctions, de sujétions "
            "et d'expertise, versée mensuellement, et un complément indemnitaire annuel lié à "
            "l'engagement professionnel.",
            "L'impact budgétaire de ces mesures est estimé à {montant3} en année pleine.",
        ),
        vus=(
            "Vu le Code général de la fonction publique ;",
            "Vu l'avis du comité social territorial du {date_commission} ;",
        ),
        considerants=("Considérant les besoins des services ;",),
        articles=(
            "de modifier le tableau des effectifs comme indiqué ci-dessus à compter du "
            "{date_effet} ;",
            "d'adopter le régime indemnitaire dans les conditions exposées ;",
        ),
        votes=("unanime", "unanime", "chiffres"),
        table="effectifs",
        weight=7,
    ),
    Theme(
        key="institutions",
        matiere=("5.3", "5.2", "5.7"),
        nature=1,
        commission=COMMISSIONS["finances"],
        objets=(
            "Désignation d'un représentant au comité syndical du syndicat mixte {syndicat}",
            "Élection d'un membre du bureau communautaire",
            "Modification de la composition des commissions thématiques",
            "Modification des statuts de la communauté d'agglomération : compétence {competence}",
        ),
        expose=(
            "À la suite de la démission d'un conseiller communautaire, il convient de pourvoir "
            "le siège devenu vacant au sein de l'organisme extérieur concerné.",
            "En application de l'article L2121-21 du Code général des collectivités "
            "territoriales, il est procédé au scrutin secret, aucun accord unanime n'ayant été "
            "exprimé pour y renoncer.",
            "Le transfert de la compétence {competence} suppose l'accord des conseils "
            "municipaux dans les conditions de majorité qualifiée prévues par la loi.",
            "Les commissions thématiques sont composées à la représentation proportionnelle "
            "des groupes constitués au sein du conseil.",
        ),
        vus=(
            "Vu les articles L2121-21, L2121-33 et L5211-1 du Code général des collectivités "
            "territoriales ;",
            "Vu les statuts du syndicat mixte {syndicat} ;",
        ),
        considerants=("Considérant la nécessité de pourvoir le siège vacant ;",),
        articles=(
            "de proclamer élu le candidat ayant obtenu la majorité absolue des suffrages ;",
            "de notifier la présente délibération au président du syndicat mixte {syndicat} ;",
        ),
        votes=("election", "election", "secret", "unanime"),
        weight=6,
    ),
    Theme(
        key="fiscalite",
        matiere=("7.2", "7.3", "7.10"),
        nature=1,
        commission=COMMISSIONS["finances"],
        objets=(
            "Vote des taux de fiscalité directe locale pour l'année {annee}",
            "Garantie d'emprunt accordée à l'office public de l'habitat pour la construction de "
            "{nombre} logements à {commune}",
            "Tarifs des services communautaires applicables au 1er janvier {annee}",
            "Réalisation d'un emprunt de {montant3} auprès de la Banque des territoires",
        ),
        expose=(
            "Il est proposé de maintenir les taux de fiscalité directe locale au niveau de "
            "l'exercice précédent : cotisation foncière des entreprises {taux} %, taxe foncière "
            "sur les propriétés bâties {taux2} %.",
            "La garantie est accordée à hauteur de 50 % pour le remboursement d'un prêt d'un "
            "montant total de {montant}, souscrit pour une durée de {duree_ans} ans.",
            "Les tarifs proposés progressent en moyenne de {pct} %, en deçà de l'évolution de "
            "l'indice des prix à la consommation constatée sur douze mois.",
            "Après consultation de plusieurs établissements bancaires, l'offre de la Banque des "
            "territoires présente les conditions les plus favorables : taux fixe de {taux} %, "
            "amortissement constant, échéances trimestrielles.",
        ),
        vus=(
            "Vu le Code général des impôts, et notamment son article 1636 B sexies ;",
            "Vu les articles L2252-1 et suivants du Code général des collectivités territoriales ;",
        ),
        considerants=("Considérant l'équilibre du budget de l'exercice {annee} ;",),
        articles=(
            "de fixer les taux et tarifs tels qu'ils figurent ci-dessus ;",
            "d'accorder la garantie de la communauté d'agglomération dans les conditions "
            "exposées ;",
        ),
        votes=("chiffres", "unanime", "secret_public"),
        table="tarifs",
        weight=7,
    ),
    Theme(
        key="conventions",
        matiere=("8.8", "8.9", "8.2", "8.3", "8.4", "8.7", "9.1"),
        nature=4,
        commission=COMMISSIONS["env"],
        objets=(
            "Convention de partenariat avec la commune de {commune} pour {equipement_min}",
            "Convention de mise à disposition de services avec la commune de {commune}",
            "Contrat de ruralité et de transition écologique {annee}-{annee_fin} : avenant "
            "financier",
            "Convention d'occupation du domaine public pour l'installation de bornes de recharge",
            "Convention avec le Département du Jura relative au transport scolaire",
        ),
        expose=(
            "La convention a pour objet de définir les conditions dans lesquelles la commune de "
            "{commune} et la communauté d'agglomération coopèrent pour la gestion de "
            "{equipement}.",
            "Elle est conclue pour une durée de {duree_ans} ans, renouvelable une fois par "
            "reconduction expresse.",
            "La participation financière de la commune est fixée à {montant3} par an, révisable "
            "selon l'indice du coût de la construction.",
            "Les charges de personnel mis à disposition sont remboursées sur la base du coût "
            "réel, au vu d'un état annuel établi par la collectivité d'origine.",
            "Le contrat de territoire mobilise {montant} de crédits de l'État et de la Région "
            "au bénéfice de {nombre} projets portés par les communes membres.",
        ),
        vus=(
            "Vu l'article L5211-4-1 du Code général des collectivités territoriales ;",
            "Vu le projet de convention annexé ;",
        ),
        considerants=(
            "Considérant l'intérêt d'une gestion coordonnée des équipements du territoire ;",
        ),
        articles=(
            "d'approuver la convention telle qu'elle est annexée à la présente délibération ;",
            "d'autoriser {signataire_min} à signer la convention et ses avenants éventuels ;",
        ),
        votes=("unanime", "unanime", "chiffres", "retrait"),
        weight=12,
    ),
    Theme(
        key="environnement",
        matiere=("8.8", "1.2"),
        nature=1,
        commission=COMMISSIONS["env"],
        objets=(
            "Rapport annuel {annee_prec} sur le prix et la qualité du service public de "
            "l'eau potable",
            "Plan climat-air-énergie territorial : approbation du programme d'actions",
            "Redevance spéciale d'enlèvement des déchets : tarifs {annee}",
            "Rapport d'activité {annee_prec} du délégataire du service public d'assainissement",
        ),
        expose=(
            "Le rapport annuel retrace les indicateurs techniques et financiers du service : "
            "{nombre} abonnés desservis, un rendement de réseau de {pct_tech} % et un prix "
            "moyen de {prix_m3} € TTC le mètre cube.",
            "Le programme d'actions du plan climat comprend {offres} fiches opérationnelles "
            "réparties en cinq axes : sobriété, rénovation, mobilités, énergies renouvelables "
            "et adaptation.",
            "Le tonnage d'ordures ménagères résiduelles collecté a diminué de {pct} % sur un an, "
            "grâce à l'extension des consignes de tri et au déploiement du compostage.",
            "Le délégataire a réalisé les investissements prévus au contrat, notamment le "
            "renouvellement de {surface} mètres de canalisations.",
        ),
        vus=(
            "Vu l'article L2224-5 du Code général des collectivités territoriales ;",
            "Vu le Code de l'environnement ;",
        ),
        considerants=("Considérant les objectifs de la stratégie nationale bas-carbone ;",),
        articles=(
            "de prendre acte du rapport annuel tel qu'il est annexé ;",
            "d'approuver le programme d'actions et son plan de financement ;",
        ),
        votes=("unanime", "chiffres", "chiffres"),
        weight=8,
    ),
    Theme(
        key="social",
        matiere=("8.2", "8.1", "8.5"),
        nature=1,
        commission=COMMISSIONS["social"],
        objets=(
            "Contrat local de santé {annee}-{annee_fin} avec l'agence régionale de santé",
            "Règlement de fonctionnement des établissements d'accueil du jeune enfant",
            "Aide à l'installation des professionnels de santé dans {equipement_min}",
        ),
        expose=(
            "Le contrat local de santé vise à réduire les inégalités territoriales d'accès aux "
            "soins, en particulier dans les communes rurales du territoire.",
            "Le nouveau règlement de fonctionnement intègre le barème national des "
            "participations familiales et précise les modalités d'inscription.",
            "Le territoire compte {nombre} médecins généralistes pour 10 000 habitants, un "
            "niveau inférieur à la moyenne départementale.",
            "L'aide proposée prend la forme d'une réduction de loyer dégressive sur trois ans "
            "dans {equipement}.",
        ),
        vus=(
            "Vu le Code de la santé publique ;",
            "Vu le Code de l'action sociale et des familles ;",
        ),
        considerants=("Considérant l'enjeu de l'accès aux soins pour les habitants ;",),
        articles=(
            "d'approuver le contrat local de santé et d'autoriser sa signature ;",
            "d'adopter le règlement de fonctionnement applicable au {date_effet} ;",
        ),
        votes=("unanime", "unanime", "chiffres", "preponderante"),
        weight=6,
    ),
)

SYNDICATS = (
    "du Scot du Grand Dole",
    "de traitement des déchets du Jura (Sydom)",
    "d'énergie du Jura (Sidec)",
    "de la Loue aval",
    "du bassin versant du Doubs",
)
COMPETENCES = (
    "eau pluviale urbaine",
    "mobilité",
    "politique locale du commerce",
    "création et gestion de maisons de services au public",
)
SERVICES = (
    "des finances",
    "des ressources humaines",
    "de l'eau et de l'assainissement",
    "de la collecte des déchets",
    "du numérique",
    "de l'urbanisme",
)
TRIMESTRES = ("premier", "deuxième", "troisième", "quatrième")


def context(rng: random.Random, day: dt.date, theme: Theme, president: Person) -> dict[str, str]:
    """The values a délibération's fragments share (so its objet and text agree)."""

    def before(lo: int, hi: int) -> str:
        return date_longue(day - dt.timedelta(days=rng.randint(lo, hi)))

    budget = rng.choice(BUDGETS) if theme.key != "subventions" else BUDGETS[0]
    annee = day.year + (1 if day.month >= 11 and theme.key == "budget" else 0)
    montant = rng.randrange(200_000, 30_000_000, 1000)
    titre = "Madame la Présidente" if president.feminine else "Monsieur le Président"
    equipement = rng.choice(EQUIPEMENTS)
    prix = rng.randint(180, 520)
    return {
        "annee": str(annee),
        "annee_prec": str(annee - 1),
        "annee_fin": str(annee + rng.randint(2, 5)),
        "annee_projet": str(day.year - rng.randint(1, 6)),
        "budget": budget,
        "budget_min": budget[0].lower() + budget[1:],
        "commune": rng.choice(COMMUNES[1:]),
        "commission_min": theme.commission[0].lower() + theme.commission[1:],
        "entreprise": rng.choice(ENTREPRISES),
        "association": rng.choice(ASSOCIATIONS),
        "equipement": equipement,
        "equipement_min": equipement,
        "montant": euros(montant),
        "montant2": euros(rng.randrange(50_000, montant, 1000)),
        "montant3": euros(rng.randrange(2_000, 400_000, 50)),
        "pct": f"{rng.randint(1, 9)},{rng.randint(0, 9)}",
        "pct_prix": str(rng.choice((40, 45, 50, 60))),
        "pct_tech": str(rng.choice((40, 50, 55, 60))),
        "taux": f"{rng.randint(1, 26)},{rng.randint(10, 99)}",
        "taux2": f"{rng.randint(1, 6)},{rng.randint(10, 99)}",
        "dm": str(rng.randint(1, 4)),
        "lot": str(rng.randint(1, 9)),
        "offres": str(rng.randint(3, 14)),
        "nombre": str(rng.randint(12, 2400)),
        "duree": str(rng.choice((6, 9, 12, 18, 24, 36, 48))),
        "duree_ans": str(rng.choice((3, 5, 10, 15, 20, 25, 40))),
        "surface": f"{rng.randint(120, 48_000):,}".replace(",", NNBSP),
        "parcelle": f"{rng.choice(('AB', 'ZC', 'AK', 'BD', 'ZH', 'C'))} {rng.randint(1, 640)}",
        "prix_m2": str(rng.randint(8, 45)),
        "prix_m3": f"{prix // 100},{prix % 100:02d}",
        "date_bureau": before(7, 20),
        "date_commission": before(15, 45),
        "date_ancienne": before(120, 900),
        "date_effet": date_longue((day.replace(day=1) + dt.timedelta(days=62)).replace(day=1)),
        "trimestre": rng.choice(TRIMESTRES),
        "chapitre": rng.choice(("011", "012", "65", "204", "21", "23")),
        "signataire_min": titre,
        "syndicat": rng.choice(SYNDICATS),
        "competence": rng.choice(COMPETENCES),
        "service": rng.choice(SERVICES),
        "total_table": "",
    }


@dataclass
class Table:
    titre: str
    unite: str | None
    colonnes: list[str]
    lignes: list[list[str | int]]
    totaux: list[list[str | int]]


CHAPITRES_F = (
    "011 Charges à caractère général",
    "012 Charges de personnel",
    "014 Atténuations de produits",
    "65 Autres charges de gestion courante",
    "66 Charges financières",
    "67 Charges spécifiques",
    "023 Virement à la section d'investissement",
)
CHAPITRES_I = (
    "20 Immobilisations incorporelles",
    "204 Subventions d'équipement versées",
    "21 Immobilisations corporelles",
    "23 Immobilisations en cours",
    "16 Emprunts et dettes assimilées",
)
GRADES = (
    "Attaché territorial",
    "Rédacteur principal de 2e classe",
    "Adjoint administratif",
    "Technicien territorial",
    "Agent de maîtrise",
    "Adjoint technique principal de 2e classe",
    "Auxiliaire de puériculture",
    "Ingénieur territorial",
)
PRESTATIONS = (
    "Entrée piscine, plein tarif",
    "Entrée piscine, tarif réduit",
    "Abonnement médiathèque, adulte",
    "Location salle polyvalente, journée",
    "Dépôt en déchetterie, professionnel (m³)",
    "Repas restauration scolaire",
    "Heure de garde en crèche, tarif plafond",
)


def make_tables(rng: random.Random, kind: str, annee: int) -> list[Table]:
    if kind == "budget":
        tables: list[Table] = []
        for titre, chapitres in (
            ("Section de fonctionnement", CHAPITRES_F),
            ("Section d'investissement", CHAPITRES_I),
        ):
            if tables and rng.random() < 0.4:
                break
            years = [str(annee), str(annee + 1), str(annee + 2)]
            multi = rng.random() < 0.4
            colonnes = ["Chapitre", *(years if multi else ["Dépenses", "Recettes"])]
            rows = sorted(rng.sample(chapitres, rng.randint(3, len(chapitres))))
            lignes: list[list[str | int]] = []
            for chapitre in rows:
                lignes.append([chapitre] + [rng.randrange(0, 6_000_000, 500) for _ in colonnes[1:]])
            totals = [sum(int(r[c]) for r in lignes) for c in range(1, len(colonnes))]
            tables.append(Table(titre, "€", colonnes, lignes, [["Total", *totals]]))
        return tables
    if kind == "subventions":
        chosen = rng.sample(ASSOCIATIONS, rng.randint(3, 9))
        lignes = [[a, rng.randrange(500, 60_000, 50)] for a in chosen]
        total = sum(int(r[1]) for r in lignes)
        return [
            Table(
                "Subventions proposées", "€", ["Association", "Montant"], lignes, [["Total", total]]
            )
        ]
    if kind == "effectifs":
        grades = rng.sample(GRADES, rng.randint(3, 6))
        lignes = []
        for g in grades:
            avant = rng.randint(1, 25)
            lignes.append([g, avant, avant + rng.choice((-1, 0, 1, 1, 2))])
        totals = [sum(int(r[c]) for r in lignes) for c in (1, 2)]
        return [
            Table(
                "Tableau des effectifs",
                None,
                ["Grade", "Avant", "Après"],
                lignes,
                [["Total des postes", *totals]],
            )
        ]
    if kind == "tarifs":
        lignes = []
        for p in rng.sample(PRESTATIONS, rng.randint(3, 6)):
            old = rng.randint(150, 9_000)
            lignes.append([p, f"{old / 100:.2f}", f"{old * rng.randint(100, 106) / 10_000:.2f}"])
        return [
            Table(
                f"Tarifs au 1er janvier {annee}",
                "€",
                ["Prestation", str(annee - 1), str(annee)],
                lignes,
                [],
            )
        ]
    raise ValueError(kind)


def render_table(t: Table) -> list[str]:
    def cell(value: str | int) -> str:
        if isinstance(value, int):
            return str(value)
        if re.fullmatch(r"\d+\.\d+", value):
            return value  # a decimal amount, written as a number
        return quoted(value)

    out = [f"  - titre: {scalar(t.titre)}"]
    if t.unite:
        out.append(f"    unite: {quoted(t.unite)}")
    out.append(f"    colonnes: {flow([quoted(c) for c in t.colonnes])}")
    out.append("    lignes:")
    out += [f"      - {flow([cell(v) for v in row])}" for row in t.lignes]
    if t.totaux:
        out.append("    totaux:")
        out += [f"      - {flow([cell(v) for v in row])}" for row in t.totaux]
    return out


def compose_text(rng: random.Random, theme: Theme, ctx: Ctx, organe: str) -> str:
    """2 to 6 KB of Markdown: exposé, visas, considérants, « DÉCIDE », articles."""
    target = rng.randint(2200, 5600)

    def fill(template: str) -> str:
        return template.format_map(ctx)

    vus = [fill(v) for v in rng.sample(GENERIC_VUS, rng.randint(1, 3)) + list(theme.vus)]
    considerants = [fill(c) for c in list(theme.considerants)] + [
        fill(c) for c in rng.sample(GENERIC_CONSIDERANTS, rng.randint(0, 2))
    ]
    articles = [fill(a) for a in theme.articles[: rng.randint(1, len(theme.articles))]]
    articles += [fill(a) for a in rng.sample(GENERIC_ARTICLES, rng.randint(1, 3))]
    tail: list[str] = []
    tail += vus
    tail += considerants
    tail.append(f"Après en avoir délibéré, le {organe}")
    tail.append("**DÉCIDE**")
    tail += [f"Article {i} : {a}" for i, a in enumerate(articles, 1)]
    tail_size = sum(len(p.encode()) + 2 for p in tail)

    pool = [fill(s) for s in theme.expose] + [fill(s) for s in GENERIC_EXPOSE]
    rng.shuffle(pool)
    paragraphs: list[str] = []
    size = tail_size
    sentences = iter(pool)
    while size < target:
        para: list[str] = []
        for _ in range(rng.randint(1, 3)):
            s = next(sentences, None)
            if s is None:
                break
            para.append(s)
        if not para:
            break
        if rng.random() < 0.15 and len(para) >= 2:
            text = (
                para[0]
                + " Il convient en outre de souligner :\n"
                + "\n".join("- " + p[0].lower() + p[1:-1] + " ;" for p in para[1:])
            )
        else:
            text = " ".join(para)
        paragraphs.append(text)
        size += len(text.encode()) + 2
    lines: list[str] = []
    for block in paragraphs + tail:
        block = block.replace(" ;", NBSP + ";").replace(" :", NBSP + ":")
        for k, raw in enumerate(block.split("\n")):
            if raw.startswith("- "):
                lines += wrap(raw, "", "  ")
            else:
                lines += wrap(raw)
            if k == 0 and "\n" in block:
                lines.append("")
        lines.append("")
    return "\n".join(lines[:-1]) + "\n"


# ------------------------------------------------------------------------------ votes


@dataclass
class VoteSpec:
    scrutin: str = "public"
    unanimite: bool = False
    pour: int | None = None
    contre: int | None = None
    abstention: int | None = None
    nppv: int | None = None
    blancs_nuls: int | None = None
    votants: int | None = None
    noms: dict[str, list[str]] = field(default_factory=dict)
    candidats: list[tuple[str, str, int, bool]] = field(default_factory=list)
    voix_preponderante: bool = False
    resultat: str | None = None
    comment: str | None = None

    def total(self, votants: int) -> int:
        """pour + contre + abstention + NPPV + blancs + voix des candidats, as Registre reads it."""

        def n(value: int | None, choice: str) -> int:
            return value if value is not None else len(self.noms.get(choice, []))

        contre, abstention, nppv = (
            n(self.contre, "contre"),
            n(self.abstention, "abstention"),
            n(self.nppv, "nppv"),
        )
        blancs = self.blancs_nuls or 0
        voix = sum(c[2] for c in self.candidats)
        if self.pour is not None:
            pour = self.pour
        elif self.noms.get("pour"):
            pour = len(self.noms["pour"])
        elif self.unanimite and not self.candidats:
            pour = max(votants - contre - abstention - nppv - blancs, 0)
        else:
            pour = 0
        return pour + contre + abstention + nppv + blancs + voix

    @property
    def alterable(self) -> bool:
        """Whether ``pour + 1`` breaks the total and nothing else."""
        return (
            self.pour is not None
            and not self.noms.get("pour")
            and not self.voix_preponderante
            and (self.contre or 0) < self.pour
            and self.scrutin != "appel_nominal"
        )


def make_vote(
    rng: random.Random,
    form: str,
    point: Point,
    groups: Mapping[str, str],
    names: Mapping[str, str],
) -> VoteSpec:
    voters = point.voters
    v = len(voters)
    opposition = [m for m in voters if groups.get(m) in OPPOSITION]
    majority = [m for m in voters if groups.get(m) not in OPPOSITION]

    def pick(pool: list[str], k: int, exclude: Sequence[str] = ()) -> list[str]:
        pool = [m for m in pool if m not in exclude]
        if k > len(pool):
            rest = [m for m in voters if m not in exclude and m not in pool]
            return sorted(pool + rng.sample(rest, k - len(pool)))
        return sorted(rng.sample(pool, k))

    if form == "preponderante":
        abst = rng.randint(0, 3)
        if (v - abst) % 2:
            abst += 1
        half = (v - abst) // 2
        return VoteSpec(
            pour=half,
            contre=half,
            abstention=abst or None,
            voix_preponderante=True,
            resultat="adopte",
            comment="partage égal des voix : la voix du président est prépondérante",
        )
    if form == "unanime":
        spec = VoteSpec(unanimite=True)
        r = rng.random()
        if r < 0.35:
            a = rng.randint(1, min(6, len(opposition) or 1))
            spec.abstention = a
            if rng.random() < 0.5:
                spec.noms["abstention"] = pick(opposition, a)
            spec.comment = f"à l'unanimité des suffrages exprimés, {a} abstention(s)"
        elif r < 0.6:
            spec.pour = v
        return spec
    if form == "retrait":
        # a member with an interest does not take part in the vote (NPPV), the rest unanimous
        nppv = pick(majority, 1)
        spec = VoteSpec(pour=v - 1, nppv=1)
        if rng.random() < 0.6:
            spec.noms["nppv"] = nppv
            spec.comment = f"{names[nppv[0]]} ne prend pas part au vote"
        return spec
    if form == "election":
        blancs = rng.randint(0, 3)
        elu = rng.choice(majority)
        other = rng.choice(opposition or [m for m in majority if m != elu])
        rest = v - blancs
        voix_other = rng.randint(0, max(rest // 3, 0))
        cands = [(names[elu], elu, rest - voix_other, True)]
        if voix_other or rng.random() < 0.5:
            cands.append((names[other], other, voix_other, False))
        return VoteSpec(
            scrutin="secret",
            candidats=cands,
            blancs_nuls=blancs or None,
            votants=v if rng.random() < 0.5 else None,
        )
    if form in ("secret", "secret_public"):
        blancs = rng.randint(0, 3)
        contre = rng.randint(0, max((v - blancs) // 3, 0))
        return VoteSpec(
            scrutin="secret" if form == "secret" else "public",
            pour=v - blancs - contre,
            contre=contre or None,
            blancs_nuls=(blancs or None) if form == "secret" else None,
            abstention=(blancs or None) if form != "secret" else None,
        )
    if form == "nominal":
        against = pick(opposition, rng.randint(0, min(len(opposition), v // 3)))
        abstaining = pick(voters, rng.randint(0, 3), against)
        favour = [m for m in voters if m not in against and m not in abstaining]
        roll = {"pour": favour, "contre": against, "abstention": abstaining}
        return VoteSpec(
            scrutin="appel_nominal",
            noms={k: val for k, val in roll.items() if val},
            comment="à la demande du quart des membres présents (L2121-21)",
        )
    # "chiffres": counts, sometimes the names of opponents and abstainers, rarely rejected
    contre_n = rng.randint(0, min(len(opposition), v // 3))
    abst_n = rng.randint(0, 4)
    nppv_n = 1 if rng.random() < 0.08 else 0
    if contre_n + abst_n + nppv_n > v // 2:
        contre_n, abst_n = 1, 0
    spec = VoteSpec(
        pour=v - contre_n - abst_n - nppv_n,
        contre=contre_n or None,
        abstention=abst_n or None,
        nppv=nppv_n or None,
    )
    if rng.random() < 0.02:
        spec.pour, spec.contre = contre_n, v - contre_n - abst_n - nppv_n
        spec.resultat = "rejete"
        spec.comment = "la délibération est rejetée"
        return spec
    if rng.random() < 0.4:
        against = pick(opposition, contre_n)
        abstaining = pick(voters, abst_n, against)
        silent = pick(majority, nppv_n, against + abstaining)
        for key, val in (("contre", against), ("abstention", abstaining), ("nppv", silent)):
            if val:
                spec.noms[key] = val
    if rng.random() < 0.25:
        spec.votants = v
    if rng.random() < 0.3:
        spec.resultat = "adopte"
    return spec


def render_vote(spec: VoteSpec) -> list[str]:
    head = "vote:"
    if spec.comment:
        head = f"vote:                            # {spec.comment}"
    out = [head]
    if spec.scrutin != "public" or spec.candidats:
        out.append(f"  scrutin: {spec.scrutin}")
    if spec.unanimite:
        out.append("  unanimite: true")
    for key in ("pour", "contre", "abstention", "nppv", "blancs_nuls", "votants"):
        value = getattr(spec, key)
        if value is not None:
            out.append(f"  {key}: {value}")
    if spec.candidats:
        out.append("  candidats:")
        for nom, membre, voix, elu in spec.candidats:
            out += [f"    - nom: {scalar(nom)}", f"      membre: {membre}", f"      voix: {voix}"]
            if elu:
                out.append("      elu: true")
    if spec.noms:
        out.append("  noms:")
        for key in ("pour", "contre", "abstention", "nppv"):
            idents = spec.noms.get(key)
            if not idents:
                continue
            if len(idents) > 8:
                out.append(f"    {key}:")
                out += [f"      - {i}" for i in idents]
            else:
                out.append(f"    {key}: {flow(idents)}")
    if spec.voix_preponderante:
        out.append("  voix_preponderante: true")
    if spec.resultat:
        out.append(f"  resultat: {spec.resultat}")
    return out


# ------------------------------------------------------------------------------ délibérations


@dataclass
class DelibDoc:
    path: Path
    numero: str
    point: str
    objet: str
    rapporteur: str | None
    commission: str | None
    nature: int
    matiere: str
    budget: tuple[str, str, int] | None
    tables: list[Table]
    texte: str
    annexe: str | None
    vote: VoteSpec
    reception: dt.date
    identifiant: str
    publication: dt.date | None
    comment: str | None
    votants: int


def render_deliberation(d: DelibDoc) -> str:
    out: list[str] = []
    if d.comment:
        out.append(f"# {d.comment}")
    out += [f"numero: {quoted(d.numero)}", f"point: {quoted(d.point)}", f"objet: {scalar(d.objet)}"]
    if d.rapporteur:
        out.append(f"rapporteur: {d.rapporteur}")
    if d.commission:
        out.append(f"commission: {scalar(d.commission)}")
    if d.nature != 1:
        out.append(f"nature: {d.nature}")
    out.append(f"matiere: {quoted(d.matiere)}")
    if d.budget:
        inscription, nom, annee = d.budget
        out += [
            "budget:",
            f"  inscription: {scalar(inscription)}",
            f"  nom: {scalar(nom)}",
            f"  annee: {annee}",
        ]
    if d.tables:
        out.append("tableaux:")
        for t in d.tables:
            out += render_table(t)
    out.append("texte: |")
    out += [f"  {line}" if line else "" for line in d.texte.rstrip("\n").split("\n")]
    if d.annexe:
        out += ["annexes:", f"  - fichier: {scalar(d.annexe)}", "    titre: Pièce annexée"]
    out += render_vote(d.vote)
    out += [
        "prefecture:",
        f"  date_reception: {d.reception.isoformat()}",
        f"  identifiant: {d.identifiant}",
    ]
    if d.publication:
        out.append(f"publication: {d.publication.isoformat()}")
    return "\n".join(out) + "\n"


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def seance_dates(rng: random.Random, count: int) -> list[dt.date]:
    """Distinct dates from 2015 (earlier for large archives) to mid-October 2026."""
    first = min(FIRST_SEANCE, LAST_SEANCE - dt.timedelta(days=4 * count))
    span = (LAST_SEANCE - first).days
    step = span / max(count - 1, 1)
    dates: list[dt.date] = []
    for i in range(count):
        base = round(i * step)
        jitter = rng.randint(0, max(int(step / 3), 0)) if i < count - 1 else 0
        day = first + dt.timedelta(days=base - jitter if i else base)
        if dates and day <= dates[-1]:
            day = dates[-1] + dt.timedelta(days=1)
        dates.append(day)
    assert dates[-1] <= LAST_SEANCE
    return dates


def write_collectivite(folder: Path, rng: random.Random, president: Person) -> tuple[str, str]:
    siren = luhn_complete("2" + "".join(str(rng.randint(0, 9)) for _ in range(7)))
    siret = luhn_complete(siren + f"{rng.randint(1, 99):04d}")
    departement = "039"
    titre = "La Présidente" if president.feminine else "Le Président"
    text = f"""\
# Identité de la collectivité : elle figure en tête de chaque extrait et dans les envois @CTES.
nom: Communauté d'agglomération du Val d'Amour
type: communaute_agglomeration
siren: {quoted(siren)}
siret: {quoted(siret)}
departement: {quoted(departement)}
arrondissement: 1
population: {POPULATION}              # plus de 3 500 habitants : convocation 5 jours francs avant
adresse: |
  Hôtel communautaire
  4 rue de la Sous-Préfecture
  39100 Dole
signataire:
  nom: {president.prenom} {president.nom.title()}
  qualite: {titre}
lieu_signature: Dole
organe: Conseil communautaire
nature_actes: 46
url: https://deliberations.val-amour.example
actes:
  email_retour: assemblees@val-amour.test
  referent: Service des assemblées
  tdt: SIC
"""
    (folder / "collectivite.yml").write_text(text, encoding="utf-8", newline="\n")
    return departement, siren


def write_membres(folder: Path, roster: Roster) -> None:
    out = [
        "# Conseil communautaire : 45 sièges. Les communes qui n'ont qu'un siège ont un",
        "# suppléant (« suppleant_de »), qui siège lorsque le titulaire est absent sans avoir",
        "# donné pouvoir ; il ne compte pas parmi les membres en exercice.",
        "membres:",
    ]
    for p in roster.persons:
        if p.comment and p.suppleant_de is None and p.fin is None:
            out.append(f"  # {p.comment}")
        out += [
            f"  - id: {p.id}",
            f"    civilite: {p.civilite}",
            f"    prenom: {scalar(p.prenom)}",
            f"    nom: {scalar(p.nom)}",
        ]
        if p.fonction:
            out.append(f"    fonction: {scalar(p.fonction)}")
        out.append(f"    groupe: {scalar(p.groupe)}")
        out.append(f"    commune: {scalar(p.commune)}")
        if p.debut:
            out.append(f"    debut_mandat: {p.debut.isoformat()}")
        if p.fin:
            note = f"  # {p.comment}" if p.comment else ""
            out.append(f"    fin_mandat: {p.fin.isoformat()}{note}")
        if p.suppleant_de:
            out.append(f"    suppleant_de: {p.suppleant_de}")
    (folder / "membres.yml").write_text("\n".join(out) + "\n", encoding="utf-8", newline="\n")


def _themes_cycle(rng: random.Random) -> Iterator[Theme]:
    weights = [t.weight for t in THEMES]
    while True:
        yield rng.choices(THEMES, weights=weights)[0]


def write_archive(
    folder: Path,
    seances: int,
    deliberations_per_seance: int,
    seed: int = 0,
    inconsistencies: int = 0,
) -> None:
    """Write a complete, valid ``content/`` tree into ``folder`` (created if needed).

    ``inconsistencies`` délibérations get one vote "pour" too many (a V301 each).
    """
    if seances < 1 or deliberations_per_seance < 1:
        raise ValueError("at least one séance and one délibération per séance")
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    dates = seance_dates(rng, seances)
    roster = Roster(rng, dates[0])
    departement, siren = write_collectivite(folder, rng, roster.seats[0].holder(dates[-1]))
    write_membres(folder, roster)
    groups = {p.id: p.groupe for p in roster.persons}
    names = {p.id: f"{p.civilite} {p.prenom} {p.nom}" for p in roster.persons}
    themes = _themes_cycle(rng)
    counters: dict[int, int] = {}
    docs: list[DelibDoc] = []
    for day in dates:
        labels = point_labels(rng, deliberations_per_seance)
        plan = plan_seance(rng, roster, day, labels)
        base = folder / "seances" / day.isoformat()
        (base / "deliberations").mkdir(parents=True, exist_ok=True)
        (base / "seance.yml").write_text(render_seance(plan), encoding="utf-8", newline="\n")
        bureau = {seat.holder(day).id for seat in roster.seats[:14]}
        rapporteurs = sorted({p for pt in plan.points for p in pt.presents} & bureau)
        for index, point in enumerate(plan.points):
            theme = next(themes)
            ctx = context(rng, day, theme, plan.president)
            tables = make_tables(rng, theme.table, int(ctx["annee"])) if theme.table else []
            if tables and theme.key == "subventions":
                ctx["total_table"] = euros(sum(int(r[1]) for r in tables[0].lignes))
            elif theme.key == "subventions":
                ctx["total_table"] = ctx["montant3"]
            objet = rng.choice(theme.objets).format_map(ctx)
            texte = compose_text(rng, theme, ctx, "Conseil communautaire")
            form = rng.choice(theme.votes)
            if form == "preponderante" and rng.random() < 0.8:
                form = "chiffres"  # a tie decided by the president stays rare
            vote = make_vote(rng, form, point, groups, names)
            assert vote.total(point.votants) == point.votants, (day, point.label, form)
            year = day.year
            counters[year] = counters.get(year, 0) + 1
            numero = f"{year}_{counters[year]:04d}"
            nature = theme.nature
            reception = day + dt.timedelta(days=rng.randint(1, 6))
            published = reception + dt.timedelta(days=rng.randint(0, 4))
            annexe = None
            if rng.random() < 0.08:
                annexe_name = f"{numero.lower().replace('_', '-')}-annexe.pdf"
                (base / "annexes").mkdir(exist_ok=True)
                (base / "annexes" / annexe_name).write_bytes(MINIMAL_PDF)
                annexe = f"../annexes/{annexe_name}"
            comment = None
            if point.label != plan.numeric_order[index]:
                comment = (
                    f"Point {point.label} de l'ordre du jour, examiné en {_rang(index)} "
                    "(voir ordre_de_passage) : le numéro de l'acte suit l'ordre d'adoption."
                )
            budget = None
            if theme.budget or rng.random() < 0.2:
                budget = (
                    f"Chapitre {ctx['chapitre']}, article {ctx['chapitre']}{rng.randint(1, 8)}",
                    ctx["budget"],
                    int(ctx["annee"]),
                )
            docs.append(
                DelibDoc(
                    path=base / "deliberations" / f"{numero}.yml",
                    numero=numero,
                    point=point.label,
                    objet=objet,
                    rapporteur=rng.choice(rapporteurs) if rng.random() < 0.9 else None,
                    commission=theme.commission if rng.random() < 0.85 else None,
                    nature=nature,
                    matiere=rng.choice(theme.matiere),
                    budget=budget,
                    tables=tables,
                    texte=texte,
                    annexe=annexe,
                    vote=vote,
                    reception=reception,
                    identifiant=f"{departement}-{siren}-{day:%Y%m%d}-{numero}-"
                    f"{SUFFIXES_ACTES[nature]}",
                    publication=published,
                    comment=comment,
                    votants=point.votants,
                )
            )
    alter = random.Random(seed + 7919)
    alterable = [d for d in docs if d.vote.alterable]
    if inconsistencies > len(alterable):
        # a small archive: write the "pour" of some unanimous votes explicitly
        unanimous = [
            d for d in docs if d.vote.unanimite and d.vote.pour is None and not d.vote.contre
        ]
        for d in alter.sample(unanimous, min(len(unanimous), inconsistencies - len(alterable))):
            d.vote.pour = d.votants - (d.vote.abstention or 0) - (d.vote.nppv or 0)
            alterable.append(d)
    if inconsistencies > len(alterable):
        raise ValueError(f"only {len(alterable)} délibérations can be made inconsistent")
    for d in alter.sample(alterable, inconsistencies):
        assert d.vote.pour is not None and d.vote.alterable
        d.vote.pour += 1
    for d in docs:
        d.path.write_text(render_deliberation(d), encoding="utf-8", newline="\n")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m tests.bench.synth", description="Write a synthetic, valid content/ tree."
    )
    p.add_argument("out", type=Path, help="dossier à créer (l'équivalent de content/)")
    p.add_argument("--seances", type=int, default=10)
    p.add_argument("--deliberations", type=int, default=20, help="délibérations par séance")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--inconsistencies", type=int, default=0)
    args = p.parse_args(argv)
    write_archive(args.out, args.seances, args.deliberations, args.seed, args.inconsistencies)
    print(f"{args.seances * args.deliberations} délibérations écrites dans {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
