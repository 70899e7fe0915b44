"""A content-addressed cache of parsed files, so that an unchanged archive checks in a second.

Entries are keyed by a hash of the file's kind, path and bytes; the whole store is dropped when
the code of the package changes (its sources are part of the store's key). One pickle file,
replaced atomically.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from generator.atomic import write_bytes

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


class Cache:
    """Parsed files by content hash, persisted under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"parsed-{code_version(PARSING_MODULES)}.pickle"
        self._entries: dict[str, Any] = {}
        self._used: set[str] = set()
        self._dirty = False
        self.hits = 0
        self.misses = 0
        try:
            with self.path.open("rb") as f, _no_gc():
                loaded = pickle.load(f)
                # the entries live as long as the process: keep the collector off them
                gc.freeze()
            if isinstance(loaded, dict):
                self._entries = loaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self._entries = {}

    def get(self, key: str) -> Any:
        value = self._entries.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            self._used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self._entries[key] = value
        self._used.add(key)
        self._dirty = True

    def fingerprint(self, extra: str) -> str:
        """A key for everything this run has read so far (and ``extra``): derived results,
        such as the diagnostics of the rules, are cached under it."""
        digest = hashlib.sha256(extra.encode())
        for key in sorted(self._used):
            digest.update(key.encode())
        return "derived:" + digest.hexdigest()

    def save(self) -> None:
        """Write the entries used by this run (stale ones are dropped), atomically."""
        if not self._dirty and len(self._used) == len(self._entries):
            return
        kept = {k: v for k, v in self._entries.items() if k in self._used}
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("parsed-*.pickle"):
            if old != self.path:
                old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f, _no_gc():
                pickle.dump(kept, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


V = TypeVar("V")


class Memo(MutableMapping[str, V]):
    """Values by key from the previous build (the pages of a séance, its extracts…), saved with
    only the entries this build used. The file name carries the code's version: the memo is
    dropped whenever Registre's code changes."""

    def __init__(self, path: Path, previous: dict[str, V]) -> None:
        self.path = path
        self.previous = previous
        self.used: dict[str, V] = {}

    @classmethod
    def load(cls, path: Path) -> Memo[V]:
        try:
            with path.open("rb") as f, _no_gc():
                previous = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            previous = {}
        return cls(path, previous if isinstance(previous, dict) else {})

    def save(self) -> None:
        """Write the entries used, unless they are exactly those loaded."""
        if self.used.keys() == self.previous.keys():
            return
        stem = self.path.name.split("-")[0]
        for old in self.path.parent.glob(f"{stem}-*.pickle"):
            old.unlink()
        write_bytes(self.path, pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL))

    def __getitem__(self, key: str) -> V:
        if key not in self.used:
            self.used[key] = self.previous[key]
        return self.used[key]

    def __setitem__(self, key: str, value: V) -> None:
        self.used[key] = value

    def __delitem__(self, key: str) -> None:
        del self.used[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.used)

    def __len__(self) -> int:
        return len(self.used)
