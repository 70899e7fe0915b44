"""Nothing half-written: builds killed at random moments, two builds at once."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.atomic import Tree, recover_dirs, sync_tree
from generator.project import official_dir
from generator.site.search import MODIFS
from tests.conftest import TODAY, run_cli


def _search_contents(site: Path) -> dict[str, str]:
    """What the search finds of each page (URL → text indexed), as the search page merges
    the bundles: the stale results hidden, each page once."""
    stale = set(json.loads((site / "pagefind" / MODIFS).read_text(encoding="utf-8"))["stale"])
    found: dict[str, set[str]] = {}
    for bundle in site.glob("pagefind*"):
        for path in (bundle / "fragment").iterdir():
            if path.name.removesuffix(".pf_fragment") not in stale:
                data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
                found.setdefault(data["url"], set()).add(data["content"])
    assert all(len(texts) == 1 for texts in found.values())
    return {url: texts.pop() for url, texts in found.items()}


def _snapshot(folder: Path) -> dict[str, str]:
    """Each file's hash; for a site, its search index as what the search finds: after an
    edit, a build with the cache indexes the changed pages beside their year's bundle, which
    a build from nothing indexes whole."""
    files = {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).parts[0].startswith("pagefind")
    }
    if (folder / "pagefind").is_dir():
        files |= {f"recherche:{u}": t for u, t in _search_contents(folder).items()}
    return files


def _build_command(content: Path, site: Path, cached: bool = False) -> list[str]:
    """``registre build``; with ``cached``, the cache is ``.registre-cache`` where it runs."""
    return [
        sys.executable,
        "-m",
        "generator",
        "build",
        "--content",
        str(content),
        "--out",
        str(site),
        *([] if cached else ["--no-cache"]),
        "--today",
        TODAY.isoformat(),
    ]


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_builds_killed_at_random_moments_leave_the_previous_outputs(
    base_copy: Path, tmp_path: Path, cached: bool
) -> None:
    """The killed builds have an edited délibération to publish. With the cache, each brings
    the previous generation (``.site-prev``) part of the way up to date, in place: the builds
    that follow must still publish exactly what a build from nothing publishes."""
    out = tmp_path / "out"
    site = out / "site"
    official = out / "officiel"
    command = _build_command(base_copy, site, cached)

    def build() -> None:
        run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr

    build()
    before = (_snapshot(site), _snapshot(official))
    edited = base_copy / "seances/2024-05-16/deliberations/2024_010.yml"
    edited.write_text(edited.read_text().replace("objet: Tarifs", "objet: Nouveaux tarifs"))
    reference = tmp_path / "reference" / "site"
    run = subprocess.run(_build_command(base_copy, reference), capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    after = (_snapshot(reference), _snapshot(official_dir(reference)))
    assert after != before
    published = before
    rng = random.Random(20261122)
    for _ in range(5):
        process = subprocess.Popen(
            command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.3, 4.0))
        os.kill(process.pid, signal.SIGKILL)
        if process.wait() == 0:  # it finished before the kill
            published = after
        # what a reader finds right after the kill, once the next run has tidied up
        recover_dirs([official, site])
        assert (_snapshot(site), _snapshot(official)) == published
        # the previous generations are kept (hidden) for the next build, nothing else
        assert {p.name for p in out.iterdir()} - {".officiel-prev", ".site-prev"} == {
            "officiel",
            "site",
        }
    for _ in range(3):  # each generation in turn, built on what the kills left
        build()
        assert (_snapshot(site), _snapshot(official)) == after


def test_a_second_build_at_the_same_time_is_refused_clearly(
    base_copy: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    first = subprocess.Popen(
        _build_command(base_copy, site), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    # the first build holds the lock once its staging folders appear
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".site-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    code, out, _ = run_cli(*_build_command(base_copy, site)[3:])
    first_out, _ = first.communicate(timeout=120)
    assert first.returncode == 0, first_out
    assert code == 1
    assert f"G003 une autre construction est en cours dans {tmp_path} ; attendez sa fin" in out
    assert out.endswith("Rien n'a été écrit : 1 erreur(s) à corriger d'abord.\n")


def test_published_files_are_readable_by_the_web_server(base_copy: Path, tmp_path: Path) -> None:
    """Regression: outputs are written to private temporary files and folders (0600, 0700)
    then renamed into place, so ``site/`` was readable by its owner only and a web server
    running as another user answered 403. They now get the modes ``open`` and ``mkdir``
    give (the umask applied), here with a umask of 022."""
    site = tmp_path / "site"
    run = subprocess.run(
        _build_command(base_copy, site),
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert run.returncode == 0, run.stderr
    for folder in (site, tmp_path / "officiel"):
        modes = {oct(p.stat().st_mode & 0o777) for p in [folder, *folder.rglob("*")] if p.is_dir()}
        assert modes == {"0o755"}, folder
        modes = {oct(p.stat().st_mode & 0o777) for p in folder.rglob("*") if p.is_file()}
        assert modes == {"0o644"}, folder


def _inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_sync_tree_touches_only_the_files_that_differ(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    for name in ("a", "b", "c", "d"):
        (kept / name).write_text(name)
    tree = Tree()
    for path, name in (("x/a.pdf", "a"), ("x/b.pdf", "b"), ("y/z/c.pdf", "c"), ("index.html", "d")):
        tree.link(path, str(kept / name))
    folder = tmp_path / "site"
    assert len(sync_tree(tree, folder)) == 4
    first = _inodes(folder)
    assert first["x/a.pdf"] == (kept / "a").stat().st_ino
    # an edit: b has a new version (a new kept file), c is gone, a file was put there by hand
    (kept / "b2").write_text("b, rectifié")
    tree.link("x/b.pdf", str(kept / "b2"))
    del tree.files["y/z/c.pdf"]
    (folder / "x" / "a.pdf").unlink()
    (folder / "x" / "a.pdf").write_text("à la main")
    (folder / "stray.txt").write_text("?")
    assert len(sync_tree(tree, folder)) == 2
    assert {p: f.read_text() for p, f in _files(folder).items()} == {
        "x/a.pdf": "a",
        "x/b.pdf": "b, rectifié",
        "index.html": "d",
    }
    assert not (folder / "y").exists()  # its folders went with it
    assert _inodes(folder)["index.html"] == first["index.html"]
    assert len(sync_tree(tree, folder)) == 0


def test_a_tree_refuses_a_path_that_its_folder_would_never_list(tmp_path: Path) -> None:
    """Regression: the search's overlays were added as « pagefind-2024-modifs//… », never
    found in the previous generation, which every build then deleted and linked again whole
    (5 s at 10,000 délibérations)."""
    tree = Tree()
    for path in ("a//b", "/a", "a/", "a/./b", "../a"):
        with pytest.raises(ValueError):
            tree.link(path, str(tmp_path))
    with pytest.raises(ValueError):
        tree.add_folder(tmp_path, "pagefind-2024-modifs/")


def test_sync_tree_replaces_a_folder_by_a_file_and_a_file_by_a_folder(tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text("kept")
    folder = tmp_path / "site"
    (folder / "seance").mkdir(parents=True)
    (folder / "seance" / "index.html").write_text("old")
    (folder / "liste").write_text("old")
    tree = Tree()
    tree.link("seance", str(kept))
    tree.link("liste/index.html", str(kept))
    sync_tree(tree, folder)
    assert {p: f.read_text() for p, f in _files(folder).items()} == {
        "seance": "kept",
        "liste/index.html": "kept",
    }


def _files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in folder.rglob("*") if p.is_file()}
