"""Presence per item: examples from real documents, and invariants over random séances."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import Membre, Presence, Procuration, Retrait, Seance
from generator.presence import explain_point, seance_to_presence


def membre(ident: str, **kw: object) -> Membre:
    return Membre(id=ident, civilite="M.", prenom=ident.title(), nom=ident.upper(), **kw)  # type: ignore[arg-type]


def seance(
    order: list[str],
    presents: list[Presence],
    procurations: tuple[Procuration, ...] = (),
    retraits: tuple[Retrait, ...] = (),
) -> Seance:
    return Seance(
        date=dt.date(2024, 5, 16),
        lieu="Mairie",
        convocation=dt.date(2024, 5, 10),
        president="a",
        secretaires=("a",),
        ordre_de_passage=tuple(order),
        presents=tuple(presents),
        procurations=procurations,
        retraits=retraits,
    )


ROSTER = {m: membre(m) for m in ("a", "b", "c", "d", "e")}


def test_bounds_follow_the_order_of_passage_not_the_numbers() -> None:
    # Grand Besançon passes 7.1 after 6.2 and before 2.1: "à partir du 7.1" is present at 2.1.
    s = seance(
        ["6.2", "7.1", "2.1"],
        [Presence(membre="a"), Presence(membre="b", a_partir_de="7.1")],
    )
    p = seance_to_presence(s, ROSTER)
    assert [sorted(pt.presents) for pt in p.points] == [["a"], ["a", "b"], ["a", "b"]]


def test_bounds_are_inclusive_at_both_ends() -> None:
    s = seance(["1", "2", "3"], [Presence(membre="a", a_partir_de="2", jusqu_a="2")])
    p = seance_to_presence(s, ROSTER)
    assert [len(pt.presents) for pt in p.points] == [0, 1, 0]


def test_pouvoir_lapses_when_mandant_arrives_and_when_mandataire_leaves() -> None:
    s = seance(
        ["1", "2", "3", "4"],
        [
            Presence(membre="a", jusqu_a="3"),
            Presence(membre="b", a_partir_de="3"),
            Presence(membre="c"),
        ],
        procurations=(Procuration(mandant="b", mandataire="a"),),
    )
    p = seance_to_presence(s, ROSTER)
    assert [len(pt.procurations) for pt in p.points] == [1, 1, 0, 0]
    assert [pt.votants for pt in p.points] == [3, 3, 3, 2]
    assert p.points[2].lapses[0].reason == "le mandant est présent"
    assert p.points[3].lapses[0].reason == "le mandant est présent"


def test_pouvoir_not_exercised_by_an_absent_or_withdrawn_holder() -> None:
    s = seance(
        ["1", "2", "3"],
        [Presence(membre="a", jusqu_a="1"), Presence(membre="c")],
        procurations=(
            Procuration(mandant="b", mandataire="a"),
            Procuration(mandant="d", mandataire="c"),
        ),
        retraits=(Retrait(membre="c", points=("3",)),),
    )
    p = seance_to_presence(s, ROSTER)
    assert [pt.votants for pt in p.points] == [4, 2, 0]
    reasons = {lapse.procuration.mandant: lapse.reason for lapse in p.points[2].lapses}
    assert reasons == {
        "b": "le mandataire est absent",
        "d": "le mandataire s'est retiré pour ce point",
    }


def test_bounded_pouvoir_applies_only_within_its_bounds() -> None:
    s = seance(
        ["1", "2", "3"],
        [Presence(membre="a")],
        procurations=(Procuration(mandant="b", mandataire="a", jusqu_a="2"),),
    )
    p = seance_to_presence(s, ROSTER)
    assert [pt.votants for pt in p.points] == [2, 2, 1]
    assert p.points[2].lapses[0].reason == "hors de ses bornes (jusqu'au 2)"


def test_suppleant_sitting_counts_present_and_not_in_office() -> None:
    roster = {**ROSTER, "s": membre("s", suppleant_de="e")}
    s = seance(["1"], [Presence(membre="a"), Presence(membre="s")])
    pt = seance_to_presence(s, roster).points[0]
    assert pt.presents == frozenset({"a", "s"})
    assert pt.en_exercice == 5
    assert pt.quorum == 3 and not pt.quorum_atteint


def test_explanation_names_the_bounds_that_apply() -> None:
    s = seance(
        ["1", "2", "3"],
        [
            Presence(membre="a"),
            Presence(membre="b", a_partir_de="3"),
            Presence(membre="c", jusqu_a="1"),
        ],
        procurations=(Procuration(mandant="d", mandataire="a", jusqu_a="1"),),
    )
    p = seance_to_presence(s, ROSTER)
    assert explain_point(s, p, p.points[1], ROSTER) == [
        "au point 2 (rang 2 de l'ordre de passage) : 1 présents et 0 pouvoirs exercés, "
        "soit 1 votants",
        "pas encore arrivés : M. B B (à partir du 3)",
        "déjà partis : M. C C (jusqu'au 1)",
        "pouvoirs non exercés : M. D D → M. A A (hors de ses bornes (jusqu'au 1))",
    ]


# ---------------------------------------------------------------- invariants

IDS = [f"m{i}" for i in range(8)]
POINTS = [str(i) for i in range(1, 7)]


@st.composite
def random_seance(draw: st.DrawFn) -> Seance:
    order = draw(st.permutations(POINTS))
    bound = st.one_of(st.none(), st.sampled_from(POINTS))
    presents = [
        Presence(membre=m, a_partir_de=draw(bound), jusqu_a=draw(bound))
        for m in draw(st.lists(st.sampled_from(IDS), unique=True))
    ]
    procurations = tuple(
        Procuration(mandant=a, mandataire=b, a_partir_de=draw(bound), jusqu_a=draw(bound))
        for a, b in draw(
            st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)), max_size=6)
        )
    )
    retraits = tuple(
        Retrait(membre=m, points=tuple(draw(st.lists(st.sampled_from(POINTS), max_size=2))))
        for m in draw(st.lists(st.sampled_from(IDS), unique=True, max_size=2))
    )
    return seance(list(order), presents, procurations, retraits)


@settings(max_examples=300, deadline=None)
@given(random_seance())
def test_invariants_of_presence(s: Seance) -> None:
    roster = {m: membre(m) for m in IDS}
    result = seance_to_presence(s, roster)
    assert [pt.point for pt in result.points] == list(s.ordre_de_passage)
    for pt in result.points:
        mandants = [p.mandant for p in pt.procurations]
        # votants = present + procurations in force
        assert pt.votants == len(pt.presents) + len(pt.procurations)
        # nobody is counted twice: a mandant whose pouvoir is used is not present
        assert not set(mandants) & pt.presents
        # a procuration is never exercised by an absent (or withdrawn) holder
        assert all(p.mandataire in pt.presents for p in pt.procurations)
        # a withdrawn member is not counted present
        assert not pt.retires & pt.presents
        # every pouvoir is either exercised or lapsed, with a reason
        assert len(pt.procurations) + len(pt.lapses) == len(s.procurations)
        # each vote is cast once: by a member present, or by pouvoir for its mandant
        assert len(pt.voters()) == pt.votants


def test_attendance_is_kept_for_the_same_seance_and_members_only() -> None:
    """A build asks for each séance's attendance five times: it is computed once for the same
    (frozen) séance and members, and again when the members are others."""
    s = seance(["1"], [Presence(membre="a"), Presence(membre="b")])
    first = seance_to_presence(s, ROSTER)
    assert seance_to_presence(s, dict(ROSTER)) is first
    assert first.points[0].en_exercice == 5
    gone = ROSTER | {"e": membre("e", fin_mandat=dt.date(2024, 1, 31))}
    assert seance_to_presence(s, gone).points[0].en_exercice == 4
