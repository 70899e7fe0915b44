"""``make bench``: how long ``registre check`` takes on large synthetic archives.

For each size N (délibérations, N/20 séances of 20 points), an archive is generated with
``tests/bench/synth.py`` in a temporary folder (not timed), then measured in a **fresh
interpreter** (this script re-run with ``--measure``), so that neither the generation nor a
previous size leaves warm imports, warm module caches or a high peak RSS behind. In that child,
the imports are done (and timed) first; then, in the same process:

R  the floor: read every YAML file's bytes and compose it with ruamel's C composer
   (``YAML(typ="safe", pure=False).compose``), one process, nothing else;
C  ``generator.project.check()`` with an empty cache folder (cold);
W  ``check()`` again, nothing changed (warm cache);
E  ``check()`` after editing one délibération file.

``check()`` must report no diagnostic at all (the archive is valid): the timings are those of
the normal path. Peak RSS is ``getrusage(RUSAGE_SELF)`` of the child: the checking process, not
the workers of its parsing pool (``RUSAGE_CHILDREN`` would report, for a spawned worker, the
parent's RSS at the fork that precedes its ``exec``, which is meaningless here). The OS page
cache is warm in every step (the files were just written), which is also the case of a
secretariat re-running ``registre check`` after an edit. ``--repeat k`` runs k rounds, each with
a fresh cache folder, and shows the best (the machine may be shared).

The two ``CLI`` columns are the end-to-end wall time of ``python -m generator check`` in yet
another fresh interpreter (start-up and imports included), cold then warm: what a user waits.

    .venv/bin/python tests/bench/bench_check.py --sizes 1000,10000
    .venv/bin/python tests/bench/bench_check.py --sizes 10000 --profile   # where the time goes
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: make ``tests`` and ``generator`` importable
    sys.path.insert(0, str(ROOT))

from tests.bench.synth import write_archive  # noqa: E402

TODAY = dt.date(2026, 11, 22)
PER_SEANCE = 20
TARGET_N = 10_000
TARGET_COLD = 20.0
TARGET_WARM = 2.0


# ------------------------------------------------------------------------------ child side


def _maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def _edit_one(content: Path) -> tuple[Path, str]:
    """Add a sentence to the texte of the middle délibération (still valid); returns the file
    and its original text, to restore it."""
    delibs = sorted(content.glob("seances/*/deliberations/*.yml"))
    target = delibs[len(delibs) // 2]
    original = target.read_text(encoding="utf-8")
    marker = "texte: |\n"
    assert marker in original
    edited = original.replace(marker, marker + "  Rapport mis à jour après la commission.\n\n", 1)
    target.write_text(edited, encoding="utf-8")
    return target, original


def measure(
    content: Path, cache_root: Path, repeat: int, profile_dir: Path | None
) -> dict[str, Any]:
    """R, C, W, E (each the best of ``repeat`` rounds) and peak RSS; in a fresh interpreter."""
    t0 = time.perf_counter()
    from ruamel.yaml import YAML

    from generator import load
    from generator.cache import code_version
    from generator.project import check

    imports = time.perf_counter() - t0
    version = code_version()
    files = sorted(content.rglob("*.yml"))
    size = sum(f.stat().st_size for f in files)
    samples: dict[str, list[float]] = {"R": [], "C": [], "W": [], "E": []}
    diagnostics: list[int] = []
    rss_cold = 0.0

    def timed_check(cache_dir: Path) -> float:
        start = time.perf_counter()
        result = check(content, today=TODAY, cache_dir=cache_dir)
        elapsed = time.perf_counter() - start
        diagnostics.append(len(result.diagnostics))
        for d in result.diagnostics[:5]:
            print(d.format(), file=sys.stderr)
        return elapsed

    for round_ in range(repeat):
        yaml = YAML(typ="safe", pure=False)
        start = time.perf_counter()
        for f in files:
            yaml.compose(f.read_bytes().decode("utf-8"))
        samples["R"].append(time.perf_counter() - start)
        cache_dir = cache_root / f"round-{round_}"
        samples["C"].append(timed_check(cache_dir))
        rss_cold = max(rss_cold, _maxrss_mb(resource.RUSAGE_SELF))
        samples["W"].append(timed_check(cache_dir))
        edited, original = _edit_one(content)
        try:
            samples["E"].append(timed_check(cache_dir))
        finally:
            edited.write_text(original, encoding="utf-8")
    cache_files = list((cache_root / "round-0").glob("*.pickle"))
    out: dict[str, Any] = {
        "files": len(files),
        "bytes": size,
        "imports": imports,
        **{key: min(values) for key, values in samples.items()},
        "samples": samples,
        "diagnostics": diagnostics,
        "rss_after_cold_mb": rss_cold,
        "rss_main_mb": _maxrss_mb(resource.RUSAGE_SELF),
        "cache_mb": sum(p.stat().st_size for p in cache_files) / 1e6,
        "cpus": os.cpu_count(),
        # generator/ edited during the run: the cache key changed, "warm" runs were cold
        "code_changed": code_version() != version,
    }
    if profile_dir is not None:
        out["profiles"] = profile(content, cache_root / "profile", profile_dir, load)
    return out


def profile(content: Path, cache_dir: Path, folder: Path, load: Any) -> dict[str, str]:
    """cProfile of a cold check with the parsing forced in-process (a pool would hide it from
    the profiler), then of a warm check on the cache it filled; the .prof files are kept in
    ``folder`` (``python -m pstats`` or snakeviz)."""
    from generator.project import check

    folder.mkdir(parents=True, exist_ok=True)
    reports = {}
    threshold = load.PARALLEL_THRESHOLD
    for name, serial in (("cold-serial", True), ("warm", False)):
        load.PARALLEL_THRESHOLD = 10**9 if serial else threshold
        prof = cProfile.Profile()
        start = time.perf_counter()
        prof.enable()
        check(content, today=TODAY, cache_dir=cache_dir)
        prof.disable()
        elapsed = time.perf_counter() - start
        load.PARALLEL_THRESHOLD = threshold
        path = folder / f"check-{name}.prof"
        prof.dump_stats(path)
        text = io.StringIO()
        stats = pstats.Stats(prof, stream=text).strip_dirs()
        text.write(f"=== {name}: {elapsed:.2f} s under cProfile ({path})\n")
        stats.sort_stats("tottime").print_stats(22)
        stats.sort_stats("cumulative").print_stats(28)
        reports[name] = text.getvalue()
    return reports


# ------------------------------------------------------------------------------ parent side


def _cli(content: Path, cwd: Path) -> float:
    """Wall time of ``python -m generator check`` in a fresh interpreter (cache in ``cwd``)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "check",
            "--content",
            str(content),
            "--today",
            str(TODAY),
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"registre check failed (exit {proc.returncode})")
    return elapsed


