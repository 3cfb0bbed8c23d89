"""Shards cover the corpus in order and give every worker work."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bolcorpus.shards import balanced

pytestmark = pytest.mark.issue(13)


@given(st.lists(st.integers(0, 10_000), max_size=300), st.integers(1, 64), st.integers(1, 8))
def test_shards_cover_every_document_in_order_with_work_for_every_worker(sizes, shard_size, workers) -> None:
    shards = balanced(sizes, shard_size=shard_size, workers=workers)
    assert [i for shard in shards for i in shard] == list(range(len(sizes)))
    assert all(len(shard) for shard in shards)
    assert len(shards) >= min(len(sizes), workers)
    assert all(len(shard) <= shard_size for shard in shards)


@pytest.mark.parametrize(("docs", "shard_size", "workers", "lengths"), [
    (40, 32, 2, [20, 20]),  # not 32 and 8
    (40, 32, 1, [20, 20]),
    (5, 32, 2, [3, 2]),
    (100, 32, 2, [25, 25, 25, 25]),
    (3, 32, 4, [1, 1, 1]),
])
def test_equal_documents_make_equal_shards(docs, shard_size, workers, lengths) -> None:
    assert [len(s) for s in balanced([100] * docs, shard_size=shard_size, workers=workers)] == lengths
