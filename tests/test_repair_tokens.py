"""Types found per whitespace chunk are the types a scan of the whole text finds."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bolcorpus.repair import patterns as P
from bolcorpus.repair.context import TYPE_RE
from bolcorpus.repair.tokens import occurs, type_counts, types

RAW = Path(__file__).resolve().parents[1] / "raw"
TRICKY = (
    "«inning a|so th~t es.5entially l,00l 197O 19691970 U.S. i.e. working-class workingclass "
    "Ovando’s left-wing\u00a0word\ttab\x0cfeed MNR.. (1) -- 10:30 1960s T orres\n\n  edge  "
)
PATTERNS = [P.LETTERS_RE, P.COMPOUND_RE, P.SUSPECT_TOKEN_RE, TYPE_RE]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:24])
def test_types_per_chunk_match_a_scan_of_the_text(pattern: re.Pattern[str]) -> None:
    for text in [TRICKY, *(p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt")))]:
        assert type_counts(pattern, text) == Counter(pattern.findall(text))
        assert types(pattern, text) == set(pattern.findall(text))


def test_occurs_tells_whether_a_pattern_matches_anywhere() -> None:
    assert occurs(P.NUMBER_CONFUSION_RE, "in l,00l cases") and occurs(P.YEAR_PAIR_RE, "in 19691970")
    assert not occurs(P.NUMBER_CONFUSION_RE, "in 1,001 cases") and not occurs(P.YEAR_PAIR_RE, "in 1969-1970")
