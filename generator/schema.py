"""YAML nodes → model dataclasses, keeping the position of every value.

The YAML is composed into nodes by ruamel's C composer (fast, and every node keeps its line and
column); this module then walks the nodes against the type hints of ``model.py``. Scalars are
typed by the schema, never by YAML's own resolver, so ``numero: 2024_014`` stays the text
"2024_014" and ``"18:30"`` or ``18:30`` is a time, whatever YAML 1.1 thinks of sexagesimals.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
import types
import typing
from decimal import Decimal
from typing import Any, Literal

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.diagnostics import Diagnostic, Loc, Pos, error

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_INT = re.compile(r"[-+]?\d+")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{1,2})[:hH](\d{2})")
_BOOLS = {"true": True, "false": False, "oui": True, "non": False}


class _Invalid:
    """Marks a value that could not be read (a diagnostic was already emitted)."""


INVALID = _Invalid()


def node_loc(file: str, node: Node) -> Loc:
    mark = node.start_mark
    return Loc(file, mark.line + 1, mark.column + 1)


def _plain(node: ScalarNode) -> bool:
    """Unquoted, not a block: the C composer says '' where the pure one says None."""
    return not node.style


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and _plain(node) and node.value in _NULLS


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "un dictionnaire (clé: valeur)"
    if isinstance(node, SequenceNode):
        return "une liste"
    return f"« {node.value} »"


def _type_name(tp: Any) -> str:
    """How a type is said to the secretariat."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if set(args) == {Decimal, str}:
            return "un nombre ou un texte"
        return _type_name(args[0])
    if origin is tuple:
        return "une liste"
    if origin is Literal:
        return "l'une des valeurs " + ", ".join(f"« {a} »" for a in typing.get_args(tp))
    if dataclasses.is_dataclass(tp):
        return "un dictionnaire (clé: valeur)"
    return {
        str: "un texte",
        int: "un nombre entier",
        bool: "« true » ou « false »",
        dt.date: "une date AAAA-MM-JJ",
        dt.time: "une heure « HH:MM »",
    }[tp]


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@functools.cache
def schema_fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    """The fields of a model class that are written in YAML (not its position)."""
    return tuple(f for f in dataclasses.fields(cls) if not f.metadata.get("internal"))


