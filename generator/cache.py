"""A content-addressed cache of parsed files, so that an unchanged archive checks in a second.

Entries are keyed by a hash of the file's kind, path and bytes; the whole store is dropped when
the code of the package changes (its sources are part of the store's key). Sixteen pickles
(``Memo``), each replaced atomically.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import io
import os
import pickle
import shutil
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from generator.atomic import write_bytes
from generator.diagnostics import Pos
from generator.identity import ByIdentity

if TYPE_CHECKING:
    from generator.model import Project, SeanceFiles

_PACKAGE = Path(__file__).parent


#: The modules whose code decides what a parsed file becomes.
PARSING_MODULES = ("diagnostics.py", "model.py", "schema.py", "load.py", "cache.py")


def code_version(modules: tuple[str, ...] | None = None) -> str:
    """A hash of the package's sources (or of some modules): an edit invalidates the cache."""
    digest = hashlib.sha256()
    sources = sorted(_PACKAGE.rglob("*.py")) if modules is None else [_PACKAGE / m for m in modules]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic collector: (un)pickling a million small objects otherwise triggers it
    over and over for nothing (the objects hold no cycles); 3x faster on a 10,000-file archive.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def release_freed_memory() -> None:
    """Give back to the system the memory the process has freed (glibc keeps freed blocks
    for later use): a large build frees hundreds of megabytes of extracts and memos before
    its site, and of pages before the site's rendering and indexing, where the memory of the
    whole build peaks (mkdocs' workers and the Pagefind processes come on top). Without
    glibc, nothing is done."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


#: A file changed less than this long before it was read may change again within the same
#: tick of the file system's clock, keeping its size: its signature is not kept (git's
#: "racy" entries), and the next build reads it again.
RACY_NS = 2_000_000_000

#: What tells a file changed without reading it: inode, size, modification and change times.
Signature = tuple[int, int, int, int]


def status_to_signature(status: os.stat_result) -> Signature:
    return status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


class Cache:
    """Parsed files by content hash, persisted under ``folder`` (a ``Memo``: an edit writes a
    sixteenth of it again, not the parse of the whole archive), and the hash of each file by
    its signature (``lookup``): a build reads only the files whose signature changed."""

    def __init__(self, folder: Path) -> None:
        version = code_version(PARSING_MODULES)
        self.memo: Memo[Any] = Memo.load(folder, "parsed", version)
        self.signatures: Memo[tuple[Signature, str]] = Memo.load(folder, "signatures", version)
        # the entries live as long as the process: keep the collector off them
        gc.freeze()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any:
        value = self.memo.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        self.memo.put(key, value)

    def lookup(self, file: str, status: os.stat_result) -> tuple[str, Any] | None:
        """The hash and parsed value of ``file`` if its signature is the one kept with them."""
        kept = self.signatures.get(file)
        if kept is None or kept[0] != status_to_signature(status):
            return None
        value = self.get(kept[1])
        return None if value is None else (kept[1], value)

    def remember(self, file: str, status: os.stat_result, digest: str, read_at: int) -> None:
        """Keep the hash of ``file``, read at ``read_at`` (ns) with that ``status``, unless
        it changed too shortly before (``RACY_NS``)."""
        if max(status.st_mtime_ns, status.st_ctime_ns) < read_at - RACY_NS:
            self.signatures.put(file, (status_to_signature(status), digest))

    def save(self) -> None:
        """Write the shards whose entries changed (stale entries are dropped), atomically."""
        self.memo.save()
        self.signatures.save()


def _without_position(pos: Pos) -> tuple[type[Pos], tuple[()]]:
    return Pos, ()


def value_to_key(value: object, salt: str = "") -> str:
    """A hash of ``value``'s content (and of ``salt``), its positions in the files left out: a
    line added above a value does not change what is made of it. The key of a memo's entry."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {Pos: _without_position}
    pickler.dump(value)
    digest = hashlib.sha256(salt.encode())
    digest.update(buffer.getbuffer())
    return digest.hexdigest()


#: Keys remembered for values, by identity, while they live (``remember_key``).
_KEYS: ByIdentity[str] = ByIdentity()


def remember_key(value: object, key: str) -> None:
    """Remember ``key`` as the hash of ``value``'s content for as long as ``value`` lives:
    ``load_project`` gives each séance it makes the hash of its files, which it has already,
    and the memos of a build no longer pickle the séance again (0.5 ms each, for each memo).
    A copy made with ``dataclasses.replace`` is another object, without a key."""
    _KEYS.put(value, key)


def known_key(value: object) -> str | None:
    """The key remembered for ``value``, if any (it changes with every byte of its files,
    positions included)."""
    return _KEYS.get(value)


