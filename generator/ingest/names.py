"""People named in a document: civilités, first names, SURNAMES, wrapped and hyphenated (pure).

Lists of members are written in many ways (commas, semicolons, dashes, « et », one a line,
grouped by commune); rather than splitting on separators, the *mentions* of people are found
(an optional civilité, first names or initials, then a surname in capitals) and whatever stands
between two mentions says how they relate (« a donné procuration à », « , »). Parentheses
(« (à partir du 1.1.3) », « (pouvoir à M. X) ») are taken out first and attached to the mention
they follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.ingest.numbers import fold

_UP = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_LOW = "a-zàâäçéèêëîïôöùûüÿæœñ"
CIVILITE = (
    r"(?:Monsieur|Madame|Mademoiselle|monsieur|madame|MONSIEUR|MADAME|Mesdames|Messieurs|"
    r"M\.\s*MMES|MMES|Mmes|MM\.?"
    r"|Mme\.?|Mlle\.?|Melle|Mr\.?|M\.)"
)
_PRENOM = (
    rf"(?:[{_UP}][{_LOW}'’]+(?:-[{_UP}][{_LOW}'’]+)*"
    rf"|(?!M\.\s+[{_UP}][{_LOW}])[{_UP}]\.(?:\s?-?[{_UP}]\.)*)"
)
_NOM = rf"(?:(?:[{_UP}][{_UP}'’]+(?:-[{_UP}'’]+)*|Mc|Mac|[dD]'[{_UP}][{_UP}'’]+)(?=[\s,;.)]|$))"
_NOM_RUN = rf"{_NOM}(?:[ \t]+(?:{_NOM}|[{_UP}]{{1,2}}(?=[\s,;]|$)))*"
MENTION = re.compile(
    rf"(?:(?P<civ>{CIVILITE})\s+)?"
    rf"(?:(?P<prenom>{_PRENOM}(?:[ \t]+{_PRENOM}){{0,2}})\s+(?P<nom>{_NOM_RUN})"
    rf"|(?P<nomseul>{_NOM_RUN}(?:[ \t]+{_PRENOM})?)"
    rf"|(?P<pcap>{_PRENOM})\s+(?P<ncap>[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)*)"
    rf"|(?P<civnom>[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)*))"
)
_PAREN = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)")


@dataclass(frozen=True)
class Mention:
    """A person as written: ``civilite`` normalised to « M. »/« Mme » when known."""

    civilite: str | None
    prenom: str
    nom: str
    start: int
    end: int
    notes: tuple[str, ...] = ()
    commune: str | None = None

    @property
    def label(self) -> str:
        parts = [p for p in (self.civilite, self.prenom, self.nom) if p]
        return " ".join(parts)


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: a line ending with a hyphen continues the word on the next one."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out.endswith("\xad"):  # a soft hyphen: the word goes on
            out = out[:-1] + line
        elif out.endswith("-") and not out.endswith(" -") and line[:1].isalpha():
            out += line
        elif out:
            out += " " + line
        else:
            out = line
    return out


def _civilite(raw: str | None) -> str | None:
    if raw is None:
        return None
    f = fold(raw).replace(" ", "")
    if f.startswith(("mme", "madame", "mlle", "melle", "mademoiselle", "mmes", "mesdames")):
        return "Mme"
    if f.startswith(("m.mmes", "mm")):
        return None
    return "M."


_NOT_NAMES = {
    "ordre",
    "vote",
    "pour",
    "contre",
    "abstention",
    "abstentions",
    "rapporteur",
    "objet",
    "le",
    "la",
    "les",
    "et",
    "ou",
    "de",
    "du",
    "des",
    "conseil",
    "municipal",
    "maire",
    "adjoint",
    "adjointe",
    "president",
    "presidente",
    "conseiller",
    "conseillere",
    "secretaire",
    "directeur",
    "directrice",
    "prefet",
    # civilités in capitals (« M. MMES Virginie PORCHER, … »), never a surname
    "mmes",
    "mme",
    "mm",
    "mlle",
}


def find_mentions(text: str) -> list[Mention]:
    """Every person named in ``text`` (one block: a list of members, a pouvoir…)."""
    notes: list[tuple[int, str]] = []
    chars = list(text)
    for m in _PAREN.finditer(text):
        notes.append((m.start(), m.group(1).strip()))
        for i in range(m.start(), m.end()):
            chars[i] = " "
    clean = "".join(chars)
    mentions: list[Mention] = []
    for m in MENTION.finditer(clean):
        civ = m.group("civ")
        if m.group("prenom"):
            prenom, nom = m.group("prenom"), m.group("nom")
        elif m.group("nomseul"):
            if civ is None:
                # a bare run of capitals: a surname only if it looks like one (2+ letters)
                words = m.group("nomseul").split()
                if len(words) > 1 and not words[-1].isupper():
                    prenom, nom = words[-1], " ".join(words[:-1])  # « DUPONT Marie »
                else:
                    continue
            else:
                words = m.group("nomseul").split()
                if len(words) > 1 and not words[-1].isupper():
                    prenom, nom = words[-1], " ".join(words[:-1])
                else:
                    prenom, nom = "", m.group("nomseul")
        elif civ is not None and m.group("pcap"):
            prenom, nom = m.group("pcap"), m.group("ncap")
        elif civ is not None:  # « Monsieur Leroux siège à nouveau »
            prenom, nom = "", m.group("civnom")
        else:
            continue
        nom = nom.strip()
        if len(nom.replace(" ", "")) < 2 or fold(nom) in _NOT_NAMES:
            continue
        if prenom and fold(prenom) in _NOT_NAMES:
            prenom = ""
        floor = mentions[-1].end if mentions else 0
        before = clean[max(floor, m.start() - 60) : m.start()]
        commune = None
        cm = re.search(rf"(?:^|[\s,;])([{_UP}][\w'’-]*(?:[ -][\w'’-]+){{0,4}})\s*:\s*$", before)
        if cm and not re.search(
            r"(?i)pr[ée]sents?|absents?|excus|pouvoir|mandat|titulaire|"
            r"suppl[ée]ant|secr[ée]taire|procuration",
            cm.group(1),
        ):
            commune = cm.group(1)
        mentions.append(
            Mention(_civilite(civ), prenom.strip(), nom, m.start(), m.end(), commune=commune)
        )
    # attach parenthetical notes to the mention they follow
    result: list[Mention] = []
    for i, mention in enumerate(mentions):
        nxt = mentions[i + 1].start if i + 1 < len(mentions) else len(text) + 1
        own = tuple(n for pos, n in notes if mention.end <= pos < nxt)
        result.append(
            Mention(
                mention.civilite,
                mention.prenom,
                mention.nom,
                mention.start,
                mention.end,
                own,
                mention.commune,
            )
        )
    return result


def key(nom: str) -> str:
    """A surname reduced for comparison: folded, letters only."""
    return re.sub(r"[^a-z]", "", fold(nom))


def initials(prenom: str) -> str:
    return "".join(p[0] for p in re.split(r"[\s.\-]+", fold(prenom)) if p)


def same_person(a: Mention, b: Mention) -> bool:
    """Same surname and compatible first names (« E. ALAUZET » is « Éric ALAUZET »)."""
    if key(a.nom) != key(b.nom):
        return False
    if not a.prenom or not b.prenom:
        return True
    fa, fb = fold(a.prenom).replace(" ", "-"), fold(b.prenom).replace(" ", "-")
    if "." in a.prenom or "." in b.prenom or len(a.prenom) <= 2 or len(b.prenom) <= 2:
        return initials(a.prenom) == initials(b.prenom) or (
            initials(a.prenom)[:1] == initials(b.prenom)[:1]
            and (len(initials(a.prenom)) == 1 or len(initials(b.prenom)) == 1)
        )
    return fa == fb


def slug(mention: Mention) -> str:
    """A member id in the project's style: « dupont-marie »."""
    parts = [mention.nom, mention.prenom]
    text = "-".join(p for p in parts if p)
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
