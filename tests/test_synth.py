"""The synthetic archive generator (tests/bench/synth.py): valid, deterministic, and its
deliberate inconsistencies are exactly the ones ``registre check`` reports."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from generator.project import check
from tests.bench.synth import luhn_ok, write_archive
from tests.conftest import ROOT

TODAY = dt.date(2026, 11, 22)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_archive_is_valid(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_archive(content, seances=4, deliberations_per_seance=5, seed=3)
    result = check(content, today=TODAY)
    assert [d.format() for d in result.diagnostics] == []
    project = result.project
    assert project is not None
    assert len(project.seances) == 4
    delibs = [d for s in project.seances for d in s.deliberations]
    assert len(delibs) == 20
    assert len({d.numero for d in delibs}) == 20
    assert all(2000 <= len(d.texte.encode()) <= 6200 for d in delibs)
    c = project.collectivite
    assert luhn_ok(c.siren) and luhn_ok(c.siret) and c.siret.startswith(c.siren)
    assert sum(1 for m in project.membres if m.en_exercice(project.seances[0].seance.date)) == 45
    assert any(m.suppleant_de for m in project.membres)
    for s in project.seances:
        seance = s.seance
        assert (seance.date - seance.convocation).days >= 6
        assert seance.date < dt.date(2026, 11, 1)
        for d in s.deliberations:
            assert d.prefecture is not None and d.publication is not None
            assert seance.date < d.prefecture.date_reception <= d.publication
            assert d.publication < dt.date(2026, 11, 1)
    assert (
        max(s.seance.date for s in project.seances).year
        - min(s.seance.date for s in project.seances).year
        >= 3
    )


def test_archive_exercises_the_attendance_rules(tmp_path: Path) -> None:
    """Bounded presences and pouvoirs, retraits and a non-numeric order all occur."""
    content = tmp_path / "content"
    write_archive(content, seances=12, deliberations_per_seance=8, seed=11)
    result = check(content, today=TODAY)
    assert [d.format() for d in result.diagnostics] == []
    assert result.project is not None
    seances = [s.seance for s in result.project.seances]
    assert any(p.a_partir_de for s in seances for p in s.presents)
    assert any(p.jusqu_a for s in seances for p in s.presents)
    assert any(p.a_partir_de or p.jusqu_a for s in seances for p in s.procurations)
    assert any(s.retraits for s in seances)
    assert any(
        list(s.ordre_de_passage) != sorted(s.ordre_de_passage, key=_numeric) for s in seances
    )
    delibs = [d for s in result.project.seances for d in s.deliberations]
    assert any(d.tableaux for d in delibs)
    assert {d.vote.scrutin for d in delibs} >= {"public", "secret"}


def _numeric(point: str) -> tuple[int, ...]:
    return tuple(int(part) for part in point.split("."))


def test_inconsistencies_are_reported(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_archive(content, seances=4, deliberations_per_seance=5, seed=3, inconsistencies=3)
    result = check(content, today=TODAY)
    assert Counter(d.code for d in result.diagnostics) == Counter({"V301": 3})
    assert len({d.loc.file for d in result.diagnostics}) == 3


def test_inconsistencies_change_only_the_altered_files(tmp_path: Path) -> None:
    write_archive(tmp_path / "a", 4, 5, seed=3)
    write_archive(tmp_path / "b", 4, 5, seed=3, inconsistencies=3)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert sum(1 for name in a if a[name] != b[name]) == 3


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    write_archive(tmp_path / "a", 4, 5, seed=7)
    write_archive(tmp_path / "b", 4, 5, seed=7)
    write_archive(tmp_path / "c", 4, 5, seed=8)
    a = _files(tmp_path / "a")
    assert a == _files(tmp_path / "b")
    assert a != _files(tmp_path / "c")


def test_same_seed_same_bytes_in_another_interpreter(tmp_path: Path) -> None:
    """No set or hash order leaks into the files: another hash seed writes the same bytes."""
    write_archive(tmp_path / "a", 3, 4, seed=5)
    env = dict(os.environ, PYTHONHASHSEED="12345")
    command = ["-m", "tests.bench.synth", str(tmp_path / "b"), "--seances", "3"]
    subprocess.run(
        [sys.executable, *command, "--deliberations", "4", "--seed", "5"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_too_many_inconsistencies_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_archive(tmp_path / "content", 1, 2, inconsistencies=5)
