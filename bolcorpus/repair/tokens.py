"""Word types of a text, found once per distinct whitespace-separated chunk and shared by the rules.

Several rules begin by collecting the types of a text (``LETTERS_RE.findall(text)``). A
text of a hundred thousand tokens holds a few thousand distinct chunks, so matching a
pattern once per distinct chunk (and remembering the matches of chunks seen before)
is several times faster than scanning the text. The result is the same for any pattern
whose matches hold no whitespace and whose look-arounds treat whitespace as a boundary.

>>> import re
>>> sorted(type_counts(re.compile(r"[a-z]+"), "the cat, the hat-trick").items())
[('cat', 1), ('hat', 1), ('the', 2), ('trick', 1)]
>>> sorted(types(re.compile(r"[a-z]+"), "the cat, the hat"))
['cat', 'hat', 'the']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from itertools import chain


@lru_cache(maxsize=8)  # the rules of a pass ask about the same text: shared, so never to be modified
def type_counts(pattern: re.Pattern[str], text: str) -> Counter[str]:
    """``Counter(pattern.findall(text))``, for a pattern with no groups that never matches whitespace."""
    matches = _matcher(pattern)
    return Counter(chain.from_iterable(matches(chunk) * n for chunk, n in chunks(text).items()))


@lru_cache(maxsize=8)  # the rules of a pass ask about the same text
def types(pattern: re.Pattern[str], text: str) -> frozenset[str]:
    """``set(pattern.findall(text))``, for a pattern with no groups that never matches whitespace."""
    matches = _matcher(pattern)
    return frozenset(chain.from_iterable(map(matches, chunks(text))))


def occurs(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``pattern`` matches in ``text``, for a pattern that never matches whitespace."""
    matches = _matcher(pattern)
    return any(matches(chunk) for chunk in chunks(text))


@lru_cache(maxsize=2)  # the rules of a pass ask about the same text
def chunks(text: str) -> Counter[str]:
    """The whitespace-separated chunks of ``text`` with their counts."""
    return Counter(text.split())


@lru_cache(maxsize=64)
def _matcher(pattern: re.Pattern[str]) -> Callable[[str], tuple[str, ...]]:
    """``pattern.findall`` of a chunk, remembered: chunks recur from document to document."""

    @lru_cache(maxsize=1 << 14)  # bounded: a few megabytes a pattern
    def matches(chunk: str) -> tuple[str, ...]:
        return tuple(pattern.findall(chunk))

    return matches


MEMOS = (type_counts, types, chunks, _matcher)  # per-word memos: bolcorpus.repair.forget_corrections clears them
