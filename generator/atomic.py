"""Outputs are written to a temporary place and moved into place only when complete."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
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


def write_bytes(path: Path, data: bytes) -> os.stat_result:
    """Replace ``path`` with ``data`` in one rename: readers see the old or the new file.
    Returns the new file's status (taken before the rename: that of the file written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        written = os.stat(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return written


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


def previous_dir(target: Path) -> Path:
    """Where the generation before ``target``'s current one is kept: the next build brings it
    up to date and swaps it in (two builds old, it differs by two builds' changes)."""
    return target.with_name(f".{target.name}-prev")


@dataclass
class Tree:
    """What an output folder is to hold: each file (its path in the folder, with ``/``) is a
    hard link to a kept file: a rendered document of the store, a page of the site's cache, a
    file a step wrote into its staging folder. The inode of the kept file, when known, saves
    a ``stat`` when the folder is brought up to date (``sync_tree``)."""

    files: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def link(self, path: str, source: str, inode: int | None = None) -> None:
        _check_path(path)
        self.files[path] = (source, inode)

    def add_folder(self, folder: Path, under: str = "") -> None:
        """Every file under ``folder``, at the same place under ``under``."""
        if under:
            _check_path(under)
        for path, (source, inode) in _walk(str(folder))[0].items():
            self.files[f"{under}/{path}" if under else path] = (source, inode)

    def write_into(self, folder: Path) -> list[Path]:
        """Link every file into ``folder`` (not there yet); the paths written."""
        sync_tree(self, folder)
        return [folder / path for path in self.files]


def _check_path(path: str) -> None:
    """A path of a ``Tree`` is relative, without empty or dot parts: the folder's listing
    gives it in that form, and a path written otherwise (``a//b``) would never be found there
    (each build would take it for a conflict and link the whole folder again)."""
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise ValueError(f"not a normal relative path: {path!r}")


def folder_files(folder: Path) -> set[str]:
    """The files under ``folder``, by path relative to it (one listing, no ``stat``)."""
    return set(_walk(str(folder))[0])


def _walk(top: str) -> tuple[dict[str, tuple[str, int]], set[str]]:
    """The files under ``top`` (path → (absolute path, inode), both free from the directory
    listing: no ``stat``) and the folders, by path relative to ``top``."""
    files: dict[str, tuple[str, int]] = {}
    folders: set[str] = set()
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            entries = os.scandir(f"{top}/{relative}" if relative else top)
        except FileNotFoundError:
            continue
        with entries:
            for entry in entries:
                path = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(path)
                    pending.append(path)
                else:
                    files[path] = (entry.path, entry.inode())
    return files, folders


def _link(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except FileNotFoundError:
        if os.path.isdir(os.path.dirname(destination)):
            raise  # the kept file is missing
        os.makedirs(os.path.dirname(destination), exist_ok=True)  # its folder's first file
        _link(source, destination)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copyfile(source, destination)  # another file system: a copy


def sync_tree(tree: Tree, folder: Path) -> list[str]:
    """Make ``folder`` hold exactly the files of ``tree``, touching only those that differ.

    A file in place is the right one when it is a hard link to the tree's kept file (same
    inode): kept files are never written into (a new version is a new file), so nothing but
    a link to the same file has the same inode. Whatever else is in ``folder`` (an older
    build, a half-finished one, a file put there by hand) is replaced or removed. Returns
    the paths of the files linked (or copied, across file systems)."""
    try:
        return _sync(tree, folder)
    except (IsADirectoryError, NotADirectoryError, FileExistsError):
        # a folder where a file goes, or the other way round: start from an empty folder
        shutil.rmtree(folder)
        return _sync(tree, folder)


def _sync(tree: Tree, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    top = str(folder)
    present, folders = _walk(top)
    linked = []
    for path, (source, inode) in tree.files.items():
        have = present.pop(path, None)
        if have is not None:
            if have[1] == (inode if inode is not None else os.stat(source).st_ino):
                continue
            os.unlink(have[0])
        _link(source, f"{top}/{path}")
        linked.append(path)
    for stale, _ in present.values():
        os.unlink(stale)
    needed = {""}
    for path in tree.files:
        parent = path.rpartition("/")[0]
        while parent not in needed:
            needed.add(parent)
            parent = parent.rpartition("/")[0]
    for empty in sorted(folders - needed, key=len, reverse=True):
        os.rmdir(f"{top}/{empty}")
    return linked


def recover_dirs(targets: Sequence[Path]) -> None:
    """Finish or undo what a killed swap left (``replace_dirs``), and remove the staging
    folders of dead builds (call it under the lock)."""
    for target in targets:
        old, previous = _old(target), previous_dir(target)
        if old.exists():
            if not target.exists():
                old.rename(target)  # killed before the new generation went in
            elif not previous.exists():
                old.rename(previous)  # killed after
            else:
                shutil.rmtree(old)
        for staging in target.parent.glob(f".{target.name}-staging-*"):
            shutil.rmtree(staging, ignore_errors=True)


#: Fills a staging folder with the files it writes and a ``Tree`` with the files it links.
Fill = Callable[[Path, Tree], None]


def replace_dirs(jobs: Sequence[tuple[Path, Fill]]) -> None:
    """Bring each target's previous generation up to date with what its ``fill`` gives, then
    swap them all in: if any step fails, every target keeps its previous content.

    A build changes a few files of an archive of tens of thousands: the generation before
    the current one (``previous_dir``, two builds old) is brought up to date in place
    (``sync_tree``) and takes the target's place in three renames, the current one becoming
    the previous (after a first build, a copy of the new one is made: the next build, often
    after a small edit, starts from there). A kill while it is brought up to date leaves the
    target as it was (the next build finishes the work); a kill during the renames is
    repaired by ``recover_dirs`` at the next run."""
    recover_dirs([target for target, _ in jobs])
    stagings: list[Path] = []
    try:
        trees = []
        for target, fill in jobs:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-staging-", dir=target.parent))
            stagings.append(staging)
            tree = Tree()
            fill(staging, tree)
            tree.add_folder(staging)
            trees.append(tree)
        for (target, _), tree in zip(jobs, trees, strict=True):
            sync_tree(tree, previous_dir(target))
            previous_dir(target).chmod(DIR_MODE)
        for target, _ in jobs:
            old, previous = _old(target), previous_dir(target)
            if target.exists():
                target.rename(old)
            previous.rename(target)
            if old.exists():
                old.rename(previous)
        for (target, _), tree in zip(jobs, trees, strict=True):
            if not previous_dir(target).exists():  # a first build: the next one starts here
                sync_tree(tree, previous_dir(target))
    finally:
        for staging in stagings:
            shutil.rmtree(staging, ignore_errors=True)
