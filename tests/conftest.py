"""Shared helpers: paths of the fixtures and a way to run the real CLI in-process."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
BASE = FIXTURES / "base"
EXTRAITS = FIXTURES / "extraits"
#: Third-party reference documents, kept in the repository (see its SOURCES.md).
REFERENCE = ROOT / "tests" / "reference"
#: The date the tests run "on", so that date rules do not depend on the calendar.
TODAY = dt.date(2026, 11, 22)


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``registre`` in-process; returns exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


#: What a folder holds after a build of its ``content/``: the outputs and their previous
#: generations (kept for the next build), nothing half-written.
def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (links as their target): to compare a
    published output before and after a refused build."""
    return {
        str(p.relative_to(folder)): (os.readlink(p).encode() if p.is_symlink() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


AFTER_BUILD = [".officiel-prev", ".site-prev", "content", "officiel", "site"]

#: State that builds write into content/ (the @CTES serials), not part of the sample itself.
CONTENT_STATE = shutil.ignore_patterns("envois-actes.json")


def sample_copy(folder: Path) -> Path:
    """A writable copy of the sample content as committed (a build writes state beside it,
    never in the repository)."""
    target = folder / "content"
    shutil.copytree(ROOT / "content", target, ignore=CONTENT_STATE)
    return target


@pytest.fixture
def base_copy(tmp_path: Path) -> Path:
    """A fresh, writable copy of the small valid project, as ``<tmp>/content``."""
    target = tmp_path / "content"
    shutil.copytree(BASE, target)
    return target


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's cache folder (``XDG_CACHE_HOME``: the pages read by OCR) while the tests run:
    a folder of the session, shared by its reading processes and Dask workers, never the
    ``~/.cache`` of whoever runs the tests."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before
