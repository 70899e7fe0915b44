"""The site's search index: Pagefind bundles, one per group of pages (a year, the élus).

Each bundle is kept in the cache under the hash of its pages' Markdown and of the theme, and
the search page merges them in the browser (``templates/site/docs/assets/recherche.js``).
Indexing a year takes Pagefind seconds (~2 ms a page), which an edit of one délibération
should not cost: when an edit changes few of a group's pages, the group keeps the bundle it
had (its *base*) and the changed pages are indexed alone into a small *overlay* bundle,
published beside it. The search page hides the base's results for those pages (``stale``,
by Pagefind's fragment ids, listed in ``pagefind/registre-modifs.json``). Past a share of the
group's pages (``SiteSettings.reindex_share``), the group is indexed again whole.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pagefind_bin

from generator.atomic import write_text

#: The file, in the primary bundle's folder, that tells the search page the overlays.
MODIFS = "registre-modifs.json"


class SearchIndexError(Exception):
    """Pagefind failed."""


@dataclass(frozen=True)
class Bundle:
    """A group's search index as published."""

    #: Pagefind's bundle of the group's pages, as they were when it was made.
    base: Path
    #: The pages changed since, indexed alone (None when there are none).
    overlay: Path | None = None
    #: The base's results that those pages (or pages since removed) replace: Pagefind's ids.
    stale: tuple[str, ...] = ()


