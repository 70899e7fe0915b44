"""``check-pdf`` on a Dask cluster (the ``distributed`` package): same reports, other machines.

The files are read on the machine that runs ``registre`` and their *bytes* are sent to the
cluster: the calculation machines of a préfecture do not share the agents' disks, so a path
would mean nothing there. On a worker, the bytes are written in a private temporary folder,
under the file's own name, and read by a :class:`~generator.ingest.check.ReadingProcess` of
that machine with the same time limit as a local batch: a file that hangs is killed on the
worker and reported exactly as on the local pool, and the worker carries on.

Results are taken as they complete (``as_completed``) while new files are fed in, a few per
worker thread at a time, so that a batch of thousands of files is never all in the cluster's
memory; the reports come out in the order of the local run.
"""

from __future__ import annotations

import dataclasses
import gc
import tempfile
import threading
from concurrent.futures import CancelledError
from pathlib import Path
from typing import TYPE_CHECKING

from generator.ingest.check import ReadingProcess, check_pdf, expand_paths, timed_out
from generator.ingest.ocr import OcrSettings, default_cache
from generator.ingest.report import FileReport

if TYPE_CHECKING:
    from distributed import Future

#: Files in flight per worker thread: one being read, one waiting on the worker.
IN_FLIGHT_PER_THREAD = 2


class ClusterError(Exception):
    """The cluster cannot be used; the message says why and what to do, in French."""


_idle: list[ReadingProcess] = []
_idle_lock = threading.Lock()


def check_bytes(name: str, data: bytes, timeout: float, ocr: OcrSettings) -> FileReport:
    """Worker side: the report of one file given as bytes, read in a process of this machine
    that is killed after ``timeout`` seconds (processes are kept for the next files). Pages
    read by OCR are kept in this machine's own cache, when the caller keeps them."""
    if ocr.cache is not None:
        ocr = dataclasses.replace(ocr, cache=default_cache())
    with _idle_lock:
        reader = _idle.pop() if _idle else None
    reader = reader or ReadingProcess()
    with tempfile.TemporaryDirectory(prefix="registre-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        reader.start(0, path, ocr, timeout)
        report = reader.receive() if reader.conn.poll(timeout) else timed_out(name, timeout)
        if report is None:
            report = reader.crashed()
        if reader.job is None:
            with _idle_lock:
                _idle.append(reader)
        else:  # timed out or died: the process goes, the next file gets a fresh one
            reader.stop(kill=True)
    return report


def check_pdfs_on_cluster(
    paths: list[Path], scheduler: str, timeout: float = 60, ocr: OcrSettings | None = None
) -> list[FileReport]:
    """Like :func:`~generator.ingest.check.check_pdfs`, each file read on a worker of the Dask
    cluster whose scheduler listens at ``scheduler`` (``tcp://HOST:PORT``). The connection
    waits as long as Dask's ``distributed.comm.timeouts.connect`` (30 s unless configured)."""
    import dask  # half a second of imports: only when a cluster is asked for
    from dask.utils import parse_timedelta
    from distributed import Client, as_completed

    ocr = ocr or OcrSettings()
    files = expand_paths(paths)
    patience = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))
    try:
        client = Client(scheduler, set_as_default=False)
    except (ValueError, OSError) as exc:
        # the half-made Client closes itself in __del__: let that run now, not whenever the
        # collector next runs — inside another Dask call it deadlocks (seen in CI: a later
        # LocalCluster hung in Client.__del__ → LoopRunner.stop)
        gc.collect()
        if isinstance(exc, ValueError):
            raise ClusterError(
                f"« {scheduler} » n'est pas une adresse de planificateur Dask ; "
                "elle s'écrit tcp://MACHINE:PORT (port 8786 par défaut de « dask scheduler »)"
            ) from exc
        raise ClusterError(
            f"le planificateur Dask {scheduler} ne répond pas (attendu {patience:g} s) ; "
            "vérifiez l'adresse, que « dask scheduler » tourne sur cette machine et que le port "
            "est ouvert entre ce poste et elle, ou lancez la commande sans --scheduler pour lire "
            "les fichiers sur ce poste"
        ) from exc
    # Each task carries its file's bytes, so a file whose worker is lost is read again on
    # another one (data scattered beforehand would be lost with the worker): no warning for
    # the size of such a task.
    with client, dask.config.set({"distributed.admin.large-graph-warning-threshold": "1TiB"}):
        try:
            client.wait_for_workers(1, timeout=patience)
        except TimeoutError as exc:
            raise ClusterError(
                f"aucun nœud de calcul n'est relié au planificateur {scheduler} (attendu "
                f"{patience:g} s) ; lancez « dask worker {scheduler} » sur chaque machine de "
                "calcul, où registre est installé"
            ) from exc
        results: dict[int, FileReport] = {}
        index_of: dict[Future[FileReport], int] = {}
        todo = iter(enumerate(files))
        running = as_completed(loop=client.loop)

        def feed() -> None:
            """Send the next file that has to go to the cluster."""
            for index, path in todo:
                try:
                    data = path.read_bytes()
                except OSError:  # the local report says why, word for word
                    results[index] = check_pdf(path, ocr=ocr)
                    continue
                future = client.submit(check_bytes, path.name, data, timeout, ocr, pure=False)
                index_of[future] = index
                running.add(future)
                return

        for _ in range(IN_FLIGHT_PER_THREAD * sum(client.nthreads().values())):
            feed()
        try:
            for future in running:
                index = index_of.pop(future)
                results[index] = _report(future, files[index].name)
                feed()
        except (CancelledError, OSError) as exc:  # OSError: the connection closed
            raise ClusterError(
                f"la liaison avec le planificateur Dask {scheduler} a été perdue au cours du lot "
                f"({len(results)} fichier(s) sur {len(files)} lus) ; relancez la commande"
            ) from exc
    return [results[i] for i in range(len(files))]


def _report(future: Future[FileReport], name: str) -> FileReport:
    """The worker's report, or why the cluster gave none; the file's bytes leave the cluster
    with the future."""
    try:
        return future.result()
    except CancelledError:  # the scheduler is gone: not this file's fault
        raise
    except Exception as exc:  # KilledWorker: every worker that was reading it died
        message = f"échec sur la grappe de calcul ({type(exc).__name__}: {exc})"
        return FileReport(name, "unreadable", message)
    finally:
        future.release()
