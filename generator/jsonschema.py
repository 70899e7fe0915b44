"""The JSON Schema of the content files, generated from the model's type hints and docs.

Editors (VS Code's YAML extension) use it to complete keys and show each field's French doc
while the secretariat types. ``registre schema DIR`` writes it; ``docs/schema/`` holds the
published copy, which a test keeps in step with the model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from generator.model import Collectivite, Deliberation, Membres, Seance

#: File name of each published schema, and the files it describes.
SCHEMAS: dict[str, tuple[type[Any], str, str]] = {
    "collectivite.schema.json": (Collectivite, "Collectivité", "content/collectivite.yml"),
    "membres.schema.json": (Membres, "Membres", "content/membres.yml"),
    "seance.schema.json": (Seance, "Séance", "content/seances/*/seance.yml"),
    "deliberation.schema.json": (
        Deliberation,
        "Délibération",
        "content/seances/*/deliberations/*.yml",
    ),
}


def type_to_schema(tp: Any) -> dict[str, Any]:
    """The JSON Schema of one type hint of the model."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if set(args) == {Decimal, str}:
            return {"type": ["number", "string"]}
        inner = type_to_schema(args[0])
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is tuple:
        return {"type": "array", "items": type_to_schema(typing.get_args(tp)[0])}
    if origin is Literal:
        return {"enum": list(typing.get_args(tp))}
    if dataclasses.is_dataclass(tp):
        assert isinstance(tp, type)
        return model_to_schema(tp)
    simple: dict[Any, dict[str, Any]] = {
        str: {"type": ["string", "number"]},
        int: {"type": "integer"},
        bool: {"type": "boolean"},
        dt.date: {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        dt.time: {"type": "string", "pattern": r"^\d{1,2}[:hH]\d{2}$"},
    }
    return dict(simple[tp])


def model_to_schema(cls: type[Any]) -> dict[str, Any]:
    """An object schema: every field documented, unknown keys refused."""
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    shorthand = None
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        prop = type_to_schema(hints[f.name])
        prop["description"] = f.metadata["doc"]
        if f.default is not dataclasses.MISSING and f.default not in (None, ()):
            prop["default"] = f.default
        properties[f.name] = prop
        if f.metadata.get("required"):
            required.append(f.name)
        if f.metadata.get("shorthand"):
            shorthand = f.name
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if shorthand is not None:
        brief = {"type": "string", "description": properties[shorthand]["description"]}
        return {"anyOf": [brief, schema]}
    return schema


def file_schema(name: str) -> dict[str, Any]:
    cls, title, pattern = SCHEMAS[name]
    schema = model_to_schema(cls)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://registre.example/schemas/{name}",
        "title": f"Registre — {title}",
        "description": f"Format des fichiers {pattern} (voir docs/format.md).",
        **schema,
    }


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / name
        path.write_text(
            json.dumps(file_schema(name), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        written.append(path)
    return written
