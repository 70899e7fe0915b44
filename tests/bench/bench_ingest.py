"""Benchmark of ``check-pdf``: pages per second on the reference corpus, 2 worker processes,
the ratio to ``pdftotext -layout`` on the same files, and pages per second per worker on a
Dask cluster of 1 then 2 workers (``--scheduler``; here a ``LocalCluster`` on 127.0.0.1).

    .venv/bin/python -m tests.bench.bench_ingest
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from distributed import LocalCluster

from generator.ingest import check_pdfs
from generator.ingest.check import expand_paths
from generator.ingest.cluster import check_pdfs_on_cluster
from generator.ingest.ocr import OcrSettings

#: The text layers only: the scans' OCR has its own benchmark (bench_ocr).
NO_OCR = OcrSettings(mode="never")

REFERENCE = Path(__file__).resolve().parents[1] / "reference"  # tests/reference


def main() -> None:
    dirs = [REFERENCE / "corpus", REFERENCE / "extraits"]
    files = expand_paths(dirs)
    start = time.perf_counter()
    reports = check_pdfs(dirs, workers=2, ocr=NO_OCR)
    elapsed = time.perf_counter() - start
    pages = sum(r.pages for r in reports)
    print(
        f"check-pdf : {len(files)} fichiers, {pages} pages en {elapsed:.2f} s "
        f"= {pages / elapsed:.1f} pages/s (2 processus)"
    )
    if shutil.which("pdftotext"):
        start = time.perf_counter()
        for f in files:
            subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, check=False)
        ref = time.perf_counter() - start
        print(
            f"pdftotext -layout : {ref:.2f} s = {pages / ref:.1f} pages/s ; "
            f"rapport : {elapsed / ref:.1f} fois plus lent"
        )
    for workers in (1, 2):
        with LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster:
            start = time.perf_counter()
            check_pdfs_on_cluster(dirs, cluster.scheduler_address, ocr=NO_OCR)
            elapsed = time.perf_counter() - start
        print(
            f"grappe Dask, {workers} nœud(s) d'un fil : {pages / elapsed:.1f} pages/s "
            f"= {pages / elapsed / workers:.1f} pages/s par nœud"
        )


if __name__ == "__main__":
    main()
