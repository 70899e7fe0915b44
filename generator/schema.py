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
from typing import Annotated, Any, Literal

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.diagnostics import Diagnostic, Loc, Pos, error
from generator.model import Check
from generator.text_safety import (
    identifier_problem,
    lookalike_note,
    text_problem,
    url_problem,
)

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_INT = re.compile(r"[-+]?\d+")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{1,2})[:hH](\d{2})")
_BOOLS = {"true": True, "false": False, "oui": True, "non": False}
#: What YAML would read as a number that is not one (« .nan », « -.inf ») or one written with
#: an exponent (« 1e400 »): never an amount of a table.
_NOT_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF|nan|NaN|NAN)")
_EXPONENT = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)[eE][-+]?\d+")
#: Digits an integer of the format may have (a count, a year, a code); more is a typo, and
#: Python refuses to convert more than 4,300 digits.
_INT_DIGITS = 15
#: The tags of nodes that carry no explicit tag (``_TaglessResolver`` in load.py), and
#: ``!!str``, ``!!seq``, ``!!map``, which say the same: any other tag is refused.
_UNTAGGED = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})
#: Unknown keys reported one by one in a file; the others are counted in one diagnostic.
MAX_UNKNOWN_KEYS = 20
#: Diagnostics reported in one file; a hostile or garbled file says how many more there are.
MAX_PER_FILE = 100


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
    return typing.get_type_hints(cls, include_extras=True)


