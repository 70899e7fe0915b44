"""The published JSON Schema: in step with the model, and agreeing with the checker."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from generator.jsonschema import SCHEMAS, file_schema
from tests.conftest import BASE, EXTRAITS, ROOT

PUBLISHED = ROOT / "docs" / "schema"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_published_schema_is_up_to_date_golden(name: str) -> None:
    """``make golden`` (or ``registre schema``) rewrites docs/schema/ after a model change."""
    expected = json.dumps(file_schema(name), ensure_ascii=False, indent=2) + "\n"
    path = PUBLISHED / name
    if os.environ.get("REGISTRE_REGEN_GOLDEN"):
        path.write_text(expected, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected


def _plain(value: Any) -> Any:
    """YAML data as an editor's language server sees it: dates are strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _content_files(content: Path) -> list[tuple[str, Path]]:
    files = [
        ("collectivite.schema.json", content / "collectivite.yml"),
        ("membres.schema.json", content / "membres.yml"),
    ]
    for seance in sorted((content / "seances").glob("*/seance.yml")):
        files.append(("seance.schema.json", seance))
        for delib in sorted((seance.parent / "deliberations").glob("*.yml")):
            files.append(("deliberation.schema.json", delib))
    return files


CONTENTS = [ROOT / "content", BASE, *sorted(EXTRAITS.iterdir())]


@pytest.mark.parametrize("content", [c for c in CONTENTS if c.is_dir()], ids=lambda p: p.name)
def test_valid_content_validates_against_the_schema(content: Path) -> None:
    yaml = YAML(typ="safe", pure=True)
    for name, path in _content_files(content):
        data = _plain(yaml.load(path.read_text(encoding="utf-8")))
        jsonschema.validate(data, file_schema(name))


def test_schema_refuses_an_unknown_key_like_the_checker() -> None:
    yaml = YAML(typ="safe", pure=True)
    path = BASE / "seances" / "2024-05-16" / "deliberations" / "2024_010.yml"
    data = _plain(yaml.load(path.read_text(encoding="utf-8")))
    data["rapoteur"] = "blanc-pierre"
    with pytest.raises(jsonschema.ValidationError, match="rapoteur"):
        jsonschema.validate(data, file_schema("deliberation.schema.json"))
