"""Who was there: présents, pouvoirs, excusés, absents, and their bounds (pure).

The head of a document is cut into blocks by their headings (« Étaient présents », « Absents
ayant donné procuration », « Pouvoirs », « Excusés », « Absents », « Mandants » / « Mandataires »),
whatever their case or punctuation; each block is read as a list of mentions (names.py).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from generator.ingest.names import Mention, find_mentions, join_lines, same_person
from generator.ingest.numbers import fold, replace_number_words

REF = r"(\d+(?:[.\-/]\d+)*(?:\s?-\s?[a-z]\b)?)"


@dataclass(frozen=True)
class Bounds:
    a_partir_de: str | None = None
    jusqu_a: str | None = None


@dataclass(frozen=True)
class Attendee:
    mention: Mention
    bounds: Bounds = Bounds()
    suppleant_de: Mention | None = None
    absent_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pouvoir:
    mandant: Mention
    mandataire: Mention | None
    bounds: Bounds = Bounds()
    mandataire_bounds: Bounds = Bounds()


@dataclass(frozen=True)
class Event:
    """An arrival or a departure in the course of the séance, effective at ``point``."""

    kind: str  # "arrivee" | "depart" | "retrait" (out of the room for this item only)
    mention: Mention
    point: str
    pouvoir_a: Mention | None = None


@dataclass(frozen=True)
class Range:
    """Figures printed for a range of items: « Questions 11 à 17 : 31 présents, 2
    procurations, 33 votants » (``last`` None: « à la fin »)."""

    first: int
    last: int | None
    presents_n: int | None
    procurations_n: int | None
    votants_n: int | None
    absents_n: int | None

    def holds(self, point: str) -> bool:
        m = re.match(r"\d+", point)
        return m is not None and self.first <= int(m.group()) <= (self.last or 10**9)


@dataclass
class Attendance:
    presents: list[Attendee] = field(default_factory=list)
    pouvoirs: list[Pouvoir] = field(default_factory=list)
    excuses: list[Mention] = field(default_factory=list)
    absents: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    #: « Absents pour ce point » : at the séance, but not for the item this document is about.
    absents_point: list[Attendee] = field(default_factory=list)
    #: « Se sont retirés (et n'ont pas pris part…) » : in the room's list, out for this item.
    retires: list[Mention] = field(default_factory=list)
    en_exercice: int | None = None
    presents_n: int | None = None
    procurations_n: int | None = None
    absents_n: int | None = None
    votants_n: int | None = None
    listed_counts: dict[str, int] = field(default_factory=dict)
    ordre: list[str] = field(default_factory=list)
    found: bool = False
    ranges: list[Range] = field(default_factory=list)
    #: the maire, when the head names him or her (« présidence de Madame X, maire »)
    maire: Mention | None = None

    def range_of(self, point: str) -> Range | None:
        return next((r for r in self.ranges if r.holds(point)), None)


_NOT_DIGIT = r"(?!\s*\d)"
HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    ("mandants", re.compile(r"\bmandants\s*:")),
    ("mandataires", re.compile(r"\bmandataires\s*:")),
    ("en_cours", re.compile(r"\babsents? en cours de seance\s*:?")),
    (
        "absents_point",
        re.compile(
            r"\babsents? (?:pour|a|lors de|durant) (?:ce point|cette (?:deliberation|question|"
            r"affaire)|ce dossier|ce rapport)(?:\s*\(\d+\))?\s*:"
        ),
    ),
    (
        "retires",
        re.compile(
            r"\b(?:se sont|s'est|s'etant) retire(?:e|s|es)?\b[^:\n]{0,90}?(?:\(\d+\))?\s*:"
            + _NOT_DIGIT
        ),
    ),
    (
        "pouvoirs",
        re.compile(
            r"(?:\b(?:absents?|excuses?|etai(?:en)?t absents?)\b[^:\n.]{0,50}?"
            r"(?:procurations?|pouvoirs?|representes?)\b(?:\s*a\b)?[^:\n]{0,70}?"
            r"(?:\n[^:\n]{0,70}?)?(?:\(\d+\)\s*)?:"
            r"|^\s*absents? representes?\s*$"
            r"|^\s*(?:pouvoirs?|procurations?)(?: de vote)?\s*:" + _NOT_DIGIT + ")",
            re.M,
        ),
    ),
    (
        "presents",
        re.compile(
            r"(?:\b(?:etaient|etait|sont|membres|conseillers?)\s+presents?(?:\s*\(\d+\))?\s*:"
            + _NOT_DIGIT
            + r"|^\s*(?:etaient\s+)?presents?(?:\s*\(\d+\))?\s*:"
            + _NOT_DIGIT
            + r"|^\s*etaient presents\s*$)",
            re.M,
        ),
    ),
    (
        "excuses",
        re.compile(
            r"(?:^|\b)(?:etai(?:en)?t\s+)?(?:absents?\s+)?excuses?(?:\s*\(\d+\))?\s*:" + _NOT_DIGIT,
            re.M,
        ),
    ),
    (
        "absents",
        re.compile(
            r"(?:^|\b)(?:etai(?:en)?t\s+)?absents?(?: et absent\(s\) excuse\(s\))?"
            r"(?:\s*\(\d+\))?\s*\.?\s*:" + _NOT_DIGIT + r"|^\s*absents\s*$",
            re.M,
        ),
    ),
    (
        "stop",
        re.compile(
            r"secretaire(?: de seance)?\s*:|\ba ete (?:elue?|designee?) secretaire|"
            r"^\s*(?:questions?|points?|dossiers?)\s+\d+\s+a\s+(?:\d+|la fin)|"
            r"^\s*soit \d+ presents|"
            r"^\s*(?:rapporteur|objet|ordre du jour|deliberation n|rapport n|expose|"
            r"le quorum)|^\s*[a-z]{2,6}[-_ ]?\d[\w./-]*\s*$",
            re.M,
        ),
    ),
]

_PROSE_OK = {
    "a",
    "à",
    "donne",
    "donné",
    "a donné",
    "procuration",
    "pouvoir",
    "de",
    "du",
    "des",
    "la",
    "le",
    "et",
    "au",
    "aux",
    "ayant",
    "pour",
    "jusqu'au",
    "partir",
    "en",
    "ou",
}


def _is_prose(line: str) -> bool:
    """A sentence rather than a list of names: many lowercase words (outside parentheses:
    « Thomas GIRARD (parti après le point 4, arrivé au point 3). » is a name and its note)."""
    words = re.findall(r"[^\W\d_][\w'’-]*", re.sub(r"\([^()]*\)?", " ", line))
    if len(words) < 6:
        return False
    lower = [w for w in words if w[0].islower() and w.lower() not in _PROSE_OK]
    return len(lower) / len(words) > 0.45


def parse_bounds(note: str) -> Bounds:
    f = fold(note)
    start = re.search(
        r"(?:a partir du|arrivee? (?:au|a partir du|lors du)|arrivee? a partir du)"
        r"\s*(?:point|rapport|dossier|question)?\s*(?:n\s*°\s*|no\s*)?" + REF,
        f,
    )
    end = re.search(
        r"(?:jusqu'?\s?(?:au|a la)|partie? apres le|depart apres le)"
        r"\s*(?:point|rapport|dossier|question)?\s*(?:n\s*°\s*|no\s*)?" + REF,
        f,
    )
    return Bounds(
        start.group(1).replace(" ", "") if start else None,
        end.group(1).replace(" ", "") if end else None,
    )


def _expand_refs(text: str) -> tuple[str, ...]:
    """« 15.09.03.30-31 » → 15.09.03.30 and 15.09.03.31."""
    out: list[str] = []
    for m in re.finditer(r"(\d+(?:\.\d+)*)(?:\s*-\s*(\d+))?", text):
        base = m.group(1)
        out.append(base)
        if m.group(2):
            head = base.rsplit(".", 1)[0] + "." if "." in base else ""
            out.append(head + m.group(2))
    return tuple(out)


def _blocks(text: str) -> list[tuple[str, str]]:
    folded = fold(text)
    hits: list[tuple[int, int, str]] = []
    for kind, pattern in HEADINGS:
        for m in pattern.finditer(folded):
            hits.append((m.start(), m.end(), kind))
    hits.sort()
    # drop overlapping hits (the first, longest wins)
    kept: list[tuple[int, int, str]] = []
    for hit in hits:
        if kept and hit[0] < kept[-1][1]:
            continue
        kept.append(hit)
    blocks: list[tuple[str, str]] = []
    for i, (_, end, kind) in enumerate(kept):
        stop = kept[i + 1][0] if i + 1 < len(kept) else len(text)
        body_lines: list[str] = []
        for j, line in enumerate(text[end:stop].split("\n")):
            # a sentence, or a bulleted line (the agenda's « ▪ Approbation … »), ends a list
            if j > 0 and (_is_prose(line) or re.match(r"\s*[▪•●◦■□➢►✓]", line)):
                break
            body_lines.append(line)
        blocks.append((kind, join_lines(body_lines)))
    return blocks


def _pouvoirs_from_block(block: str) -> list[Pouvoir]:
    mentions = find_mentions(block)
    out: list[Pouvoir] = []
    i = 0
    while i < len(mentions):
        m = mentions[i]
        note_pouvoir = [n for n in m.notes if re.search(r"(?i)pouvoir|procuration", n)]
        if note_pouvoir:
            target = find_mentions(
                re.sub(
                    r"(?i).*?(pouvoir|procuration)\s*(donn[ée]e?)?\s*(à|a)?",
                    "",
                    note_pouvoir[0],
                    count=1,
                )
            )
            out.append(Pouvoir(m, target[0] if target else None, _bounds_of(m)))
            i += 1
            continue
        if i + 1 < len(mentions):
            between = fold(block[m.end : mentions[i + 1].start])
            if re.search(r"\ba\b|pouvoir|procuration|represente", between) and not re.search(
                r"[;]", between
            ):
                nxt = mentions[i + 1]
                out.append(Pouvoir(m, nxt, _bounds_of(m), _bounds_of(nxt)))
                i += 2
                continue
        out.append(Pouvoir(m, None, _bounds_of(m)))
        i += 1
    return out


def _bounds_of(m: Mention) -> Bounds:
    for note in m.notes:
        b = parse_bounds(note)
        if b.a_partir_de or b.jusqu_a:
            return b
    return Bounds()


def _attendee(m: Mention) -> Attendee:
    supp = None
    absent_for: tuple[str, ...] = ()
    for note in m.notes:
        f = fold(note)
        if f.startswith("suppl"):
            found = find_mentions(re.sub(r"(?i)^suppl\w+\s+(de|d')\s*", "", note))
            if found:
                supp = found[0]
            else:
                raw = re.sub(r"(?i)^suppl\w+\s+(de|d')\s*", "", note).split()
                if raw:
                    supp = Mention(None, " ".join(raw[:-1]), raw[-1], 0, 0)
        if re.match(r"(dcm|del|deliberations?|points?|questions?)\b", f):
            absent_for = _expand_refs(f)
    return Attendee(m, _bounds_of(m), supp, absent_for)


def _figure(text: str, patterns: list[str]) -> int | None:
    for p in patterns:
        m = re.search(p, text, re.M)
        if m:
            return int(m.group(1))
    return None


_TABLE_LABELS: list[tuple[str, str]] = [
    ("en_exercice", r"(?:nombre de )?(?:membres |conseillers |elus )?(?:en exercice|afferents)"),
    ("presents_n", r"(?:membres |conseillers )?presents?"),
    ("procurations_n", r"(?:pouvoirs?|procurations?|representes?)"),
    ("votants_n", r"(?:nombre de )?votants"),
    ("absents_n", r"absents?"),
]
_TABLE_LABEL = re.compile("|".join(f"(?P<{k}>\\b{p}\\b)" for k, p in _TABLE_LABELS))


def table_figures(folded: str) -> dict[str, int]:
    """Figures printed as a table: a row of labels, the row below the same number of integers
    (« Membres en exercice Présents Pouvoirs Votants » / « 40 36 2 38 »), matched in order."""
    lines = folded.split("\n")
    out: dict[str, int] = {}
    for i, line in enumerate(lines[:-1]):
        labels = [m.lastgroup for m in _TABLE_LABEL.finditer(line)]
        if len(labels) < 2 or len(set(labels)) != len(labels):
            continue
        if re.sub(r"[\s:|/,;-]+", "", _TABLE_LABEL.sub("", line)):
            continue  # other words on the line: a sentence, not a row of labels
        values = lines[i + 1].split()
        if len(values) == len(labels) and all(v.isdigit() for v in values):
            for label, value in zip(labels, values, strict=True):
                if label is not None:
                    out.setdefault(label, int(value))
    return out


def parse_figures(att: Attendance, head: str, table_text: str | None = None) -> None:
    """The printed figures of ``head``; tables are looked for in ``table_text`` (whole lines,
    side columns included) when given, else in ``head``."""
    f = replace_number_words(fold(head))
    t = f if table_text is None else replace_number_words(fold(table_text))
    for name, value in table_figures(t).items():
        setattr(att, name, value)
    _figures_in_prose(att, f)


def _figures_in_prose(att: Attendance, f: str) -> None:
    """Figures said next to their label, for those no table gave."""
    prose: dict[str, list[str]] = {
        "en_exercice": [
            r"en exercice\s*:?\s*(\d+)",
            r"(\d+)\s+(?:membres|conseillers)(?: \w+)? en exercice",
            # the roll call of all the members: « procède à l'appel des 33 conseillers »
            r"\bappel (?:nominal )?des (\d+) (?:membres|conseillers|elus|delegues)\b",
        ],
        "presents_n": [
            r"\bpresents\s*:\s*(\d+)",
            r"presents?[ \t]*:?[ \t]*(\d+)\b(?!\s*[/.]\d)",
            r"\b(\d+)[ \t]+presents\b",
        ],
        "procurations_n": [
            r"\b(?:procurations?|pouvoirs?)\s*:\s*(\d+)",
            r"\b(\d+)[ \t]+(?:procurations?|pouvoirs?)\b",
        ],
        "votants_n": [
            r"\bvotants\s*:\s*(\d+)",
            r"votants[ \t]*:?[ \t]*(\d+)",
            r"\b(\d+)[ \t]+votants\b",
        ],
        "absents_n": [r"\babsents\s*:\s*(\d+)", r"\b(\d+)[ \t]+absents?\b"],
    }
    for name, patterns in prose.items():
        if getattr(att, name) is None:
            setattr(att, name, _figure(f, patterns))
    order = re.search(r"ordre de passage[^:]*:\s*((?:\d+(?:\.\d+)*\s*,\s*)+\d+(?:\.\d+)*)", f)
    if order:
        att.ordre = [r.strip() for r in order.group(1).split(",")]


def parse_attendance(head: str, side: str = "", table_text: str | None = None) -> Attendance:
    """Read the attendance from the head of a document (body text, then side-column text;
    ``table_text``: the same lines whole, where tables of figures are looked for)."""
    att = Attendance(maire=find_maire(head))
    parse_figures(att, head + "\n" + side, table_text)
    mandants: list[Mention] = []
    mandataires: list[Mention] = []
    for kind, block in _blocks(head):
        if kind == "stop":
            continue
        att.found = True
        count = re.search(r"\((\d+)\)\s*$", block)
        mentions = find_mentions(block)
        if count:
            att.listed_counts[kind] = int(count.group(1))
        if kind == "presents":
            att.presents.extend(_attendee(m) for m in mentions)
        elif kind == "pouvoirs":
            att.pouvoirs.extend(_pouvoirs_from_block(block))
        elif kind == "excuses":
            for p in _pouvoirs_from_block(block):
                if p.mandataire is not None:
                    att.pouvoirs.append(p)
                else:
                    att.excuses.append(p.mandant)
        elif kind == "absents":
            for p in _pouvoirs_from_block(block):
                if p.mandataire is not None:
                    att.pouvoirs.append(p)
                else:
                    att.absents.append(p.mandant)
                    b = _bounds_of(p.mandant)
                    if b.a_partir_de:  # « (arrivée au point n°5-a) » in the list of absents
                        att.events.append(Event("arrivee", p.mandant, b.a_partir_de))
        elif kind == "en_cours":
            for m in mentions:
                a = _attendee(m)
                for present in att.presents:
                    if same_person(present.mention, m):
                        idx = att.presents.index(present)
                        att.presents[idx] = Attendee(
                            present.mention, present.bounds, present.suppleant_de, a.absent_for
                        )
        elif kind == "absents_point":
            att.absents_point.extend(_attendee(m) for m in mentions)
        elif kind == "retires":
            att.retires.extend(mentions)
        elif kind == "mandants":
            mandants = mentions
        elif kind == "mandataires":
            mandataires = mentions
    for giver, holder in zip(mandants, mandataires, strict=False):
        att.pouvoirs.append(
            Pouvoir(
                giver, holder, _merge(_bounds_of(giver), _bounds_of(holder)), _bounds_of(holder)
            )
        )
    parse_ranges(att, head, table_text)
    # the count printed after a list (« Mme Sylvie VALENTE-LE HIR (25) »), when no figure is
    counted = {"presents": "presents_n", "pouvoirs": "procurations_n", "absents": "absents_n"}
    for kind, name in counted.items():
        if getattr(att, name) is None and kind in att.listed_counts:
            setattr(att, name, att.listed_counts[kind])
    return att


def _merge(a: Bounds, b: Bounds) -> Bounds:
    return Bounds(a.a_partir_de or b.a_partir_de, a.jusqu_a or b.jusqu_a)


_RANGE = re.compile(
    r"^\s*(?:questions?|points?|dossiers?)\s+(?:n\s*°\s*)?(\d+)\s+a\s+(\d+|la fin)\s*:", re.M
)


def parse_ranges(att: Attendance, text: str, table_text: str | None = None) -> None:
    """Attendance given per range of items: « Questions 11 à 17 : Départ de M. X (procuration
    à Y) / 31 présents / 2 procurations / 33 votants » (figures read in ``table_text``, the
    whole lines, when given). The changes apply from the range's first item on; the figures
    of the first range, from item 1, are the séance's at the opening."""
    folded = fold(text)
    ranges = list(_RANGE.finditer(folded))
    for i, m in enumerate(ranges):
        stop = ranges[i + 1].start() if i + 1 < len(ranges) else len(text)
        chunk = text[m.end() : stop]
        att.events.extend(parse_events(chunk, m.group(1), att.maire))
    whole = fold(table_text) if table_text is not None else folded
    found = list(_RANGE.finditer(whole))
    for i, m in enumerate(found):
        stop = found[i + 1].start() if i + 1 < len(found) else len(whole)
        figures = Attendance()
        _figures_in_prose(figures, replace_number_words(whole[m.end() : stop]))
        last = None if m.group(2) == "la fin" else int(m.group(2))
        att.ranges.append(
            Range(
                int(m.group(1)),
                last,
                figures.presents_n,
                figures.procurations_n,
                figures.votants_n,
                figures.absents_n,
            )
        )
    opening = att.range_of("1")
    if opening is not None:
        for name in ("presents_n", "procurations_n", "votants_n", "absents_n"):
            value = getattr(opening, name)
            if value is not None:
                setattr(att, name, value)


