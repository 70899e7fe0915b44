"""What an extract says, computed from the model for one délibération (pure).

Every output (the PDF, the Word/ODT copy, and later the site) renders an ``Extrait``: all the
legal mentions as French text, with the attendance computed *for that item*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from generator.model import Deliberation, Membre, Project, SeanceFiles, Tableau
from generator.presence import PointPresence, SeancePresence, seance_to_presence
from generator.render.formats import count_to_text, date_to_text, number_to_text, time_to_text
from generator.votes import VoteFigures, figures_to_resultat, vote_to_figures

RECOURS = (
    "La présente délibération peut faire l'objet d'un recours pour excès de pouvoir devant le "
    "tribunal administratif dans un délai de deux mois à compter de sa publication et de sa "
    "transmission au représentant de l'État. Le tribunal administratif peut être saisi par "
    "l'application Télérecours citoyens accessible sur le site www.telerecours.fr."
)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class NameList:
    """A titled list of members: « Étaient présents », « Ont voté contre »…"""

    title: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    title: str | None
    columns: tuple[str, ...]
    #: Per column: True when every cell of the column is a number (right-aligned).
    numeric: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]
    totals: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Extrait:
    """Everything printed on the official extract of one délibération."""

    numero: str
    point: str
    collectivite: str
    adresse: tuple[str, ...]
    organe: str
    titre: str
    seance: str
    lieu: str
    convocation: str
    figures: tuple[Figure, ...]
    quorum: str
    bureau: tuple[Figure, ...]
    attendance: tuple[NameList, ...]
    objet: str
    details: tuple[Figure, ...]
    texte: str
    tables: tuple[Table, ...]
    resultat: str
    decompte: str
    votes: tuple[NameList, ...]
    certification: tuple[str, ...]
    signataire: tuple[str, str]
    transmission: tuple[str, ...]
    #: The date of the document's metadata: the séance, so that builds are reproducible.
    date: dt.date
    recours: str = RECOURS


def _accord(m: Membre | None, masculin: str, feminin: str) -> str:
    return feminin if m is not None and m.civilite == "Mme" else masculin


def _bounds_in_words(m: Membre | None, a_partir_de: str | None, jusqu_a: str | None) -> str:
    parts = []
    if a_partir_de is not None:
        parts.append(f"{_accord(m, 'arrivé', 'arrivée')} au point {a_partir_de}")
    if jusqu_a is not None:
        parts.append(f"{_accord(m, 'parti', 'partie')} après le point {jusqu_a}")
    return " et ".join(parts)


def attendance_lists(
    files: SeanceFiles, point: PointPresence, membres: Mapping[str, Membre]
) -> tuple[NameList, ...]:
    """Who was present, represented, excused or absent at this item, said in words."""
    s = files.seance

    def name(ident: str) -> str:
        m = membres.get(ident)
        return m.nom_complet if m is not None else ident

    bounds: dict[str, list[str]] = {}
    for p in s.presents:
        words = _bounds_in_words(membres.get(p.membre), p.a_partir_de, p.jusqu_a)
        if words:
            bounds.setdefault(p.membre, []).append(words)

    def with_bounds(ident: str) -> str:
        m = membres.get(ident)
        extra = list(bounds.get(ident, []))
        if m is not None and m.suppleant_de is not None:
            extra.insert(0, f"{_accord(m, 'suppléant', 'suppléante')} de {name(m.suppleant_de)}")
        return name(ident) + (f" ({', '.join(extra)})" if extra else "")

    order = [p.membre for p in s.presents]
    present = [with_bounds(i) for i in dict.fromkeys(order) if i in point.presents]
    represented = [
        f"{name(p.mandant)} (pouvoir à {name(p.mandataire)})" for p in point.procurations
    ]
    counted = point.presents | {p.mandant for p in point.procurations} | point.retires
    replaced = {m.suppleant_de for i in point.presents if (m := membres.get(i)) and m.suppleant_de}
    away = [with_bounds(i) for i in dict.fromkeys(order) if i not in counted]
    excused = [name(i) for i in s.excuses if i not in counted and i not in replaced]
    absent = [name(i) for i in s.absents if i not in counted]
    lists = [
        NameList("Étaient présents", tuple(present)),
        NameList("Absents ayant donné pouvoir", tuple(represented)),
        NameList("Absents pour ce point", tuple(away)),
        NameList("Excusés", tuple(excused)),
        NameList("Absents", tuple(absent)),
        NameList(
            "Se sont retirés et n'ont pas pris part à la délibération",
            tuple(name(i) for i in sorted(point.retires)),
        ),
    ]
    return tuple(nl for nl in lists if nl.names)


def table_to_display(t: Tableau) -> Table:
    def cell(value: object) -> str:
        if isinstance(value, str):
            return value
        return number_to_text(value, t.unite)  # type: ignore[arg-type]

    columns = len(t.colonnes)
    numeric = tuple(
        any(not isinstance(row[c], str) for row in t.lignes)
        and all(not isinstance(row[c], str) or row[c] == "" for row in t.lignes)
        for c in range(columns)
    )
    return Table(
        title=t.titre,
        columns=t.colonnes,
        numeric=numeric,
        rows=tuple(tuple(cell(v) for v in row) for row in t.lignes),
        totals=tuple(tuple(cell(v) for v in row) for row in t.totaux),
    )


def vote_to_text(d: Deliberation, figures: VoteFigures) -> tuple[str, str]:
    """The result in words, and the count in figures."""
    vote = d.vote
    if vote.candidats:
        elus = [c for c in vote.candidats if c.elu]
        words = (
            ", ".join(f"{c.nom} ({count_to_text(c.voix, 'voix', 'voix')})" for c in elus)
            or "aucun candidat"
        )
        label = "Élu : " if len(elus) <= 1 else "Élus : "
        decompte = "Au scrutin secret — " + ", ".join(f"{c.nom} : {c.voix}" for c in vote.candidats)
        decompte += f", blancs et nuls : {figures.blancs_nuls}"
        if figures.nppv:
            decompte += f", ne prennent pas part au vote : {figures.nppv}"
        return label + words, decompte
    resultat = figures_to_resultat(vote, figures) or vote.resultat
    verb = "Adoptée" if resultat == "adopte" else "Rejetée"
    if vote.unanimite and figures.abstention == 0 and figures.blancs_nuls == 0:
        words = f"{verb} à l'unanimité"
    elif vote.unanimite:
        words = (
            f"{verb} à l'unanimité des suffrages exprimés ("
            + count_to_text(figures.abstention, "abstention", "abstentions")
            + ")"
        )
    else:
        words = f"{verb} à la majorité des suffrages exprimés"
    if vote.voix_preponderante:
        words += ", la voix du président étant prépondérante"
    if vote.scrutin == "secret":
        words += ", au scrutin secret"
    elif vote.scrutin == "appel_nominal":
        words += ", au scrutin public par appel nominal"
    decompte = (
        f"Pour : {figures.pour}, Contre : {figures.contre}, Abstentions : {figures.abstention}, "
        f"Ne prennent pas part au vote : {figures.nppv}"
    )
    if vote.scrutin == "secret":
        decompte += f", Blancs et nuls : {figures.blancs_nuls}"
    return words, decompte


def vote_names(
    d: Deliberation, point: PointPresence, membres: Mapping[str, Membre]
) -> tuple[NameList, ...]:
    """Names per choice; a vote cast by pouvoir says so, with its holder."""
    noms = d.vote.noms
    if noms is None:
        return ()
    holders = {p.mandant: p.mandataire for p in point.procurations}

    def name(ident: str) -> str:
        m = membres.get(ident)
        text = m.nom_complet if m is not None else ident
        if ident in holders:
            holder = membres.get(holders[ident])
            text += f" (par pouvoir, {holder.nom_complet if holder else holders[ident]})"
        return text

    lists = [
        NameList("Ont voté pour", tuple(name(i) for i in noms.pour)),
        NameList("Ont voté contre", tuple(name(i) for i in noms.contre)),
        NameList("Se sont abstenus", tuple(name(i) for i in noms.abstention)),
        NameList("Ne prennent pas part au vote", tuple(name(i) for i in noms.nppv)),
    ]
    return tuple(nl for nl in lists if nl.names)


def deliberation_to_extrait(
    project: Project,
    files: SeanceFiles,
    d: Deliberation,
    texte: str,
    presence: SeancePresence | None = None,
) -> Extrait:
    """The extract of ``d``; ``texte`` is its text already converted for the output format."""
    membres = {m.id: m for m in project.membres}
    s = files.seance
    c = project.collectivite
    presence = presence or seance_to_presence(s, membres)
    point = presence.at(d.point)
    if point is None:
        raise ValueError(f"le point {d.point} n'est pas dans l'ordre de passage")

    def name(ident: str) -> str:
        m = membres.get(ident)
        return m.nom_complet if m is not None else ident

    figures = vote_to_figures(d.vote, point.votants)
    resultat, decompte = vote_to_text(d, figures)
    heure = f" à {time_to_text(s.ouverture)}" if s.ouverture else ""
    if s.quorum_non_atteint_le is not None:
        quorum = (
            "Le quorum n'ayant pas été atteint lors de la séance du "
            f"{date_to_text(s.quorum_non_atteint_le)}, le conseil, de nouveau convoqué, "
            "délibère valablement sans condition de quorum (article L2121-17 du CGCT)."
        )
    else:
        quorum = f"Le quorum ({point.quorum} membres) est atteint pour ce point."
    details = [Figure("Rapporteur", name(d.rapporteur))] if d.rapporteur else []
    if d.commission:
        details.append(Figure("Commission", d.commission))
    details.append(Figure("Matière", d.matiere))
    if d.budget is not None:
        budget = [
            v
            for v in (
                d.budget.inscription,
                d.budget.nom,
                str(d.budget.annee) if d.budget.annee else None,
            )
            if v
        ]
        details.append(Figure("Inscription budgétaire", " — ".join(budget)))
    transmission = []
    if d.prefecture is not None:
        transmission.append(
            f"Reçu en préfecture le {date_to_text(d.prefecture.date_reception)} — "
            f"identifiant @CTES : {d.prefecture.identifiant}"
        )
    if d.publication is not None:
        transmission.append(f"Publié (mis en ligne) le {date_to_text(d.publication)}")
    lieu_signature = c.lieu_signature or c.adresse.strip().splitlines()[-1]
    return Extrait(
        numero=d.numero,
        point=d.point,
        collectivite=c.nom,
        adresse=tuple(line.strip() for line in c.adresse.strip().splitlines()),
        organe=c.organe_effectif,
        titre=f"Extrait du registre des délibérations du {c.organe_effectif.lower()}",
        seance=f"Séance du {date_to_text(s.date, weekday=True)}{heure}",
        lieu=s.lieu,
        convocation=f"Date de convocation : {date_to_text(s.convocation)}",
        figures=(
            Figure("Membres en exercice", str(point.en_exercice)),
            Figure("Présents", str(len(point.presents))),
            Figure("Pouvoirs", str(len(point.procurations))),
            Figure("Votants", str(point.votants)),
        ),
        quorum=quorum,
        bureau=(
            Figure("Président de séance", name(s.president)),
            Figure(
                "Secrétaire de séance" if len(s.secretaires) == 1 else "Secrétaires de séance",
                ", ".join(name(i) for i in s.secretaires),
            ),
        ),
        attendance=attendance_lists(files, point, membres),
        objet=d.objet.strip(),
        details=tuple(details),
        texte=texte,
        tables=tuple(table_to_display(t) for t in d.tableaux),
        resultat=resultat,
        decompte=decompte,
        votes=vote_names(d, point, membres),
        certification=(
            "Pour extrait conforme au registre,",
            f"à {lieu_signature}, le {date_to_text(s.date)}",
        ),
        signataire=(c.signataire.qualite, c.signataire.nom),
        transmission=tuple(transmission),
        date=s.date,
    )


@dataclass(frozen=True)
class LigneListe:
    numero: str
    point: str
    objet: str
    resultat: str


@dataclass(frozen=True)
class Liste:
    """The liste des délibérations of a séance (L2121-25): number, object, result."""

    collectivite: str
    organe: str
    seance: str
    lignes: tuple[LigneListe, ...]
    date: dt.date


def resultat_court(d: Deliberation, figures: VoteFigures) -> str:
    """« Adoptée à l'unanimité », « Adoptée (30 pour, 6 contre, 2 abstentions) », « Élu : … »."""
    words, _ = vote_to_text(d, figures)
    if d.vote.candidats or d.vote.unanimite:
        return words
    verb = words.split(" ")[0]
    detail = [f"{figures.pour} pour", f"{figures.contre} contre"]
    if figures.abstention:
        detail.append(count_to_text(figures.abstention, "abstention", "abstentions"))
    if figures.nppv:
        detail.append(f"{figures.nppv} NPPV")
    return f"{verb} ({', '.join(detail)})"


def seance_to_liste(project: Project, files: SeanceFiles) -> Liste:
    """The délibérations of a séance in the order they were examined."""
    membres = {m.id: m for m in project.membres}
    presence = seance_to_presence(files.seance, membres)
    rank = {point.point: point.index for point in presence.points}
    lignes = []
    for d in sorted(files.deliberations, key=lambda d: (rank.get(d.point, 10**6), d.numero)):
        point = presence.at(d.point)
        votants = point.votants if point is not None else 0
        figures = vote_to_figures(d.vote, votants)
        lignes.append(LigneListe(d.numero, d.point, d.objet.strip(), resultat_court(d, figures)))
    c = project.collectivite
    s = files.seance
    return Liste(
        collectivite=c.nom,
        organe=c.organe_effectif,
        seance=f"Séance du {date_to_text(s.date, weekday=True)}",
        lignes=tuple(lignes),
        date=s.date,
    )
