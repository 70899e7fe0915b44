"""The reader scored against the hand-written labels, as councils outside the repository are:
``check-pdf --json`` on the labelled documents, then the shared scorer.

Two sets: the corpus PDFs (tests/labels/*.yaml, documents in tests/reference) and the texts of
real documents (tests/labels/textes/*.yaml, texts in tests/reference/textes) rendered in each
typography of tests/textes.py (PDFs cached in tests/.textes-pdf). Each set prints its own table;
the last lines sum them up.

    .venv/bin/python -m tests.score            # the development set
    .venv/bin/python -m tests.score --aside    # the councils kept aside (once, at the end)
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.ingest import check_pdfs, reports_to_json
from generator.ingest.ocr import OcrSettings, default_cache
from generator.ingest.report import FileReport
from tests import textes

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels"
REFERENCE = HERE / "reference"
SCORER = HERE / "tools" / "score_ingest.py"


def kept_aside() -> tuple[str, ...]:
    lines = (LABELS / "kept-aside.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def labelled(aside: bool, folder: Path = LABELS) -> list[Path]:
    """The labels of ``folder`` (the corpus's; ``textes.LABELS``: the texts') of the
    development set, or of the councils kept aside."""
    prefixes = kept_aside()
    return [p for p in sorted(folder.glob("*.yaml")) if p.name.startswith(prefixes) == aside]


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


def read(pdfs: list[Path], workers: int = 2) -> list[FileReport]:
    """``check-pdf`` on the documents (scans by OCR, kept in the user's cache)."""
    return check_pdfs(
        pdfs, workers=workers, timeout=600, ocr=OcrSettings(cache=default_cache())
    )


FILE_LINE = re.compile(r"^file:.*$", re.MULTILINE)


def relabel(label: Path, pdf_name: str) -> str:
    """The label's text with its ``file:`` naming ``pdf_name`` (a rendered copy of its text)."""
    text = label.read_text(encoding="utf-8")
    renamed, count = FILE_LINE.subn(f'file: "{pdf_name}"', text, count=1)
    if count != 1:
        raise ValueError(f"{label.name} : pas de ligne « file: »")
    return renamed


def score_reports(labels: dict[str, str], reports: list[FileReport]) -> Score:
    """The shared scorer on ``labels`` (file name → YAML text) against ``reports``."""
    with tempfile.TemporaryDirectory() as folder:
        chosen = Path(folder) / "labels"
        chosen.mkdir()
        for name, text in labels.items():
            (chosen / name).write_text(text, encoding="utf-8")
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


def score(labels: list[Path], workers: int = 2) -> Score:
    """Read the labelled documents (scans by OCR, kept in the user's cache) and score them."""
    reports = read([document_of(p) for p in labels], workers)
    return score_reports({p.name: p.read_text(encoding="utf-8") for p in labels}, reports)


def score_textes(
    labels: list[Path], folder: Path = textes.CACHE, workers: int = 2
) -> dict[str, Score]:
    """Render the labelled texts in every typography into ``folder``, read them all at once
    and score each typography on its own: each label's ``file:`` renamed to its PDF."""
    if not labels:
        return {}
    stems = [p.stem for p in labels]
    missing = sorted(set(stems) - {p.stem for p in textes.texts(stems)})
    if missing:
        raise FileNotFoundError(f"aucun texte de ce nom dans tests/reference/textes : {missing}")
    rendered = textes.render_all(folder, stems)
    reports = read([pdf for pdfs in rendered.values() for pdf in pdfs], workers)
    scores: dict[str, Score] = {}
    for typo in rendered:
        names = {f"{p.stem}.{typo}.yaml": relabel(p, textes.pdf_name(p.stem, typo)) for p in labels}
        suffix = f".{typo}.pdf"
        scores[typo] = score_reports(
            names, [r for r in reports if Path(r.file).name.endswith(suffix)]
        )
    return scores


def summary(score: Score) -> str:
    """The scorer's summary figures on one line."""
    def part(name: str, pair: tuple[int, int]) -> str:
        return f"{name} {pair[0]}/{pair[1]}"

    return ", ".join(
        [
            part("fields", score.fields),
            part("deliberations found", score.found),
            part("verdicts", score.verdicts),
            part("mismatches caught", score.caught),
            part("false alarms", score.false_alarms),
            part("scanned status", score.scans),
            f"spurious items {score.spurious}",
        ]
    )


def combined(scores: list[Score]) -> Score:
    """The sum of several scores (no table)."""
    def add(pairs: list[tuple[int, int]]) -> tuple[int, int]:
        return sum(p[0] for p in pairs), sum(p[1] for p in pairs)

    return Score(
        add([s.fields for s in scores]),
        add([s.found for s in scores]),
        add([s.verdicts for s in scores]),
        add([s.caught for s in scores]),
        add([s.false_alarms for s in scores]),
        add([s.scans for s in scores]),
        sum(s.spurious for s in scores),
        "",
    )


def main() -> None:
    aside = "--aside" in sys.argv[1:]
    which = "councils kept aside" if aside else "development set"
    sets: dict[str, Score] = {}
    print(f"== corpus ({which}): tests/labels ==")
    sets["corpus"] = score(labelled(aside))
    print(sets["corpus"].table, end="")
    for typo, result in score_textes(labelled(aside, textes.LABELS)).items():
        print(f"\n== textes ({which}), typography {typo}: tests/labels/textes ==")
        print(result.table, end="")
        sets[f"textes {typo}"] = result
    print(f"\n== totals ({which}) ==")
    width = max(len(name) for name in sets)
    for name, result in sets.items():
        print(f"{name.ljust(width)}  {summary(result)}")
    if len(sets) > 1:
        texts_only = [r for name, r in sets.items() if name.startswith("textes ")]
        print(f"{'textes'.ljust(width)}  {summary(combined(texts_only))}")
        print(f"{'all'.ljust(width)}  {summary(combined(list(sets.values())))}")


if __name__ == "__main__":
    main()
