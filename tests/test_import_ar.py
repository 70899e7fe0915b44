"""``registre import-ar``: the prefecture's acknowledgement (or anomaly) goes back into the
délibération's YAML, comments and layout kept, so that the next extract prints it."""

from __future__ import annotations

import copy
import difflib
import functools
from pathlib import Path

import pytest
from lxml import etree

from generator.diagnostics import RegistreError
from generator.export.actes import (
    NSMAP,
    actes_schema,
    default_state_file,
    element_to_bytes,
    export_actes,
    open_bundle,
    parse_xml,
    q,
)
from generator.export.ar import import_ar, set_block, xml_to_reponses
from generator.load import load_project
from generator.model import Prefecture
from generator.project import check
from generator.render.context import deliberation_to_extrait
from tests.conftest import REFERENCE, ROOT, TODAY
from tests.test_actes import sample_copy

NUMERO = "2024_014"
IDENTIFIANT = f"039-200071116-20241121-{NUMERO}-CC"
COMMENT = "# commentaire du secrétariat, à garder"


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """The envelope and the message of the sample's bundle for délibération 2024_014."""
    root = tmp_path_factory.mktemp("sent")
    content = sample_copy(root / "content")
    result = check(content, today=TODAY)
    assert result.project is not None
    [archive] = export_actes(
        result.project,
        root / "actes",
        today=TODAY,
        state=default_state_file(content),
        numeros={NUMERO},
        cache_dir=root / "cache",
    )
    with open_bundle(archive) as bundle:
        xml = {m.name: m.read() for m in bundle.members if m.name.endswith(".xml")}
    envelope = next(data for name, data in xml.items() if name.startswith("EACT--"))
    message = next(data for name, data in xml.items() if not name.startswith("EACT--"))
    return envelope, message


def accuse(message: bytes, received: str = "2024-11-25") -> bytes:
    """What the prefecture answers: the act received, its identifier and the date."""
    root = etree.Element(q("ARActe"), nsmap=NSMAP)
    root.set(q("IDActe"), IDENTIFIANT)
    root.set(q("DateReception"), received)
    recu = copy.deepcopy(parse_xml(message))
    recu.tag = q("ActeRecu")
    root.append(recu)
    etree.SubElement(root, q("ClassificationDateVersionEnCours")).text = "2017-04-19"
    assert actes_schema().validate(root), actes_schema().error_log
    return element_to_bytes(root)


def anomalie(envelope: bytes) -> bytes:
    """An anomaly on the envelope sent (``ANO_EACT--…``), as @CTES writes them."""
    root = etree.Element(q("AnomalieEnveloppe"), nsmap=NSMAP)
    etree.SubElement(root, q("Date")).text = "2024-11-22"
    etree.SubElement(root, q("Nature")).text = "003"
    etree.SubElement(root, q("Detail")).text = "Fichier PDF illisible :\n pièce n° 1"
    recue = copy.deepcopy(parse_xml(envelope))
    recue.tag = q("EnveloppeRecue")
    root.append(recue)
    assert actes_schema().validate(root), actes_schema().error_log
    return element_to_bytes(root)


def delib_file(content: Path) -> Path:
    return content / "seances" / "2024-11-21" / "deliberations" / f"{NUMERO}.yml"


def with_comment(content: Path) -> str:
    path = delib_file(content)
    text = path.read_text(encoding="utf-8").replace("vote:\n", f"{COMMENT}\nvote:\n", 1)
    path.write_text(text, encoding="utf-8")
    return text


