"""Values kept for objects by identity, for as long as each object lives.

The model is frozen: a séance loaded once is the same object for every stage of a build, and
what is computed from it (its attendance, the hash of its files) can be kept beside it rather
than computed again. Hashing a séance to find it in a dict would cost what is being saved, so
the object's identity is the key; a weak reference drops the entry when the object goes (and
tells a new object that got the same ``id`` from the old one).
"""

from __future__ import annotations

import weakref
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class ByIdentity(Generic[V]):
    """A value per living object."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[Any], V]] = {}

    def get(self, owner: object) -> V | None:
        entry = self._entries.get(id(owner))
        return entry[1] if entry is not None and entry[0]() is owner else None

    def put(self, owner: object, value: V) -> None:
        ident = id(owner)

        def forget(ref: weakref.ref[Any]) -> None:
            if self._entries.get(ident, (None,))[0] is ref:
                del self._entries[ident]

        self._entries[ident] = (weakref.ref(owner, forget), value)
