"""``check-pdf --scheduler``: a real Dask cluster (scheduler and two worker processes on
127.0.0.1) gives the reports and exit code of the local pool, file for file."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

from generator.ingest import FileReport, check_pdfs, reports_to_json
from generator.ingest.cluster import check_pdfs_on_cluster
from generator.ingest.ocr import OcrSettings, default_cache
from tests.conftest import REFERENCE, run_cli

#: Coherent and incoherent extracts, deliberations from other software, two scans.
SAMPLE = [
    REFERENCE / "extraits" / "000_07502a19c6daf1fa.pdf",
    REFERENCE / "extraits" / "004_465084a1f6b77f0d.pdf",
    REFERENCE / "corpus" / "bourg-en-bresse_delib_2016-02-01_n2016-02-16.pdf",
    REFERENCE / "corpus" / "montpellier_delib_2014-04-24_n2014-155.pdf",
    REFERENCE / "corpus" / "flaux_pv_cm_2023-12-15_SCANNED-with-stamp-text.pdf",
    REFERENCE / "corpus" / "putanges-le-lac_pv_cm_2024-03-25_SCANNED.pdf",
]
LONG = REFERENCE / "corpus" / "lannion_pv_cm_2020-06-08.pdf"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as a préfecture receives it: good files, scans, a text file, an empty file."""
    folder = tmp_path_factory.mktemp("depot")
    for pdf in SAMPLE:
        shutil.copy(pdf, folder / pdf.name)
    (folder / "pas-un-pdf.pdf").write_text("Procès-verbal du conseil\n", encoding="utf-8")
    (folder / "vide.pdf").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def local(batch: Path) -> list[FileReport]:
    """The reports of the local pool, the reference (its scans read by OCR, kept in the
    session's cache: the cluster's workers, on this machine, read them from there)."""
    return check_pdfs([batch], workers=2, ocr=OcrSettings(cache=default_cache()))


def test_same_reports_as_the_local_pool(
    scheduler: str, batch: Path, local: list[FileReport]
) -> None:
    remote = check_pdfs_on_cluster([batch], scheduler, ocr=OcrSettings(cache=default_cache()))
    assert remote == local
    assert reports_to_json(remote) == reports_to_json(local)
    assert [r.status for r in remote] == [
        "incoherent",
        "ok",
        "ok",
        "ocr",
        "ok",
        "unreadable",
        "ocr",
        "unreadable",
    ]


def test_a_file_unreadable_here_is_not_sent(scheduler: str, batch: Path) -> None:
    missing = batch / "absent.pdf"
    [report] = check_pdfs_on_cluster([missing], scheduler)
    assert report == check_pdfs([missing])[0]
    assert report.message == "lecture impossible : No such file or directory"


def test_cli_same_output_and_exit_code(scheduler: str, batch: Path) -> None:
    local = run_cli("check-pdf", str(batch), "--json")
    remote = run_cli("check-pdf", str(batch), "--scheduler", scheduler, "--json")
    assert remote == local
    assert remote[0] == 2  # the text and empty files are unreadable


def test_time_limit_on_the_worker(scheduler: str) -> None:
    """A file over the limit is killed on its worker, reported as locally; the workers go on.
    Regression: a small file beside it in the same batch finished within 0.01 s or not, by
    the machine's load, and the test compared that too."""
    local = check_pdfs([LONG], workers=2, timeout=0.01)
    remote = check_pdfs_on_cluster([LONG], scheduler, timeout=0.01)
    assert remote == local
    assert remote[0].message == "délai dépassé : analyse interrompue après 0.01 s"
    assert check_pdfs_on_cluster([SAMPLE[1]], scheduler) == check_pdfs([SAMPLE[1]], workers=1)


def test_a_worker_lost_mid_batch_costs_nothing(
    scheduler: str, batch: Path, local: list[FileReport]
) -> None:
    """Each task carries its file: when a worker process is killed while it has files, the
    scheduler hands them to the other worker (and the nanny restarts the killed one)."""
    with Client(scheduler, set_as_default=False) as client:
        pids = client.run(os.getpid)
        killed: list[str] = []
        done = threading.Event()

        def kill_a_busy_worker() -> None:
            while not done.is_set():
                for worker, tasks in client.processing().items():
                    if tasks:
                        os.kill(pids[worker], signal.SIGKILL)
                        killed.append(worker)
                        return

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        remote = check_pdfs_on_cluster([batch], scheduler)
        done.set()
        killer.join()
    assert killed
    assert remote == local


def _refused_address() -> str:
    """An address where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


def test_unreachable_scheduler(batch: Path) -> None:
    address = _refused_address()
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code, out, err = run_cli("check-pdf", str(batch), "--scheduler", address)
    assert (code, out) == (2, "")
    assert err == (
        f"registre : le planificateur Dask {address} ne répond pas (attendu 1 s) ; vérifiez "
        "l'adresse, que « dask scheduler » tourne sur cette machine et que le port est ouvert "
        "entre ce poste et elle, ou lancez la commande sans --scheduler pour lire les fichiers "
        "sur ce poste\n"
    )


def test_malformed_address(batch: Path) -> None:
    assert run_cli("check-pdf", str(batch), "--scheduler", "prefecture") == (
        2,
        "",
        "registre : « prefecture » n'est pas une adresse de planificateur Dask ; elle s'écrit "
        "tcp://MACHINE:PORT (port 8786 par défaut de « dask scheduler »)\n",
    )


def test_scheduler_without_workers(batch: Path) -> None:
    with (
        LocalCluster(
            n_workers=0,
            processes=False,
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
    ):
        address = cluster.scheduler_address
        code, out, err = run_cli("check-pdf", str(batch), "--scheduler", address)
    assert (code, out) == (2, "")
    assert err == (
        f"registre : aucun nœud de calcul n'est relié au planificateur {address} (attendu 1 s) ; "
        f"lancez « dask worker {address} » sur chaque machine de calcul, où registre est "
        "installé\n"
    )
