"""``make bench``: the public site's build time and peak memory on synthetic archives.

For each size N (délibérations, N/20 séances of 20), in a fresh interpreter: the archive is
generated and checked (not timed), one real PDF stands for every document the pages link to
(hard-linked under each name; rendering has its own benchmark, ``bench_render.py``), then
timed:

G  the pages generated from the model (pandoc for the texts included, no cache);
S  the whole ``build_site`` from an empty cache: pages, mkdocs-material, Pagefind index, and
   the site's folder filled (``sync_tree``);
and the peak memory of the build's process tree (workers, pandoc, Pagefind included).
Target at 10,000: S ≤ 60 s and ≤ 1 GB, growing linearly.
``1st search`` is what a reader's browser downloads for a first search, in Debian's Chromium
(``tests/browser.first_search_bytes``): the largest over a few queries (``_queries``), each
shown at the end of the line (served uncompressed). Target: ≤ 300 KB whatever the size.
``edit`` is the same build again after one délibération's objet changed, with the cache of
the first (texts' HTML, rendered pages) kept, into the same folder. ``ref`` is the reference
run in the same process (``measure.reference_seconds``: the sample's build); ``S/ref``
compares runs made while the shared machine ran at other speeds.

    .venv/bin/python tests/bench/bench_site.py --sizes 1000,5000,10000
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: make ``tests`` and ``generator`` importable
    sys.path.insert(0, str(ROOT))

from tests.bench.measure import PeakMemory, reference_seconds, run  # noqa: E402

if TYPE_CHECKING:
    from generator.model import Project

PER_SEANCE = 20
TODAY = dt.date(2026, 11, 22)


def _queries(project: Project) -> tuple[str, ...]:
    """What readers type: common words, a phrase, an élu's name, and a word found nowhere
    (the search reads every year's index before it can say so)."""
    membre = project.membres[0]
    return ("budget", "subvention", "marché de travaux", membre.nom, "zorglub")


def _first_searches(site: Path, queries: Sequence[str]) -> dict[str, float]:
    """Kilobytes downloaded by a first search of each query, in Debian's Chromium."""
    from tests.browser import chromium, first_search_bytes, serving

    with serving(site) as url, chromium() as browser:
        return {q: first_search_bytes(browser, url, q) / 1024 for q in queries}


def _edited(project: Project) -> Project:
    """The project with one délibération's objet changed (what a secretary does)."""
    seance = project.seances[len(project.seances) // 2]
    first = seance.deliberations[0]
    edited = replace(first, objet=first.objet + " (modifié)")
    seances = list(project.seances)
    seances[len(seances) // 2] = replace(seance, deliberations=(edited, *seance.deliberations[1:]))
    return replace(project, seances=tuple(seances))


def measure(size: int) -> dict[str, Any]:
    from generator.atomic import Tree, sync_tree
    from generator.export.opendata import export_json
    from generator.export.scdl import export_scdl
    from generator.project import check
    from generator.site.build import build_site, project_to_inputs
    from tests.bench.synth import write_archive

    reference = reference_seconds()
    with tempfile.TemporaryDirectory(prefix="registre-bench-site-") as tmp:
        folder = Path(tmp)
        write_archive(folder / "content", size // PER_SEANCE, PER_SEANCE, seed=3)
        result = check(folder / "content", today=TODAY)
        assert result.ok and result.project is not None
        project = result.project
        documents = Tree()
        # one real PDF for every document: the site links to them, never reads them
        sample = str(folder / "document.pdf")
        shutil.copyfile(ROOT / "tests/fixtures/base/seances/2024-05-16/annexes/plan.pdf", sample)
        for s in project.seances:
            documents.link(f"listes/{s.dossier}.pdf", sample)
            for d in s.deliberations:
                for suffix in (".pdf", ".docx", ".odt"):
                    documents.link(f"extraits/{d.numero}{suffix}", sample)
        export_scdl(project, folder / "donnees")
        export_json(project, folder / "donnees")
        documents.add_folder(folder / "donnees", "donnees")
        start = time.perf_counter()
        pages = len(project_to_inputs(project, cache=None).pages)
        generated = time.perf_counter() - start  # (the pages freed: S's peak is its own)
        cache = folder / "cache"
        start = time.perf_counter()
        with PeakMemory() as memory:
            site = Tree(dict(documents.files))
            build_site(project, site, cache=cache)
            sync_tree(site, folder / "site")
        whole = time.perf_counter() - start
        searches = _first_searches(folder / "site", _queries(project))
        start = time.perf_counter()
        site = Tree(dict(documents.files))
        build_site(_edited(project), site, cache=cache)
        sync_tree(site, folder / "site")
        incremental = time.perf_counter() - start
        return {
            "size": size,
            "reference": reference,
            "pages": pages,
            "generate": generated,
            "site": whole,
            "incremental": incremental,
            "peak_mb": memory.peak / 2**20,
            "first_search_kb": max(searches.values()),
            "searches": searches,
        }


def _row(r: dict[str, Any]) -> str:
    return (
        f"{r['size']:>6} {r['pages']:>6} {r['generate']:>7.1f} {r['site']:>7.1f} "
        f"{1000 * r['site'] / r['size']:>7.2f} {r['incremental']:>8.1f} {r['peak_mb']:>8.0f} "
        f"{r['first_search_kb']:>13.0f} {r['reference']:>7.1f} {r['site'] / r['reference']:>6.1f}"
        "  " + ", ".join(f"« {q} » {kb:.0f}" for q, kb in r["searches"].items())
    )


def main(argv: list[str] | None = None) -> int:
    return run(
        argv,
        __file__,
        __doc__ or "",
        measure,
        f"{'N':>6} {'pages':>6} {'G (s)':>7} {'S (s)':>7} {'s/1000':>7} {'edit (s)':>8} "
        f"{'peak MB':>8} {'1st search KB':>13} {'ref (s)':>7} {'S/ref':>6}  each search (KB)",
        _row,
        "Targets at 10,000 délibérations: site ≤ 60 s, ≤ 1 GB; first search ≤ 300 KB. "
        "edit: the same build again after one objet changed (cache kept).",
    )


if __name__ == "__main__":
    sys.exit(main())
