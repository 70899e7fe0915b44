"""Open data: the SCDL « Délibérations » CSV validates with frictionless and the schema's own
custom checks; altered copies are refused with a clear message; the complete JSON export
validates against its JSON Schema and carries what SCDL cannot (presence, NPPV)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from generator.diagnostics import RegistreError
from generator.export.opendata import PRIVATE_FIELDS, export_json
from generator.export.scdl import (
    SCHEMA,
    descriptor_to_checks,
    export_scdl,
    scdl_descriptor,
    siret_ok,
    validate_scdl,
)
from generator.model import Deliberation, Project
from generator.project import check
from tests.conftest import ROOT, SHARED, TODAY
from tests.test_actes import sample_copy

COLUMNS = [
    "COLL_NOM",
    "COLL_SIRET",
    "DELIB_ID",
    "DELIB_DATE",
    "DELIB_MATIERE_CODE",
    "DELIB_MATIERE_NOM",
    "DELIB_OBJET",
    "BUDGET_ANNEE",
    "BUDGET_NOM",
    "PREF_ID",
    "PREF_DATE",
    "VOTE_EFFECTIF",
    "VOTE_REEL",
    "VOTE_POUR",
    "VOTE_CONTRE",
    "VOTE_ABSTENTION",
    "DELIB_URL",
]


def project_of(content: Path) -> Project:
    result = check(content, today=TODAY)
    assert result.project is not None
    return result.project


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return project_of(sample_copy(tmp_path_factory.mktemp("scdl") / "content"))


@pytest.fixture(scope="module")
def sample_csv(tmp_path_factory: pytest.TempPathFactory, sample: Project) -> Path:
    return export_scdl(sample, tmp_path_factory.mktemp("donnees"))


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_packaged_schema_is_the_reference_one() -> None:
    assert SCHEMA.read_bytes() == (SHARED / "scdl" / "schema.json").read_bytes()
    assert "path" not in scdl_descriptor()


def test_every_custom_check_of_the_schema_is_implemented() -> None:
    checks = descriptor_to_checks(scdl_descriptor())
    expected = [c["name"] for c in json.loads(SCHEMA.read_text(encoding="utf-8"))["custom_checks"]]
    assert [c.type for c in checks] == expected and len(checks) == 11


def test_the_sample_csv_validates(sample: Project, sample_csv: Path) -> None:
    raw = sample_csv.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
    assert raw.decode("utf-8").split("\r\n")[0] == ",".join(COLUMNS)
    assert validate_scdl(sample_csv) == []
    rows = rows_of(sample_csv)
    assert [r["DELIB_ID"] for r in rows] == [
        d.numero for s in sample.seances for d in s.deliberations
    ]
    first = rows[0]
    assert first["COLL_SIRET"] == sample.collectivite.siret
    assert first["DELIB_MATIERE_CODE"] == "7.1"
    assert first["DELIB_MATIERE_NOM"] == "finances locales/decisions budgetaires"
    for r in rows:
        if r["VOTE_REEL"]:
            assert int(r["VOTE_REEL"]) == sum(
                int(r[c]) for c in ("VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION")
            )
        assert r["DELIB_URL"] == f"{sample.collectivite.url}/extraits/{r['DELIB_ID']}.pdf"
        assert bool(r["PREF_ID"]) == bool(r["PREF_DATE"])


def _altered(source: Path, target: Path, change: Callable[[list[dict[str, str]]], None]) -> Path:
    rows = rows_of(source)
    change(rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return target


def _set(column: str, value: str) -> Callable[[list[dict[str, str]]], None]:
    def change(rows: list[dict[str, str]]) -> None:
        rows[1][column] = value

    return change


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("COLL_SIRET", "20007111600013", "n'est pas un numéro SIRET valide"),
        ("VOTE_REEL", "37", "VOTE_REEL (37) ≠ VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION (38)"),
        ("PREF_DATE", "2024-03-01", "PREF_DATE (2024-03-01) devrait être >= DELIB_DATE"),
        ("VOTE_CONTRE", "", "sont toutes remplies ou toutes vides"),
        ("BUDGET_ANNEE", "2025/2024", "période « AAAA/AAAA » croissante"),
        ("DELIB_MATIERE_NOM", "finance/fiscalité", "n'est pas une matière de niveau 1"),
        ("DELIB_MATIERE_CODE", "7-2", "pattern"),
        ("DELIB_DATE", "14/03/2024", "date"),
        ("DELIB_URL", "pas une adresse", "uri"),
    ],
    ids=lambda v: v if re.fullmatch(r"[A-Z_]+", str(v)) else None,
)
def test_altered_copies_are_refused_with_a_clear_message(
    tmp_path: Path, sample_csv: Path, column: str, value: str, words: str
) -> None:
    bad = _altered(sample_csv, tmp_path / "deliberations.csv", _set(column, value))
    found = validate_scdl(bad)
    assert found, "refusé"
    assert all(d.code == "T630" for d in found)
    assert any(
        d.loc.line == 3 and f"colonne {column}" in d.message and words in d.message for d in found
    ), [d.message for d in found]


def test_luhn_and_la_poste() -> None:
    assert siret_ok("20007111600012") and not siret_ok("20007111600013")
    assert siret_ok("35600000000010")  # La Poste: the digits add up to a multiple of 5
    assert not siret_ok("35600000000011")
    assert not siret_ok("2000711160001")


def test_a_bad_siret_in_the_yaml_is_refused_at_its_line(tmp_path: Path) -> None:
    content = sample_copy(tmp_path / "content")
    collectivite = content / "collectivite.yml"
    text = collectivite.read_text(encoding="utf-8")
    collectivite.write_text(text.replace("20007111600012", "20007111600013"), encoding="utf-8")
    with pytest.raises(RegistreError) as caught:
        export_scdl(project_of(content), tmp_path / "donnees")
    found = caught.value.diagnostics
    line = 1 + text.splitlines().index('siret: "20007111600012"')
    assert {(d.code, d.loc.file, d.loc.line) for d in found} == {("T630", str(collectivite), line)}
    assert "SIRET" in found[0].message
    assert not (tmp_path / "donnees").exists() or not any((tmp_path / "donnees").iterdir())


def test_the_json_export_validates_and_says_what_scdl_cannot(
    tmp_path: Path, sample: Project
) -> None:
    data_file, schema_file = export_json(sample, tmp_path)
    data = json.loads(data_file.read_text(encoding="utf-8"))
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    delibs = data["deliberations"]
    assert len(delibs) == sum(len(s.deliberations) for s in sample.seances)
    published = {f.name for f in dataclasses.fields(Deliberation)} - {"pos"} - PRIVATE_FIELDS
    assert all(set(x["deliberation"]) == published for x in delibs)
    with_nppv = [x for x in delibs if x["decompte"]["nppv"]]
    assert with_nppv, "l'exemple compte des NPPV"
    for x in delibs:
        presence, decompte = x["presence"], x["decompte"]
        assert presence["votants"] == len(presence["presents"]) + len(presence["representes"])
        assert decompte["total"] == presence["votants"]
    # SCDL has no column for them, the JSON has
    assert (
        "nppv"
        in schema["properties"]["deliberations"]["items"]["properties"]["decompte"]["anyOf"][0][
            "properties"
        ]
    )


def test_passages_to_hide_are_in_no_open_data(tmp_path: Path) -> None:
    content = sample_copy(tmp_path / "content")
    path = content / "seances" / "2024-11-21" / "deliberations" / "2024_014.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "occulter: [université de Franche-Comté]\n", encoding="utf-8")
    project = project_of(content)
    csv_file = export_scdl(project, tmp_path / "donnees")
    data_file, _ = export_json(project, tmp_path / "donnees")
    for produced in (csv_file, data_file):
        assert "université de Franche-Comté" not in produced.read_text(encoding="utf-8")
        assert "[occulté]" in produced.read_text(encoding="utf-8")


def test_the_sample_exports_as_it_is(tmp_path: Path) -> None:
    """Open data needs no ``actes`` block: the shipped nomenclature names the matières."""
    assert validate_scdl(export_scdl(project_of(ROOT / "content"), tmp_path)) == []
