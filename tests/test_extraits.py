"""The three real extracts of tests/reference/extraits, written faithfully as YAML."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.diagnostics import Severity
from generator.project import check
from tests.conftest import EXTRAITS, ROOT, TODAY, run_cli

GOLDEN = ROOT / "tests" / "golden" / "extraits"
NAMES = sorted(p.name for p in EXTRAITS.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", NAMES)
def test_check_output_golden(name: str) -> None:
    """The whole report of ``registre check`` on each fixture, compared exactly."""
    content = EXTRAITS / name
    _, out, err = run_cli("check", "--content", str(content), "--no-cache", "--today", "2026-11-22")
    out = out.replace(str(content), "content")
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("REGISTRE_REGEN_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert err == ""
    assert out == golden.read_text(encoding="utf-8")


def test_besancon_report_7_1_declares_97_for_96_votants() -> None:
    result = check(EXTRAITS / "besancon-2016-11-10", today=TODAY)
    [diag] = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert diag.code == "V301"
    assert Path(diag.loc.file).name == "2016_003399.yml"
    assert diag.message == (
        "point 7.1 : le vote compte 97 voix (pour 95, contre 0, abstention 2, NPPV 0) mais 96 "
        "membres pouvaient voter : 86 présents et 10 pouvoirs exercés"
    )
    lines = diag.hint.splitlines()
    assert lines[0] == (
        "au point 7.1 (rang 13 de l'ordre de passage) : 86 présents et 10 pouvoirs exercés, "
        "soit 96 votants"
    )
    # the bounds that made the difference: who was not there yet, which pouvoirs lapsed
    assert "pas encore arrivés : M. Thierry MORTON (à partir du 3.2)" in lines
    assert (
        "pouvoirs bornés encore exercés : M. Thierry MORTON → M. Michel LOYAT (jusqu'au 3.1)"
        in lines
    )
    lapsed = next(line for line in lines if line.startswith("pouvoirs non exercés"))
    for bound in (
        "M. Éric ALAUZET → Mme Anne VIGNOT (hors de ses bornes (jusqu'au 1.1.2))",
        "M. Yannick POUJET → M. Pascal CURIE (hors de ses bornes (jusqu'au 1.1.1))",
        "Mme Rosa REBRAB → Mme Karima ROCHDI (hors de ses bornes (jusqu'au 1.1.2))",
    ):
        assert bound in lapsed
    # and late arrivals counted at 7.1 because 7.1 passes before 2.1 in the order of passage
    assert "M. Yves GUYEN (à partir du 7.1)" in lines[1]


def test_besancon_pouvoirs_held_by_late_members_are_flagged() -> None:
    result = check(EXTRAITS / "besancon-2016-11-10", today=TODAY)
    warnings = [d.message for d in result.diagnostics if d.code == "P206"]
    assert warnings == [
        "le pouvoir de M. Yves-Michel DAHOU à Mme Danielle DARD n'a pas pu être exercé aux "
        "points 0.1 à 1.1.1 : sa détentrice n'était pas présente",
        "le pouvoir de Mme Myriam EL YASSA à M. Nicolas BODIN n'a pas pu être exercé aux "
        "points 0.1 à 6.1 : son détenteur n'était pas présent",
        "le pouvoir de M. Jean-Marc BOUSSET à Mme Françoise GALLIOU n'a pas pu être exercé aux "
        "points 0.1 à 1.1.2 : sa détentrice n'était pas présente",
    ]


@pytest.mark.parametrize("name", ["givors-2023-06-22", "dole-2015-03-09"])
def test_givors_and_dole_are_coherent(name: str) -> None:
    result = check(EXTRAITS / name, today=TODAY)
    assert result.ok
    assert result.diagnostics == []


def test_sample_content_checks_clean() -> None:
    result = check(ROOT / "content", today=TODAY)
    assert result.diagnostics == []
    assert result.project is not None
    assert len(result.project.seances) >= 3
    assert sum(len(s.deliberations) for s in result.project.seances) >= 15
