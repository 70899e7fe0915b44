"""Scans read by OCR (Tesseract's French model): figures, caveats, cache, limits, the CLI.

The scans' figures are compared with hand-written labels in tests/expected/ingest (the
Putanges-le-Lac scan against the labels of the same document with its producer's OCR layer);
this module holds what the report says about OCR, and how it is run.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from generator.ingest import check_pdf, check_pdfs
from generator.ingest.ocr import ILLEGIBLE, OcrSettings, engine, tsv_to_words, word_text
from generator.ingest.report import report_to_text
from tests.conftest import REFERENCE, run_cli

CORPUS = REFERENCE / "corpus"
FLAUX = CORPUS / "flaux_pv_cm_2023-12-15_SCANNED-with-stamp-text.pdf"  # 5 pages, only a stamp
TALUYERS = CORPUS / "taluyers_pv_2024-02-05_SCANNED.pdf"  # 8 pages, no text at all
BESANCON = REFERENCE / "extraits" / "000_07502a19c6daf1fa.pdf"  # a real mismatch, 97 ≠ 96


def test_the_engine_and_its_french_model_are_installed() -> None:
    """make test installs them (Debian's tesseract-ocr, tesseract-ocr-fra): no OCR test may
    pass by finding no engine."""
    version = engine()
    assert version is not None and version.startswith("tesseract ")


@pytest.fixture(scope="module")
def flaux(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """Flaux's scan read once into a cache of its own: the cache and the JSON report."""
    cache = tmp_path_factory.mktemp("ocr")
    report = check_pdf(FLAUX, ocr=OcrSettings(cache=cache)).to_json()
    return cache, report


def test_a_scan_is_read_and_the_report_says_by_ocr(flaux: tuple[Path, dict[str, object]]) -> None:
    """The séance figures of the side column (« en exercice : 11 / qui ont pris part à la
    délibération : 9 / dont 3 procurations », 6 names under « Présents »), read on the
    images; the stamp's text layer alone gave nothing."""
    _, report = flaux
    assert report["status"] == "ocr"
    assert (report["en_exercice"], report["presents"], report["procurations"]) == (11, 6, 3)
    ocr = report["ocr"]
    assert isinstance(ocr, dict)
    assert ocr["pages"] == [1, 2, 3, 4, 5] and ocr["skipped"] == []
    assert 80 <= ocr["confidence"] <= 100
    assert report["message"] == (
        "lu par reconnaissance de caractères (OCR), page(s) 1-5, confiance moyenne "
        f"{ocr['confidence']:.0f} % : vérifiez les chiffres sur le document"
    )


def _rewrite_word(cache: Path, word: str, change: Callable[[list[str]], None]) -> int:
    """Apply ``change`` to the TSV cells of every word ``word`` kept in ``cache``; how many."""
    count = 0
    for page in cache.rglob("*.tsv"):
        rows = page.read_text(encoding="utf-8").splitlines()
        for i, row in enumerate(rows):
            cells = row.split("\t")
            if len(cells) == 12 and cells[11] == word:
                change(cells)
                rows[i] = "\t".join(cells)
                count += 1
        page.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return count


def test_the_ocr_of_a_file_is_kept_under_its_hash(
    flaux: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """A second run reads the kept pages, whatever the file's name: a word changed in the
    cache shows in the report (no OCR ran again)."""
    cache, report = flaux
    mine = tmp_path / "cache"
    shutil.copytree(cache, mine)
    assert len(list(mine.rglob("*.tsv"))) == 5
    assert _rewrite_word(mine, "11", lambda cells: cells.__setitem__(11, "12")) >= 1
    renamed = tmp_path / "copie.pdf"
    shutil.copyfile(FLAUX, renamed)
    again = check_pdf(renamed, ocr=OcrSettings(cache=mine)).to_json()
    assert again["en_exercice"] == 12
    assert {k: v for k, v in again.items() if k not in ("file", "en_exercice")} == {
        k: v for k, v in report.items() if k not in ("file", "en_exercice")
    }


def test_a_figure_read_with_low_confidence_is_null_not_wrong(
    flaux: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    """« en exercice : 11 », the engine unsure of the « 11 » (its confidence lowered in the
    kept TSV): the figure is not given rather than maybe wrong."""
    cache, _ = flaux
    mine = tmp_path / "cache"
    shutil.copytree(cache, mine)
    assert _rewrite_word(mine, "11", lambda cells: cells.__setitem__(10, "31.5")) >= 1
    report = check_pdf(FLAUX, ocr=OcrSettings(cache=mine))
    assert report.en_exercice is None
    assert (report.presents, report.procurations) == (6, 3)
    page = next(mine.rglob("*-5.tsv")).read_text(encoding="utf-8")
    [word] = [w for w in tsv_to_words(page) if w.confidence == 31.5]
    assert word_text(word, OcrSettings()) == ILLEGIBLE == "[illisible]"


def test_a_mismatch_read_by_ocr_says_to_check_the_document(tmp_path: Path) -> None:
    """Grand Besançon's extract printed as images (a scan of it): the mismatch is still
    reported, and its explanation says that it was read by OCR."""
    document = pdfium.PdfDocument(BESANCON)
    images = [page.render(scale=200 / 72, grayscale=True).to_pil() for page in document]
    scan = tmp_path / "besancon-scan.pdf"
    images[0].save(scan, save_all=True, append_images=images[1:], resolution=200)
    report = check_pdf(scan)
    assert report.status == "incoherent"
    assert report.ocr is not None and report.ocr.pages == list(range(1, len(images) + 1))
    [d] = [d for d in report.deliberations if d.coherent is False]
    assert d.ref == "7.1"
    assert d.explanation.endswith(
        "(lu par reconnaissance de caractères, à vérifier sur le document)"
    )
    assert "lu par reconnaissance de caractères" in report_to_text(report)


def test_ocr_never_reports_a_scan_without_reading_it() -> None:
    report = check_pdf(TALUYERS, ocr=OcrSettings(mode="never"))
    assert (report.status, report.message) == (
        "no_text_layer",
        "8 page(s) lue(s), 0 lettres seulement : document scanné sans couche texte ; "
        "reconnaissance de caractères (OCR) désactivée par --ocr never",
    )


def test_without_the_engine_a_scan_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on this PATH
    engine.cache_clear()
    try:
        report = check_pdf(TALUYERS)
    finally:
        engine.cache_clear()
    assert (report.status, report.message) == (
        "no_text_layer",
        "8 page(s) lue(s), 0 lettres seulement : document scanné sans couche texte ; "
        "installez Tesseract et son modèle français pour lire les scans : "
        "apt-get install tesseract-ocr tesseract-ocr-fra",
    )


def test_pages_past_the_time_limit_are_reported_not_read() -> None:
    """A long scan stops at the file's limit with the pages read so far (here none: the
    limit is already past), and says which pages were left."""
    report = check_pdf(FLAUX, ocr=OcrSettings(deadline=time.monotonic() - 1))
    assert report.ocr is not None
    assert (report.ocr.pages, report.ocr.skipped) == ([], [1, 2, 3, 4, 5])
    assert (report.status, report.message) == (
        "no_text_layer",
        "5 page(s) lue(s), 480 lettres seulement : document scanné sans couche texte ; "
        "page(s) 1-5 non lue(s) par OCR : délai de lecture atteint",
    )


def test_a_short_time_limit_cuts_the_scan_and_the_batch_goes_on(tmp_path: Path) -> None:
    """Through the reading processes: OCR stops at 80 % of --timeout, the pages read by
    then are parsed, the rest reported; the next file of the batch is read."""
    dole = REFERENCE / "extraits" / "004_465084a1f6b77f0d.pdf"
    reports = check_pdfs([TALUYERS, dole], workers=1, timeout=4, ocr=OcrSettings(cache=tmp_path))
    scan, extract = reports
    assert scan.ocr is not None and scan.ocr.skipped  # 8 pages take more than 3.2 s
    read = scan.ocr.pages
    assert read + scan.ocr.skipped == list(range(1, 9))
    assert "délai de lecture atteint" in (scan.message or "")
    assert extract.status == "ok"


def test_always_reads_a_born_digital_extract_like_its_text_layer(tmp_path: Path) -> None:
    """The same reader runs on OCR words as on a text layer: Dole's extract read through
    its page images gives the figures its text gives."""
    dole = REFERENCE / "extraits" / "004_465084a1f6b77f0d.pdf"
    text = check_pdf(dole, ocr=OcrSettings(mode="never")).to_json()
    ocr = check_pdf(dole, ocr=OcrSettings(mode="always", cache=tmp_path)).to_json()
    assert ocr["status"] == "ocr" and text["status"] == "ok"
    for key in ("en_exercice", "presents", "procurations", "votants", "seance_date"):
        assert ocr[key] == text[key], key
    assert [d["vote"] for d in ocr["deliberations"]] == [d["vote"] for d in text["deliberations"]]


def test_cli_ocr_option_and_json(user_cache: Path) -> None:
    code, out, err = run_cli("check-pdf", str(TALUYERS), "--json")
    assert (code, err) == (0, "")
    [report] = json.loads(out)
    assert report["status"] == "ocr"
    assert (report["en_exercice"], report["presents"], report["procurations"]) == (21, 17, 2)
    assert report["ocr"]["pages"] == list(range(1, 9))
    assert list((user_cache / "registre" / "ocr").rglob("*.tsv"))  # kept for the next run
    code, out, _ = run_cli("check-pdf", str(TALUYERS), "--ocr", "never")
    assert code == 0 and "désactivée par --ocr never" in out


def test_import_pdf_of_a_scan_marks_the_drafts(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    code, out, err = run_cli("import-pdf", str(TALUYERS), "--to", str(content))
    assert (code, err) == (0, ""), out
    seance = content / "seances" / "2024-02-05" / "seance.yml"
    mark = "# Lu par OCR (reconnaissance de caractères), page(s) 1-8, confiance moyenne"
    assert mark in seance.read_text(encoding="utf-8")
    drafts = sorted((seance.parent / "deliberations").glob("*.yml"))
    assert drafts and all(mark in p.read_text(encoding="utf-8") for p in drafts)
    assert "en_exercice: 21" in seance.read_text(encoding="utf-8")


def test_import_pdf_without_text_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    monkeypatch.setenv("PATH", str(tmp_path))
    engine.cache_clear()
    try:
        code, out, err = run_cli("import-pdf", str(TALUYERS), "--to", str(content))
    finally:
        engine.cache_clear()
    assert code == 2, out + err
    assert (
        "taluyers_pv_2024-02-05_SCANNED.pdf : aucun texte lisible (document scanné) ; "
        "installez Tesseract et son modèle français pour lire les scans : "
        "apt-get install tesseract-ocr tesseract-ocr-fra"
    ) in " ".join((out + err).split())
    assert list(content.iterdir()) == []
