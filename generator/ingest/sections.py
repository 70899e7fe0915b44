"""A document cut into items (délibérations, rapports, points of a procès-verbal) (pure)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.ingest.attendance import Attendance, Event, parse_attendance, parse_events
from generator.ingest.headings import LineStyle, bare, typographic_headings
from generator.ingest.names import join_lines
from generator.ingest.numbers import fold
from generator.ingest.text import PdfText
from generator.ingest.votes import ATTENDANCE, ParsedVote, find_vote, vote_ends

_I = re.I
STRONG = [
    re.compile(
        r"^d[ée]lib[ée]ration\s+n\s*[°o]\s*(?P<num>[\w/._-]+)"
        r"(?:\s*[—–-]\s*point\s+n\s*°\s*(?P<point>[\w.-]+))?",
        _I,
    ),
    re.compile(r"^rapport\s+n\s*°\s*(?P<point>[\d.]+)\s*[-–—]\s*(?P<objet>.+)", _I),
    re.compile(r"^n\s*°\s*(?P<num>\d[\w./]*)\s*[-–—]\s*(?P<objet>.+)", _I),
    re.compile(r"^n\s*°\s*(?P<num>\d[\w./]*\.\d+)\s*$", _I),
    re.compile(r"^(?P<num>[A-Z]{2,6}_?\d{6,}[\w-]*)\s*$"),
    re.compile(r"^(?P<num>[A-Z]{1,5}-\d{4}/\d+)\s*[-–—]\s*(?P<objet>.+)"),
    re.compile(r"^(?P<num>\d{8}\s+\d{1,3})\s+(?P<objet>\S.+)"),
    # a numbered deliberation heading, after an optional point number: « DEL2025-02 : … »,
    # « DE-2014/68 – … », « 1. D2024-15 - … », « D2025-035 - Objet : … », « DL-055-07-13 - … »
    re.compile(
        r"^(?:\d{1,2}\s*[.)]\s*)?(?P<num>[A-Z]{1,4}[-_ ]?\d{4}\s*[-/_–]\s*\d{1,3}|"
        r"[A-Z]{1,4}-\d{3}-\d{2}-\d{2})\s*[-–—:]\s*(?:Objet\s*:\s*)?"
        r"(?P<objet>[A-Za-zÀ-ÿ«\"].+)"
    ),
]
WEAK = [
    re.compile(
        r"^(?P<point>\d{1,2}(?:\.\d{1,2})?)\s*[.)–-]\s+(?P<objet>[A-ZÉÈÀ«\"][^a-z]{3}.{2,})"
    ),
    # a sub-item: « 4-1 DETERMINATION DU NOMBRE DE POSTES », « 5.a) TRAVAUX … »
    re.compile(
        r"^(?P<point>\d{1,2}(?:-\d{1,2}|\.[a-z]))\)?\s+(?P<objet>[A-ZÉÈÀ«\"][^a-z]{3}.{2,})"
    ),
]
MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}


@dataclass
class Item:
    ref: str | None
    point: str | None
    objet: str | None
    text: str
    vote: ParsedVote = field(default_factory=ParsedVote)
    events: list[Event] = field(default_factory=list)
    #: headed by a deliberation number (a strong heading), a point of a run 1, 2, 3… or a
    #: heading by typography: kept without a vote, unlike a mere point number
    numbered: bool = False
    #: votants printed in the course of the séance for the items that follow (« (37 présents,
    #: 3 procurations, soit 40 votants) » after an arrival)
    votants_printed: int | None = None


@dataclass
class ParsedDoc:
    collectivite: str | None
    date: dt.date | None
    attendance: Attendance
    items: list[Item]
    single: bool


def parse_date(text: str) -> dt.date | None:
    f = fold(text)
    m = re.search(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})", f)
    n = re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", f)
    cands: list[tuple[int, dt.date]] = []
    try:
        if m:
            cands.append((m.start(), dt.date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))))
        if n:
            cands.append((n.start(), dt.date(int(n.group(3)), int(n.group(2)), int(n.group(1)))))
    except ValueError:
        return None
    return min(cands)[1] if cands else None


#: a line dating something else than the séance: the convocation, the posting, the approval
#: of the previous minutes
_OTHER_DATE = re.compile(
    r"(?i)convo|affich|envoi|re[çc]u|publi|approuv|adopt|approbation|destinataire|"
    r"pr[ée]c[ée]dent|t[ée]l[ée]transmis"
)


def seance_date(lines: list[str]) -> dt.date | None:
    """The date of the séance: first in the title block (the first non-empty lines), then on a
    line about the séance or the council (or just under one: « CONSEIL MUNICIPAL » / « DU 9
    JUILLET 2013 »), then anywhere in the head; never from a line dating something else."""
    head = [line for line in lines if line.strip()][:40]
    for line in head[:5]:
        if not _OTHER_DATE.search(line):
            d = parse_date(line)
            if d:
                return d
    for i, line in enumerate(head):
        if _OTHER_DATE.search(line):
            continue
        if re.search(r"(?i)s[ée]ance|conseil|r[ée]union", " ".join(head[max(0, i - 2) : i + 1])):
            d = parse_date(line)
            if d:
                return d
    for line in head:
        if not _OTHER_DATE.search(line):
            d = parse_date(line)
            if d:
                return d
    return None


_COLL = re.compile(
    r"\b((?:Commune|COMMUNE|Ville|VILLE|Mairie|MAIRIE|"
    r"Communaut[ée] (?:[Dd]e [Cc]ommunes|d'[Aa]gglom[ée]ration|[Uu]rbaine)|M[ée]tropole|Syndicat)"
    r"\s+(?:de la |de |d'|d’|du |des |DE |D')?[A-ZÉ][\w'’ -]+)"
)
#: « le Conseil Municipal de la Commune de L’Arbresle », « du Conseil Communautaire de la
#: Communauté de Communes des Lisières de L’Oise »: the collectivité in the opening sentence
_COUNCIL_OF = re.compile(
    r"(?i)conseil\s+(?:municipal|communautaire|syndical|m[ée]tropolitain)\s+"
    r"(?:de la |de l'|du |de )"
)


def _name(m: re.Match[str]) -> str:
    return re.split(r"\s+(?:s'est|en|le|du \d|Date|Conseil|\()", m.group(1))[0].strip(" -,")


def collectivite(lines: list[str]) -> str | None:
    """The collectivité: named in the title block (the first lines), else in the opening
    sentence (« le Conseil Municipal de la Commune de X »), else in a running header or footer
    (a line repeated on the pages: « Ville de BOURG-EN-BRESSE - Conseil Municipal du … »)."""
    for line in lines[:15]:
        m = _COLL.search(line)
        if m:
            return _name(m)
    opening = " ".join(lines[:40])
    for council in _COUNCIL_OF.finditer(opening):
        m = _COLL.match(opening, council.end())
        if m:
            return _name(m)
    seen: set[str] = set()
    for line in lines:
        if line in seen:
            m = _COLL.search(line)
            if m:
                return _name(m)
        seen.add(line)
    return None


#: « Rapporteur : », « Matière : » … : a labelled line, which ends an « Objet : » paragraph.
_LABEL = re.compile(r"^[A-ZÉÈ][\w'’ ]{1,38}?\s?:\s")


def _wrapped(part: str, line: str) -> bool:
    """Whether ``line`` (holding ``part``) was cut by the right margin: a long line that does
    not end a sentence."""
    return len(line) >= 70 and not part.rstrip().endswith((".", ":", ";"))


def _heading(line: str, patterns: list[re.Pattern[str]]) -> re.Match[str] | None:
    for p in patterns:
        m = p.match(line.strip())
        if m:
            return m
    return None


#: a point number and a title in any case: « 1 - Création et composition des commissions »
#: (not a numbered sentence: « 1 - Finances, 2 - Travaux. »)
_POINT = re.compile(r"^(?P<point>\d{1,2})\s*[.)–—-]\s+(?P<objet>[A-ZÀ-Ý«\"].{3,}?)(?<![.;,])$")


def _numbered_run(lines: list[str]) -> list[tuple[int, re.Match[str]]]:
    """The longest run of lines numbered 1, 2, 3… in order (« 1 - Création … », « 2 -
    Délégations … »): point headings whatever the case of their titles. Each number follows
    the nearest line before it that carries the previous number, so that the run goes through
    the body rather than through the agenda that announces the same titles."""
    best: dict[int, list[tuple[int, re.Match[str]]]] = {}  # number → run ending there
    longest: list[tuple[int, re.Match[str]]] = []
    for i, line in enumerate(lines):
        m = _POINT.match(line.strip())
        if not m:
            continue
        n = int(m.group("point"))
        run = [*best[n - 1], (i, m)] if n - 1 in best else [(i, m)] if n == 1 else None
        if run is None:
            continue
        best[n] = run
        if len(run) >= len(longest):  # on a tie, the later run: the body after the agenda
            longest = run
    return longest


def _title(objet: str, heading: str, after: list[str]) -> str:
    """An item's title from its heading line, with the lines it wraps onto (a long heading
    not ending a sentence, followed by a line in the same case: starting in lower case, or
    in capitals after a title in capitals), without a final period or comma, nor the
    « , Rapporteur X » that follows it."""
    parts = [objet]
    capitals = not re.search(r"[a-zà-ÿ]", objet)
    line = heading
    for nxt in after[:3]:
        nxt = nxt.strip()
        wrapped = len(line) >= 60 and not line.rstrip().endswith((".", ";"))
        same_case = (
            not re.search(r"[a-zà-ÿ]", nxt) if capitals else nxt[:1].islower() or line.endswith("-")
        )
        if not (wrapped and nxt and same_case):
            break
        parts.append(nxt)
        line = nxt
    title = join_lines(parts)
    title = re.split(r",\s*rapporteure?\b", title, flags=re.I)[0]
    return title.rstrip(" .,;")


def _sub_point(outer: str | None, inner: str | None) -> bool:
    """Whether ``inner`` numbers a sub-item of ``outer`` (« 5 » and « 5.a », « 4-1 »)."""
    return bool(outer and inner and re.fullmatch(re.escape(outer) + r"[.-]\w+", inner))


def _points_between(
    lines: list[str], marks: list[tuple[int, re.Match[str]]]
) -> list[tuple[int, re.Match[str]]]:
    """Deliberation headings after a point number (« 3. D2024-17 - Subventions ») and, between
    the points n - 1 and n + 1, a point n without a deliberation number (« 4. Vote des taux
    d'imposition 2024 »): that point heads an item too."""
    points: dict[int, int] = {}  # line → point number, for the marks that have one
    for i, _ in marks:
        pm = re.match(r"\s*(\d{1,2})\s*[.)]\s", lines[i])
        if pm:
            points[i] = int(pm.group(1))
    if len(points) < 2:
        return marks
    found = list(marks)
    for i, line in enumerate(lines):
        m = _POINT.match(line.strip())
        if not m or i in points:
            continue
        n = int(m.group("point"))
        before = [points[j] for j in points if j < i]
        after = [points[j] for j in points if j > i]
        if before and after and before[-1] == n - 1 and after[0] == n + 1:
            found.append((i, m))
    return sorted(found, key=lambda mark: mark[0])


#: The title of a heading found by its typography (its bullet removed), without a final colon.
_BARE_TITLE = re.compile(r"^(?P<objet>.+?)\s*:?$")


def split_items(
    lines: list[str], side: list[str], styles: Sequence[LineStyle] = ()
) -> list[Item]:
    """The items of a document's body lines (``styles``: how each is set, when known)."""
    marks: list[tuple[int, re.Match[str]]] = []
    for i, line in enumerate(lines):
        m = _heading(line, STRONG)
        if m:
            marks.append((i, m))
    numbered = bool(marks)
    marks = _points_between(lines, marks)
    run = False  # marks numbered 1, 2, 3…: two of them never head one item
    #: the lines of headings trusted without a vote (a run of points, a typographic heading)
    trusted: set[int] = set()
    if not marks:
        for i, line in enumerate(lines):
            m = _heading(line, WEAK)
            if m:
                marks.append((i, m))
        chain = _numbered_run(lines)
        if len(chain) >= max(3, len(marks)):
            marks = chain
            run = True
            trusted = {i for i, _ in chain}
    # headings by typography, where the document numbers none of its points
    typo = [] if marks else typographic_headings(lines, styles, side)
    if len(typo) >= 2:
        for i in typo:
            title = _BARE_TITLE.match(bare(lines[i]))
            if title:
                marks.append((i, title))
                trusted.add(i)
        marks.sort(key=lambda mark: mark[0])
    items: list[Item] = []
    merged: list[tuple[int, int, dict[str, str | None]]] = []
    for k, (i, m) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(lines)
        info = {key: m.groupdict().get(key) for key in ("num", "point", "objet")}
        # « Délibération n° … » then « Rapport n° 7.1 »: one heading
        if merged and i - merged[-1][0] <= 2 and not run and i not in trusted:
            prev = merged[-1][2]
            inner = _sub_point(prev.get("point"), info.get("point"))
            for key, value in info.items():
                # « 5. QUESTIONS DIVERSES » then « 5.a) TRAVAUX … »: the sub-item's heading
                prev[key] = (value or prev.get(key)) if inner else (prev.get(key) or value)
            merged[-1] = (i if inner else merged[-1][0], end, prev)
            continue
        merged.append((i, end, info))
    for start, end, info in merged:
        text = "\n".join(lines[start:end])
        objet = info.get("objet")
        if objet is not None and objet in lines[start]:
            objet = _title(objet, lines[start], lines[start + 1 : end])
        if objet is None:
            for j in range(start, end):
                om = re.match(r"(?i)^objet\s*:?\s*(.*)$", lines[j].strip())
                if om:
                    parts = [om.group(1)] if om.group(1) else []
                    k = j + 1
                    while not parts or (
                        k < end
                        and k < j + 7
                        and not re.match(
                            r"(?i)^(secr[ée]taire|rapporteur|commission|mati[èe]re|conseillers)",
                            lines[k],
                        )
                        and not _LABEL.match(lines[k])
                        and (len(lines[k]) < 40 or _wrapped(parts[-1], lines[k - 1]))
                    ):
                        if k >= end:
                            break
                        parts.append(lines[k].strip())
                        k += 1
                    objet = join_lines(parts)
                    break
        ref = info.get("point") if info.get("point") and not info.get("num") else info.get("num")
        if (
            info.get("point")
            and info.get("num")
            and re.match(r"(?i)^rapport", lines[start + 1] if start + 1 < end else "")
        ):
            ref = info.get("point")
        point = info.get("point") or info.get("num")
        objet = objet.strip().strip("*") if objet else None
        items.append(Item(ref, point, objet, text, numbered=numbered or start in trusted))
    if not items:
        for line in side:
            m = re.match(r"(?i)^n\s*°\s*(\d{4}\s*/\s*\d+)", line.strip())
            if m:
                ref = re.sub(r"\s+", "", m.group(1))
                items.append(Item(ref, ref, None, "\n".join(lines)))
                break
    return items


def _per_vote(item: Item) -> list[Item]:
    """``item`` with its vote; or, when it holds several counted votes, one item per vote
    (same number; each runs from the end of the vote before to the end of its own), the
    points that follow the first one told apart as « 1#2 », « 1#3 » in the order of passage."""
    ends = vote_ends(item.text)
    if len(ends) < 2:
        item.vote = find_vote(item.text)
        return [item]
    lines = item.text.split("\n")
    parts: list[Item] = []
    start = 0
    for k, end in enumerate(ends):
        stop = len(lines) if k == len(ends) - 1 else end + 1
        point = item.point if k == 0 or item.point is None else f"{item.point}#{k + 1}"
        text = "\n".join(lines[start:stop])
        parts.append(Item(item.ref, point, item.objet, text, find_vote(text), [], item.numbered))
        start = stop
    return parts


def _kept(items: list[Item]) -> list[Item]:
    """The items of a document with several votes: those with a vote, and those headed by a
    deliberation number although no vote is read (a report, a « prise d'acte », a vote
    postponed). A number met more than once (in the agenda or a closing list, and in the body)
    is kept where it has a vote, else where its text is longest. Items under a mere point
    number need a vote: such numbers also start the agenda's lines and numbered paragraphs."""
    voted_refs = {it.ref for it in items if not it.vote.empty}
    longest: dict[str | None, int] = {}
    for i, it in enumerate(items):
        if it.ref not in longest or len(it.text) >= len(items[longest[it.ref]].text):
            longest[it.ref] = i
    return [
        it
        for i, it in enumerate(items)
        if not it.vote.empty
        or (it.numbered and it.ref is None)  # a heading by typography: one point each
        or (it.numbered and it.ref not in voted_refs and longest[it.ref] == i)
    ]


def once(items: list[Item]) -> list[Item]:
    """The items of a document printed twice in one file counted once: when the last items
    repeat the first ones (the same titles in the same order, the second copy's own title page
    between them), the first copy only."""
    titles = [it.objet for it in items]
    if not all(titles):
        return items
    for start in range((len(items) + 1) // 2, len(items) - 1):
        copy = len(items) - start
        if titles[start:] == titles[:copy] and start - copy <= 1:
            return items[:copy]
    return items


def parse_document(pdf: PdfText) -> ParsedDoc:
    lines = [line.text for line in pdf.lines]
    body: list[str] = []
    side: list[str] = []
    whole: list[int] = []  # for each body line, its line in the PDF
    styles: list[LineStyle] = []
    for n, line in enumerate(pdf.lines):
        segs = list(line.segments)
        keep = []
        for j, seg in enumerate(segs):
            # a short segment before a far one is a side column's, but for a label and its
            # value: « Nombre de conseillers votants :        28 »
            far = j + 1 < len(segs) and segs[j + 1].x0 >= 120
            labelled = far and seg.text.endswith(":") and segs[j + 1].text.isdigit()
            if far and len(seg.text) <= 40 and not labelled:
                side.append(seg.text)
            else:
                keep.append(seg.text)
        if keep:
            body.append(" ".join(keep))
            whole.append(n)
            styles.append(LineStyle(line.bold, line.x0, line.size, len(segs) == 1))
    items = once(split_items(body, side, styles))
    items = [part for item in items for part in _per_vote(item)]
    voted = [it for it in items if not it.vote.empty]
    single = len(items) <= 1 or len(voted) <= 1
    if not single:
        items = _kept(items)
    first_vote = len(body)
    if items:
        full = "\n".join(body)
        first = items[0]
        pos = full.find(first.text)
        stop_line = full[:pos].count("\n") if pos >= 0 else 0
        if single:
            # attendance may follow the item's heading (side-column extracts): read up to the vote
            stop = full.find(first.text) + len(first.text[: first.vote.start or len(first.text)])
            first_vote = full[:stop].count("\n") + 1
        else:
            first_vote = stop_line
    head = "\n".join(body[:first_vote])
    last = whole[first_vote - 1] + 1 if 0 < first_vote <= len(whole) else len(lines)
    att = parse_attendance(head, "\n".join(side), "\n".join(lines[:last]))
    if not single:
        # said before an item's vote, a change applies to it; said after, from the next one
        # (« Arrivées de Mmes X et Y ayant pris part aux délibérations ci-après »)
        printed: int | None = None
        for k, item in enumerate(items):
            item.votants_printed = printed
            before = item.text[: item.vote.start or None]
            item.events += parse_events(before, item.point or "", att.maire)
            if k + 1 < len(items) and not item.vote.empty:
                following = items[k + 1].point or ""
                after = item.text[item.vote.end :]
                items[k + 1].events += parse_events(after, following, att.maire)
                figures = ATTENDANCE.search(fold(item.text[item.vote.end :]))
                printed = int(figures.group(1)) if figures else printed
    return ParsedDoc(collectivite(lines), seance_date(lines), att, items, single)
