"""The reader scored against the hand-written labels (tests/labels), as councils outside the
repository are: ``check-pdf --json`` on the labelled documents, then the shared scorer.

    .venv/bin/python -m tests.score            # the development set
    .venv/bin/python -m tests.score --aside    # the councils kept aside (once, at the end)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.ingest import check_pdfs, reports_to_json
from generator.ingest.ocr import OcrSettings, default_cache

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels"
REFERENCE = HERE / "reference"
SCORER = HERE / "tools" / "score_ingest.py"


def kept_aside() -> tuple[str, ...]:
    lines = (LABELS / "kept-aside.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def labelled(aside: bool) -> list[Path]:
    """The labels of the development set, or of the councils kept aside."""
    prefixes = kept_aside()
    return [
        p
        for p in sorted(LABELS.glob("*.yaml"))
        if p.name.startswith(prefixes) == aside
    ]


def document_of(label: Path) -> Path:
    for folder in ("corpus", "extraits"):
        pdf = REFERENCE / folder / f"{label.stem}.pdf"
        if pdf.is_file():
            return pdf
    raise FileNotFoundError(f"{label.name} : aucun PDF de ce nom dans tests/reference")


@dataclass(frozen=True)
class Score:
    """The scorer's summary line, as numbers."""

    fields: tuple[int, int]
    found: tuple[int, int]
    verdicts: tuple[int, int]
    caught: tuple[int, int]
    false_alarms: tuple[int, int]
    scans: tuple[int, int]
    spurious: int
    table: str


SUMMARY = re.compile(
    r"total: fields (\d+)/(\d+) \(\d+%\), deliberations found (\d+)/(\d+), "
    r"verdicts (\d+)/(\d+) \(\d+%\), mismatches caught (\d+)/(\d+), "
    r"false alarms (\d+)/(\d+), scanned status (\d+)/(\d+), spurious items (\d+)"
)


def score(labels: list[Path], workers: int = 2) -> Score:
    """Read the labelled documents (scans by OCR, kept in the user's cache) and score them."""
    reports = check_pdfs(
        [document_of(p) for p in labels],
        workers=workers,
        timeout=600,
        ocr=OcrSettings(cache=default_cache()),
    )
    with tempfile.TemporaryDirectory() as folder:
        chosen = Path(folder) / "labels"
        chosen.mkdir()
        for label in labels:
            shutil.copyfile(label, chosen / label.name)
        report = Path(folder) / "report.json"
        report.write_text(reports_to_json(reports), encoding="utf-8")
        run = subprocess.run(
            [sys.executable, str(SCORER), str(chosen), str(report)],
            capture_output=True,
            text=True,
            check=False,
        )
    found = SUMMARY.search(run.stdout)
    if found is None:
        raise RuntimeError(f"le barème n'a pas donné de total :\n{run.stdout}\n{run.stderr}")
    n = [int(g) for g in found.groups()]
    return Score(
        (n[0], n[1]), (n[2], n[3]), (n[4], n[5]), (n[6], n[7]), (n[8], n[9]), (n[10], n[11]),
        n[12], run.stdout,
    )


def main() -> None:
    aside = "--aside" in sys.argv[1:]
    result = score(labelled(aside))
    print(result.table, end="")


if __name__ == "__main__":
    main()
