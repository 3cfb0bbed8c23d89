"""Where shards run: in this process, in a local process pool, or on a Dask cluster.

``[run] executor = "local"`` (the default) runs the shards in this process with one worker
and in a pool of ``workers`` spawned processes otherwise; ``"dask"`` sends them to the
Dask scheduler at ``[run] scheduler`` (``tcp://host:8786``), or to a local Dask cluster of
``workers`` processes when no scheduler is given (``pip install bolcorpus[dask]``). Each
worker process builds a stage, and loads its model, once: shards carry only names, hashes
and file locations, so on a cluster every worker must see the output folder at the same
path (a shared file system).

>>> from bolcorpus.config import RunConfig
>>> with shard_executor(RunConfig()) as results:
...     sorted(results(pow, [(2, 3), (3, 2)]))
[8, 9]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

from bolcorpus.config import RunConfig
from bolcorpus.errors import ConfigError

Results = Callable[[Callable[..., Any], Sequence[tuple[Any, ...]]], Iterator[Any]]


@contextmanager
def shard_executor(run: RunConfig) -> Iterator[Results]:
    """A function that runs tasks and yields their results as they complete; the pool or
    cluster behind it starts on first use and stops when the block ends."""
    opened: list[Any] = []  # the executor, then what to close

    def results(func: Callable[..., Any], tasks: Sequence[tuple[Any, ...]]) -> Iterator[Any]:
        if run.executor == "local" and (run.workers == 1 or len(tasks) <= 1):
            for task in tasks:
                yield func(*task)
            return
        if not opened:
            opened.extend(_open(run))
        executor: Executor = opened[0]
        futures = [executor.submit(func, *task) for task in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    try:
        yield results
    finally:
        if opened:
            executor, *closers = opened
            if isinstance(executor, ProcessPoolExecutor):
                executor.shutdown(cancel_futures=True)
            for close in closers:
                close()


def _open(run: RunConfig) -> list[Any]:
    """The executor, followed by the close methods of what was started for it."""
    if run.executor == "local":
        return [ProcessPoolExecutor(run.workers, mp_context=get_context("spawn"))]
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
        return [client.get_executor(pure=False), client.close]
    cluster = LocalCluster(n_workers=run.workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    return [client.get_executor(pure=False), client.close, cluster.close]
