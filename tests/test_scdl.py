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
from typing import Any

import jsonschema
import pytest
from frictionless import Check
from frictionless.formats import CsvControl

from generator.diagnostics import RegistreError
from generator.export import opendata as opendata_module
from generator.export import scdl as scdl_module
from generator.export.opendata import (
    FORMAT_VERSION,
    PRIVATE_FIELDS,
    DonneesOuvertes,
    export_json,
    seance_to_open,
    value_to_json,
)
from generator.export.scdl import (
    SCHEMA,
    descriptor_to_checks,
    export_scdl,
    scdl_descriptor,
    siret_ok,
    validate_scdl,
)
from generator.model import Deliberation, Membre, Project, SeanceFiles
from generator.project import check
from tests.bench.synth import write_archive
from tests.conftest import REFERENCE, ROOT, TODAY
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
    assert SCHEMA.read_bytes() == (REFERENCE / "scdl" / "schema.json").read_bytes()
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


# --- The cache of the open-data exports ----------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Project:
    content = tmp_path_factory.mktemp("synth") / "content"
    write_archive(content, seances=4, deliberations_per_seance=5, seed=3)
    return project_of(content)


def _typed_export(project: Project) -> bytes:
    """The JSON export as one ``json.dumps`` of the typed export: what the file must be."""
    parts = [seance_to_open(project, files) for files in project.seances]
    data = DonneesOuvertes(
        version=FORMAT_VERSION,
        collectivite=project.collectivite,
        membres=project.membres,
        seances=tuple(seance for seance, _ in parts),
        deliberations=tuple(d for _, delibs in parts for d in delibs),
    )
    return (json.dumps(value_to_json(data), ensure_ascii=False, indent=2) + "\n").encode()


@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_the_json_export_is_one_dump_of_the_typed_export_and_validates(
    request: pytest.FixtureRequest, tmp_path: Path, which: str
) -> None:
    project: Project = request.getfixturevalue(which)
    data_file, schema_file = export_json(project, tmp_path / "froid")
    assert data_file.read_bytes() == _typed_export(project)
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(data_file.read_text(encoding="utf-8")), schema)
    # kept items give the same file
    export_json(project, tmp_path / "a", cache=tmp_path / "cache")
    again, _ = export_json(project, tmp_path / "b", cache=tmp_path / "cache")
    assert again.read_bytes() == data_file.read_bytes()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_after_an_edit_the_cached_exports_are_the_fresh_ones_and_only_the_edit_is_redone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    write_archive(content, seances=4, deliberations_per_seance=5, seed=3)
    checks, cache = tmp_path / "check-cache", tmp_path / "cache"
    first = check(content, today=TODAY, cache_dir=checks).project
    assert first is not None
    export_scdl(first, tmp_path / "avant", cache=cache)
    export_json(first, tmp_path / "avant", cache=cache)

    files = first.seances[2]
    d = files.deliberations[1]
    _edit(Path(d.pos.at.file), d.objet, d.objet + " (modifié)")
    # unchanged files now come from the check's cache, as in the next build
    edited = check(content, today=TODAY, cache_dir=checks).project
    assert edited is not None
    validated: list[int] = []
    converted: list[str] = []
    lines: list[str] = []
    real_problems, real_items = scdl_module.csv_problems, opendata_module.seance_to_items
    real_rows = scdl_module.seance_to_rows

    def counting_problems(path: Path, control: CsvControl | None = None) -> list[Any]:
        validated.append(len(rows_of(path)))
        return real_problems(path, control)

    def counting_items(project: Project, files: SeanceFiles) -> Any:
        converted.append(files.dossier)
        return real_items(project, files)

    def counting_rows(project: Project, files: SeanceFiles) -> Any:
        lines.append(files.dossier)
        return real_rows(project, files)

    monkeypatch.setattr(scdl_module, "csv_problems", counting_problems)
    monkeypatch.setattr(scdl_module, "seance_to_rows", counting_rows)
    monkeypatch.setattr(opendata_module, "seance_to_items", counting_items)
    csv_file = export_scdl(edited, tmp_path / "apres", cache=cache)
    json_file, _ = export_json(edited, tmp_path / "apres", cache=cache)
    assert validated == [1] and converted == [files.dossier] and lines == [files.dossier]
    assert "(modifié)" in csv_file.read_text(encoding="utf-8")

    monkeypatch.undo()
    fresh = tmp_path / "sans-cache"
    assert csv_file.read_bytes() == export_scdl(edited, fresh).read_bytes()
    assert json_file.read_bytes() == export_json(edited, fresh)[0].read_bytes()


