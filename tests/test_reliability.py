"""Nothing half-written: builds killed at random moments, two builds at once."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from generator.atomic import recover_dirs
from tests.conftest import TODAY, run_cli


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build_command(content: Path, site: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "generator",
        "build",
        "--content",
        str(content),
        "--out",
        str(site),
        "--no-cache",
        "--today",
        TODAY.isoformat(),
    ]


def test_builds_killed_at_random_moments_leave_the_previous_outputs(
    base_copy: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    official = tmp_path / "officiel"
    code, out, _ = run_cli(*_build_command(base_copy, site)[3:])
    assert code == 0, out
    before = (_snapshot(site), _snapshot(official))
    rng = random.Random(20261122)
    for _ in range(5):
        process = subprocess.Popen(
            _build_command(base_copy, site), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.3, 4.0))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        # what a reader finds right after the kill, once the next run has tidied up
        recover_dirs([official, site])
        assert (_snapshot(site), _snapshot(official)) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "content",
            "officiel",
            "site",
        ]
    code, out, _ = run_cli(*_build_command(base_copy, site)[3:])
    assert code == 0, out
    assert (_snapshot(site), _snapshot(official)) == before


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