class NodeReader:
    """Reads the nodes of one file; collects diagnostics instead of raising."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[int] = set()

    def fail(self, node: Node, code: str, message: str, hint: str = "") -> _Invalid:
        self.diagnostics.append(error(code, node_loc(self.file, node), message, hint))
        return INVALID

    def read(self, node: Node, tp: Any, where: str) -> Any:
        """The value of ``node`` as type ``tp``; ``where`` names the key for messages."""
        if id(node) in self._seen:
            return self.fail(
                node,
                "S006",
                f"« {where} » réutilise un contenu par alias YAML (*), ce qui n'est pas accepté",
                "Recopiez la valeur au lieu d'utiliser une ancre (&) et un alias (*).",
            )
        self._seen.add(id(node))
        origin = typing.get_origin(tp)
        if origin in (types.UnionType, typing.Union):
            args = typing.get_args(tp)
            if type(None) in args and _is_null(node):
                return None
            rest = [a for a in args if a is not type(None)]
            if set(rest) == {Decimal, str}:
                return self._cell(node, where)
            return self._read_one(node, rest[0], where)
        return self._read_one(node, tp, where)

    def _read_one(self, node: Node, tp: Any, where: str) -> Any:
        origin = typing.get_origin(tp)
        if origin is tuple:
            return self._sequence(node, typing.get_args(tp)[0], where)
        if dataclasses.is_dataclass(tp):
            assert isinstance(tp, type)
            return self.read_object(node, tp, where)
        if not isinstance(node, ScalarNode):
            return self._wrong_type(node, tp, where)
        text = node.value
        if _is_null(node):
            return self.fail(
                node,
                "S005",
                f"« {where} » est vide",
                f"Donnez une valeur : {_type_name(tp)}.",
            )
        if origin is Literal:
            choices = [str(a) for a in typing.get_args(tp)]
            if text in choices:
                return text
            close = difflib.get_close_matches(text, choices, n=1, cutoff=0.5)
            hint = f"Vouliez-vous dire « {close[0]} » ? " if close else ""
            return self.fail(
                node,
                "S003",
                f"« {where} » vaut « {text} », qui n'est pas une valeur permise",
                hint + "Valeurs permises : " + ", ".join(f"« {c} »" for c in choices) + ".",
            )
        if tp is str:
            return text
        plain = _plain(node)
        if tp is int and plain and _INT.fullmatch(text):
            return int(text)
        if tp is bool and plain and text.lower() in _BOOLS:
            return _BOOLS[text.lower()]
        if tp is dt.date and (m := _DATE.fullmatch(text)):
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return self.fail(
                    node,
                    "S003",
                    f"« {where} » vaut « {text} », qui n'est pas une date du calendrier",
                    "Vérifiez le jour et le mois (AAAA-MM-JJ).",
                )
        if tp is dt.time and (m := _TIME.fullmatch(text)) and int(m[1]) < 24 and int(m[2]) < 60:
            return dt.time(int(m[1]), int(m[2]))
        return self._wrong_type(node, tp, where)

    def _wrong_type(self, node: Node, tp: Any, where: str) -> _Invalid:
        example = {
            int: " Écrivez le nombre sans guillemets ni espaces : 25.",
            dt.date: " Exemple : 2024-03-14.",
            dt.time: ' Exemple : "18:30".',
            bool: "",
        }.get(tp, "")
        return self.fail(
            node,
            "S003",
            f"« {where} » devrait être {_type_name(tp)}, pas {_describe(node)}",
            ("Corrigez la valeur." + example).strip(),
        )

    def _cell(self, node: Node, where: str) -> Decimal | str | _Invalid:
        if not isinstance(node, ScalarNode):
            return self._wrong_type(node, Decimal | str, where)
        if _plain(node) and _NUMBER.fullmatch(node.value):
            return Decimal(node.value)
        return "" if _is_null(node) else str(node.value)

    def _sequence(self, node: Node, item_tp: Any, where: str) -> Any:
        if _is_null(node):
            return ()
        if not isinstance(node, SequenceNode):
            return self._wrong_type(node, tuple[item_tp, ...], where)
        items = [self.read(item, item_tp, where) for item in node.value]
        if any(i is INVALID for i in items):
            return INVALID
        return tuple(items)

    def read_object(self, node: Node, cls: type, where: str) -> Any:
        fields = schema_fields(cls)
        hints = _hints(cls)
        shorthand = next((f for f in fields if f.metadata.get("shorthand")), None)
        if isinstance(node, ScalarNode) and shorthand is not None and not _is_null(node):
            value = self._read_one(node, hints[shorthand.name], shorthand.name)
            if value is INVALID:
                return INVALID
            loc = node_loc(self.file, node)
            return cls(**{shorthand.name: value}, pos=Pos(loc, {shorthand.name: loc}))
        if not isinstance(node, MappingNode):
            keys = ", ".join(f.name for f in fields)
            return self.fail(
                node,
                "S003",
                f"« {where} » devrait être {_type_name(cls)}, pas {_describe(node)}",
                f"Écrivez une clé par ligne, parmi : {keys}.",
            )
        by_name = {f.name: f for f in fields}
        values: dict[str, Any] = {}
        locs: dict[str, Loc] = {}
        ok = True
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else None
            if key is None:
                self.fail(key_node, "S003", "une clé doit être un simple mot", "")
                ok = False
                continue
            if key in values or key in locs:
                first = locs[key]
                self.fail(
                    key_node,
                    "S002",
                    f"la clé « {key} » apparaît deux fois (déjà ligne {first.line})",
                    "Gardez une seule des deux valeurs.",
                )
                ok = False
                continue
            field = by_name.get(key)
            if field is None:
                close = difflib.get_close_matches(key, list(by_name), n=1, cutoff=0.6)
                hint = (
                    f"Vouliez-vous dire « {close[0]} » ?"
                    if close
                    else "Clés permises ici : " + ", ".join(by_name) + "."
                )
                self.fail(key_node, "S004", f"clé inconnue « {key} »", hint)
                ok = False
                continue
            locs[key] = node_loc(self.file, value_node)
            if isinstance(value_node, SequenceNode):
                for i, item in enumerate(value_node.value):
                    locs[f"{key}.{i}"] = node_loc(self.file, item)
            value = self.read(value_node, hints[key], key)
            if value is INVALID:
                ok = False
            else:
                values[key] = value
        for f in fields:
            if f.metadata.get("required") and f.name not in values and f.name not in locs:
                self.fail(
                    node,
                    "S005",
                    f"la clé obligatoire « {f.name} » manque",
                    f"Ajoutez « {f.name}: … » : {f.metadata['doc']}",
                )
                ok = False
        if not ok:
            return INVALID
        return cls(**values, pos=Pos(node_loc(self.file, node), locs))
