"""The site's search index: Pagefind bundles, one per group of pages (a year, the élus).

Each bundle is kept in the cache under the hash of its pages' Markdown and of the theme, and
the search page merges them in the browser (``templates/site/docs/assets/recherche.js``).
Indexing a year takes Pagefind seconds (~2 ms a page), which an edit of one délibération
should not cost: when an edit changes few of a group's pages, the group keeps the bundle it
had (its *base*) and the changed pages are indexed alone into a small *overlay* bundle,
published beside it. The search page hides the base's results for those pages (``stale``,
by Pagefind's fragment ids, listed in ``pagefind/registre-modifs.json``). Past a share of the
group's pages (``SiteSettings.reindex_share``), the group is indexed again whole.

A search reads one chunk of index per word from every bundle it searches, and a bundle cannot
be much larger than a year (Pagefind holds all of a bundle's words while indexing it: a year
of 1,000 délibérations took ~270 MB; a larger year is indexed in parts, ``GROUP_PAGES``). The
search page therefore starts with the latest year and the élus, and asks a *vocabulary*
bundle (one page per earlier year or part, holding its words: ``index_vocabulary``) which of
them hold the query's words; it reads those only. A word found nowhere costs the
vocabulary's chunk instead of one chunk of every year.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import shutil
import string
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pagefind_bin

from generator.atomic import write_text

#: The file, in the primary bundle's folder, that tells the search page the overlays.
MODIFS = "registre-modifs.json"

#: The group of the vocabulary's pages (``index_vocabulary``).
VOCABULARY = "mots"

#: Stripped around the vocabulary's words (Pagefind reads « (budget) » as « budget »).
PUNCTUATION = string.punctuation + "«»‹›“”‘’…–—"


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
    #: The ids of the results the search page shows, the base's and the overlay's.
    shown: frozenset[str] = frozenset()


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


def _read_fragments(bundle: Path) -> Iterator[tuple[str, str, str]]:
    """The URL, id and indexed text of each page of a Pagefind bundle (its fragments: gzip,
    then a signature and the page's JSON)."""
    for path in (bundle / "fragment").iterdir():
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        yield data["url"], path.name.removesuffix(".pf_fragment"), data["content"]


def bundle_to_fragments(bundle: Path) -> dict[str, str]:
    """URL → id of each page of a Pagefind bundle."""
    return {url: ident for url, ident, _ in _read_fragments(bundle)}


def bundle_to_words(bundle: Path) -> set[str]:
    """The words of the text Pagefind indexed for a bundle's pages, lowercased and without
    the punctuation around them (Pagefind reads them the same with or without)."""
    words: set[str] = set()
    for _, _, content in _read_fragments(bundle):
        words.update(content.lower().split())
    return {word.strip(PUNCTUATION) for word in words} - {""}


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
    bundles = {
        g: Bundle(b.base, b.overlay, tuple(sorted(hidden[g])), frozenset(live[g]))
        for g, b in bundles.items()
    }
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


@dataclass(frozen=True)
class Vocabulary:
    """The vocabulary's bundle, and the group each of its pages stands for, by Pagefind id."""

    bundle: Bundle
    groups: dict[str, str]


def words_to_page(group: str, words: set[str]) -> str:
    """A vocabulary page: a group's words, once each (indexed, never published)."""
    text = html.escape(" ".join(sorted(words)))
    return (
        f'<!doctype html>\n<html lang="fr"><head><meta charset="utf-8"><title>{group}</title>'
        f"</head>\n<body><main data-pagefind-body><p>{text}</p></main></body></html>\n"
    )


def index_vocabulary(
    bundles: Mapping[str, Bundle],
    years: Sequence[str],
    folder: Path,
    fingerprint: str,
    *,
    reindex_share: float,
) -> Vocabulary | None:
    """A bundle of one page for each group of ``years``, holding the group's words. The
    search page asks it which years hold a query's words before it reads their indexes: a
    word found nowhere costs one chunk of it, instead of one chunk of every year's index.
    Its pages are indexed like the others (``index_search``: a base, then overlays after an
    edit), kept in ``folder`` with each base's words. None when one of its ids is also the id
    of another bundle's page (Pagefind's ids are short hashes): the search page then reads
    every year, as it would without it."""
    words_dir, pages_dir = folder / "mots", folder / "pages"
    keys: dict[str, str] = {}
    for group in years:
        bundle = bundles[group]
        kept = words_dir / f"{bundle.base.name}.txt"
        if kept.is_file():
            words = set(kept.read_text(encoding="utf-8").split("\n"))
        else:
            words = bundle_to_words(bundle.base)
            write_text(kept, "\n".join(sorted(words)))
        if bundle.overlay is not None:
            # the words of a page since changed or removed stay: the search page may read
            # that year for nothing, never miss it
            words |= bundle_to_words(bundle.overlay)
        page = words_to_page(group, words)
        path = f"{VOCABULARY}/{group}.md"
        keys[path] = hashlib.sha256(page.encode()).hexdigest()
        dest = pages_dir / page_to_dest(path)
        if not dest.is_file() or dest.read_text(encoding="utf-8") != page:
            write_text(dest, page)
    used = {f"{bundles[g].base.name}.txt" for g in years}
    for old in words_dir.iterdir() if words_dir.is_dir() else ():
        if old.name not in used:
            old.unlink()
    if not keys:
        return None
    bundle = index_search(
        pages_dir,
        {VOCABULARY: list(keys)},
        keys,
        folder / "recherche",
        fingerprint,
        workers=1,
        reindex_share=reindex_share,
    )[VOCABULARY]
    by_url = {page_to_url(f"{VOCABULARY}/{g}.md"): g for g in years}
    base = _Base.load(bundle.base)
    found = dict(base.fragments) if base is not None else {}
    if bundle.overlay is not None:
        found |= bundle_to_fragments(bundle.overlay)
    groups = {ident: by_url[url] for url, ident in found.items() if ident in bundle.shown}
    shown = set().union(*(b.shown for b in bundles.values()))
    stale = set().union(*(b.stale for b in bundles.values()))
    if bundle.shown & (shown | stale) or set(bundle.stale) & shown:
        return None
    return Vocabulary(bundle, groups)