@dataclass
class _Base:
    """What a base bundle was made from, kept beside it (``<bundle>.json``)."""

    group: str
    fingerprint: str  # the theme's and Pagefind's
    pages: dict[str, str]  # path → hash of the page's Markdown
    fragments: dict[str, str]  # URL → Pagefind's id

    @staticmethod
    def load(bundle: Path) -> _Base | None:
        try:
            data = json.loads(bundle.with_suffix(".json").read_text(encoding="utf-8"))
            return _Base(data["group"], data["fingerprint"], data["pages"], data["fragments"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, bundle: Path) -> None:
        write_text(bundle.with_suffix(".json"), json.dumps(vars(self), sort_keys=True))


def page_to_dest(path: str) -> str:
    """Where mkdocs writes a page (``use_directory_urls``)."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def page_to_url(path: str) -> str:
    """A page's URL as Pagefind records it (from the site's root, without ``index.html``)."""
    return "/" + page_to_dest(path).removesuffix("index.html")


def bundle_to_fragments(bundle: Path) -> dict[str, str]:
    """URL → id of each page of a Pagefind bundle (its fragments: gzip, then a signature and
    the page's JSON)."""
    fragments = {}
    for path in (bundle / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        fragments[json.loads(data)["url"]] = path.name.removesuffix(".pf_fragment")
    return fragments


def _pagefind(site: Path, output: Path) -> None:
    run = subprocess.run(
        [
            str(pagefind_bin.get_executable()),
            *("--site", str(site), "--output-path", str(output), "--silent"),
        ],
        capture_output=True,
        text=True,
    )
    if run.returncode:
        raise SearchIndexError(f"Pagefind a échoué : {run.stdout}{run.stderr}")


def _digest(*parts: object) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()[:32]


def hidden_live_results(live: Mapping[str, set[str]], stale: Mapping[str, set[str]]) -> set[str]:
    """The groups whose stale ids are also the id of a result still published (``live``, by
    group): the search page would hide that result too. Pagefind's ids are short hashes of
    each page's fragment, so two pages can share one, rarely; such a group is indexed again.
    """
    published = set().union(*live.values())
    return {group for group, ids in stale.items() if ids & published}


def index_search(
    html: Path,
    groups: Mapping[str, Sequence[str]],
    keys: Mapping[str, str],
    kept: Path,
    fingerprint: str,
    *,
    workers: int,
    reindex_share: float,
) -> dict[str, Bundle]:
    """Each group's bundle (``html`` holds the rendered pages, ``keys`` the hash of each page's
    Markdown), kept in ``kept`` with what it was made from; a bundle depends on the theme too
    (``fingerprint``). An edit that changes more than ``reindex_share`` of a group's pages
    since its base indexes the group again; fewer are indexed into an overlay. ``workers``
    Pagefind processes run at once, each holding one group in memory."""
    fingerprint = f"{fingerprint}\0{version('pagefind')}"
    bases_file = kept / "bases.json"
    try:
        bases: dict[str, str] = json.loads(bases_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        bases = {}
    pages = {group: {p: keys[p] for p in paths} for group, paths in groups.items()}
    full = {g: kept / _digest(fingerprint, g, sorted(pages[g].items())) for g in groups}
    bundles = {g: Bundle(full[g]) for g in groups}
    made: dict[str, _Base] = {}  # what each group's base was made from
    jobs = []
    for group in groups:
        previous = kept / bases.get(group, "-")
        base = _Base.load(previous) if previous.is_dir() else None
        if (
            full[group].is_dir()
            or base is None
            or (base.group, base.fingerprint)
            != (
                group,
                fingerprint,
            )
        ):
            jobs.append((groups[group], full[group]))
            continue
        changed = sorted(p for p in pages[group] if base.pages.get(p) != pages[group][p])
        removed = sorted(set(base.pages) - set(pages[group]))
        if len(changed) + len(removed) > reindex_share * len(pages[group]):
            jobs.append((groups[group], full[group]))
            continue
        overlay = kept / f"modifs-{_digest(previous.name, [(p, keys[p]) for p in changed])}"
        urls = (page_to_url(p) for p in (*changed, *removed))
        stale = tuple(base.fragments[u] for u in urls if u in base.fragments)
        bundles[group] = Bundle(previous, overlay if changed else None, stale)
        made[group] = base
        jobs.append((changed, overlay))

    def index(job: tuple[Sequence[str], Path]) -> None:
        paths, bundle = job
        if not paths or bundle.is_dir():
            return
        with tempfile.TemporaryDirectory(prefix=".index-", dir=kept) as tmp:
            site, output = Path(tmp) / "pages", Path(tmp) / "bundle"
            for path in paths:
                (site / page_to_dest(path)).parent.mkdir(parents=True, exist_ok=True)
                os.link(html / page_to_dest(path), site / page_to_dest(path))
            _pagefind(site, output)
            output.rename(bundle)

    def run(jobs: list[tuple[Sequence[str], Path]]) -> None:
        kept.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max(1, workers)) as pool:
            list(pool.map(index, jobs))
        for group, bundle in bundles.items():
            if group not in made:  # a new base: what it was made from, kept beside it
                base = _Base.load(bundle.base)
                if base is None:
                    fragments = bundle_to_fragments(bundle.base)
                    base = _Base(group, fingerprint, pages[group], fragments)
                    base.save(bundle.base)
                made[group] = base

    run(jobs)
    while True:
        live: dict[str, set[str]] = {}
        hidden: dict[str, set[str]] = {}
        for group, bundle in bundles.items():
            added = set(bundle_to_fragments(bundle.overlay).values()) if bundle.overlay else set()
            # an overlay's page with the base's id is the same fragment, URL included
            hidden[group] = set(bundle.stale) - added
            live[group] = (set(made[group].fragments.values()) - hidden[group]) | added
        again = hidden_live_results(live, hidden)
        if not again:
            break
        for group in again:
            bundles[group] = Bundle(full[group])
            del made[group]
        run([(groups[g], full[g]) for g in again])
    bundles = {g: Bundle(b.base, b.overlay, tuple(sorted(hidden[g]))) for g, b in bundles.items()}
    write_text(bases_file, json.dumps({g: b.base.name for g, b in bundles.items()}))
    used = {bases_file}
    for b in bundles.values():
        used |= {b.base, b.base.with_suffix(".json"), *([b.overlay] if b.overlay else [])}
    for old in set(kept.iterdir()) - used:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
    return bundles
