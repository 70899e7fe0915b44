"""@CTES bundles: the sample's validate against the XSD and unpack to the right names; the real
bundle of a tiers de télétransmission passes the same checks; wrong acts are refused with a
clear message and nothing is written. Real lxml, real PDFs from the rendering pipeline."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import tarfile
from collections.abc import Callable, Collection
from pathlib import Path

import pytest
from lxml import etree

from generator.diagnostics import Diagnostic, RegistreError, Severity
from generator.export.actes import (
    HERE,
    check_archive,
    default_state_file,
    export_actes,
    open_bundle,
)
from generator.model import Project
from generator.project import build, check, official_dir
from tests.conftest import CONTENT_STATE, REFERENCE, ROOT, TODAY

SAMPLE = ROOT / "content"
#: The transmission settings used when the sample does not carry its own ``actes`` block.
ACTES_BLOCK = "\nactes:\n  email_retour: assemblees@val-amour.test\n  tdt: SIC\n"
NATURES = {1: "DE", 2: "AR", 3: "AI", 4: "CC", 5: "BF", 6: "AU"}
REAL = REFERENCE / "actes" / "exemple-SIC-EACT--210600730--20180115-1.tar.gz"


def sample_copy(target: Path) -> Path:
    shutil.copytree(SAMPLE, target, ignore=CONTENT_STATE)
    collectivite = target / "collectivite.yml"
    text = collectivite.read_text(encoding="utf-8")
    if not re.search(r"^actes:", text, re.MULTILINE):
        collectivite.write_text(text + ACTES_BLOCK, encoding="utf-8")
    return target


def checked(content: Path, today: dt.date = TODAY) -> Project:
    """The project even when ``check`` finds errors: the export must refuse on its own."""
    result = check(content, today=today)
    assert result.project is not None
    return result.project


def export(
    content: Path,
    out: Path,
    cache: Path,
    today: dt.date = TODAY,
    numeros: Collection[str] = (),
    seance: dt.date | None = None,
) -> list[Path]:
    return export_actes(
        checked(content, today),
        out,
        today=today,
        state=default_state_file(content),
        cache_dir=cache,
        numeros=numeros,
        seance=seance,
    )


def refusal(call: Callable[[], object]) -> list[Diagnostic]:
    with pytest.raises(RegistreError) as caught:
        call()
    assert all(d.severity is Severity.ERROR for d in caught.value.diagnostics)
    return caught.value.diagnostics


def line_of(path: Path, pattern: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if re.search(pattern, line))


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rendered extracts are shared by the tests of this module (keyed by their inputs)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> tuple[Path, Path]:
    """The sample built by ``registre build``; its official extracts are what is sent."""
    root = tmp_path_factory.mktemp("built")
    content = sample_copy(root / "content")
    build(content, root / "site", today=TODAY, cache_dir=cache)
    return content, official_dir(root / "site") / "extraits"


@pytest.fixture(scope="module")
def sample_bundles(
    tmp_path_factory: pytest.TempPathFactory, built: tuple[Path, Path]
) -> tuple[Project, list[Path]]:
    content, extraits = built
    out = tmp_path_factory.mktemp("actes")
    project = checked(content)
    paths = export_actes(
        project,
        out,
        today=TODAY,
        state=default_state_file(content),
        extraits={pdf.stem: pdf for pdf in extraits.glob("*.pdf")},
    )
    return project, paths


def test_the_packaged_schemas_are_the_reference_ones() -> None:
    for name in ("actesv1_1.xsd", "siret.xsd", "insee-commun.xsd"):
        assert (HERE / "xsd" / name).read_bytes() == (REFERENCE / "actes" / name).read_bytes()


def test_sample_bundles_validate_against_the_xsd_and_unpack_to_the_right_names(
    sample_bundles: tuple[Project, list[Path]],
) -> None:
    project, paths = sample_bundles
    c = project.collectivite
    assert c.actes is not None
    schema = etree.XMLSchema(etree.parse(str(REFERENCE / "actes" / "actesv1_1.xsd")))
    pending = [(s, d) for s in project.seances for d in s.deliberations if d.prefecture is None]
    assert len(paths) == len(pending) > 0
    prefix = f"{c.actes.tdt}-" if c.actes.tdt else ""
    for serial, (path, (files, d)) in enumerate(zip(paths, pending, strict=True), start=1):
        stem = f"EACT--{c.siren}--{TODAY:%Y%m%d}-{serial}"
        assert path.name == f"{prefix}{stem}.tar.gz"
        base = (
            f"{c.departement}-{c.siren}-{files.seance.date:%Y%m%d}-{d.numero}-{NATURES[d.nature]}"
        )
        expected = [f"{stem}.xml", f"{base}-1-1_0.xml", f"{c.actes.type_piece}-{base}-1-1_1.pdf"]
        expected += [
            f"{c.actes.type_annexe}-{base}-1-1_{rank}.pdf" for rank in range(2, len(d.annexes) + 2)
        ]
        with tarfile.open(path, "r:gz") as tar:
            assert tar.getnames() == expected  # flat, in this order
            files_in = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
        for name, data in files_in.items():
            if name.endswith(".xml"):
                assert data.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
                assert b"&#" not in data  # « Vœu » is sent as « Voeu »
                assert schema.validate(etree.fromstring(data)), schema.error_log
            else:
                assert data.startswith(b"%PDF-")
        message = etree.fromstring(files_in[f"{base}-1-1_0.xml"])
        ns = {"a": "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"}
        objet = d.objet.strip().replace("œ", "oe")
        assert message.findtext("a:Objet", namespaces=ns) == objet
        codes = [
            e.get(f"{{{ns['a']}}}CodeMatiere")
            for e in message
            if str(e.tag).startswith(f"{{{ns['a']}}}CodeMatiere")
        ]
        assert ".".join(str(x) for x in codes) == d.matiere
        assert check_archive(path, TODAY) == []


def test_the_extract_sent_is_the_official_one_built(
    built: tuple[Path, Path], sample_bundles: tuple[Project, list[Path]]
) -> None:
    _, extraits = built
    _, paths = sample_bundles
    with open_bundle(paths[0]) as bundle:
        act = next(m for m in bundle.members if m.name.endswith("-1-1_1.pdf"))
        numero = act.name.split("-")[4]
        assert act.read() == (extraits / f"{numero}.pdf").read_bytes()


def test_the_real_bundle_of_a_tiers_passes_the_same_checks(tmp_path: Path) -> None:
    # the reference copy is prefixed « exemple- »: give it back its name as sent
    archive = tmp_path / REAL.name.removeprefix("exemple-")
    shutil.copyfile(REAL, archive)
    with open_bundle(archive) as bundle:
        assert [m.name for m in bundle.members] == [
            "EACT--210600730--20180115-1.xml",
            "006-210600730-20180115-007-AR-1-1_0.xml",
            "CO_DE-006-210600730-20180115-007-AR-1-1_1.jpg",
        ]
    assert check_archive(archive, TODAY) == []
    # the same code refuses it under a name that is not an archive's
    renamed = tmp_path / "envoi.tar.gz"
    shutil.copyfile(REAL, renamed)
    assert [d.code for d in check_archive(renamed, TODAY)] == ["T611"]


def _retar(src: Path, dst: Path, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> Path:
    with tarfile.open(src, "r:gz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    with tarfile.open(dst, "w:gz") as tar:
        for name, data in change(files).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return dst


def _without_classification(files: dict[str, bytes]) -> dict[str, bytes]:
    return {
        name: re.sub(
            rb"\s*<actes:ClassificationDateVersion>[^<]*</actes:ClassificationDateVersion>",
            b"",
            data,
        )
        for name, data in files.items()
    }


def _wrong_count(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: re.sub(rb'Nombre="\d+"', b'Nombre="9"', data) for name, data in files.items()}


def _extra_file(files: dict[str, bytes]) -> dict[str, bytes]:
    return {**files, "notes.txt": b"brouillon"}


def _renamed_act(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name.replace("-1-1_1.pdf", "-1-1_7.pdf"): data for name, data in files.items()}


def _not_a_pdf(files: dict[str, bytes]) -> dict[str, bytes]:
    return {n: (b"pas un PDF" if n.endswith("_1.pdf") else d) for n, d in files.items()}


def _broken_pdf(files: dict[str, bytes]) -> dict[str, bytes]:
    return {n: (b"%PDF-1.7\n%%EOF\n" if n.endswith("_1.pdf") else d) for n, d in files.items()}


def _in_a_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    return {f"envoi/{name}": data for name, data in files.items()}


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        (_without_classification, "T610", "actesv1_1.xsd"),
        (_wrong_count, "T610", "Annexes/@Nombre vaut « 9 »"),
        (_extra_file, "T612", "notes.txt"),
        (_renamed_act, "T612", "absent de l'archive"),
        (_not_a_pdf, "T608", "n'est pas celui d'un fichier .pdf"),
        (_broken_pdf, "T609", "PDF illisible"),
        (_in_a_folder, "T612", "plate"),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_a_tampered_bundle_is_refused_by_the_reader(
    tmp_path: Path,
    sample_bundles: tuple[Project, list[Path]],
    change: Callable[[dict[str, bytes]], dict[str, bytes]],
    code: str,
    words: str,
) -> None:
    _, paths = sample_bundles
    tampered = _retar(paths[0], tmp_path / paths[0].name, change)
    found = check_archive(tampered, TODAY)
    assert any(d.code == code and words in d.message for d in found), found
    xsd = [d for d in found if d.code == "T610"]
    assert all(d.loc.file.startswith(str(tampered) + "/") and d.loc.line for d in xsd)


def test_exports_are_reproducible_and_two_exports_the_same_day_never_collide(
    tmp_path: Path, cache: Path
) -> None:
    content = sample_copy(tmp_path / "content")
    first = export(content, tmp_path / "a", cache, numeros={"2024_013", "2024_014"})
    again = export(content, tmp_path / "b", cache, numeros={"2024_013", "2024_014"})
    assert [p.name for p in first] == [p.name for p in again]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    other = export(content, tmp_path / "c", cache, numeros={"2024_015"})
    assert [p.name.rsplit("-", 1)[1] for p in other] == ["3.tar.gz"]
    objet = content / "seances" / "2024-11-21" / "deliberations" / "2024_014.yml"
    text = objet.read_text(encoding="utf-8")
    objet.write_text(text.replace("(2025-2027)", "pour 2025 à 2027"), encoding="utf-8")
    changed = export(content, tmp_path / "d", cache, numeros={"2024_014"})
    assert [p.name.rsplit("-", 1)[1] for p in changed] == ["4.tar.gz"]
    names = [p.name for p in first + other + changed]
    assert len(set(names)) == len(names)
    next_day = export(content, tmp_path / "e", cache, today=TODAY + dt.timedelta(days=1))
    assert {p.name for p in next_day} >= {first[0].name}  # unchanged act: its name again


def _delib(content: Path, numero: str) -> Path:
    return next(content.glob(f"seances/*/deliberations/{numero}.yml"))


def _assert_nothing_written(out: Path, content: Path) -> None:
    assert not out.exists() or not any(out.iterdir())
    assert not default_state_file(content).exists()


def test_a_number_with_a_dash_is_refused_at_its_line(tmp_path: Path, cache: Path) -> None:
    content = sample_copy(tmp_path / "content")
    path = _delib(content, "2024_014")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('numero: "2024_014"', 'numero: "2024-014"'), encoding="utf-8")
    found = refusal(lambda: export(content, tmp_path / "out", cache, numeros={"2024-014"}))
    assert [(d.code, d.loc.file, d.loc.line) for d in found] == [
        ("T602", str(path), line_of(path, "^numero:"))
    ]
    assert "« 2024-014 » n'est pas accepté par @CTES" in found[0].message
    assert "tiret" in found[0].hint
    _assert_nothing_written(tmp_path / "out", content)


def test_an_objet_of_600_characters_is_refused(tmp_path: Path, cache: Path) -> None:
    content = sample_copy(tmp_path / "content")
    path = _delib(content, "2024_015")
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("objet:"))
    lines[index] = "objet: " + ("Aménagement et " * 40)[:599] + "s"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = refusal(lambda: export(content, tmp_path / "out", cache))
    assert [(d.code, d.loc.line) for d in found] == [("T604", index + 1)]
    assert "l'objet fait 600 caractères" in found[0].message
    _assert_nothing_written(tmp_path / "out", content)


def test_a_151_mb_annex_is_refused_without_being_read(tmp_path: Path, cache: Path) -> None:
    content = sample_copy(tmp_path / "content")
    annexe = content / "seances" / "2024-11-21" / "annexes" / "plans.pdf"
    with annexe.open("wb") as f:
        f.truncate(151_000_000)  # sparse: costs no disk
    path = _delib(content, "2024_014")
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "annexes:\n", "annexes:\n  - fichier: ../annexes/plans.pdf\n    titre: Plans\n"
    )
    path.write_text(text, encoding="utf-8")
    found = refusal(lambda: export(content, tmp_path / "out", cache, numeros={"2024_014"}))
    assert [(d.code, d.loc.file, d.loc.line) for d in found] == [
        ("T607", str(path), line_of(path, "plans.pdf"))
    ]
    assert "151 Mo" in found[0].message and "pas plus de 150 Mo" in found[0].message
    _assert_nothing_written(tmp_path / "out", content)


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ('matiere: "8.1"', 'matiere: "8.12"', "T605"),
        ("annexes:\n", "annexes:\n  - ../annexes/faux.pdf\n", "T608"),
    ],
    ids=["matiere-hors-nomenclature", "annexe-qui-n-est-pas-un-pdf"],
)
def test_other_refusals_point_at_the_yaml(
    tmp_path: Path, cache: Path, old: str, new: str, code: str
) -> None:
    content = sample_copy(tmp_path / "content")
    (content / "seances" / "2024-11-21" / "annexes" / "faux.pdf").write_text("texte")
    path = _delib(content, "2024_014")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    found = refusal(lambda: export(content, tmp_path / "out", cache, numeros={"2024_014"}))
    assert [(d.code, d.loc.file) for d in found] == [(code, str(path))]
    assert found[0].loc.line == line_of(path, re.escape(new.strip().splitlines()[-1]))
    _assert_nothing_written(tmp_path / "out", content)


def test_a_decision_in_the_future_is_refused(tmp_path: Path, cache: Path) -> None:
    content = sample_copy(tmp_path / "content")
    found = refusal(lambda: export(content, tmp_path / "out", cache, today=dt.date(2024, 11, 1)))
    assert {d.code for d in found} == {"T606"}
    seance = content / "seances" / "2024-11-21" / "seance.yml"
    assert {(d.loc.file, d.loc.line) for d in found} == {(str(seance), line_of(seance, "^date:"))}


def test_without_transmission_settings_nothing_is_sent(tmp_path: Path, cache: Path) -> None:
    content = sample_copy(tmp_path / "content")
    collectivite = content / "collectivite.yml"
    text = collectivite.read_text(encoding="utf-8")
    collectivite.write_text(text.split("\nactes:")[0] + "\n", encoding="utf-8")
    found = refusal(lambda: export(content, tmp_path / "out", cache))
    assert [(d.code, d.loc.file) for d in found] == [("T601", str(collectivite))]
    assert "email_retour" in found[0].hint


def test_unknown_selection_is_refused(tmp_path: Path, cache: Path) -> None:
    content = sample_copy(tmp_path / "content")
    found = refusal(lambda: export(content, tmp_path / "out", cache, numeros={"2031_001"}))
    assert [d.code for d in found] == ["T615"]
    found = refusal(lambda: export(content, tmp_path / "out", cache, seance=dt.date(2024, 1, 2)))
    assert [d.code for d in found] == ["T615"]


def test_a_seance_can_be_sent_again(tmp_path: Path, cache: Path) -> None:
    content = sample_copy(tmp_path / "content")
    paths = export(content, tmp_path / "out", cache, seance=dt.date(2024, 3, 14))
    assert len(paths) == 6  # acknowledged already, but asked for explicitly
    assert all(check_archive(p, TODAY) == [] for p in paths)