#: a change of attendance: a noun before the people it names (« Départ de M. X », « Arrivées
#: de Mmes X et Y »), or a verb after its subject (« M. X quitte la salle », « M. X siège à
#: nouveau »)
_EVENT_NOUN = re.compile(
    r"\b(?:(?P<dep>d[ée]parts?|sorties?)|(?P<arr>arriv[ée]es?|retours?)|"
    r"(?P<ret>hors de la pr[ée]sence))\s+(?:de|d')\s*",
    re.I,
)
#: « Madame le maire quitte la séance », « hors de la présence de Madame le Maire »
_LE_MAIRE = re.compile(r"(?i)(?:monsieur |madame )?l[ea] maire\b")


def find_maire(head: str) -> Mention | None:
    """The maire, named in the head: « sous la présidence de Madame Florence DEMOUY, maire »."""
    for m in find_mentions(head):
        if re.match(r"(?i)\s*,\s*(?:l[ea] )?maire\b", head[m.end :]):
            return m
    return None


_EVENT_VERB = re.compile(
    r"\b(?:(?P<dep>quitte|quittent|se retire|se retirent|"
    r"(?:est invit[ée]e? à )?sort(?:ir)? de la salle)|"
    r"(?P<arr>rejoint|rejoignent|entre en s[ée]ance|r[ée]int[èe]gre|si[èe]ge à nouveau|"
    r"reprend (?:sa )?place|revient en s[ée]ance))\b",
    re.I,
)


