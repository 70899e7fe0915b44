"""``make bench``: the public site's build time and peak memory on synthetic archives.

For each size N (délibérations, N/20 séances of 20), in a fresh interpreter: the archive is
generated and checked (not timed), the documents folder is filled with one real extract PDF
hard-linked under every name the pages link to (rendering has its own benchmark,
``bench_render.py``), then timed:

G  the pages generated from the model (pandoc for the texts included);
S  the whole ``build_site``: pages, mkdocs-material build, Pagefind index;
and the peak RSS of the process. Target at 10,000: S ≤ 60 s and ≤ 1 GB, growing linearly.
The first-search payload is what a reader's browser loads for one query: Pagefind's entry,
its script and WebAssembly, the index chunk and one fragment.

    .venv/bin/python tests/bench/bench_site.py --sizes 1000,5000,10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: make ``tests`` and ``generator`` importable
    sys.path.insert(0, str(ROOT))

PER_SEANCE = 20
TODAY = dt.date(2026, 11, 22)


def _first_search_bytes(site: Path) -> int:
    """Bytes a first search downloads: UI script and style, entry, wasm, one index chunk and
    one fragment (the largest of each, to be pessimistic)."""
    pagefind = site / "pagefind"
    total = sum(
        (pagefind / name).stat().st_size
        for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "pagefind-entry.json")
    )
    total += max(p.stat().st_size for p in pagefind.glob("wasm.*.pagefind"))
    total += max(p.stat().st_size for p in (pagefind / "index").iterdir())
    total += max(p.stat().st_size for p in (pagefind / "fragment").iterdir())
    return total


def measure(size: int) -> dict[str, float]:
    from generator.project import check
    from generator.render.markdown import markdown_to
    from generator.site.build import build_site
    from generator.site.pages import SiteData, project_to_pages
    from tests.bench.synth import write_archive

    with tempfile.TemporaryDirectory(prefix="registre-bench-site-") as tmp:
        folder = Path(tmp)
        write_archive(folder / "content", size // PER_SEANCE, PER_SEANCE, seed=3)
        result = check(folder / "content", today=TODAY)
        assert result.ok and result.project is not None
        project = result.project
        documents = folder / "documents"
        (documents / "extraits").mkdir(parents=True)
        (documents / "listes").mkdir()
        sample = next((ROOT / "tests" / "fixtures").rglob("*.pdf"))
        for s in project.seances:
            os.link(sample, documents / "listes" / f"{s.dossier}.pdf")
            for d in s.deliberations:
                for suffix in (".pdf", ".docx", ".odt"):
                    os.link(sample, documents / "extraits" / f"{d.numero}{suffix}")
        start = time.perf_counter()
        delibs = [d for s in project.seances for d in s.deliberations]
        textes = dict(
            zip(
                (d.numero for d in delibs),
                markdown_to([d.texte for d in delibs], "html"),
                strict=True,
            )
        )
        pages = project_to_pages(SiteData(project, textes))
        generated = time.perf_counter() - start
        start = time.perf_counter()
        build_site(project, documents, folder / "site")
        whole = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {
            "size": size,
            "pages": len(pages),
            "generate": generated,
            "site": whole,
            "rss_mb": rss,
            "children_rss_mb": children,
            "first_search_kb": _first_search_bytes(folder / "site") / 1024,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    print(f"{'N':>6} {'pages':>6} {'G (s)':>7} {'S (s)':>7} {'s/1000':>7} {'RSS MB':>7} "
          f"{'child MB':>8} {'1st search KB':>13}")
    for size in (int(s) for s in args.sizes.split(",")):
        run = subprocess.run(
            [sys.executable, __file__, "--measure", str(size)], capture_output=True, text=True
        )
        if run.returncode:
            print(f"{size:>6} failed:\n{run.stderr[-3000:]}")
            continue
        r = json.loads(run.stdout.strip().splitlines()[-1])
        print(
            f"{r['size']:>6} {r['pages']:>6} {r['generate']:>7.1f} {r['site']:>7.1f} "
            f"{1000 * r['site'] / r['size']:>7.2f} {r['rss_mb']:>7.0f} "
            f"{r['children_rss_mb']:>8.0f} {r['first_search_kb']:>13.0f}"
        )
    print("Targets at 10,000 délibérations: site ≤ 60 s, ≤ 1 GB; first search ≤ 300 KB.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
