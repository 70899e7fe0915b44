"""Benchmark of OCR in ``check-pdf``: the corpus' scans read with 2 worker processes at 300 dpi
(pages per second, the goal being ≥ 1), beside the floor of the same pages given to Tesseract
alone (rendered beforehand, two at a time); the whole check of the Putanges-le-Lac PV (16
scanned pages); and the same batch again, from the cache.

    .venv/bin/python -m tests.bench.bench_ocr
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdfium2 as pdfium

from generator.ingest import check_pdfs
from generator.ingest.ocr import OcrSettings, _page_png, _tesseract_tsv

CORPUS = Path(__file__).resolve().parents[1] / "reference" / "corpus"
SCANS = sorted(CORPUS.glob("*_SCANNED*.pdf"))
PV = CORPUS / "putanges-le-lac_pv_cm_2024-03-25_SCANNED.pdf"


def _floor(settings: OcrSettings) -> tuple[int, float]:
    """Tesseract alone on every page of the scans, two pages at a time: (pages, seconds)."""
    images = []
    for scan in SCANS:
        document = pdfium.PdfDocument(scan)
        images += [_page_png(document, i, settings.dpi) for i in range(len(document))]
        document.close()
    start = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda png: _tesseract_tsv(png, settings.lang, 300), images))
    return len(images), time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = OcrSettings(cache=Path(folder))
        start = time.perf_counter()
        reports = check_pdfs(SCANS, workers=2, timeout=600, ocr=settings)
        elapsed = time.perf_counter() - start
        pages = sum(len(r.ocr.pages) for r in reports if r.ocr)
        print(
            f"check-pdf, OCR : {len(SCANS)} scans, {pages} pages en {elapsed:.1f} s "
            f"= {pages / elapsed:.2f} pages/s (2 processus, {settings.dpi} dpi)"
        )
        floor_pages, floor = _floor(settings)
        print(
            f"Tesseract seul, mêmes pages déjà rendues, 2 à la fois : {floor_pages} pages en "
            f"{floor:.1f} s = {floor_pages / floor:.2f} pages/s ; rapport : "
            f"{elapsed / floor:.2f}"
        )
        start = time.perf_counter()
        check_pdfs(SCANS, workers=2, timeout=600, ocr=settings)
        again = time.perf_counter() - start
        print(f"même lot, pages en cache : {again:.1f} s ({again / elapsed:.0%} du premier)")
    start = time.perf_counter()
    [report] = check_pdfs([PV], workers=1, timeout=600, ocr=OcrSettings())
    print(
        f"{PV.name} ({report.pages} pages, 1 processus) : {time.perf_counter() - start:.1f} s, "
        f"statut {report.status}, confiance {report.ocr.confidence if report.ocr else None} %"
    )


if __name__ == "__main__":
    main()
