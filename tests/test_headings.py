"""Item headings found by typography (issue #18): bold titles without a number."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from generator.ingest import check_pdf
from generator.ingest.headings import LineStyle, is_title, typographic_headings
from generator.ingest.sections import Item, once
from tests.conftest import REFERENCE, ROOT

BODY = LineStyle(bold=False, x0=36, size=10)
BOLD = LineStyle(bold=True, x0=36, size=10)


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Révision des droits de place", True),
        ("DIA", True),
        ("\uf0a7 Modification du tableau des effectifs", True),  # a symbol font's bullet
        ("Déclaration d’Intention d’Aliéner :", True),
        ("EXPOSE :", False),
        ("- DESIGNE", False),  # a list's line
        ("Marc MIOTTO", False),  # who speaks, in a debate's account
        ("Mme Odile BRACHET", False),
        ("M. SUPERBI précise que cette vente s’inscrit dans le principe", False),
        ("Présents : 13", False),
        ("A L'UNANIMITE des votants (31 voix)", False),
        ("Le Conseil Municipal, après en avoir délibéré", False),
        ("Début de séance à 19h00", False),
    ],
)
def test_what_reads_as_a_title(line: str, title: bool) -> None:
    assert is_title(line) is title


def test_bold_titles_after_the_attendance_open_items() -> None:
    lines = [
        "COMPTE RENDU DU CONSEIL MUNICIPAL",  # bold, but before the attendance
        "Présents : M. A, M. B",
        "Secrétaire de séance : M. B",
        "Révision des tarifs du restaurant scolaire",
        "Le conseil municipal, après en avoir délibéré, à l’unanimité, approuve.",
        "Tour de table",
        "Marc MIOTTO",
        "Il remercie les services.",
    ]
    styles = [BOLD, BODY, BODY, BOLD, BODY, BOLD, BOLD, BODY]
    assert typographic_headings(lines, styles) == [3, 5]


def test_an_extract_s_bold_lines_are_its_own() -> None:
    lines = ["EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS", "Présents : M. A", "Impacts financiers", "x"]
    assert typographic_headings(lines, [BOLD, BODY, BOLD, BODY]) == []


def test_a_document_printed_twice_counts_its_items_once() -> None:
    titles = ["Délégation au Maire", "Tarifs", "Tour de table"]
    items = [Item(None, None, t, t) for t in [*titles, "COMPTE RENDU", *titles]]
    assert [it.objet for it in once(items)] == titles
    different = [Item(None, None, t, t) for t in [*titles, "Autre", "Tarifs", "Tour de table"]]
    assert once(different) == different


@pytest.mark.parametrize("stem", ["taluyers_cr_2014-01-20", "taluyers_cr_2014-04-07"])
def test_a_compte_rendu_headed_in_bold_gives_its_points_as_read_by_hand(stem: str) -> None:
    """Regression: no item at all was found in these comptes-rendus (points headed by their
    objet in bold, no number); the second is printed twice in its file."""
    label = YAML(typ="safe").load((ROOT / "tests" / "labels" / f"{stem}.yaml").read_text())
    report = check_pdf(REFERENCE / "corpus" / f"{stem}.pdf").to_json()
    found = [d["objet"].split()[0].casefold() for d in report["deliberations"]]
    wanted = [d["objet"].split()[0].casefold() for d in label["deliberations"]]
    assert len(found) == len(wanted)
    # the labels shorten a few long titles in their own words (« PENAP du Pays… »)
    assert sum(f != w for f, w in zip(found, wanted, strict=True)) <= 1, (found, wanted)
