"""What the benchmarks share: one fresh interpreter per size, the peak memory of a process tree."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

PAGE = os.sysconf("SC_PAGE_SIZE")
T = TypeVar("T")


def _pss(pid: int) -> int:
    """Proportional set size: the process's private memory plus its share of the pages it
    shares (libraries, and the whole parent between a fork and the exec of a subprocess,
    which the resident size would count twice)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree(root: int) -> dict[int, int]:
    """``root`` and all its descendants, each with its resident size (bytes), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * PAGE
    tree, stack = {}, [root]
    while stack:
        pid = stack.pop()
        tree[pid] = rss.get(pid, 0)
        stack += children.get(pid, [])
    return tree


class PeakMemory:
    """The largest memory of this process and its descendants while the block runs (the sum
    of their PSS, sampled every 0.1 s); with ``children_only``, of its descendants only (the
    measured work runs in a child: ``in_child``)."""

    def __init__(self, children_only: bool = False, stage_file: Path | None = None) -> None:
        self.peak = 0
        #: What the measured code is doing (set by the caller, or written into ``stage_file``
        #: by a child): the peak is kept per stage.
        self.stage = ""
        self.stage_file = stage_file
        self.children_only = children_only
        self.stages: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _current_stage(self) -> str:
        if self.stage_file is None:
            return self.stage
        try:
            return self.stage_file.read_text(encoding="utf-8")
        except OSError:
            return ""

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            tree = _tree(os.getpid())
            if self.children_only:
                del tree[os.getpid()]
            stage = self._current_stage()
            # the PSS costs ~30 ms to read for a large tree: only when the resident size (never
            # below it) could beat the stage's peak, or the sampler would eat a core
            if sum(tree.values()) <= self.stages.get(stage, 0):
                continue
            used = sum(_pss(pid) for pid in tree)
            self.peak = max(self.peak, used)
            self.stages[stage] = max(self.stages.get(stage, 0), used)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def in_child(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a fresh interpreter, as a user's ``registre build`` runs: without
    what the benchmark's own process holds (the archive it generated, the reference run)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def reference_seconds(rounds: int = 2) -> float:
    """The reference run: ``registre build`` of the project's own sample (18 délibérations:
    check, pandoc, Typst, the copies, mkdocs, Pagefind; the mix of a large build) from an empty
    cache, the best of ``rounds``. The machines are shared and their speed varies (by 40 %
    within an hour here): a size's time divided by this one, measured in the same process just
    before, compares runs made at different moments."""
    import datetime as dt
    import shutil
    import tempfile
    import time

    from generator.project import build

    root = Path(__file__).resolve().parents[2]
    best = float("inf")
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="registre-bench-reference-") as tmp:
            content = Path(tmp) / "content"
            state = shutil.ignore_patterns(".*", "envois-actes.json")
            shutil.copytree(root / "content", content, ignore=state)
            start = time.perf_counter()
            build(content, Path(tmp) / "site", today=dt.date(2026, 11, 22), cache_dir=None)
            best = min(best, time.perf_counter() - start)
    return best


def run(
    argv: list[str] | None,
    script: str,
    doc: str,
    measure: Callable[[int], dict[str, Any]],
    header: str,
    row: Callable[[dict[str, Any]], str],
    targets: str,
) -> int:
    """A benchmark's command line: ``--measure N`` prints ``measure(N)`` as JSON (in the
    fresh interpreter ``each_size`` starts); otherwise one table row per size of ``--sizes``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    print(header)
    for size, result in each_size(script, args.sizes):
        print(
            f"{size:>6} failed:\n{result}" if isinstance(result, str) else row(result), flush=True
        )
    print(targets)
    return 0


def each_size(script: str, sizes: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Run ``script --measure N`` for each size in a fresh interpreter (nothing cached in the
    process, memory measured from zero): its JSON result, or the end of its error output."""
    for size in (int(s) for s in sizes.split(",")):
        run = subprocess.run(
            [sys.executable, script, "--measure", str(size)], capture_output=True, text=True
        )
        if run.returncode:
            yield size, run.stderr[-3000:]
        else:
            yield size, json.loads(run.stdout.strip().splitlines()[-1])
