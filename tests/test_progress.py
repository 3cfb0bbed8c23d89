"""Progress moves with documents, not shards, in this process and from a local pool."""

from __future__ import annotations

import pytest

from bolcorpus import runner
from bolcorpus.config import RunConfig
from bolcorpus.executors import document_done, shard_executor

pytestmark = pytest.mark.issue(13)


def test_a_local_pool_reports_every_document_its_workers_finish() -> None:
    heard: list[int] = []
    with shard_executor(RunConfig(workers=2)) as results:
        list(results(document_done, [()] * 5, heard.append))  # each task: one document done
    assert sum(heard) == 5


@pytest.mark.slow
def test_each_stage_reports_each_document_as_it_is_done(settings) -> None:
    seen: dict[str, list[int]] = {}
    runner.run(settings.with_overrides(shard_size=32), lambda stage, done, _: seen.setdefault(stage, []).append(done))
    assert seen["repair"] == [0, 1, 2, 3, 3]  # one shard of three: each document, then the shard
    assert all(done == sorted(done) for done in seen.values())