def _shown_tag(tag: str) -> str:
    """A tag as it was written: « !!python/object:os.system », « !custom »."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _suggestion(value: str, close: list[str]) -> str:
    """« Vouliez-vous dire « X » ? », saying how X differs when it looks like ``value``."""
    if not close:
        return ""
    return f"Vouliez-vous dire « {close[0]} » ?{lookalike_note(value, close[0])}"


@functools.cache
def schema_fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    """The fields of a model class that are written in YAML (not its position)."""
    return tuple(f for f in dataclasses.fields(cls) if not f.metadata.get("internal"))


class NodeReader:
    """Reads the nodes of one file; collects diagnostics instead of raising."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._found: list[Diagnostic] = []
        self._seen: set[int] = set()
        self._unknown_keys = 0
        self._first_hidden_key: Node | None = None
        self._hidden = 0
        self._first_hidden: Node | None = None

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """What was found, the reports past the limits counted in one diagnostic each."""
        found = list(self._found)
        hidden_keys = self._unknown_keys - MAX_UNKNOWN_KEYS
        if self._first_hidden_key is not None and hidden_keys > 0:
            found.append(
                error(
                    "S004",
                    node_loc(self.file, self._first_hidden_key),
                    f"… et {hidden_keys:_} autres clés inconnues dans ce fichier, à partir "
                    "d'ici".replace("_", "\u202f"),
                    "Ce fichier n'a sans doute pas le format attendu : vérifiez qu'il est bien "
                    "celui d'une délibération, d'une séance ou des membres.",
                )
            )
        if self._first_hidden is not None:
            found.append(
                error(
                    "S025",
                    node_loc(self.file, self._first_hidden),
                    f"… et {self._hidden:_} autres problèmes dans ce fichier, à partir "
                    "d'ici".replace("_", "\u202f"),
                    "Corrigez les problèmes signalés, puis relancez « registre check ».",
                )
            )
        return found

    def fail(self, node: Node, code: str, message: str, hint: str = "") -> _Invalid:
        if len(self._found) >= MAX_PER_FILE:
            self._hidden += 1
            self._first_hidden = self._first_hidden or node
        else:
            self._found.append(error(code, node_loc(self.file, node), message, hint))
        return INVALID

    def _tagged(self, node: Node, where: str) -> bool:
        """Refuse an explicit YAML tag (« !!python/object », « !custom », « !!binary »)."""
        if node.tag in _UNTAGGED:
            return False
        tag = _shown_tag(str(node.tag))
        self.fail(
            node,
            "S020",
            f"« {where} » porte l'étiquette YAML « {tag} », qui n'est pas acceptée",
            f"Supprimez « {tag} » : Registre lit chaque valeur d'après sa clé, sans étiquette.",
        )
        return True

    def read(self, node: Node, tp: Any, where: str) -> Any:
        """The value of ``node`` as type ``tp``; ``where`` names the key for messages."""
        if self._tagged(node, where):
            return INVALID
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

    def _read_one(self, node: Node, tp: Any, where: str, *, text_check: bool = True) -> Any:
        """``text_check``: refuse invisible characters in a text (an identifier has its own,
        stricter check)."""
        origin = typing.get_origin(tp)
        if origin is Annotated:
            base, check = typing.get_args(tp)[:2]
            value = self._read_one(node, base, where, text_check=False)
            return value if value is INVALID else self._checked(node, value, check, where)
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
            hint = _suggestion(text, close) + " " if close else ""
            return self.fail(
                node,
                "S003",
                f"« {where} » vaut « {text} », qui n'est pas une valeur permise",
                hint + "Valeurs permises : " + ", ".join(f"« {c} »" for c in choices) + ".",
            )
        if tp is str:
            problem = text_problem(text, multiline=True) if text_check else None
            if problem:
                return self.fail(
                    node,
                    "S023",
                    f"« {where} » {problem}",
                    "Retapez ce passage au clavier : ce caractère, invisible à la relecture, "
                    "vient souvent d'un copier-coller (traitement de texte, courriel).",
                )
            return text
        plain = _plain(node)
        if tp is int and plain and _INT.fullmatch(text):
            if len(text.lstrip("+-")) > _INT_DIGITS:
                return self.fail(
                    node,
                    "S021",
                    f"« {where} » a {len(text.lstrip('+-'))} chiffres : ce nombre ne peut pas "
                    "être juste",
                    "Vérifiez la valeur recopiée.",
                )
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

    def _checked(self, node: Node, value: Any, check: Check, where: str) -> Any:
        """``value`` if it is what ``check`` asks, else INVALID with a diagnostic."""
        if check.kind == "count":
            if value >= 0:
                return value
            return self.fail(
                node,
                "S021",
                f"« {where} » vaut {value} : un nombre de voix, de membres ou d'habitants ne "
                "peut pas être négatif",
                "Écrivez le nombre sans signe « - » ; s'il n'y en a aucun, écrivez 0.",
            )
        if check.kind == "url":
            problem = url_problem(value)
            if problem is None:
                return value
            return self.fail(
                node,
                "S024",
                f"« {where} » vaut « {value} », qui n'est pas une adresse web : elle {problem}",
                "Écrivez l'adresse complète du site, par exemple "
                "« https://www.mairie-exemple.fr/deliberations ».",
            )
        problem = identifier_problem(value, path_safe=check.kind == "identifiant")
        if problem is None:
            return value
        return self.fail(
            node,
            "S022",
            f"« {where} » : l'identifiant « {value} » {problem}",
            "Retapez-le au clavier, en lettres, chiffres, « - », « _ » ou « . » (exemple "
            "« dupont-marie ») : un caractère collé depuis un autre logiciel peut être "
            "invisible ou venir d'un autre alphabet.",
        )

    def _cell(self, node: Node, where: str) -> Decimal | str | _Invalid:
        if not isinstance(node, ScalarNode):
            return self._wrong_type(node, Decimal | str, where)
        text = str(node.value)
        if _plain(node) and _NUMBER.fullmatch(text):
            return Decimal(text)
        if _plain(node) and (_NOT_FINITE.fullmatch(text) or _EXPONENT.fullmatch(text)):
            return self.fail(
                node,
                "S021",
                f"« {where} » : la cellule « {text} » n'est pas un montant "
                + ("fini" if _NOT_FINITE.fullmatch(text) else "écrit en chiffres (exposant)"),
                "Écrivez le montant en chiffres, sans exposant (3107000 ou 12.5) ; pour une "
                'cellule sans montant, écrivez "".',
            )
        if _is_null(node):
            return ""
        problem = text_problem(text, multiline=False)
        if problem:
            return self.fail(
                node,
                "S023",
                f"« {where} » : la cellule {problem}",
                "Retapez-la au clavier : ce caractère, invisible à la relecture, vient souvent "
                "d'un copier-coller.",
            )
        return text

    def _sequence(self, node: Node, item_tp: Any, where: str) -> Any:
        if _is_null(node):
            return ()
        if not isinstance(node, SequenceNode):
            return self._wrong_type(node, tuple[item_tp, ...], where)
        items = [self.read(item, item_tp, where) for item in node.value]
        if any(i is INVALID for i in items):
            return INVALID
        return tuple(items)

    def _unknown_key(self, key_node: Node, key: str, names: list[str]) -> None:
        """S004 with a suggestion; past ``MAX_UNKNOWN_KEYS`` in a file, only counted (a
        hostile file of 300,000 keys is reported in a second, not in a minute)."""
        self._unknown_keys += 1
        if self._unknown_keys > MAX_UNKNOWN_KEYS:
            self._first_hidden_key = self._first_hidden_key or key_node
            return
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        hint = _suggestion(key, close) or "Clés permises ici : " + ", ".join(names) + "."
        self.fail(key_node, "S004", f"clé inconnue « {key} »", hint)

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
            if key is not None and self._tagged(key_node, key):
                ok = False
                continue
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
                self._unknown_key(key_node, key, list(by_name))
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
