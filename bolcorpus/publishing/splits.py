"""Dataset splits assigned per document, deterministically from the document id.

A document's split depends only on its id and the split ratios: it is the same in every
config (documents, sentences, edits) and in every version published with those ratios.
The id is hashed to a number in [0, 1) and the ratios cut that interval, splits taken in
name order, so that the order in which a config lists them does not matter.

>>> ratios = {"train": 0.8, "validation": 0.1, "test": 0.1}
>>> assign_split("004_bb70c619f3096cf5", ratios) == assign_split("004_bb70c619f3096cf5", ratios)
True
>>> assign_split("any id", {"train": 1.0})
'train'
>>> assign_split("a_petras", ratios) == assign_split("a_petras", dict(reversed(ratios.items())))
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping


def assign_split(doc_id: str, ratios: Mapping[str, float]) -> str:
    """The split of ``doc_id``; ``ratios`` maps split names to shares that sum to 1."""
    point = int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:8], "big") / 2**64
    edge = 0.0
    for name, share in sorted(ratios.items()):
        edge += share
        if point < edge:
            return name
    return max(ratios)  # rounding: the last split owns the top of the interval
