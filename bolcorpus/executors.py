"""Where shards run: in this process, in a local process pool, or on a Dask cluster.

``[run] executor = "local"`` (the default) runs the shards in this process with one worker
and in a pool of ``workers`` spawned processes otherwise; ``"dask"`` sends them to the
Dask scheduler at ``[run] scheduler`` (``tcp://host:8786``), or to a local Dask cluster of
``workers`` processes when no scheduler is given (``pip install bolcorpus[dask]``). Each
worker process builds a stage, and loads its model, once: shards carry only names, hashes
and file locations, so on a cluster every worker must see the output folder at the same
path (a shared file system).

A task reports each document it finishes with :func:`document_done`; the runner hears of
them through ``on_document``, so that progress moves with documents, not shards: in this
process directly, from a local pool through a queue. Dask workers do not report: there,
progress moves when a shard is done.

>>> from bolcorpus.config import RunConfig
>>> with shard_executor(RunConfig()) as results:
...     sorted(results(pow, [(2, 3), (3, 2)]))
[8, 9]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

from bolcorpus.config import RunConfig
from bolcorpus.errors import ConfigError

OnDocument = Callable[[int], None]  # told how many more documents are done
Results = Callable[[Callable[..., Any], Sequence[tuple[Any, ...]], OnDocument | None], Iterator[Any]]
POLL_SECONDS = 0.2  # how often the pool's document reports are read while shards run

_report: OnDocument | None = None  # in a worker: where document_done reports to


def document_done() -> None:
    """Report that the running task finished one more document (nothing where no one listens)."""
    if _report is not None:
        _report(1)


def _listen(reports: Any) -> None:
    """A pool worker's initializer: report documents to the runner's queue."""
    global _report
    _report = reports.put


@contextmanager
def shard_executor(run: RunConfig) -> Iterator[Results]:
    """A function that runs tasks and yields their results as they complete; the pool or
    cluster behind it starts on first use and stops when the block ends."""
    opened: list[Any] = []  # the executor, its report queue (or None), then what to close

    def results(func: Callable[..., Any], tasks: Sequence[tuple[Any, ...]],
                on_document: OnDocument | None = None) -> Iterator[Any]:
        global _report
        if run.executor == "local" and (run.workers == 1 or len(tasks) <= 1):
            for task in tasks:
                _report = on_document
                try:
                    result = func(*task)
                finally:
                    _report = None
                yield result
            return
        if not opened:
            opened.extend(_open(run))
        executor: Executor = opened[0]
        reports = opened[1]

        def heard() -> None:
            n = 0
            while reports is not None and not reports.empty():
                n += reports.get()
            if n and on_document:
                on_document(n)

        futures = {executor.submit(func, *task) for task in tasks}
        try:
            while futures:
                done, futures = wait(futures, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                heard()
                for future in done:
                    yield future.result()
        finally:
            for future in futures:
                future.cancel()

    try:
        yield results
    finally:
        if opened:
            executor, _, *closers = opened
            if isinstance(executor, ProcessPoolExecutor):
                executor.shutdown(cancel_futures=True)
            for close in closers:
                close()


def _open(run: RunConfig) -> list[Any]:
    """The executor, its report queue (``None`` on Dask), then the close methods of what was
    started for it."""
    if run.executor == "local":
        context = get_context("spawn")
        reports = context.SimpleQueue()  # a put is written before the task returns: no report comes late
        pool = ProcessPoolExecutor(run.workers, mp_context=context, initializer=_listen, initargs=(reports,))
        return [pool, reports, reports.close]
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("[run] executor = 'dask' needs Dask: pip install 'bolcorpus[dask]'") from None
    if run.scheduler:
        client = Client(run.scheduler)
        threaded = sorted(w["name"] for w in client.scheduler_info()["workers"].values() if w["nthreads"] > 1)
        if threaded:
            client.close()
            raise ConfigError(f"[run] scheduler = {run.scheduler!r}: workers {', '.join(map(str, threaded))} run "
                              "several threads; a worker's spaCy pipeline serves one thread at a time: start them "
                              "with `dask worker --nthreads 1` (several processes per machine: --nworkers N)")
        return [client.get_executor(pure=False), None, client.close]
    cluster = LocalCluster(n_workers=run.workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    return [client.get_executor(pure=False), None, client.close, cluster.close]
