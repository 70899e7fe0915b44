"""check-pdf: reference extracts against hand-written expectations, bad inputs, the pool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.ingest import check_pdf, check_pdfs, exit_code, reports_to_json, reports_to_text
from generator.ingest.numbers import fold, replace_number_words
from generator.ingest.votes import find_vote
from tests.conftest import ROOT, SHARED

EXPECTED = ROOT / "tests" / "expected" / "ingest"
DOCS = {p.stem: p for d in ("extraits", "corpus") for p in (SHARED / d).glob("*.pdf")}


def _compare(expected: Any, actual: Any, unchecked: dict[str, str], where: str) -> None:
    if isinstance(expected, dict):
        for k, v in expected.items():
            if k in unchecked:
                continue
            assert k in actual, f"{where}.{k} missing"
            _compare(v, actual[k], unchecked, f"{where}.{k}")
    elif isinstance(expected, list):
        assert len(expected) == len(actual), f"{where}: {len(actual)} items, not {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _compare(e, a, unchecked, f"{where}[{i}]")
    else:
        assert expected == actual, f"{where}: {actual!r} != {expected!r}"


@pytest.mark.parametrize("stem", sorted(p.stem for p in EXPECTED.glob("*.yml")))
def test_expected_values(stem: str) -> None:
    expected = YAML(typ="safe").load((EXPECTED / f"{stem}.yml").read_text(encoding="utf-8"))
    unchecked = expected.pop("unchecked", {}) or {}
    report = check_pdf(DOCS[stem]).to_json()
    _compare(expected, report, unchecked, stem)


def test_besancon_explanation_names_the_bounds() -> None:
    report = check_pdf(DOCS["000_07502a19c6daf1fa"])
    (d,) = report.deliberations
    assert (d.declared_total, d.expected_total, d.coherent) == (97, 96, False)
    assert "Thierry MORTON (à partir du 3.2)" in d.explanation
    assert "hors de ses bornes (jusqu'au 1.1.2)" in d.explanation
    assert any("97 ≠ 96" in a for a in d.anomalies)
    assert "INCOHÉRENT" in reports_to_text([report])


def test_scans_have_no_text_layer() -> None:
    for stem in (
        "putanges-le-lac_pv_cm_2024-03-25_SCANNED",
        "flaux_pv_cm_2023-12-15_SCANNED-with-stamp-text",
    ):
        report = check_pdf(DOCS[stem])
        assert report.status == "no_text_layer"
        assert report.message is not None and "OCR" in report.message


def _bad_files(tmp: Path) -> dict[str, Path]:
    real = DOCS["002_91caae8e95b269c5"].read_bytes()
    files = {
        "vide.pdf": b"",
        "texte.pdf": b"ceci n'est pas un PDF\n",
        "tronque.pdf": real[: len(real) // 3],
        "entete-seul.pdf": b"%PDF-1.7\n%%EOF\n",
        "malforme.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"trailer <<>>\n",
    }
    out = {}
    for name, data in files.items():
        (tmp / name).write_bytes(data)
        out[name] = tmp / name
    return out


def test_bad_inputs_yield_a_status_and_a_message(tmp_path: Path) -> None:
    for name, path in _bad_files(tmp_path).items():
        report = check_pdf(path)
        assert report.status in ("unreadable", "not_a_deliberation", "no_text_layer"), name
        assert report.message, name


def test_a_bad_file_does_not_stop_a_batch(tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)
    paths = [bad["vide.pdf"], DOCS["004_465084a1f6b77f0d"], bad["texte.pdf"]]
    reports = check_pdfs(paths, workers=2, timeout=60)
    assert [r.status for r in reports] == ["unreadable", "ok", "unreadable"]
    assert exit_code(reports) == 2
    assert '"status": "ok"' in reports_to_json(reports)


def test_time_limit(tmp_path: Path) -> None:
    reports = check_pdfs([DOCS["lannion_pv_cm_2020-06-08"]] * 2, workers=2, timeout=0.01)
    assert all(r.status == "unreadable" and "délai" in (r.message or "") for r in reports)


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("Pour : 21\nContre : 0", (21, 0, None, None, False)),
        ("POUR 21 / CONTRE 0", (21, 0, None, None, False)),
        ("adopté par 29 voix pour", (29, None, None, None, False)),
        ("à trente-quatre voix pour et une voix contre", (34, 1, None, None, False)),
        ("2 votes contre 1 abstention 9 votes pour", (9, 2, 1, None, False)),
        ("A L'UNANIMITE des votants (31 voix), 8 abstentions", (31, None, 8, None, True)),
        ("AVEC :29 VOIX POUR2 NE PRENNENT PAS PART AU VOTE", (29, None, None, 2, False)),
        ("adopté à l'unanimité", (None, None, None, None, True)),
        ("Pour information, 60 % des écoles pour 2017", (None, None, None, None, False)),
    ],
)
def test_vote_layouts(text: str, figures: tuple[Any, ...]) -> None:
    v = find_vote(text)
    assert (v.pour, v.contre, v.abstention, v.nppv, v.unanimite) == figures


def test_number_words() -> None:
    assert replace_number_words(fold("quatre-vingt-dix-huit voix")) == "98 voix"
    assert replace_number_words(fold("soixante et onze")) == "71"
    assert replace_number_words(fold("une convention")) == "une convention"


def test_import_pdf_writes_drafts(tmp_path: Path) -> None:
    from generator.ingest import import_pdf

    written = import_pdf(DOCS["002_91caae8e95b269c5"], tmp_path / "content")
    seance = (tmp_path / "content" / "seances" / "2023-06-22" / "seance.yml").read_text("utf-8")
    assert written[0].name == "seance.yml" and len(written) == 2
    assert "Membres inconnus" in seance and "procurations:" in seance