def run_size(
    n: int, seed: int, repeat: int, cli: bool, profile_dir: Path | None, keep: Path | None
) -> dict[str, Any]:
    seances = max(1, -(-n // PER_SEANCE))
    per = min(PER_SEANCE, n)
    with tempfile.TemporaryDirectory(prefix=f"registre-bench-{n}-") as tmp:
        base = keep / str(n) if keep is not None else Path(tmp)
        content = base / "content"
        start = time.perf_counter()
        write_archive(content, seances, per, seed=seed)
        generation = time.perf_counter() - start
        print(f"N={seances * per}: archive written in {generation:.1f} s; measuring…", flush=True)
        command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(content)]
        command += ["--cache", str(base / "cache"), "--repeat", str(repeat)]
        if profile_dir is not None:
            command += ["--profile-dir", str(profile_dir / str(n))]
        load_before = os.getloadavg()[0]
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(f"measurement failed for N={n}")
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        result["N"] = seances * per
        result["generation"] = generation
        result["load"] = (load_before, os.getloadavg()[0])
        if cli:
            cli_cwd = base / "cli"
            cli_cwd.mkdir()
            result["cli_cold"] = _cli(content, cli_cwd)
            result["cli_warm"] = min(_cli(content, cli_cwd) for _ in range(repeat))
        return result


def table(results: list[dict[str, Any]]) -> str:
    head = (
        f"{'N':>7} {'files':>6} {'MB':>6} | {'R (s)':>6} {'C (s)':>6} {'W (s)':>6} {'E (s)':>6} "
        f"| {'C/R':>5} {'W/R':>5} | {'CLI cold':>8} {'CLI warm':>8} | {'peak RSS':>8} "
        f"{'cache':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        cli_cold = f"{r['cli_cold']:8.2f}" if "cli_cold" in r else f"{'-':>8}"
        cli_warm = f"{r['cli_warm']:8.2f}" if "cli_warm" in r else f"{'-':>8}"
        lines.append(
            f"{r['N']:>7} {r['files']:>6} {r['bytes'] / 1e6:>6.1f} | {r['R']:>6.2f} {r['C']:>6.2f} "
            f"{r['W']:>6.2f} {r['E']:>6.2f} | {r['C'] / r['R']:>5.1f} {r['W'] / r['R']:>5.2f} | "
            f"{cli_cold} {cli_warm} | {r['rss_main_mb']:>6.0f}MB {r['cache_mb']:>4.0f}MB"
        )
    return "\n".join(lines)


def verdict(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"Targets at {TARGET_N} délibérations on this {os.cpu_count()}-core machine: "
        f"cold ≤ {TARGET_COLD:.0f} s, warm ≤ {TARGET_WARM:.0f} s."
    ]
    for r in results:
        if r["N"] != TARGET_N:
            continue
        for label, key, target in (("cold", "C", TARGET_COLD), ("warm", "W", TARGET_WARM)):
            ok = "met" if r[key] <= target else "NOT MET"
            lines.append(f"  {label}: {r[key]:.2f} s (target {target:.0f} s) — {ok}")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Benchmark of registre check on synthetic archives.")
    p.add_argument("--sizes", default="1000,10000", help="délibérations, comma-separated")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeat", type=int, default=1, help="rounds per size; the best is shown")
    p.add_argument("--no-cli", action="store_true", help="skip the end-to-end CLI timings")
    p.add_argument("--profile", action="store_true", help="also cProfile a cold and a warm check")
    p.add_argument("--profile-out", type=Path, default=Path("build/bench-profiles"))
    p.add_argument("--keep", type=Path, help="keep the archives under this folder")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    p.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--profile-dir", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.measure is not None:  # child: one archive, fresh interpreter
        figures = measure(args.measure, args.cache, args.repeat, args.profile_dir)
        print(json.dumps(figures))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    for n in sizes:
        profile_dir = args.profile_out.resolve() if args.profile else None
        results.append(run_size(n, args.seed, args.repeat, not args.no_cli, profile_dir, args.keep))
    print()
    print(table(results))
    print()
    print("R floor: read + C-compose every YAML file, 1 process. C cold, W warm (nothing changed),")
    print("E after editing one délibération: check() in a fresh interpreter, imports done.")
    print("CLI: `python -m generator check` end to end (start-up and imports included).")
    if args.repeat > 1:
        print(f"Best of {args.repeat} rounds (fresh cache each round); all samples:")
        for r in results:
            for key in ("R", "C", "W", "E"):
                values = ", ".join(f"{v:.2f}" for v in r["samples"][key])
                print(f"  N={r['N']} {key}: {values}")
    for r in results:
        print(
            f"N={r['N']}: imports {r['imports']:.2f} s, generation {r['generation']:.1f} s "
            f"(not counted), load average {r['load'][0]:.1f} → {r['load'][1]:.1f} "
            f"on {r['cpus']} CPUs"
        )
        if any(r["diagnostics"]):
            print(f"WARNING: N={r['N']}: diagnostics {r['diagnostics']} (should be none)")
        if r["code_changed"]:
            print(f"WARNING: N={r['N']}: generator/ changed during the run: rerun the benchmark")
    for line in verdict(results):
        print(line)
    for r in results:
        for report in r.get("profiles", {}).values():
            print()
            print(report)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
