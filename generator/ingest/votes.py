"""The vote on an item, as the document declares it (pure).

Figures are found by label next to a number, in either order (« Pour : 21 », « POUR 21 »,
« 29 voix pour », « 2 votes contre 1 abstention 9 votes pour »), after French number words are
turned into digits (« à trente-quatre voix pour et une voix contre »). Hits close together form
a *cluster*; the richest cluster of an item (the last one on a tie) is its vote: a text that
first says « à l'unanimité des suffrages exprimés, 2 abstentions » and then prints the detailed
figures is read once, from the figures.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from generator.ingest.names import find_mentions
from generator.ingest.numbers import fold, replace_number_words

_NUM = r"(\d{1,3})(?![\d%€])(?!\s?\d{3}\b)(?![.,]\d)"
_UNIT = r"(?!\s*(?:%|€|euros?|ans?\b|mois|jours?|heures?|h\b|m2|m²|km|ha\b|places?|logements?))"
_LABELS = {
    "pour": r"pour",
    "contre": r"contre",
    "abstention": r"abstentions?",
    "nppv": r"(?:ne (?:prend|prennent|prenant) pas part (?:au vote|a la deliberation)|nppv|"
    r"non[- ]participations?(?: au vote)?|n'ayant pas pris part au vote)",
    "blancs": r"(?:bulletins? )?(?:blancs?(?:,? (?:et|ou) nuls?)?|nuls?)",
    "votants": r"(?:nombre de )?votants",
    "exprimes": r"suffrages? exprimes",
}
#: a count stands apart: not glued to a word (« CDG60 pour sa gestion »), a decimal point or a
#: date (« 02/07/14 Pour 3 ans »), but for the label before it (« 29 VOIX POUR2 NE PRENNENT
#: PAS PART AU VOTE »)
_FREE = r"(?:(?<![\da-z.,/])|(?<=pour)|(?<=contre)|(?<=abstention)|(?<=abstentions))"
#: « pour 2 raisons », « contre 3 communes »: a label, a number, then a noun: not a vote
_NO_NOUN = r"(?!\s+(?!contre|abstentions?|voix|votes?|nppv|ne\b|pour)[a-z]{3,})"
#: between a label and its figure: « : », « = », or dot leaders (« Nombre de votants …… 38 »)
_SEP = r"\s*(?::|=|…[\s.…]*|\.{2,}[\s.…]*)\s*"
#: a count and its label (« 29 voix pour »), on one line: « Page 18 sur 19 / Pour info » is not
_COUNT = rf"{_FREE}{_NUM}[ \t]*(?:voix\s+|votes?\s+|suffrages?\s+|bulletins?\s+)?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = []
for _label, _word in _LABELS.items():
    _PATTERNS.append((_label, re.compile(rf"\b{_word}{_SEP}{_NUM}{_UNIT}")))
    _PATTERNS.append((_label, re.compile(rf"{_COUNT}{_word}(?![a-z])")))
for _label in ("pour", "contre"):
    _PATTERNS.append(
        (
            _label,
            re.compile(
                rf"\b{_LABELS[_label]}\s+{_NUM}{_UNIT}(?!\s*(?:voix|votes?)\s+(?:pour|contre))"
                rf"{_NO_NOUN}"
            ),
        )
    )
_PATTERNS.append(("abstention", re.compile(rf"\babstentions?\s+{_NUM}{_UNIT}")))
# « label : n » first: where it overlaps « n label » (« … au vote : 0\nPour extrait »), the
# explicit label wins
_PATTERNS.sort(key=lambda lp: 0 if _SEP in lp[1].pattern else 1)
_UNANIMITE = re.compile(r"\b(?:a l'|a l |l')?unanimite\b(?P<of>[^.;:\n]{0,40})")
#: « décide à la majorité », a vote said without its figures (not « la majorité absolue »
#: of an election's rules, nor « la majorité municipale »)
_MAJORITE = re.compile(r"\ba la majorite\b(?! absolue| relative| municipale| qualifiee)")
#: the words that say a vote took place without being figures
_MARKS = {"unanimite", "majorite"}
_VOIX_PAREN = re.compile(r"unanimite[^()]{0,40}\((\d{1,3}) voix\)")
_SECRET = re.compile(r"scrutin secret|bulletins? secrets?|a bulletin secret|au scrutin secret")
#: « de ne pas procéder au scrutin secret » (L2121-21: an appointment by unanimous decision).
_NEGATED = re.compile(r"(?:\bne pas|\bn'a pas|\bsans|renonc\w*|pas lieu)[^.;]{0,40}$")
_CANDIDAT = re.compile(r"obtenu?t?\s+(\d{1,3})\s+voix|\b(?:m|mme)\.? [a-z' -]+ : (\d{1,3})\b")


@dataclass
class ParsedVote:
    pour: int | None = None
    contre: int | None = None
    abstention: int | None = None
    nppv: int | None = None
    blancs: int | None = None
    votants: int | None = None
    exprimes: int | None = None
    unanimite: bool = False
    secret: bool = False
    candidats: list[int] = field(default_factory=list)
    start: int = 0
    end: int = 0
    hits: int = 0

    @property
    def empty(self) -> bool:
        return self.hits == 0

    def declared_total(self, votants_fallback: int | None = None) -> int | None:
        """Every votant as declared: the sum of the figures, else the declared votants."""
        parts = [self.pour, self.contre, self.abstention, self.nppv]
        if self.candidats:
            return (
                self.votants
                if self.votants is not None
                else sum(self.candidats) + (self.blancs or 0)
            )
        if self.pour is not None:
            return sum(p or 0 for p in parts)
        if self.votants is not None:
            return self.votants
        if self.unanimite and votants_fallback is not None:
            return votants_fallback
        return None


@dataclass(frozen=True)
class _Hit:
    label: str
    value: int
    start: int
    end: int


#: « 37 présents, 3 procurations, soit 40 votants »: attendance, not a vote's figures
ATTENDANCE = re.compile(r"\b\d+ presents?\b[^.()]{0,60}?\b(\d+) votants\b")


@functools.lru_cache(maxsize=64)  # an item's text is read for its votes, then for its vote
def _hits(f: str) -> tuple[_Hit, ...]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = [m.span() for m in ATTENDANCE.finditer(f)]
    for label, pattern in _PATTERNS:
        for m in pattern.finditer(f):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append(_Hit(label, int(m.group(1)), m.start(), m.end()))
    for m in _UNANIMITE.finditer(f):
        hits.append(_Hit("unanimite", 0, m.start(), m.end()))
    for m in _MAJORITE.finditer(f):
        hits.append(_Hit("majorite", 0, m.start(), m.end()))
    return tuple(sorted(hits, key=lambda h: h.start))


#: quotes around a label (« Par 12 voix « Pour » et 6 « Abstention » »), read as spaces
_QUOTES = str.maketrans({c: " " for c in '«»“”"'})


@functools.lru_cache(maxsize=64)
def _folded(text: str) -> str:
    """``text`` folded, numbers in words as digits, quotes as spaces (same positions but for
    the number words)."""
    return replace_number_words(fold(text)).translate(_QUOTES)


def _clusters(f: str, gap: int) -> list[list[_Hit]]:
    """The hits of ``f``, grouped when less than ``gap`` characters apart."""
    clusters: list[list[_Hit]] = []
    for hit in _hits(f):
        if clusters and hit.start - clusters[-1][-1].end <= gap:
            clusters[-1].append(hit)
        else:
            clusters.append([hit])
    return clusters


#: what introduces a vote of its own: « Vote : », « adopté », « décide », « à la majorité »…
#: (not a table's « VOTE » column, nor « ne prend pas part au vote » in its cells)
_ANNOUNCED = re.compile(
    r"\bvote\s*:|\bmis aux voix|\badopt|\bapprouv|\bdecid|\bdelibere|\bmajorite|\bunanimite"
)


def vote_ends(text: str, *, gap: int = 260) -> list[int]:
    """The line (0-based) on which each separate vote of ``text`` ends, when it holds several
    counted votes (the compte administratif, then the affectation, then each subsidy), each
    with its « pour » figure and another one; a « Vote : pour à l'unanimité » between them is
    a vote of its own. Figures repeated row after row of a table are one vote."""
    f = _folded(text)
    votes: list[list[_Hit]] = []
    for cluster in _clusters(f, gap):
        votes.append([])
        for hit in cluster:  # a figure met again, or « Vote : », starts a vote
            again = hit.label not in _MARKS and any(h.label == hit.label for h in votes[-1])
            if votes[-1] and (again or _after_vote_label(f, hit)):
                votes.append([])
            votes[-1].append(hit)
    ends: list[tuple[int, bool]] = []  # line, counted
    last = 0
    for vote in votes:
        labels = {h.label for h in vote}
        counted = "pour" in labels and len(labels - _MARKS) >= 2
        if not counted and not (vote[0].label == "unanimite" and _after_vote_label(f, vote[0])):
            continue
        line = f.count("\n", 0, vote[-1].end)
        if ends and not _ANNOUNCED.search(f[last : vote[0].start]):
            ends[-1] = (line, ends[-1][1] or counted)  # rows of a table: one vote
        else:
            ends.append((line, counted))
        last = vote[-1].end
    if sum(counted for _, counted in ends) < 2:
        return []
    return [line for line, _ in ends]


def _after_vote_label(f: str, hit: _Hit) -> bool:
    """Whether ``hit`` opens a « Vote : » line (« Vote : − Pour : 16 », « Vote : Pour à
    l'unanimité »)."""
    before = f[max(0, hit.start - 30) : hit.start]
    return re.search(r"\bvote\s*:\s*(?:[-−–•]\s*)?(?:pour\s*)?$", before) is not None


def find_vote(text: str, *, gap: int = 260) -> ParsedVote:
    """The vote declared in an item's text (``empty`` when none is found)."""
    f = _folded(text)
    clusters = _clusters(f, gap)
    if not clusters:
        return ParsedVote()

    def score(cluster: list[_Hit]) -> int:
        labels = {h.label for h in cluster}
        return len(labels - _MARKS) * 2 + (1 if labels & _MARKS else 0)

    best = max(reversed(clusters), key=score)  # reversed: the last one wins a tie
    if score(best) < 1 or (score(best) < 2 and not any(h.label in _MARKS for h in best)):
        return ParsedVote()
    # a lone « pour » with a small number far from any vote word is too weak
    vote = ParsedVote(start=best[0].start, end=best[-1].end, hits=len(best))
    for hit in best:
        if hit.label in _MARKS:
            vote.unanimite = vote.unanimite or hit.label == "unanimite"
            continue
        current = getattr(vote, hit.label)
        if current is None:
            setattr(vote, hit.label, hit.value)
    if not vote.contre:
        # the decision « à l'unanimité » may follow the figures the vote is read from (a
        # table of subsidies, each line « 14 pour / 2 abstentions »), farther than a cluster
        later = [h for c in clusters if c[0].start >= best[0].start for h in c]
        vote.unanimite = vote.unanimite or any(h.label == "unanimite" for h in later)
    window = f[max(0, vote.start - 400) : vote.end + 200]
    paren = _VOIX_PAREN.search(f[vote.start : vote.end + 60])
    if paren and vote.pour is None:
        vote.pour = int(paren.group(1))
    if any(not _NEGATED.search(f[max(0, m.start() - 60) : m.start()]) for m in _SECRET.finditer(f)):
        vote.secret = True
    if vote.secret or re.search(r"\belection|\belu\b|elue?s? :", window):
        cands = [int(a or b) for a, b in _CANDIDAT.findall(window)]
        if cands and vote.pour is None:
            vote.candidats = cands
    _named(text, f, vote)
    return vote


_NAMED_LINE = re.compile(
    r"\s*[-−–•]?\s*(abstentions?|contre|ne (?:prend|prennent) pas part au vote)\s*:\s*(?!\d)"
)


def _named(text: str, f: str, vote: ParsedVote) -> None:
    """Named abstainers, opponents and non-voters written in prose, when not counted."""
    rules = [
        ("abstention", r"s'abstien\w*|s'est abstenue?|se sont abstenue?s"),
        ("contre", r"vot\w+ contre"),
        ("nppv", r"ne prennent pas part|ne prend pas part|ne participe(?:nt)? pas au vote"),
    ]
    for label, pattern in rules:
        if getattr(vote, label) is not None:
            continue
        for m in re.finditer(pattern, f):
            lo = max(f.rfind(".", 0, m.start()), f.rfind("\n", 0, m.start() - 1), vote.start - 300)
            hi = f.find(".", m.end())
            hi = len(f) if hi < 0 else hi
            if abs(m.start() - vote.start) > 400 and abs(m.start() - vote.end) > 400:
                continue
            names = find_mentions(text[lo + 1 : hi])
            if names:
                setattr(vote, label, len(names))
                break
    # « Abstention : M. Papin », « Contre : M. Tanguy » on a line of their own, near the vote
    offset = 0
    for line in text.split("\n"):
        near = vote.start - 400 <= offset <= vote.end + 400
        offset += len(line) + 1
        named = _NAMED_LINE.match(fold(line)) if near else None
        if not named:
            continue
        label = "abstention" if named.group(1).startswith("abst") else named.group(1)
        label = "nppv" if label.startswith("ne ") else label
        names = find_mentions(line[named.end() :])
        if names and getattr(vote, label) is None:
            setattr(vote, label, len(names))
