"""Legal and consistency checks over the model; each rule has a code, a severity and a test.

Codes: R… references and attendance lists, P… procurations, Q… quorum, V… votes, D… dates,
N… numbering and identifiers, B… budget tables, X… figures printed in a source document.
``RULES`` in the documentation (docs/regles.md) lists them all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from generator.diagnostics import Diagnostic, Loc, error, warning
from generator.model import (
    Collectivite,
    Deliberation,
    Membre,
    Project,
    Seance,
    SeanceFiles,
    Tableau,
)
from generator.presence import (
    PointPresence,
    SeancePresence,
    bornes_to_text,
    bounds_to_span,
    explain_point,
    passage_order,
    seance_to_presence,
)
from generator.textrules import text_diagnostics
from generator.votes import figures_to_resultat, vote_to_figures

NUMERO_ACTES = re.compile(r"[A-Z0-9][A-Z0-9_]{0,13}[A-Z0-9]")
MATIERE = re.compile(r"[1-9](\.[0-9]{1,2}){1,4}")
DEPARTEMENT = re.compile(r"0(0[1-9]|[1-8][0-9]|9[0-5])|02[AB]|97[1-6]")
OBJET_MAX = 499
#: Errors in a séance's lists after which its votants cannot be counted.
UNCOUNTABLE = frozenset({"R101", "R102", "R110", "R111"})
ANNEXE_FORMATS = (".pdf", ".jpg", ".jpeg", ".png")
SEUIL_CINQ_JOURS = 3500

#: Whether a path (relative to the current directory) is an existing file.
FileExists = Callable[[str], bool]
#: The real path of a path, symbolic links followed (``os.path.realpath``).
Resolve = Callable[[str], str]
#: A séance's diagnostics: those ``compute`` (its second argument) finds, or the ones a caller
#: kept for the same séance (``project.check`` keeps them between runs).
SeanceRules = Callable[[SeanceFiles, Callable[[], list[Diagnostic]]], list[Diagnostic]]


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum that SIREN and SIRET numbers carry."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def jours_francs(convocation: dt.date, seance: dt.date) -> int:
    """Clear days between sending and the séance: neither day counts."""
    return (seance - convocation).days - 1


def points_to_text(points: list[PointPresence]) -> str:
    """« au point 3 », « aux points 0.1 à 1.1.1, 3.2 »: runs of the order of passage."""
    runs: list[list[PointPresence]] = []
    for pt in points:
        if runs and runs[-1][-1].index + 1 == pt.index:
            runs[-1].append(pt)
        else:
            runs.append([pt])
    parts = [
        f"{run[0].point} à {run[-1].point}" if len(run) > 2 else ", ".join(p.point for p in run)
        for run in runs
    ]
    return ("au point " if len(points) == 1 else "aux points ") + ", ".join(parts)


def format_nombre(value: Decimal) -> str:
    return f"{value:,}".replace(",", " ")


def _shown(value: Decimal) -> str:
    """A number as written, shortened when it is too long to read in a message."""
    text = str(value)
    return text if len(text) <= 24 else f"{text[:20]}… ({len(text)} caractères)"


#: Significant digits a number keeps through a double (JSON readers, the CSV's consumers): a
#: table's number beyond it would be published rounded, or as « Infinity », which is not JSON.
MAX_DIGITS = 15


@dataclass
class Checker:
    project: Project
    today: dt.date
    exists: FileExists
    content: str
    resolve: Resolve

    def __post_init__(self) -> None:
        self.membres: dict[str, Membre] = {m.id: m for m in self.project.membres}
        self.out: list[Diagnostic] = []

    # ----------------------------------------------------------------- helpers

    def name(self, ident: str) -> str:
        m = self.membres.get(ident)
        return m.nom_complet if m is not None else ident

    def g(self, ident: str, masculin: str, feminin: str) -> str:
        """The form that agrees with the member's civilité."""
        m = self.membres.get(ident)
        return feminin if m is not None and m.civilite == "Mme" else masculin

    def ref(self, ident: str, loc: Loc, role: str) -> bool:
        """Report an unknown member id; True when it is known."""
        if ident in self.membres:
            return True
        close = difflib.get_close_matches(ident, list(self.membres), n=1, cutoff=0.6)
        hint = f"Vouliez-vous dire « {close[0]} » ? " if close else ""
        self.out.append(
            error(
                "R101",
                loc,
                f"{role} : membre inconnu « {ident} »",
                hint + "Les identifiants sont ceux de content/membres.yml.",
            )
        )
        return False

    def point_ref(self, point: str | None, order: Mapping[str, int], loc: Loc, what: str) -> None:
        if point is not None and point not in order:
            self.out.append(
                error(
                    "R102",
                    loc,
                    f"{what} : le point « {point} » n'est pas dans l'ordre de passage",
                    "Utilisez un numéro de « ordre_de_passage », écrit à l'identique.",
                )
            )

    # ----------------------------------------------------------------- entry

    def run(self, seance_rules: SeanceRules | None = None) -> list[Diagnostic]:
        """Every rule; a séance's own rules (``check_seance_files``: they bear on it, the
        collectivité and the members only) go through ``seance_rules`` when given."""
        self.check_collectivite(self.project.collectivite)
        self.check_membres()
        numeros: dict[str, Loc] = {}
        for files in self.project.seances:
            compute = functools.partial(self.seance_diagnostics, files)
            self.out += compute() if seance_rules is None else seance_rules(files, compute)
            for delib in files.deliberations:
                first = numeros.setdefault(delib.numero, delib.pos.of("numero"))
                if first != delib.pos.of("numero"):
                    self.out.append(
                        error(
                            "N602",
                            delib.pos.of("numero"),
                            f"le numéro « {delib.numero} » est déjà celui d'une autre "
                            f"délibération ({first})",
                            "Un numéro identifie un acte pour toujours : donnez-en un nouveau.",
                        )
                    )
        return self.out

    def seance_diagnostics(self, files: SeanceFiles) -> list[Diagnostic]:
        """What ``check_seance_files`` finds, apart from the other diagnostics."""
        start = len(self.out)
        self.check_seance_files(files)
        found = self.out[start:]
        del self.out[start:]
        return found

    def check_seance_files(self, files: SeanceFiles) -> None:
        """The rules of one séance and of its délibérations."""
        presence = self.check_seance(files.seance)
        s = files.seance
        if files.deliberations and s.date > self.today:
            self.out.append(
                error(
                    "D502",
                    s.pos.of("date"),
                    f"la séance du {s.date:%d/%m/%Y} est dans le futur : ses délibérations "
                    "ne peuvent pas être enregistrées avant d'avoir été votées",
                    "Vérifiez la date de la séance ; une séance annoncée n'a pas encore de "
                    "délibérations.",
                )
            )
        for delib in files.deliberations:
            self.check_deliberation(files, delib, presence)

    # ----------------------------------------------------------------- collectivité

    def check_collectivite(self, c: Collectivite) -> None:
        if not (len(c.siren) == 9 and luhn_ok(c.siren)):
            self.out.append(
                error(
                    "N608",
                    c.pos.of("siren"),
                    f"le SIREN « {c.siren} » n'est pas valide (9 chiffres, clé de Luhn)",
                    "Recopiez-le depuis l'avis de situation SIRENE de la collectivité.",
                )
            )
        if not (len(c.siret) == 14 and luhn_ok(c.siret)):
            self.out.append(
                error(
                    "N608",
                    c.pos.of("siret"),
                    f"le SIRET « {c.siret} » n'est pas valide (14 chiffres, clé de Luhn)",
                    "Recopiez-le depuis l'avis de situation SIRENE de la collectivité.",
                )
            )
        elif not c.siret.startswith(c.siren):
            self.out.append(
                error(
                    "N608",
                    c.pos.of("siret"),
                    f"le SIRET « {c.siret} » ne commence pas par le SIREN « {c.siren} »",
                    "Le SIRET est le SIREN suivi des 5 chiffres de l'établissement : l'un des "
                    "deux est mal recopié.",
                )
            )
        if not DEPARTEMENT.fullmatch(c.departement):
            self.out.append(
                error(
                    "N609",
                    c.pos.of("departement"),
                    f"« {c.departement} » n'est pas un code de département sur 3 caractères",
                    "Exemples : « 039 », « 02A », « 974 ».",
                )
            )
        if not 0 <= c.arrondissement <= 9:
            self.out.append(
                error(
                    "N609",
                    c.pos.of("arrondissement"),
                    f"l'arrondissement {c.arrondissement} n'a pas un seul chiffre",
                    "Donnez le numéro d'arrondissement (1 à 9) de la préfecture.",
                )
            )

    # ----------------------------------------------------------------- roster

    def check_membres(self) -> None:
        seen: dict[str, Loc] = {}
        for m in self.project.membres:
            if m.id in seen:
                self.out.append(
                    error(
                        "R112",
                        m.pos.of("id"),
                        f"l'identifiant « {m.id} » est déjà celui d'un autre membre ({seen[m.id]})",
                        "Distinguez-les, par exemple en ajoutant le deuxième prénom.",
                    )
                )
            seen.setdefault(m.id, m.pos.of("id"))
            if m.suppleant_de is not None and self.ref(
                m.suppleant_de, m.pos.of("suppleant_de"), "suppléant de"
            ):
                titulaire = self.membres[m.suppleant_de]
                if titulaire.suppleant_de is not None:
                    self.out.append(
                        error(
                            "R113",
                            m.pos.of("suppleant_de"),
                            f"« {m.suppleant_de} » est lui-même un suppléant",
                            "Un suppléant remplace un titulaire.",
                        )
                    )

    # ----------------------------------------------------------------- séance

    def check_seance(self, s: Seance) -> SeancePresence | None:
        """Check a séance; its attendance, or None when its lists are too broken to count."""
        before = len(self.out)
        order = passage_order(s.ordre_de_passage)
        for i, point in enumerate(s.ordre_de_passage):
            if order[point] != i:
                self.out.append(
                    error(
                        "R111",
                        s.pos.of("ordre_de_passage", i),
                        f"le point « {point} » figure deux fois dans l'ordre de passage",
                        "Chaque point n'est examiné qu'une fois ; retirez le doublon.",
                    )
                )
        self.ref(s.president, s.pos.of("president"), "président")
        for i, sec in enumerate(s.secretaires):
            self.ref(sec, s.pos.of("secretaires", i), "secrétaire de séance")
        self.check_lists(s, order)
        for proc in s.procurations:
            self.ref(proc.mandant, proc.pos.of("mandant"), "mandant")
            self.ref(proc.mandataire, proc.pos.of("mandataire"), "mandataire")
            self.point_ref(proc.a_partir_de, order, proc.pos.of("a_partir_de"), "pouvoir")
            self.point_ref(proc.jusqu_a, order, proc.pos.of("jusqu_a"), "pouvoir")
            self.check_span(order, proc.a_partir_de, proc.jusqu_a, proc.pos.at, "pouvoir")
        for r in s.retraits:
            self.ref(r.membre, r.pos.of("membre"), "retrait")
            for i, point in enumerate(r.points):
                self.point_ref(point, order, r.pos.of("points", i), "retrait")
        self.check_dates(s)
        broken = any(d.code in UNCOUNTABLE for d in self.out[before:])
        presence = seance_to_presence(s, self.membres)
        self.check_procurations(s, order, presence)
        self.check_suppleants(s, presence)
        self.check_quorum(s, presence)
        self.check_declare(s, presence)
        roles = [(s.president, s.pos.of("president"), "le président", "la présidente")] + [
            (sec, s.pos.of("secretaires", i), "le secrétaire de séance", "la secrétaire de séance")
            for i, sec in enumerate(s.secretaires)
        ]
        for ident, loc, masculin, feminin in roles:
            if ident in self.membres and ident not in presence.spans:
                self.out.append(
                    warning(
                        "R106",
                        loc,
                        f"{self.g(ident, masculin, feminin)}, {self.name(ident)}, n'est pas dans "
                        "la liste des présents",
                        f"Ajoutez-{self.g(ident, 'le', 'la')} à « presents » ou corrigez "
                        "l'identifiant.",
                    )
                )
        return None if broken else presence

    def check_span(
        self, order: Mapping[str, int], start: str | None, end: str | None, loc: Loc, what: str
    ) -> None:
        if start is not None and end is not None and order.get(start, -1) > order.get(end, -1) >= 0:
            self.out.append(
                error(
                    "R110",
                    loc,
                    f"{what} : « a_partir_de: {start} » vient après « jusqu_a: {end} » dans "
                    "l'ordre de passage",
                    "Vérifiez les deux bornes : elles suivent l'ordre de passage, pas l'ordre "
                    "des numéros.",
                )
            )

    def check_lists(self, s: Seance, order: Mapping[str, int]) -> None:
        listed: dict[str, tuple[str, Loc]] = {}
        last = len(s.ordre_de_passage) - 1
        spans: dict[str, list[tuple[int, int]]] = {}
        for i, p in enumerate(s.presents):
            loc = s.pos.of("presents", i)
            if not self.ref(p.membre, p.pos.of("membre"), "présent"):
                continue
            self.point_ref(p.a_partir_de, order, p.pos.of("a_partir_de"), "présence")
            self.point_ref(p.jusqu_a, order, p.pos.of("jusqu_a"), "présence")
            self.check_span(order, p.a_partir_de, p.jusqu_a, loc, "présence")
            span = bounds_to_span(order, last, p.a_partir_de, p.jusqu_a)
            for start, end in spans.get(p.membre, []):
                if span.start <= end and start <= span.end:
                    self.out.append(
                        error(
                            "R105",
                            loc,
                            f"{self.name(p.membre)} figure deux fois parmi les présents pour "
                            "les mêmes points",
                            "Un membre parti puis revenu s'inscrit deux fois avec des bornes "
                            "qui ne se recouvrent pas.",
                        )
                    )
                    break
            spans.setdefault(p.membre, []).append((span.start, span.end))
            listed.setdefault(p.membre, ("presents", loc))
        for key, idents in (("excuses", s.excuses), ("absents", s.absents)):
            for i, ident in enumerate(idents):
                loc = s.pos.of(key, i)
                if not self.ref(ident, loc, "excusé" if key == "excuses" else "absent"):
                    continue
                if ident in listed:
                    self.out.append(
                        error(
                            "R105",
                            loc,
                            f"{self.name(ident)} figure à la fois dans « {listed[ident][0]} » et "
                            f"dans « {key} »",
                            "Un membre arrivé en retard ou parti en cours de séance est présent "
                            "avec des bornes (a_partir_de, jusqu_a) ; retirez-le de l'autre "
                            "liste.",
                        )
                    )
                listed.setdefault(ident, (key, loc))
        for m in self.project.membres:
            if m.en_exercice(s.date) and m.id not in listed:
                self.out.append(
                    warning(
                        "R104",
                        s.pos.of("presents"),
                        f"{m.nom_complet}, en exercice le {s.date:%d/%m/%Y}, n'est "
                        + self.g(
                            m.id,
                            "ni présent, ni excusé, ni absent",
                            "ni présente, ni excusée, ni absente",
                        ),
                        f"Ajoutez-{self.g(m.id, 'le', 'la')} à l'une des listes « presents », "
                        "« excuses » ou « absents ».",
                    )
                )
        for ident, (key, loc) in listed.items():
            m = self.membres[ident]
            if m.suppleant_de is None and not m.en_exercice(s.date):
                self.out.append(
                    error(
                        "R108",
                        loc,
                        f"{m.nom_complet} figure dans « {key} » mais n'est pas en exercice le "
                        f"{s.date:%d/%m/%Y}",
                        "Vérifiez « debut_mandat » et « fin_mandat » dans content/membres.yml.",
                    )
                )

    def check_dates(self, s: Seance) -> None:
        delai = 5 if self.project.collectivite.population >= SEUIL_CINQ_JOURS else 3
        francs = jours_francs(s.convocation, s.date)
        if francs < delai:
            self.out.append(
                error(
                    "D501",
                    s.pos.of("convocation"),
                    f"convocation du {s.convocation:%d/%m/%Y} pour une séance le "
                    f"{s.date:%d/%m/%Y} : {max(francs, 0)} jour(s) franc(s), la loi en demande "
                    f"{delai} (L2121-12)",
                    "Corrigez la date, ou, en cas d'urgence, le délai peut être abrégé sans "
                    "être inférieur à un jour franc (L2121-12) : mentionnez-le dans le texte.",
                )
            )
        if s.ouverture is not None and s.cloture is not None and s.cloture < s.ouverture:
            self.out.append(
                warning(
                    "D506",
                    s.pos.of("cloture"),
                    f"la séance est levée à {s.cloture:%H:%M}, avant son ouverture à "
                    f"{s.ouverture:%H:%M}",
                    "Vérifiez les heures (une séance qui finit après minuit reste possible).",
                )
            )
        if (
            s.quorum_non_atteint_le is not None
            and jours_francs(s.quorum_non_atteint_le, s.date) < 2
        ):
            self.out.append(
                error(
                    "Q402",
                    s.pos.of("quorum_non_atteint_le"),
                    "sans quorum, le conseil est de nouveau convoqué à trois jours au moins "
                    f"d'intervalle (L2121-17) : {s.quorum_non_atteint_le:%d/%m/%Y} puis "
                    f"{s.date:%d/%m/%Y}",
                    "Vérifiez la date de la première séance.",
                )
            )

    def check_procurations(self, s: Seance, order: Mapping[str, int], p: SeancePresence) -> None:
        last = len(s.ordre_de_passage) - 1
        spans = [
            bounds_to_span(order, last, proc.a_partir_de, proc.jusqu_a) for proc in s.procurations
        ]
        for i, proc in enumerate(s.procurations):
            span = spans[i]
            bornes = bornes_to_text(proc.a_partir_de, proc.jusqu_a)
            suffix = f" ({bornes})" if bornes else ""
            if proc.mandant == proc.mandataire:
                self.out.append(
                    error(
                        "P205",
                        proc.pos.at,
                        f"{self.name(proc.mandant)} se donne pouvoir à "
                        f"{self.g(proc.mandant, 'lui-même', 'elle-même')}",
                        "Corrigez le mandataire.",
                    )
                )
                continue
            for j in range(i):
                other, other_span = s.procurations[j], spans[j]
                overlap = span.start <= other_span.end and other_span.start <= span.end
                if not overlap:
                    continue
                if other.mandataire == proc.mandataire:
                    self.out.append(
                        error(
                            "P201",
                            proc.pos.of("mandataire"),
                            f"{self.name(proc.mandataire)} détient deux pouvoirs pour les mêmes "
                            f"points (de {self.name(other.mandant)} et de "
                            f"{self.name(proc.mandant)})",
                            "Un membre ne peut détenir qu'un seul pouvoir (L2121-20) : confiez "
                            "l'un des deux à un autre membre, ou bornez-les.",
                        )
                    )
                if other.mandant == proc.mandant:
                    self.out.append(
                        error(
                            "P204",
                            proc.pos.of("mandant"),
                            f"{self.name(proc.mandant)} donne deux pouvoirs pour les mêmes points",
                            "Gardez un seul pouvoir, ou bornez-les.",
                        )
                    )
            covered = [pt for pt in p.points if pt.index in span]
            if (
                proc.mandant in self.membres
                and covered
                and all(proc.mandant in pt.presents or proc.mandant in pt.retires for pt in covered)
            ):
                self.out.append(
                    error(
                        "P203",
                        proc.pos.of("mandant"),
                        f"pouvoir de {self.name(proc.mandant)}{suffix} alors qu"
                        + self.g(proc.mandant, "'il est présent", "'elle est présente")
                        + " "
                        "à tous les points concernés",
                        "Un membre présent vote lui-même : retirez ce pouvoir, ou bornez-le aux "
                        "points où il était absent.",
                    )
                )
            elif (
                proc.mandataire in self.membres
                and covered
                and all(proc.mandataire not in pt.presents for pt in covered)
            ):
                self.out.append(
                    error(
                        "P202",
                        proc.pos.of("mandataire"),
                        f"pouvoir confié à {self.name(proc.mandataire)}{suffix}, qui est "
                        f"{self.g(proc.mandataire, 'absent', 'absente')} à tous les points "
                        "concernés",
                        "Un pouvoir ne s'exerce que si son détenteur est présent : corrigez le "
                        "mandataire ou ses bornes de présence.",
                    )
                )
            elif lost := [
                pt
                for pt in covered
                if any(
                    lapse.procuration is proc and lapse.reason == "le mandataire est absent"
                    for lapse in pt.lapses
                )
            ]:
                self.out.append(
                    warning(
                        "P206",
                        proc.pos.of("mandataire"),
                        f"le pouvoir de {self.name(proc.mandant)} à "
                        f"{self.name(proc.mandataire)} n'a pas pu être exercé "
                        f"{points_to_text(lost)} : "
                        f"{self.g(proc.mandataire, 'son détenteur', 'sa détentrice')} "
                        f"n'était pas {self.g(proc.mandataire, 'présent', 'présente')}",
                        "Si le document le dit ainsi, rien à corriger : ces voix ont manqué ; "
                        "sinon vérifiez les bornes de présence du mandataire.",
                    )
                )

    def check_suppleants(self, s: Seance, p: SeancePresence) -> None:
        given = {proc.mandant for proc in s.procurations}
        for i, presence in enumerate(s.presents):
            m = self.membres.get(presence.membre)
            if m is None or m.suppleant_de is None:
                continue
            titulaire = m.suppleant_de
            both = [pt.point for pt in p.points if m.id in pt.presents and titulaire in pt.presents]
            if both:
                self.out.append(
                    error(
                        "R107",
                        s.pos.of("presents", i),
                        f"{m.nom_complet}, {self.g(m.id, 'suppléant', 'suppléante')} de "
                        f"{self.name(titulaire)}, siège alors que son titulaire est présent "
                        f"(point {both[0]})",
                        "Le suppléant ne siège qu'en l'absence du titulaire : bornez leurs "
                        "présences.",
                    )
                )
            elif titulaire in given:
                self.out.append(
                    error(
                        "R107",
                        s.pos.of("presents", i),
                        f"{m.nom_complet}, {self.g(m.id, 'suppléant', 'suppléante')} de "
                        f"{self.name(titulaire)}, siège alors que son titulaire a donné pouvoir",
                        "Le titulaire absent est remplacé par son suppléant ou donne pouvoir, "
                        "pas les deux.",
                    )
                )

    def check_quorum(self, s: Seance, p: SeancePresence) -> None:
        if s.quorum_non_atteint_le is not None:
            return
        for pt in p.points:
            if not pt.quorum_atteint:
                self.out.append(
                    error(
                        "Q401",
                        s.pos.of("ordre_de_passage", pt.index),
                        f"quorum non atteint au point {pt.point} : {len(pt.presents)} présents "
                        f"pour {pt.en_exercice} membres en exercice (il en faut {pt.quorum}, "
                        "les pouvoirs ne comptent pas)",
                        "Vérifiez les présences ; si le quorum manquait vraiment, la séance "
                        "doit être reconvoquée (indiquez alors « quorum_non_atteint_le »).",
                    )
                )
                return

    def check_declare(self, s: Seance, p: SeancePresence) -> None:
        d = s.declare
        if d is None or not p.points:
            return
        first = p.points[0]
        computed = {
            "en_exercice": first.en_exercice,
            "presents": len(first.presents),
            "procurations": len(first.procurations),
            "votants": first.votants,
        }
        labels = {
            "en_exercice": "membres en exercice",
            "presents": "présents",
            "procurations": "procurations",
            "votants": "votants",
        }
        for key, value in computed.items():
            declared = getattr(d, key)
            if declared is not None and declared != value:
                self.out.append(
                    warning(
                        "X801",
                        d.pos.of(key),
                        f"le document annonce {declared} {labels[key]}, les listes en donnent "
                        f"{value} (à l'ouverture, point {first.point})",
                        "Vérifiez les listes de la séance, ou le chiffre imprimé.",
                    )
                )

    # ----------------------------------------------------------------- délibération

    def check_deliberation(
        self, files: SeanceFiles, d: Deliberation, presence: SeancePresence | None
    ) -> None:
        s = files.seance
        self.check_identifiers(s, d)
        if d.rapporteur is not None:
            self.ref(d.rapporteur, d.pos.of("rapporteur"), "rapporteur")
        # R114 (passages to occult found, whatever their spacing), R115 (words too long), R116
        # (text of registre new's template left)
        self.out.extend(text_diagnostics(d))
        for t in d.tableaux:
            self.check_tableau(t)
        for a in d.annexes:
            self.check_annexe(d, a.fichier, a.pos.of("fichier"))
        for loc, when, what in (
            (
                d.prefecture.pos.of("date_reception") if d.prefecture else d.pos.at,
                d.prefecture.date_reception if d.prefecture else None,
                "la réception en préfecture",
            ),
            (d.pos.of("publication"), d.publication, "la publication"),
        ):
            if when is not None and when < s.date:
                self.out.append(
                    error(
                        "D503",
                        loc,
                        f"{what} ({when:%d/%m/%Y}) précède la séance du {s.date:%d/%m/%Y}",
                        "Vérifiez la date.",
                    )
                )
            elif when is not None and when > self.today:
                self.out.append(
                    error(
                        "D504",
                        loc,
                        f"la date de {what} ({when:%d/%m/%Y}) est dans le futur",
                        "N'inscrivez une date qu'une fois l'événement survenu.",
                    )
                )
        if d.point not in s.ordre_de_passage:
            self.out.append(
                error(
                    "R103",
                    d.pos.of("point"),
                    f"le point « {d.point} » n'est pas dans l'ordre de passage de la séance",
                    f"Ajoutez-le à « ordre_de_passage » dans {s.pos.at.file}, ou corrigez le "
                    "numéro du point.",
                )
            )
            return
        if presence is None:
            return  # the séance's lists are wrong: its errors come first, votes cannot be counted
        point = presence.at(d.point)
        assert point is not None
        self.check_vote(s, d, presence, point)

    def check_identifiers(self, s: Seance, d: Deliberation) -> None:
        if not NUMERO_ACTES.fullmatch(d.numero):
            self.out.append(
                error(
                    "N601",
                    d.pos.of("numero"),
                    f"le numéro « {d.numero} » n'est pas accepté par @CTES",
                    "De 2 à 15 caractères : majuscules sans accent, chiffres et « _ » (ni "
                    "tiret, ni point, ni espace), sans « _ » au début ni à la fin ; exemple "
                    "« 2024_014 ».",
                )
            )
        if len(d.objet) > OBJET_MAX or "\n" in d.objet.strip():
            self.out.append(
                error(
                    "N604",
                    d.pos.of("objet"),
                    f"l'objet fait {len(d.objet)} caractères sur "
                    f"{d.objet.strip().count(chr(10)) + 1} ligne(s) ; @CTES en accepte "
                    f"{OBJET_MAX} sur une seule ligne",
                    "Raccourcissez l'objet ; le détail va dans le texte.",
                )
            )
        if not MATIERE.fullmatch(d.matiere):
            self.out.append(
                error(
                    "N605",
                    d.pos.of("matiere"),
                    f"le code matière « {d.matiere} » n'a pas la forme « 7.1 » (deux niveaux "
                    "au moins)",
                    "Choisissez-le dans la nomenclature @CTES de votre préfecture.",
                )
            )
        if not 1 <= d.nature <= 6:
            self.out.append(
                error(
                    "N606",
                    d.pos.of("nature"),
                    f"la nature d'acte {d.nature} n'existe pas",
                    "1 délibérations, 2 actes réglementaires, 3 actes individuels, 4 contrats et "
                    "conventions, 5 documents budgétaires, 6 autres.",
                )
            )
        if d.prefecture is not None:
            c = self.project.collectivite
            expected = f"{c.departement}-{c.siren}-{s.date:%Y%m%d}-{d.numero}-"
            if not d.prefecture.identifiant.startswith(expected):
                self.out.append(
                    warning(
                        "N607",
                        d.prefecture.pos.of("identifiant"),
                        f"l'identifiant @CTES « {d.prefecture.identifiant} » ne correspond pas "
                        f"à cet acte (attendu « {expected}… »)",
                        "Recopiez-le depuis l'accusé de réception de cette délibération.",
                    )
                )

    def check_tableau(self, t: Tableau) -> None:
        width = len(t.colonnes)
        for key, rows in (("lignes", t.lignes), ("totaux", t.totaux)):
            for i, row in enumerate(rows):
                if len(row) != width:
                    self.out.append(
                        error(
                            "B702",
                            t.pos.of(key, i),
                            f"cette ligne a {len(row)} cellules pour {width} colonnes",
                            'Ajoutez "" pour une cellule vide, ou corrigez « colonnes ».',
                        )
                    )
                    return
        too_long = set()
        for key, rows in (("lignes", t.lignes), ("totaux", t.totaux)):
            for i, row in enumerate(rows):
                for col, cell in enumerate(row):
                    if isinstance(cell, Decimal) and len(cell.as_tuple().digits) > MAX_DIGITS:
                        too_long.add(col)
                        self.out.append(
                            error(
                                "B703",
                                t.pos.of(key, i),
                                f"colonne « {t.colonnes[col]} » : le nombre {_shown(cell)} "
                                f"a plus de {MAX_DIGITS} chiffres, que les données ouvertes "
                                "(JSON, CSV) ne peuvent pas représenter exactement",
                                "Vérifiez la valeur : un montant en euros a au plus 13 chiffres "
                                "avant la virgule et 2 après.",
                            )
                        )
        for i, total in enumerate(t.totaux):
            for col, cell in enumerate(total):
                # a column with a number too long is reported above: its sum would be rounded
                if not isinstance(cell, Decimal) or col in too_long:
                    continue
                cells = [row[col] for row in t.lignes]
                somme = sum((c for c in cells if isinstance(c, Decimal)), Decimal(0))
                if somme != cell:
                    self.out.append(
                        error(
                            "B701",
                            t.pos.of("totaux", i),
                            f"colonne « {t.colonnes[col]} » : le total indique "
                            f"{format_nombre(cell)}, la somme des lignes fait "
                            f"{format_nombre(somme)}",
                            "Corrigez le total ou les lignes.",
                        )
                    )

    def check_annexe(self, d: Deliberation, fichier: str, loc: Loc) -> None:
        base = posixpath.dirname(d.pos.at.file)
        target = posixpath.normpath(posixpath.join(base, fichier))
        root = posixpath.normpath(self.content)
        # "." as content/ gives targets without a "./" prefix: compare below the root
        outside = (
            posixpath.isabs(fichier)
            or (root != "." and not target.startswith(root + "/"))
            or target.startswith("../")
            or target == ".."
        )
        # a symbolic link inside content/ is followed, and must stay inside too
        real_root = self.resolve(root)
        link_out = not outside and not self.resolve(target).startswith(real_root + "/")
        if outside or link_out:
            self.out.append(
                error(
                    "R109",
                    loc,
                    f"l'annexe « {fichier} » "
                    + ("est un lien qui sort" if link_out else "sort")
                    + " du dossier content/",
                    "Placez l'annexe elle-même (pas un lien vers un autre dossier) dans le "
                    "dossier de la séance et donnez son chemin relatif."
                    if link_out
                    else "Placez l'annexe dans le dossier de la séance et donnez son chemin "
                    "relatif.",
                )
            )
        elif not fichier.lower().endswith(ANNEXE_FORMATS):
            self.out.append(
                error(
                    "R109",
                    loc,
                    f"l'annexe « {fichier} » n'est ni un PDF, ni une image JPG ou PNG",
                    "@CTES n'accepte que ces formats : convertissez-la en PDF.",
                )
            )
        elif not self.exists(target):
            self.out.append(
                error(
                    "R109",
                    loc,
                    f"l'annexe « {fichier} » est introuvable",
                    f"Le chemin est relatif au dossier {base}/ ; vérifiez le nom du fichier.",
                )
            )

    def check_vote(
        self, s: Seance, d: Deliberation, presence: SeancePresence, point: PointPresence
    ) -> None:
        vote = d.vote
        loc = d.pos.of("vote")
        incomplete_roll_call = self.check_names(d, point)
        if (
            vote.pour is None
            and not vote.unanimite
            and not vote.candidats
            and not (vote.noms and vote.noms.pour)
        ):
            self.out.append(
                error(
                    "V309",
                    loc,
                    "le nombre de voix pour manque",
                    "Indiquez « pour: N », ou « unanimite: true », ou les noms en « noms.pour ».",
                )
            )
            return
        figures = vote_to_figures(vote, point.votants)
        counts_from_names = vote.pour is None and vote.contre is None and vote.abstention is None
        if figures.total != point.votants and not (incomplete_roll_call and counts_from_names):
            detail = (
                f"pour {figures.pour}, contre {figures.contre}, abstention {figures.abstention}, "
                f"NPPV {figures.nppv}"
            )
            if figures.blancs_nuls:
                detail += f", blancs et nuls {figures.blancs_nuls}"
            if figures.voix_candidats:
                detail += f", voix des candidats {figures.voix_candidats}"
            self.out.append(
                error(
                    "V301",
                    loc,
                    f"point {d.point} : le vote compte {figures.total} voix ({detail}) mais "
                    f"{point.votants} membres pouvaient voter : {len(point.presents)} présents "
                    f"et {len(point.procurations)} pouvoirs exercés",
                    "\n".join(explain_point(s, presence, point, self.membres))
                    + "\nCorrigez les chiffres du vote, ou les présences et pouvoirs de la "
                    "séance.",
                )
            )
        if vote.votants is not None and vote.votants != point.votants:
            self.out.append(
                error(
                    "V306",
                    d.pos.of("vote"),
                    f"point {d.point} : {vote.votants} votants annoncés, {point.votants} calculés "
                    f"({len(point.presents)} présents et {len(point.procurations)} pouvoirs "
                    "exercés)",
                    "\n".join(explain_point(s, presence, point, self.membres)),
                )
            )
        if vote.unanimite and figures.contre:
            self.out.append(
                error(
                    "V307",
                    loc,
                    f"« unanimité » avec {figures.contre} voix contre",
                    "Retirez « unanimite: true » ou corrigez le nombre de voix contre.",
                )
            )
        self.check_resultat(d, figures_to_resultat(vote, figures), figures.pour, figures.contre)

    def check_names(self, d: Deliberation, point: PointPresence) -> bool:
        """Check the names given per choice; True when a roll call misses some votants."""
        vote = d.vote
        noms = vote.noms
        if noms is None:
            if vote.scrutin == "appel_nominal":
                self.out.append(
                    error(
                        "V304",
                        d.pos.of("vote"),
                        "vote par appel nominal sans les noms des votants",
                        "Le registre porte le vote de chacun : remplissez « noms ».",
                    )
                )
            return vote.scrutin == "appel_nominal"
        voters = point.voters()
        counted: Counter[str] = Counter()
        for choice in ("pour", "contre", "abstention", "nppv"):
            idents: tuple[str, ...] = getattr(noms, choice)
            for i, ident in enumerate(idents):
                where = noms.pos.of(choice, i)
                if not self.ref(ident, where, f"vote {choice}"):
                    continue
                counted[ident] += 1
                if counted[ident] == 2:
                    self.out.append(
                        error(
                            "V303",
                            where,
                            f"{self.name(ident)} est nommé deux fois dans le vote",
                            "Chaque votant a une voix (et une de plus par pouvoir, nommée par "
                            "l'identifiant du mandant).",
                        )
                    )
                if ident in point.retires:
                    self.out.append(
                        error(
                            "V302",
                            where,
                            f"{self.name(ident)} s'est {self.g(ident, 'retiré', 'retirée')} pour "
                            f"le point {point.point} et ne peut pas y voter",
                            f"Retirez-{self.g(ident, 'le', 'la')} des noms, ou de « retraits » "
                            "dans la séance.",
                        )
                    )
                elif ident not in voters:
                    self.out.append(
                        error(
                            "V302",
                            where,
                            f"{self.name(ident)} n'est ni {self.g(ident, 'présent', 'présente')} "
                            f"ni {self.g(ident, 'représenté', 'représentée')} au point "
                            f"{point.point}",
                            "Seuls les présents et les mandants dont le pouvoir est exercé "
                            "votent ; vérifiez la liste des présents et les bornes.",
                        )
                    )
            declared = getattr(vote, choice)
            if idents and declared is not None and declared != len(idents):
                self.out.append(
                    error(
                        "V304",
                        noms.pos.of(choice),
                        f"« {choice} » vaut {declared} mais {len(idents)} noms sont donnés",
                        "Le nombre et la liste des noms doivent concorder.",
                    )
                )
        missing = sorted(voters - set(counted)) if vote.scrutin == "appel_nominal" else []
        if missing:
            self.out.append(
                error(
                    "V304",
                    noms.pos.at,
                    "vote par appel nominal : il manque le vote de "
                    + ", ".join(self.name(m) for m in missing),
                    "Chaque votant (et chaque pouvoir, par l'identifiant du mandant) "
                    "figure dans l'un des choix.",
                )
            )
        return bool(missing)

    def check_resultat(self, d: Deliberation, computed: str | None, pour: int, contre: int) -> None:
        vote = d.vote
        if vote.voix_preponderante and vote.scrutin == "secret":
            self.out.append(
                error(
                    "V305",
                    vote.pos.of("voix_preponderante"),
                    "voix prépondérante invoquée dans un scrutin secret",
                    "En scrutin secret, le partage égal des voix vaut rejet : la voix du "
                    "président n'est pas prépondérante (L2121-20).",
                )
            )
            return
        if vote.voix_preponderante and pour != contre:
            self.out.append(
                error(
                    "V305",
                    vote.pos.of("voix_preponderante"),
                    f"voix prépondérante invoquée sans partage égal des voix (pour {pour}, "
                    f"contre {contre})",
                    "La voix du président ne départage qu'un vote public à égalité (L2121-20) : "
                    "retirez « voix_preponderante ».",
                )
            )
            return
        if vote.voix_preponderante and vote.resultat is None:
            self.out.append(
                error(
                    "V305",
                    d.pos.of("vote"),
                    "partage égal des voix tranché par la voix prépondérante : le résultat "
                    "n'est pas indiqué",
                    "Ajoutez « resultat: adopte » ou « resultat: rejete » selon le vote du "
                    "président.",
                )
            )
            return
        if vote.resultat is not None and computed is not None and vote.resultat != computed:
            self.out.append(
                error(
                    "V305",
                    vote.pos.of("resultat"),
                    f"résultat « {vote.resultat} » incohérent avec les voix (pour {pour}, contre "
                    f"{contre}) : la délibération est "
                    f"{'adoptée' if computed == 'adopte' else 'rejetée'} à la majorité absolue "
                    "des suffrages exprimés",
                    "Corrigez le résultat ou les chiffres ; en cas d'égalité en vote public, "
                    "indiquez « voix_preponderante: true ».",
                )
            )


def check_project(
    project: Project,
    today: dt.date,
    exists: FileExists,
    content: str,
    resolve: Resolve,
    seance_rules: SeanceRules | None = None,
) -> list[Diagnostic]:
    """Every rule over a loaded project; ``content`` is the folder annexes must stay in; a
    séance's own diagnostics go through ``seance_rules`` when given (``Checker.run``)."""
    return Checker(project, today, exists, content, resolve).run(seance_rules)
