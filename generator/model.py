"""The content model: what the secretariat writes in ``content/``, as frozen dataclasses.

These classes are also the schema of the YAML files: a field's name is its YAML key, its type
says what the value must be, and its ``doc`` (French, shown to the secretariat in editors
through the generated JSON Schema) says what it means. ``schema.py`` reads YAML nodes into
these classes; ``jsonschema.py`` publishes them. No I/O here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from generator.diagnostics import NOPOS, Pos


@dataclass(frozen=True)
class Check:
    """What a value must also be, beyond its Python type; ``schema.py`` applies it.

    ``count``: a non-negative integer; ``identifiant``: an identifier that names files and
    pages (safe alphabet, see ``text_safety.identifier_problem``); ``code``: an identifier of
    the content only (NFC, one script, nothing invisible); ``url``: an ``http(s)://`` address.
    """

    kind: Literal["count", "identifiant", "code", "url"]


#: A number of people, votes or inhabitants: a non-negative integer.
Count = Annotated[int, Check("count")]
#: A member id or an act's number: they name pages and files.
Identifiant = Annotated[str, Check("identifiant")]
#: An agenda item or a matière code: compared and shown, never a path.
Code = Annotated[str, Check("code")]
#: A public web address.
Url = Annotated[str, Check("url")]


def doc(text: str, default: Any = None, *, shorthand: bool = False) -> Any:
    """A schema field: its French documentation and its default (``None``: optional)."""
    meta = {"doc": text, "shorthand": shorthand}
    if isinstance(default, tuple | list):
        value = tuple(default)
        return field(default=value, metadata=meta)
    return field(default=default, metadata=meta)


def required(text: str, *, shorthand: bool = False) -> Any:
    """A required schema field."""
    return field(metadata={"doc": text, "required": True, "shorthand": shorthand})


def position() -> Any:
    """Where the object was written; filled by the loader, ignored by equality."""
    return field(default=NOPOS, compare=False, repr=False, metadata={"internal": True})


TypeCollectivite = Literal[
    "commune",
    "communaute_communes",
    "communaute_agglomeration",
    "communaute_urbaine",
    "metropole",
    "syndicat",
]

#: ACTES ``Nature`` of the collectivité (DESIGN.md §3), by kind.
NATURE_ACTES_PAR_TYPE: dict[str, int] = {
    "commune": 31,
    "communaute_communes": 44,
    "communaute_urbaine": 45,
    "communaute_agglomeration": 46,
    "metropole": 45,
    "syndicat": 32,
}

#: Level 1 of the ACTES matières nomenclature (DESIGN.md §3), as SCDL and the site name it.
MATIERES_NIVEAU_1: dict[str, str] = {
    "1": "Commande publique",
    "2": "Urbanisme",
    "3": "Domaine et patrimoine",
    "4": "Fonction publique",
    "5": "Institutions et vie politique",
    "6": "Libertés publiques et pouvoirs de police",
    "7": "Finances locales",
    "8": "Domaines de compétences par thèmes",
    "9": "Autres domaines de compétences",
}

#: The deliberating body, when ``organe`` is not given.
ORGANE_PAR_TYPE: dict[str, str] = {
    "commune": "Conseil municipal",
    "communaute_communes": "Conseil communautaire",
    "communaute_urbaine": "Conseil communautaire",
    "communaute_agglomeration": "Conseil communautaire",
    "metropole": "Conseil de la métropole",
    "syndicat": "Comité syndical",
}


@dataclass(frozen=True, kw_only=True)
class Signataire:
    nom: str = required("Nom de la personne qui signe les extraits (« Pour extrait conforme »).")
    qualite: str = required("Sa qualité, telle qu'imprimée : « Le Maire », « Le Président »…")
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Actes:
    """The ``actes`` block of ``collectivite.yml``: how the acts are transmitted (@CTES)."""

    email_retour: str = required(
        "Adresse électronique où la préfecture envoie ses réponses (accusés de réception, "
        "anomalies) : « AdressesRetour » de l'enveloppe @CTES."
    )
    referent: str | None = doc("Nom de la personne à contacter, transmis dans l'enveloppe.")
    telephone: str | None = doc("Téléphone de cette personne.")
    tdt: str | None = doc(
        "Trigramme du tiers de télétransmission (« SIC », « S2L »…) : les archives se "
        "nomment alors « SIC-EACT--….tar.gz » ; sans trigramme, « EACT--….tar.gz »."
    )
    type_piece: str = doc(
        "Typologie de l'acte transmis (CodeTypePJ, 5 caractères) : « 99_DE » délibération.",
        "99_DE",
    )
    type_annexe: str = doc(
        "Typologie des annexes (CodeTypePJ) : « 99_AU » autre document.",
        "99_AU",
    )
    classification: str | None = doc(
        "Fichier de classification reçu de la préfecture (« RetourClassification » @CTES, "
        "XML), chemin relatif à collectivite.yml ; à défaut, la nomenclature des matières "
        "fournie avec Registre (niveaux 1 et 2, version du 19 avril 2017)."
    )
    classification_date_version: dt.date | None = doc(
        "Date de la classification utilisée (ClassificationDateVersion) ; à défaut, celle du "
        "fichier de classification."
    )
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Collectivite:
    """``content/collectivite.yml``."""

    nom: str = required("Nom officiel : « Commune de Givors », « Grand Besançon Métropole »…")
    type: TypeCollectivite = required("Catégorie de la collectivité.")
    siren: str = required("Numéro SIREN (9 chiffres).")
    siret: str = required("Numéro SIRET du siège (14 chiffres), pour les données ouvertes.")
    departement: str = required("Code du département sur 3 caractères : « 039 », « 02A », « 974 ».")
    arrondissement: int = required("Numéro de l'arrondissement (1 chiffre), pour @CTES.")
    population: Count = required(
        "Population municipale ; à partir de 3 500 habitants, la convocation doit être envoyée "
        "5 jours francs avant la séance, 3 en dessous (L2121-12)."
    )
    adresse: str = required("Adresse postale du siège, sur une ou plusieurs lignes.")
    signataire: Signataire = required("Signataire des extraits.")
    nature_actes: int | None = doc(
        "Code @CTES de la nature de la collectivité (31 commune, 44 CC, 46 CA…) ; "
        "déduit de « type » s'il est omis."
    )
    organe: str | None = doc(
        "Nom de l'assemblée : « Conseil municipal », « Conseil communautaire »… ; "
        "déduit de « type » s'il est omis."
    )
    lieu_signature: str | None = doc("Lieu imprimé après « Fait à » ; la ville du siège.")
    url: Url | None = doc("Adresse publique du site des délibérations.")
    actes: Actes | None = doc(
        "Télétransmission @CTES : adresse de retour, tiers de télétransmission, typologies, "
        "classification. Nécessaire pour « registre export actes »."
    )
    pos: Pos = position()

    @property
    def nature_actes_effective(self) -> int:
        return self.nature_actes or NATURE_ACTES_PAR_TYPE[self.type]

    @property
    def organe_effectif(self) -> str:
        return self.organe or ORGANE_PAR_TYPE[self.type]


@dataclass(frozen=True, kw_only=True)
class Membre:
    """One entry of ``content/membres.yml``."""

    id: Identifiant = required(
        "Identifiant stable, en minuscules et tirets (« dupont-marie ») ; c'est lui que les "
        "séances et délibérations citent."
    )
    civilite: Literal["M.", "Mme"] = required("« M. » ou « Mme ».")
    prenom: str = required("Prénom.")
    nom: str = required("Nom de famille, tel qu'imprimé.")
    fonction: str | None = doc("Fonction : « Maire », « 1re adjointe », « Vice-président »…")
    groupe: str | None = doc("Groupe politique.")
    commune: str | None = doc("Commune représentée (intercommunalités).")
    debut_mandat: dt.date | None = doc("Début du mandat (AAAA-MM-JJ).")
    fin_mandat: dt.date | None = doc("Fin du mandat, si elle a pris fin (démission, décès…).")
    suppleant_de: Identifiant | None = doc(
        "Pour un suppléant : l'identifiant du titulaire qu'il remplace. Un suppléant ne compte "
        "pas parmi les membres en exercice."
    )
    pos: Pos = position()

    @property
    def nom_complet(self) -> str:
        return f"{self.civilite} {self.prenom} {self.nom}"

    def en_exercice(self, jour: dt.date) -> bool:
        """A titulaire whose mandate covers ``jour``."""
        if self.suppleant_de is not None:
            return False
        if self.debut_mandat is not None and jour < self.debut_mandat:
            return False
        return self.fin_mandat is None or jour <= self.fin_mandat


@dataclass(frozen=True, kw_only=True)
class Membres:
    """``content/membres.yml``."""

    membres: tuple[Membre, ...] = required("Tous les membres, titulaires et suppléants.")
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Presence:
    """A member present at the séance, possibly only from or until an agenda item."""

    membre: Identifiant = required(
        "Identifiant du membre (ou du suppléant qui siège).", shorthand=True
    )
    a_partir_de: Code | None = doc(
        "Arrivé en cours de séance : présent à partir de ce point (inclus) de l'ordre de passage."
    )
    jusqu_a: Code | None = doc(
        "Parti en cours de séance : présent jusqu'à ce point (inclus) de l'ordre de passage."
    )
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Procuration:
    """A pouvoir given by an absent member (L2121-20)."""

    mandant: Identifiant = required("Identifiant du membre absent qui donne pouvoir.")
    mandataire: Identifiant = required("Identifiant du membre présent qui reçoit le pouvoir.")
    a_partir_de: Code | None = doc("Le pouvoir ne vaut qu'à partir de ce point (inclus).")
    jusqu_a: Code | None = doc("Le pouvoir ne vaut que jusqu'à ce point (inclus).")
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Retrait:
    """A member who leaves the room for some items (conflict of interest, L2131-11)."""

    membre: Identifiant = required("Identifiant du membre qui se retire.")
    points: tuple[Code, ...] = required("Points de l'ordre du jour pour lesquels il se retire.")
    motif: str | None = doc("Motif : « intérêt personnel à l'affaire »…")
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Declare:
    """Figures printed in a document, kept to be compared with those Registre computes."""

    en_exercice: Count | None = doc("Nombre de membres en exercice imprimé.")
    presents: Count | None = doc("Nombre de présents imprimé.")
    procurations: Count | None = doc("Nombre de procurations imprimé.")
    votants: Count | None = doc("Nombre de votants imprimé.")
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Seance:
    """``content/seances/<dossier>/seance.yml``."""

    date: dt.date = required("Date de la séance (AAAA-MM-JJ).")
    ouverture: dt.time | None = doc("Heure d'ouverture (« 18:30 »).")
    cloture: dt.time | None = doc("Heure de levée de la séance.")
    lieu: str = required("Lieu de la réunion.")
    convocation: dt.date = required("Date d'envoi de la convocation.")
    president: Identifiant = required("Identifiant du président de séance.")
    secretaires: tuple[Identifiant, ...] = required("Secrétaire(s) de séance (L2121-15).")
    ordre_de_passage: tuple[Code, ...] = required(
        "Les points dans l'ordre où ils ont été examinés (« 7.1 » peut passer avant « 2.1 ») ; "
        "les bornes « a_partir_de » et « jusqu_a » s'y réfèrent."
    )
    presents: tuple[Presence, ...] = required(
        "Membres présents : un identifiant, ou {membre, a_partir_de, jusqu_a}."
    )
    excuses: tuple[Identifiant, ...] = doc("Membres absents excusés (avec ou sans pouvoir).", ())
    absents: tuple[Identifiant, ...] = doc("Membres absents non excusés.", ())
    procurations: tuple[Procuration, ...] = doc("Pouvoirs donnés pour cette séance.", ())
    retraits: tuple[Retrait, ...] = doc("Membres sortis de la salle pour certains points.", ())
    quorum_non_atteint_le: dt.date | None = doc(
        "Si la séance fait suite à une première convocation où le quorum n'était pas atteint : "
        "la date de cette première séance. Le conseil délibère alors sans condition de quorum "
        "(L2121-17)."
    )
    declare: Declare | None = doc("Chiffres imprimés dans le document d'origine (import, archive).")
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Budget:
    inscription: str | None = doc("Inscription budgétaire : chapitre, article, programme…")
    nom: str | None = doc("Budget concerné : « Budget principal », « Budget annexe de l'eau »…")
    annee: Count | None = doc("Exercice budgétaire.")
    pos: Pos = position()


#: A table cell: a number (written plainly in YAML: 3107000 or 12.5) or a text.
Cellule = Decimal | str


@dataclass(frozen=True, kw_only=True)
class Tableau:
    """A budget table; ``totaux`` rows are checked against the sum of the ``lignes``."""

    titre: str | None = doc("Titre du tableau.")
    colonnes: tuple[str, ...] = required("En-têtes des colonnes.")
    lignes: tuple[tuple[Cellule, ...], ...] = required(
        "Lignes : une liste de cellules par ligne ; les montants s'écrivent sans espace (3107000)."
    )
    totaux: tuple[tuple[Cellule, ...], ...] = doc(
        "Lignes de total : chaque colonne chiffrée doit valoir la somme des lignes.", ()
    )
    unite: str | None = doc("Unité des montants, imprimée après chaque nombre : « € ».")
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Annexe:
    fichier: str = required(
        "Chemin du fichier (PDF, JPG, PNG), relatif au fichier de la délibération.", shorthand=True
    )
    titre: str | None = doc("Intitulé de l'annexe.")
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class NomsVote:
    """Who voted what, by member id (roll call, or named opponents and abstainers)."""

    pour: tuple[Identifiant, ...] = doc("Membres ayant voté pour.", ())
    contre: tuple[Identifiant, ...] = doc("Membres ayant voté contre.", ())
    abstention: tuple[Identifiant, ...] = doc("Membres s'étant abstenus.", ())
    nppv: tuple[Identifiant, ...] = doc("Membres ne prenant pas part au vote.", ())
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Candidat:
    nom: str = required("Nom du candidat tel qu'imprimé.")
    membre: Identifiant | None = doc("Son identifiant, s'il est membre du conseil.")
    voix: Count = required("Voix obtenues.")
    elu: bool = doc("Candidat élu.", False)
    pos: Pos = position()


ModeScrutin = Literal["public", "appel_nominal", "secret"]


@dataclass(frozen=True, kw_only=True)
class Vote:
    """The vote on a délibération. Counts may be omitted when names or unanimity give them."""

    scrutin: ModeScrutin = doc(
        "« public » (à main levée), « appel_nominal » (noms au registre) ou « secret » "
        "(obligatoire pour les nominations, L2121-21).",
        "public",
    )
    unanimite: bool = doc(
        "« À l'unanimité » : des votants, ou des suffrages exprimés s'il y a des abstentions.",
        False,
    )
    pour: Count | None = doc("Voix pour.")
    contre: Count | None = doc("Voix contre.")
    abstention: Count | None = doc("Abstentions.")
    nppv: Count | None = doc("Membres ne prenant pas part au vote (comptés parmi les votants).")
    blancs_nuls: Count | None = doc("Scrutin secret : bulletins blancs et nuls.")
    votants: Count | None = doc("Nombre de votants imprimé, s'il l'est.")
    noms: NomsVote | None = doc("Noms par choix (appel nominal, ou opposants et abstentionnistes).")
    candidats: tuple[Candidat, ...] = doc("Élection : voix de chaque candidat.", ())
    voix_preponderante: bool = doc(
        "Partage égal des voix tranché par la voix prépondérante du président (vote public).",
        False,
    )
    resultat: Literal["adopte", "rejete"] | None = doc(
        "« adopte » ou « rejete » ; déduit des chiffres s'il est omis."
    )
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Prefecture:
    """The acknowledgement of the prefecture (@CTES)."""

    date_reception: dt.date = required("Date de réception en préfecture.")
    identifiant: str = required(
        "Identifiant @CTES de l'acte : « 069-216900910-20230622-DEL20230622_5-DE »."
    )
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Anomalie:
    """An anomaly notice of @CTES: the act was not received."""

    date: dt.date = required("Date de l'avis d'anomalie.")
    nature: str = required("Code de la nature de l'anomalie (3 chiffres), tel que notifié.")
    detail: str | None = doc("Détail donné par @CTES.")
    pos: Pos = position()


@dataclass(frozen=True, kw_only=True)
class Deliberation:
    """``content/seances/<dossier>/deliberations/<numero>.yml``."""

    numero: Identifiant = required(
        "Numéro de l'acte, unique pour toujours : majuscules, chiffres et « _ », 2 à 15 "
        "caractères, année comprise (« 2024_014 ») ; c'est le NumeroInterne @CTES."
    )
    point: Code = required("Numéro du point (du rapport) dans l'ordre du jour de la séance.")
    objet: str = required("Objet, sur une ligne, 499 caractères au plus.")
    rapporteur: Identifiant | None = doc("Identifiant du rapporteur.")
    commission: str | None = doc("Commission qui a examiné le rapport.")
    nature: int = doc(
        "Code @CTES de la nature de l'acte : 1 délibérations, 2 actes réglementaires, "
        "3 actes individuels, 4 contrats et conventions, 5 documents budgétaires, 6 autres.",
        1,
    )
    matiere: Code = required("Code matière @CTES, deux niveaux au moins : « 7.1 », « 8.1.2 ».")
    budget: Budget | None = doc("Inscription budgétaire.")
    tableaux: tuple[Tableau, ...] = doc("Tableaux budgétaires.", ())
    texte: str = required("Texte en Markdown : exposé, considérants, « DÉCIDE », articles.")
    annexes: tuple[Annexe, ...] = doc("Pièces annexées.", ())
    vote: Vote = required("Le vote.")
    prefecture: Prefecture | None = doc("Accusé de réception de la préfecture, une fois reçu.")
    publication: dt.date | None = doc("Date de publication (mise en ligne), une fois publiée.")
    prefecture_anomalie: Anomalie | None = doc(
        "Anomalie signalée par @CTES : l'acte n'a pas été reçu et doit être transmis à "
        "nouveau ; écrite par « registre import-ar », retirée à la réception de l'accusé."
    )
    occulter: tuple[str, ...] = doc(
        "Passages à occulter dans tout ce qui est public (site, recherche, PDF et copies "
        "publics, données ouvertes) : nom d'une personne privée, adresse… Ils sont remplacés "
        "par « [occulté] » ; l'extrait officiel transmis à la préfecture les garde.",
        (),
    )
    pos: Pos = position()


@dataclass(frozen=True)
class SeanceFiles:
    """A séance with the délibérations of its folder, as loaded."""

    dossier: str
    seance: Seance
    deliberations: tuple[Deliberation, ...]


@dataclass(frozen=True)
class Project:
    """Everything in ``content/``."""

    collectivite: Collectivite
    membres: tuple[Membre, ...]
    seances: tuple[SeanceFiles, ...]

    def membre(self, ident: str) -> Membre | None:
        for m in self.membres:
            if m.id == ident:
                return m
        return None
