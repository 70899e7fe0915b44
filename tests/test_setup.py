"""The set-up contract: a clone alone is enough, and what a build leaves is never committed."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

from tests.conftest import AFTER_BUILD, BASE, REFERENCE, ROOT, TODAY, run_cli


def _listed(sources: Path) -> set[str]:
    with sources.open(encoding="utf-8", newline="") as f:
        return {row["local_file"] for row in csv.DictReader(f, delimiter="\t")}


def test_every_reference_document_is_in_the_repository_with_its_provenance() -> None:
    """The tests read the real documents from tests/reference (a clone has nothing beside it); each
    one is listed in its folder's SOURCES file, and each listed one is there."""
    for folder, suffix in (("corpus", ".pdf"), ("textes", ".txt")):
        here = {p.name for p in (REFERENCE / folder).iterdir() if p.suffix == suffix}
        assert here == _listed(REFERENCE / folder / "SOURCES.tsv"), folder
        assert len(here) >= 36
    for folder in ("actes", "scdl"):
        assert (REFERENCE / folder / "SOURCE.txt").is_file()


def _git(cwd: Path, *args: str) -> str:
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return run.stdout


def test_a_build_leaves_nothing_that_git_add_would_commit(tmp_path: Path) -> None:
    """Regression: ``.officiel-prev/`` (the documents before occultation) and ``.site-prev/``
    were not ignored, so ``git add -A`` after a build committed private data."""
    shutil.copyfile(ROOT / ".gitignore", tmp_path / ".gitignore")
    shutil.copytree(BASE, tmp_path / "content")
    _git(tmp_path, "init", "-q")
    before = _git(tmp_path, "status", "--porcelain", "--untracked-files=all")
    for _ in range(2):  # the second build swaps in the previous generation
        code, out, _err = run_cli(
            "build",
            "--content",
            str(tmp_path / "content"),
            "--out",
            str(tmp_path / "site"),
            "--no-cache",
            "--today",
            TODAY.isoformat(),
        )
        assert code == 0, out
    assert {".officiel-prev", ".site-prev", "officiel", "site"} <= set(AFTER_BUILD)
    assert all((tmp_path / name).is_dir() for name in AFTER_BUILD)
    after = _git(tmp_path, "status", "--porcelain", "--untracked-files=all")
    assert after == before
