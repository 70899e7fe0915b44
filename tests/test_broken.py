"""The "bad input" corpus: each folder of tests/broken/ breaks the base project in one way.

A case folder holds overlay files at the same relative paths as in ``tests/fixtures/base/``
(they replace or add files, byte for byte: a file may deliberately not be UTF-8), an optional
``remove.txt`` (paths to delete from the copy, one per line) and ``expected.txt``: the exact
output of ``registre check`` on the altered copy, with the copy's path written ``content``.
A refused case's ``build`` writes nothing: neither into a new folder nor into a site already
published, which stays the same byte for byte.

``expected.txt`` files are golden files: ``make golden`` (REGISTRE_REGEN_GOLDEN=1) rewrites them
from the current checker; review the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.files import canonical_name
from tests.conftest import AFTER_BUILD, BASE, ROOT, run_cli, tree_bytes

BROKEN = ROOT / "tests" / "broken"
EXPECTED = "expected.txt"
REMOVE = "remove.txt"
TODAY = "2026-11-22"

#: Cases whose only problems are warnings: ``check`` exits 0 and ``build`` writes the site.
WARNING_ONLY = frozenset(
    {
        "27-membre-oublie",
        "72-extension-en-majuscules",
        "73-extension-yaml",
        "77-fichiers-caches-ignores",
        "81-seance-en-majuscules",
        "82-collectivite-en-yaml",
    }
)

CASES = sorted(p for p in BROKEN.iterdir() if p.is_dir()) if BROKEN.is_dir() else []


def _regenerating() -> bool:
    return os.environ.get("REGISTRE_REGEN_GOLDEN") == "1"


def _overlay_files(case: Path) -> list[Path]:
    """The files of a case that replace or add files of the base (relative paths)."""
    return sorted(
        p.relative_to(case)
        for p in case.rglob("*")
        if p.is_file() and p.relative_to(case) not in (Path(EXPECTED), Path(REMOVE))
    )


def _removed(case: Path) -> list[Path]:
    path = case / REMOVE
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Path(line.strip()) for line in lines if line.strip() and not line.startswith("#")]


def make_case(case: Path, tmp_path: Path) -> Path:
    """Copy the base to ``tmp_path/content`` and apply the case's overlay and removals."""
    copy = tmp_path / "content"
    shutil.copytree(BASE, copy)
    for rel in _overlay_files(case):
        target = copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(case / rel, target)
    for rel in _removed(case):
        target = copy / rel
        assert target.exists(), f"{case.name}/{REMOVE} : « {rel} » n'existe pas dans la base"
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    return copy


def test_corpus_is_complete() -> None:
    assert len(CASES) >= 35
    for case in CASES:
        assert _overlay_files(case) or _removed(case), f"{case.name} ne modifie rien"
        for rel in _overlay_files(case):
            top = canonical_name(rel.parts[0]).casefold() if "." in rel.parts[0] else rel.parts[0]
            assert top in {"collectivite.yml", "membres.yml", "seances"}, (
                f"{case.name} : « {rel} » n'est pas un chemin de content/"
            )
    assert WARNING_ONLY.issubset(c.name for c in CASES)


def test_base_checks_clean(base_copy: Path) -> None:
    code, out, err = run_cli("check", "--content", str(base_copy), "--no-cache", "--today", TODAY)
    assert (code, err) == (0, "")
    assert out.startswith("Aucun problème"), out


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the base project's ``site/`` and ``officiel/``, built once."""
    folder = tmp_path_factory.mktemp("published")
    shutil.copytree(BASE, folder / "content")
    code, out, _ = run_cli(
        "build", "--content", str(folder / "content"), "--out", str(folder / "site"),
        "--no-cache", "--today", TODAY,
    )
    assert code == 0, out
    return folder


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_case_golden(case: Path, tmp_path: Path, published: Path) -> None:
    copy = make_case(case, tmp_path)
    code, out, err = run_cli("check", "--content", str(copy), "--no-cache", "--today", TODAY)
    assert err == "", f"check a écrit sur stderr : {err}"
    shown = out.replace(str(copy), "content")

    golden = case / EXPECTED
    if _regenerating():
        golden.write_text(shown, encoding="utf-8", newline="\n")
    assert golden.exists(), f"{golden} manque : lancez « make golden » et relisez-le"
    assert shown == golden.read_text(encoding="utf-8")

    warning_only = case.name in WARNING_ONLY
    assert code == (0 if warning_only else 1), shown

    site = tmp_path / "site"
    bcode, bout, berr = run_cli(
        "build", "--content", str(copy), "--out", str(site), "--no-cache", "--today", TODAY
    )
    assert berr == "", f"build a écrit sur stderr : {berr}"
    if warning_only:
        assert bcode == 0, bout
        assert site.is_dir()
        assert sorted(p.name for p in tmp_path.iterdir()) == AFTER_BUILD
    else:
        assert bcode == 1, bout
        assert "Rien n'a été écrit" in bout
        assert not site.exists() and not (tmp_path / "officiel").exists()
        # Nothing half-written beside the output either (no staging folder left behind).
        assert [p.name for p in tmp_path.iterdir()] == ["content"]
        # A site already published stays as it was, byte for byte.
        before = {name: tree_bytes(published / name) for name in ("site", "officiel")}
        listed = sorted(p.name for p in published.iterdir())
        pcode, _, _ = run_cli(
            "build", "--content", str(copy), "--out", str(published / "site"), "--no-cache",
            "--today", TODAY,
        )
        assert pcode == 1
        assert {name: tree_bytes(published / name) for name in ("site", "officiel")} == before
        assert sorted(p.name for p in published.iterdir()) == listed