_NOT_VOTING = re.compile(
    r"\bne (?:prend|prennent|participe|participent) pas (?:part )?(?:au|aux|a)\b"
)


def parse_events(chunk: str, point: str, maire: Mention | None = None) -> list[Event]:
    """Arrivals and departures said in prose, effective at ``point``: the people named right
    after « Départ de », « Arrivées de »…, or the subject just before « quitte », « siège à
    nouveau »… (« l'absence de départ des élèves » names nobody: no event); « le maire » is
    ``maire``. « Hors de la présence de X »: X is out of the room for this item."""
    out: list[Event] = []
    # sentences, not cut after the « M. » of « M. SUPERBI réintègre »
    pieces = re.split(r"(?<=[.;])(?<!\bM\.)(?<!\bMM\.)(?<!\bMr\.)\s+|\n", chunk)
    for k, sentence in enumerate(pieces):
        if not (_EVENT_NOUN.search(sentence) or _EVENT_VERB.search(sentence)):
            continue
        mentions = find_mentions(sentence)
        subjects: list[Mention] = []
        em = _EVENT_NOUN.search(sentence)
        if em:  # the people named from the noun on, in a row (« X et Y », « X, Y »)
            after = [m for m in mentions if m.start >= em.end()]
            if after and after[0].start - em.end() <= 12:
                subjects.append(after[0])
                for prev, nxt in itertools.pairwise(after):
                    if not re.fullmatch(r"[\s,]*(?:et\s*)?", sentence[prev.end : nxt.start]):
                        break
                    subjects.append(nxt)
            elif maire is not None and _LE_MAIRE.match(sentence, em.end()):
                subjects.append(maire)
        else:
            em = _EVENT_VERB.search(sentence)
            before = [m for m in mentions if m.end <= em.start()] if em else []
            if em and before and em.start() - before[-1].end <= 20:
                subjects.append(before[-1])
            elif (
                em
                and maire is not None
                and re.search(r"(?i)\bl[ea] maire,?\s*$", sentence[: em.start()])
            ):
                subjects.append(maire)
        if not em or not subjects:
            continue
        kind = "depart" if em.group("dep") else "arrivee"
        if em.groupdict().get("ret"):
            kind = "retrait"
        # « se retire … / et ne prend pas part au vote. »: out for this item only (the
        # sentence may go on over the next lines)
        whole = " ".join(pieces[k : k + 3])
        whole = whole[: whole.find(".") + 1] if "." in whole else whole
        if kind == "depart" and _NOT_VOTING.search(fold(whole)):
            kind = "retrait"
        for subject in subjects:
            pouvoir_a = None
            for note in subject.notes:
                if re.search(r"(?i)procuration|pouvoir", note):
                    t = find_mentions(
                        re.sub(r"(?i).*?(procuration|pouvoir)\s*(à|a)?", "", note, count=1)
                    )
                    pouvoir_a = t[0] if t else None
            others = [m for m in mentions if m not in subjects]
            if pouvoir_a is None and others and re.search(r"(?i)procuration|pouvoir", sentence):
                pouvoir_a = others[0]
            out.append(Event(kind, subject, point, pouvoir_a))
    return out
