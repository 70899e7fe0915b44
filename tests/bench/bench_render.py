"""``make bench``: extract PDFs per second on a synthetic archive, against Typst's floor.

An archive of N délibérations (N/20 séances of 20) is generated with ``tests/bench/synth.py``
(not timed) and checked; then, in this process:

F  the floor: a bare ``typst.compile`` of the very same final sources, one after the other in
   this process (what the PDFs cost with nothing around them, on one core);
P  the pipeline, cold: Markdown through pandoc (batched), the template, and compilation in the
   spawn pool (2 workers on this machine), every PDF written to an empty store;
I  the pipeline again with nothing changed (the store has every PDF: nothing is rendered);
O  the Word and ODT copies (written in Python from the texts' pandoc JSON), for information.

    .venv/bin/python tests/bench/bench_render.py --size 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: make ``tests`` and ``generator`` importable
    sys.path.insert(0, str(ROOT))

import typst  # noqa: E402

from generator.atomic import Tree  # noqa: E402
from generator.project import check  # noqa: E402
from generator.render.outputs import Store, compile_into, write_office  # noqa: E402
from generator.render.pdf import RenderSettings, plan_extraits, planned_to_documents  # noqa: E402
from tests.bench.synth import write_archive  # noqa: E402

TODAY = dt.date(2026, 11, 22)
PER_SEANCE = 20
TARGET_RATE = 40.0
TARGET_RATIO = 2.0


def _quiet(_: str) -> None:
    pass


def measure(size: int, office: int) -> None:
    with tempfile.TemporaryDirectory(prefix="registre-bench-") as tmp:
        folder = Path(tmp)
        content = folder / "content"
        write_archive(content, size // PER_SEANCE, PER_SEANCE, seed=1)
        result = check(content, today=TODAY)
        assert result.ok and result.project is not None, result.diagnostics[:3]
        project = result.project
        items = [(files, d) for files in project.seances for d in files.deliberations]
        settings = RenderSettings()

        planned = plan_extraits(project, items, settings)
        sources = [doc.source for doc in planned_to_documents(planned, settings)]
        start = time.perf_counter()
        for source in sources:
            typst.compile(source.encode("utf-8"), ignore_system_fonts=True, pdf_standards=["a-2b"])
        floor = time.perf_counter() - start

        store = Store(folder / "store", folder / "texts")
        start = time.perf_counter()
        planned = plan_extraits(project, items, settings)
        todo = [p for p in planned if not store.has(p.key, ".pdf")]
        failures = compile_into(store, planned_to_documents(todo, settings), len(todo), settings)
        pipeline = time.perf_counter() - start
        assert not failures, failures[:3]

        start = time.perf_counter()
        office_store = Store(folder / "s2", folder / "texts2")
        some = planned[:office]
        write_office([(p.name, p.key) for p in some], some, Tree(), office_store, settings)
        office_rate = office / (time.perf_counter() - start) if office else 0.0

        start = time.perf_counter()
        again = [p for p in plan_extraits(project, items, settings) if not store.has(p.key, ".pdf")]
        incremental = time.perf_counter() - start
        assert not again

        n = len(items)
        print(f"délibérations : {n}  (séances : {len(project.seances)})")
        print(f"F  floor, bare typst.compile, 1 core  : {floor:7.2f} s  {n / floor:7.1f} PDF/s")
        print(
            f"P  pipeline cold (pandoc+template+pool): {pipeline:7.2f} s  {n / pipeline:7.1f} PDF/s"
        )
        print(
            f"   ratio P/F                          : {pipeline / floor:7.2f}"
            f"  (target ≤ {TARGET_RATIO})"
        )
        print(f"I  nothing changed                    : {incremental:7.2f} s  (0 rendered)")
        print(f"O  Word+ODT copies                    : {office_rate:7.1f} délibérations/s")
        ok = n / pipeline >= TARGET_RATE and pipeline / floor <= TARGET_RATIO
        print(
            f"target ≥ {TARGET_RATE:.0f} PDF/s and ≤ {TARGET_RATIO}× floor: "
            + ("met" if ok else "NOT met")
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="délibérations (default 1000)")
    parser.add_argument("--office", type=int, default=40, help="Word/ODT copies timed (default 40)")
    args = parser.parse_args(argv)
    measure(args.size, args.office)
    return 0


if __name__ == "__main__":
    sys.exit(main())