@pytest.mark.parametrize("change", ["membre", "collectivite", "seance"])
def test_what_every_seance_depends_on_is_part_of_the_cache_key(
    tmp_path: Path, synthetic: Project, change: str
) -> None:
    cache = tmp_path / "cache"
    export_scdl(synthetic, tmp_path / "avant", cache=cache)
    export_json(synthetic, tmp_path / "avant", cache=cache)
    if change == "membre":  # one more member in office: absent from every séance
        nouveau = Membre(id="nouveau-membre", civilite="Mme", prenom="Nouvelle", nom="Membre")
        edited = dataclasses.replace(synthetic, membres=(*synthetic.membres, nouveau))
    elif change == "collectivite":
        c = synthetic.collectivite
        edited = dataclasses.replace(
            synthetic, collectivite=dataclasses.replace(c, url="https://ailleurs.example.fr")
        )
    else:
        files = synthetic.seances[0]
        seance = dataclasses.replace(files.seance, lieu="Salle des fêtes")
        edited = dataclasses.replace(
            synthetic,
            seances=(dataclasses.replace(files, seance=seance), *synthetic.seances[1:]),
        )
    csv_file = export_scdl(edited, tmp_path / "apres", cache=cache)
    json_file, _ = export_json(edited, tmp_path / "apres", cache=cache)
    assert csv_file.read_bytes() == export_scdl(edited, tmp_path / "sans-cache").read_bytes()
    fresh, _ = export_json(edited, tmp_path / "sans-cache")
    assert json_file.read_bytes() == fresh.read_bytes()
    # the edit shows (the CSV does not say where a séance met)
    shown = ["deliberations.json"] + (["deliberations.csv"] if change != "seance" else [])
    for name in shown:
        before = (tmp_path / "avant" / name).read_bytes()
        assert (tmp_path / "sans-cache" / name).read_bytes() != before, name


def test_a_line_broken_after_a_cached_export_is_refused_at_its_yaml_line(tmp_path: Path) -> None:
    content = sample_copy(tmp_path / "content")
    cache = tmp_path / "cache"
    export_scdl(project_of(content), tmp_path / "avant", cache=cache)
    path = content / "seances" / "2024-03-14" / "deliberations" / "2024_005.yml"
    _edit(path, "date_reception: 2024-03-19", "date_reception: 2024-03-01")
    with pytest.raises(RegistreError) as caught:
        export_scdl(project_of(content), tmp_path / "donnees", cache=cache)
    line = 1 + path.read_text(encoding="utf-8").splitlines().index("  date_reception: 2024-03-01")
    assert [(d.code, d.loc.file, d.loc.line, d.message) for d in caught.value.diagnostics] == [
        (
            "T630",
            str(path),
            line,
            "données ouvertes (SCDL) : colonne PREF_DATE : "
            "PREF_DATE (2024-03-01) devrait être >= DELIB_DATE (2024-03-14)",
        )
    ]
    assert not any((tmp_path / "donnees").iterdir())


def test_a_changed_line_is_read_as_written_not_in_a_guessed_dialect(tmp_path: Path) -> None:
    """Validated alone, this line would make frictionless guess « | » as the separator."""
    content = sample_copy(tmp_path / "content")
    cache = tmp_path / "cache"
    export_scdl(project_of(content), tmp_path / "avant", cache=cache)
    path = content / "seances" / "2024-03-14" / "deliberations" / "2024_005.yml"
    _edit(
        path,
        "objet: Modification du tableau des effectifs au 1er avril 2024",
        "objet: \"Tarifs | 'été'|\"",
    )
    csv_file = export_scdl(project_of(content), tmp_path / "apres", cache=cache)
    assert [r["DELIB_OBJET"] for r in rows_of(csv_file) if r["DELIB_ID"] == "2024_005"] == [
        "Tarifs | 'été'|"
    ]


def test_every_rule_of_the_scdl_schema_bears_on_one_line() -> None:
    """What lets a build validate only the lines it has not validated before."""
    descriptor = scdl_descriptor()
    assert not {"primaryKey", "foreignKeys", "uniqueKeys"} & descriptor.keys()
    assert not any(f.get("constraints", {}).get("unique") for f in descriptor["fields"])
    for c in descriptor_to_checks(descriptor):
        assert type(c).validate_start is Check.validate_start, c.type
        assert type(c).validate_end is Check.validate_end, c.type


def test_a_value_not_of_its_declared_type_is_refused_and_nothing_is_written(
    tmp_path: Path, sample: Project
) -> None:
    files = sample.seances[0]
    d = dataclasses.replace(files.deliberations[0], nature="1")  # type: ignore[arg-type]
    broken = dataclasses.replace(
        sample,
        seances=(
            dataclasses.replace(files, deliberations=(d, *files.deliberations[1:])),
            *sample.seances[1:],
        ),
    )
    with pytest.raises(RegistreError) as caught:
        export_json(broken, tmp_path / "donnees")
    assert [(x.code, x.loc.file, x.message) for x in caught.value.diagnostics] == [
        (
            "T631",
            d.pos.at.file,
            f"export JSON non conforme à son schéma : délibération {d.numero} : "
            "deliberation.nature : '1' n'est pas un entier",
        )
    ]
    assert not (tmp_path / "donnees").exists()
