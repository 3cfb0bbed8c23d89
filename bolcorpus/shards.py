"""Cut a list of documents into shards that keep every worker busy.

A shard is the unit of parallel work and of resumption. The number of shards follows from
``shard_size`` (documents per shard, at most) and is rounded up to a multiple of the number
of workers, so that no worker waits while another finishes a last, lone shard; the cuts
then fall where the shards hold about the same number of bytes, as the pipeline's time
goes with the text's length rather than the number of documents.

>>> [len(s) for s in balanced([1] * 40, shard_size=32, workers=2)]
[20, 20]
>>> [len(s) for s in balanced([9, 1, 1, 1, 1, 1, 1, 1, 1, 1], shard_size=10, workers=2)]
[1, 9]
"""

from __future__ import annotations

from collections.abc import Sequence


def balanced(sizes: Sequence[int], *, shard_size: int, workers: int = 1) -> list[range]:
    """Contiguous shards of the items of the given ``sizes`` (bytes), as index ranges.

    >>> balanced([], shard_size=4, workers=2)
    []
    >>> [len(s) for s in balanced([5, 5, 5], shard_size=32, workers=4)]
    [1, 1, 1]
    """
    n = len(sizes)
    if not n:
        return []
    count = -(-n // shard_size)
    count = min(n, workers * -(-count // workers))
    total = sum(max(s, 1) for s in sizes)
    cuts = [0]
    acc = 0
    for i, size in enumerate(sizes[:-1]):  # whether to cut after item i
        acc += max(size, 1)
        shards_left = count - len(cuts)
        too_many = i + 1 - cuts[-1] >= shard_size  # never more than shard_size documents in a shard
        must_cut = 0 < shards_left == n - (i + 1)  # one item left for each remaining shard
        if too_many or must_cut or (shards_left > 0 and acc >= total * len(cuts) / count):
            cuts.append(i + 1)
    cuts.append(n)
    return [range(a, b) for a, b in zip(cuts, cuts[1:])]
