"""A content-addressed cache of parsed files, so that an unchanged archive checks in a second.

Entries are keyed by a hash of the file's kind, path and bytes; the whole store is dropped when
the code of the package changes (its sources are part of the store's key). One pickle file,
replaced atomically.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).parent


def code_version() -> str:
    """A hash of the package's sources: a new release or a local edit invalidates the cache."""
    digest = hashlib.sha256()
    for source in sorted(_PACKAGE.rglob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


class Cache:
    """Parsed files by content hash, persisted under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"parsed-{code_version()}.pickle"
        self._entries: dict[str, Any] = {}
        self._used: set[str] = set()
        self._dirty = False
        self.hits = 0
        self.misses = 0
        try:
            with self.path.open("rb") as f:
                loaded = pickle.load(f)
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
            with os.fdopen(fd, "wb") as f:
                pickle.dump(kept, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
