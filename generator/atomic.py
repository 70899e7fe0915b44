"""Outputs are written to a temporary place and moved into place only when complete."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()  # read once, at import: os.umask can only be read by setting it
#: The modes ``open`` and ``mkdir`` give: temporary files and folders are private (0600 and
#: 0700), and a published site must be readable by the web server's user.
FILE_MODE = 0o666 & ~_UMASK
DIR_MODE = 0o777 & ~_UMASK


def write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename: readers see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """``write_bytes`` of the text in UTF-8."""
    write_bytes(path, text.encode("utf-8"))


class Busy(Exception):
    """Another process holds the lock; the message is French."""


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (where the outputs are swapped) for the block.

    Two builds started at once would otherwise swap their folders into each other's place.
    The lock is taken on the folder itself (no lock file to clean) and released by the
    system if the process dies.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(
                f"une autre construction est en cours dans {folder} ; attendez sa fin"
            ) from None
        yield
    finally:
        os.close(fd)


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}-old")


def recover_dirs(targets: Sequence[Path]) -> None:
    """Finish or undo what a killed swap left: a folder moved aside but not replaced is put
    back, and staging folders of dead builds are removed (call it under the lock)."""
    for target in targets:
        old = _old(target)
        if old.exists():
            if target.exists():
                shutil.rmtree(old)
            else:
                old.rename(target)
        for staging in target.parent.glob(f".{target.name}-*"):
            if staging != old and staging.is_dir():
                shutil.rmtree(staging, ignore_errors=True)


def replace_dirs(jobs: Sequence[tuple[Path, Callable[[Path], None]]]) -> None:
    """Fill a staging folder beside each target, then swap them all in: if any step fails,
    every target keeps its previous content. A kill during the swap itself (two renames per
    folder) is repaired by ``recover_dirs`` at the next run."""
    recover_dirs([target for target, _ in jobs])
    stagings: list[Path] = []
    try:
        for target, fill in jobs:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
            stagings.append(staging)
            staging.chmod(DIR_MODE)
            fill(staging)
    except BaseException:
        for staging in stagings:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    for (target, _), staging in zip(jobs, stagings, strict=True):
        old = _old(target)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)


def replace_dir(target: Path, fill: Callable[[Path], None]) -> None:
    """Fill a staging folder beside ``target``, then swap it in: never half-written."""
    replace_dirs([(target, fill)])
