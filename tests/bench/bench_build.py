"""``make bench``: the whole ``registre build`` on synthetic archives, cold and after one edit.

For each size N (délibérations, N/20 séances of 20), in a fresh interpreter: the archive is
generated (not timed), then timed, each build in a fresh interpreter of its own (what a user's
``registre build`` is; the benchmark's process, with the archive it generated, is not
measured):

cold  ``registre build`` with an empty cache: check, extract PDFs (public and official), Word
      and OpenDocument copies, listes, site (pages, mkdocs-material, Pagefind), SCDL and JSON
      exports, @CTES bundles of the acts not yet transmitted;
edit  the same build after one délibération's objet was changed in its YAML file;
and the peak memory of the whole process tree (the build and its workers: typst, pandoc,
mkdocs, Pagefind: the sum of their PSS), sampled every 0.1 s from /proc, with the stage where
it peaked. The stages of the cold build are timed from the build's progress messages. ``ref``
is the reference run in the same process (``measure.reference_seconds``: the sample's build);
``cold/ref`` and ``edit/ref`` compare runs made while the shared machine ran at other speeds.
Targets at 10,000: cold ≤ 5 min and ≤ 1.5 GB, edit ≤ 5 s.

    .venv/bin/python tests/bench/bench_build.py --sizes 1000,5000,10000
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: make ``tests`` and ``generator`` importable
    sys.path.insert(0, str(ROOT))

from ruamel.yaml import YAML  # noqa: E402

from tests.bench.measure import PeakMemory, in_child, reference_seconds, run  # noqa: E402

PER_SEANCE = 20
TODAY = dt.date(2026, 11, 22)


def _timed_build(
    content: Path, folder: Path, stage_file: Path | None = None
) -> tuple[float, dict[str, float]]:
    """``build`` of ``content`` into ``folder/site``: its duration, and each stage's (the stage
    is also written into ``stage_file``, for ``PeakMemory``)."""
    from generator.project import build

    stages: list[tuple[str, float]] = []
    start = time.perf_counter()

    def progress(message: str) -> None:
        stages.append((message.split(" (")[0], time.perf_counter() - start))
        if stage_file is not None:
            stage_file.write_text(stages[-1][0], encoding="utf-8")

    build(content, folder / "site", today=TODAY, cache_dir=folder / "cache", progress=progress)
    total = time.perf_counter() - start
    steps: dict[str, float] = {}
    for (name, at), (_, after) in zip(stages, [*stages[1:], ("", total)], strict=True):
        steps[name] = round(steps.get(name, 0.0) + after - at, 1)
    return total, steps


def measure(size: int) -> dict[str, object]:
    from tests.bench.synth import write_archive

    reference = reference_seconds()
    with tempfile.TemporaryDirectory(prefix="registre-bench-build-") as tmp:
        folder = Path(tmp)
        content = folder / "content"
        write_archive(content, size // PER_SEANCE, PER_SEANCE, seed=5)
        stage_file = folder / "stage"
        with PeakMemory(children_only=True, stage_file=stage_file) as memory:
            cold, stages = in_child(_timed_build, content, folder, stage_file)
        files = sorted((content / "seances").glob("*/deliberations/*.yml"))
        edited = files[len(files) // 2]
        yaml = YAML()  # round trip: the file stays as written but for the objet
        data = yaml.load(edited)
        data["objet"] = "(rectifié) " + data["objet"]
        yaml.dump(data, edited)
        edit, edit_stages = in_child(_timed_build, content, folder)
        return {
            "size": size,
            "reference": reference,
            "cold": cold,
            "edit": edit,
            "peak_mb": memory.peak / 2**20,
            "peak_stage": max(memory.stages, key=lambda k: memory.stages[k]),
            "stages": stages,
            "edit_stages": edit_stages,
        }


def _row(r: dict[str, Any]) -> str:
    stages = ", ".join(f"{k} {v}" for k, v in r["stages"].items())
    edit_stages = ", ".join(f"{k} {v}" for k, v in r["edit_stages"].items())
    return (
        f"{r['size']:>6} {r['cold']:>9.1f} {1000 * r['cold'] / r['size']:>7.1f} "
        f"{r['edit']:>9.1f} {r['peak_mb']:>8.0f} {r['reference']:>7.1f} "
        f"{r['cold'] / r['reference']:>8.1f} {r['edit'] / r['reference']:>8.2f}  {stages}"
        f"\n{'':>42}edit: {edit_stages}\n{'':>42}peak in: {r['peak_stage']}"
    )


def main(argv: list[str] | None = None) -> int:
    return run(
        argv,
        __file__,
        __doc__ or "",
        measure,
        f"{'N':>6} {'cold (s)':>9} {'s/1000':>7} {'edit (s)':>9} {'peak MB':>8} "
        f"{'ref (s)':>7} {'cold/ref':>8} {'edit/ref':>8}  stages (s)",
        _row,
        "Targets at 10,000 délibérations: cold ≤ 300 s and ≤ 1,500 MB; edit ≤ 5 s.",
    )


if __name__ == "__main__":
    sys.exit(main())
