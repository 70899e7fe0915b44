"""Outputs are written to a temporary place and moved into place only when complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename: readers see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_dirs(jobs: Sequence[tuple[Path, Callable[[Path], None]]]) -> None:
    """Fill a staging folder beside each target, then swap them all in: if any step fails,
    every target keeps its previous content."""
    stagings: list[Path] = []
    try:
        for target, fill in jobs:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
            stagings.append(staging)
            fill(staging)
    except BaseException:
        for staging in stagings:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    for (target, _), staging in zip(jobs, stagings, strict=True):
        old = target.with_name(f".{target.name}-old")
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)


def replace_dir(target: Path, fill: Callable[[Path], None]) -> None:
    """Fill a staging folder beside ``target``, then swap it in: never half-written."""
    replace_dirs([(target, fill)])