def added_lines(before: str, after: str) -> list[str]:
    """What changed, asserting nothing was removed or rewritten."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], diff
    return [line[2:] for line in diff if line.startswith("+ ")]


def test_an_acknowledgement_round_trip_updates_the_yaml_and_keeps_its_comments(
    tmp_path: Path, sent: tuple[bytes, bytes]
) -> None:
    content = sample_copy(tmp_path / "content")
    before = with_comment(content)
    ar = tmp_path / f"{IDENTIFIANT}-1-2.xml"
    ar.write_bytes(accuse(sent[1]))
    assert import_ar(content, ar) == [delib_file(content)]
    after = delib_file(content).read_text(encoding="utf-8")
    assert COMMENT in after
    assert added_lines(before, after) == [
        "prefecture:",
        "  date_reception: 2024-11-25",
        f"  identifiant: {IDENTIFIANT}",
    ]
    result = check(content, today=TODAY)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.project is not None
    files = next(s for s in result.project.seances if s.dossier == "2024-11-21")
    d = next(d for d in files.deliberations if d.numero == NUMERO)
    assert d.prefecture is not None and d.prefecture.identifiant == IDENTIFIANT
    extrait = deliberation_to_extrait(result.project, files, d, d.texte)
    assert f"identifiant @CTES : {IDENTIFIANT}" in repr(extrait)
    # imported twice: nothing changes
    import_ar(content, ar)
    assert delib_file(content).read_text(encoding="utf-8") == after


def test_an_anomaly_is_recorded_then_cleared_by_the_acknowledgement(
    tmp_path: Path, sent: tuple[bytes, bytes]
) -> None:
    content = sample_copy(tmp_path / "content")
    before = with_comment(content)
    ano = tmp_path / "ANO_EACT--200071116--20261122-1.xml"
    ano.write_bytes(anomalie(sent[0]))
    import_ar(content, ano)
    after = delib_file(content).read_text(encoding="utf-8")
    assert added_lines(before, after) == [
        "prefecture_anomalie:",
        "  date: 2024-11-22",
        "  nature: '003'",
        "  detail: 'Fichier PDF illisible : pièce n° 1'",
    ]
    project, diagnostics = load_project(content)
    assert project is not None and not diagnostics
    d = next(d for s in project.seances for d in s.deliberations if d.numero == NUMERO)
    assert d.prefecture_anomalie is not None and d.prefecture_anomalie.nature == "003"
    ar = tmp_path / "ar.xml"
    ar.write_bytes(accuse(sent[1], "2024-11-26"))
    import_ar(content, ar)
    final = delib_file(content).read_text(encoding="utf-8")
    assert "prefecture_anomalie" not in final and COMMENT in final
    assert added_lines(before, final) == [
        "prefecture:",
        "  date_reception: 2024-11-26",
        f"  identifiant: {IDENTIFIANT}",
    ]


def test_the_real_examples_are_read() -> None:
    [ar] = xml_to_reponses(
        (REFERENCE / "actes" / "exemple-ARActe-006-210600235-20180522-684-AI-1-2.xml").read_bytes()
    )
    assert (ar.kind, ar.numero, ar.siren, ar.identifiant) == (
        "accuse",
        "684",
        "210600235",
        "006-210600235-20180522-684-AI",
    )
    assert str(ar.date) == "2018-05-28" and str(ar.date_acte) == "2018-05-22"
    [ano] = xml_to_reponses(
        (REFERENCE / "actes" / "exemple-ANO_EACT--214400152--20180925-1.xml").read_bytes()
    )
    assert (ano.kind, ano.numero, ano.siren, ano.nature) == ("anomalie", "4365", "214400152", "999")
    assert ano.detail.startswith("ODT-VERIF-17")


def _refused(content: Path, file: Path) -> list[str]:
    before = {p: p.read_bytes() for p in content.rglob("*.yml")}
    with pytest.raises(RegistreError) as caught:
        import_ar(content, file)
    assert {p: p.read_bytes() for p in content.rglob("*.yml")} == before
    return [f"{d.code} {d.message}" for d in caught.value.diagnostics]


def test_answers_for_another_collectivite_or_act_are_refused(
    tmp_path: Path, sent: tuple[bytes, bytes]
) -> None:
    content = sample_copy(tmp_path / "content")
    real = REFERENCE / "actes" / "exemple-ARActe-006-210600235-20180522-684-AI-1-2.xml"
    [message] = _refused(content, real)
    assert message.startswith("T621 ce message concerne le SIREN 210600235")
    other = tmp_path / "autre.xml"
    other.write_bytes(accuse(sent[1]).replace(NUMERO.encode(), b"2024_099"))
    assert _refused(content, other) == ["T622 aucune délibération ne porte le numéro 2024_099"]
    garbage = tmp_path / "garbage.xml"
    garbage.write_text("<pas-fini>")
    [message] = _refused(content, garbage)
    assert message.startswith("T620 message de la préfecture illisible : XML mal formé")
    envelope = tmp_path / "enveloppe.xml"
    envelope.write_bytes(sent[0])
    [message] = _refused(content, envelope)
    assert "EnveloppeCLMISILL" in message


@functools.cache
def sample_prefecture() -> dict[Path, Prefecture | None]:
    project, _ = load_project(ROOT / "content")
    assert project is not None
    return {Path(d.pos.at.file): d.prefecture for s in project.seances for d in s.deliberations}


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "content").glob("seances/*/deliberations/*.yml")),
    ids=lambda p: p.name,
)
def test_the_round_trip_keeps_every_sample_file_as_written(path: Path) -> None:
    """Writing back what is there changes nothing; adding a block adds only its lines."""
    text = path.read_text(encoding="utf-8")
    prefecture = sample_prefecture()[path]
    if prefecture is not None:
        values = {
            "date_reception": prefecture.date_reception,
            "identifiant": prefecture.identifiant,
        }
        assert set_block(text, "prefecture", values) == text
    else:
        values = {"date_reception": TODAY, "identifiant": IDENTIFIANT}
        assert added_lines(text, set_block(text, "prefecture", values)) == [
            "prefecture:",
            f"  date_reception: {TODAY}",
            f"  identifiant: {IDENTIFIANT}",
        ]


def test_a_file_written_in_another_style_keeps_it() -> None:
    text = (
        'numero: "2024_001"\n'
        "vote:\n"
        "    pour: 3\n"
        "    noms:\n"
        "        contre:\n"
        "        - dupont-marie    # à vérifier\n"
        "        - durand-paul\n"
        "publication: 2024-01-02\n"
    )
    values = {"date_reception": TODAY, "identifiant": IDENTIFIANT}
    after = set_block(text, "prefecture", values)
    assert added_lines(text, after) == [
        "prefecture:",
        f"    date_reception: {TODAY}",
        f"    identifiant: {IDENTIFIANT}",
    ]
    assert after.index("prefecture:") < after.index("publication:")