def content_key(value: object, salt: str = "") -> str:
    """A key of ``value``'s content and of ``salt``: from the key remembered for ``value``
    when there is one, else ``value_to_key``."""
    known = known_key(value)
    if known is None:
        return value_to_key(value, salt)
    return hashlib.sha256(f"{salt}\0{known}".encode()).hexdigest()


def seance_keys(project: Project, salt: str = "") -> Callable[[SeanceFiles], str]:
    """The memo key of each séance of ``project``: of its files, of the collectivité and the
    members, and of ``salt`` (what else the memo's values depend on: a template, the texts'
    conversion…)."""
    common = value_to_key((project.collectivite, project.membres), salt)
    return lambda files: content_key(files, common)


V = TypeVar("V")

#: The shards this process loaded or wrote, by file, with the file's identity (inode, size,
#: modification time) when it did; None unless ``keep_memos_resident`` was called.
_RESIDENT: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] | None = None


def keep_memos_resident() -> None:
    """Keep the memos' shards in memory for the next builds of this process, which then
    unpickle only the shards another process wrote since: ``mkdocs serve`` rebuilds in the
    same process at each reload, and reading back a large archive's memos took it seconds.
    A one-shot build does not call this: it frees each memo once used."""
    global _RESIDENT
    if _RESIDENT is None:
        _RESIDENT = {}


def _identity(status: os.stat_result) -> tuple[int, int, int]:
    return status.st_ino, status.st_size, status.st_mtime_ns


class Memo(Generic[V]):
    """Values of the previous build by the key of their inputs (the pages of a séance, its
    extracts, its open-data items…), in ``SHARDS`` pickles under ``folder/<name>-<version>/``:
    a shard is written again only when its entries changed (one edit rewrites a sixteenth of
    the memo), with only the entries this build used; other versions are removed. Without a
    folder, nothing is remembered."""

    SHARDS = 16

    def __init__(self, folder: Path | None, previous: list[dict[str, V]]) -> None:
        self.folder = folder
        self.previous = previous
        self.used: list[dict[str, V]] = [{} for _ in range(self.SHARDS)]

    @classmethod
    def load(cls, folder: Path | None, name: str, version: str) -> Memo[V]:
        if folder is None:
            return cls(None, [{} for _ in range(cls.SHARDS)])
        folder = folder / f"{name}-{version}"
        return cls(folder, [_load_shard(folder / f"{i}.pickle") for i in range(cls.SHARDS)])

    def _shard(self, key: str) -> int:
        return zlib.crc32(key.encode()) % self.SHARDS

    def get(self, key: str) -> V | None:
        """The value kept under ``key``, or None."""
        shard = self._shard(key)
        value = self.previous[shard].get(key)
        if value is not None:
            self.used[shard][key] = value
        return value

    def put(self, key: str, value: V) -> None:
        self.used[self._shard(key)][key] = value

    def get_or_make(self, key: str, make: Callable[[], V]) -> V:
        """The value kept under ``key``, else ``make()``'s, kept."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def save(self) -> None:
        """Write the shards whose entries changed, then forget every entry: the memo has done
        its work, and a large archive's memo holds hundreds of megabytes."""
        if self.folder is None:
            return
        name = self.folder.name.rsplit("-", 1)[0]
        for other in self.folder.parent.glob(f"{name}-*"):
            if other.name.rsplit("-", 1)[0] != name:
                continue  # another memo, whose name starts with this one's
            if other.is_dir() and other != self.folder:
                shutil.rmtree(other, ignore_errors=True)
                if _RESIDENT is not None:
                    for path in [p for p in _RESIDENT if p.parent == other]:
                        del _RESIDENT[path]
            elif other.is_file():  # the one pickle of the parsed files before 2026-11
                other.unlink()
        for i, (used, previous) in enumerate(zip(self.used, self.previous, strict=True)):
            if used.keys() != previous.keys():
                path = self.folder / f"{i}.pickle"
                written = write_bytes(path, pickle.dumps(used, protocol=pickle.HIGHEST_PROTOCOL))
                if _RESIDENT is not None:
                    _RESIDENT[path] = (_identity(written), used)
        self.previous = [{} for _ in range(self.SHARDS)]
        self.used = [{} for _ in range(self.SHARDS)]


def _load_shard(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f, _no_gc():
            identity = _identity(os.fstat(f.fileno()))
            if _RESIDENT is not None and _RESIDENT.get(path, (None,))[0] == identity:
                return _RESIDENT[path][1]
            shard = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return {}
    if not isinstance(shard, dict):
        return {}
    if _RESIDENT is not None:
        _RESIDENT[path] = (identity, shard)
    return shard
