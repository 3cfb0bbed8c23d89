"""Each repair rule on its own: what it fixes, and what it must leave alone."""

from __future__ import annotations

from functools import partial

import pytest

from bolcorpus.repair.lexicon import Lexicon
from bolcorpus.repair.rules import (
    apply_rule,
    fix_unicode,
    join_hyphenated_linebreaks,
    normalize_newlines,
    unwrap_lines,
)

dehyphenate = partial(join_hyphenated_linebreaks, lexicon=Lexicon())
WRAPPED = "\n".join(["the MNR government increasingly relied on the Army to force"] * 10)

CASES = [
    # rule, raw, expected
    (normalize_newlines, "a\r\nb\rc", "a\nb\nc"),
    (normalize_newlines, "already\nfine", "already\nfine"),
    (fix_unicode, "Patiño and LechÃ­n", "Patiño and Lechín"),
    (fix_unicode, "the “curly” quotes stay", "the “curly” quotes stay"),
    (fix_unicode, "the ﬁght", "the fight"),
    (dehyphenate, "the insti-\ntutional crisis", "the institutional crisis"),
    (dehyphenate, "anti-\nimperialist", "anti-imperialist"),
    (dehyphenate, "working-\nclass", "working-class"),
    (dehyphenate, "1969-\n1970", "1969-1970"),
    (dehyphenate, "anti-\nAmerican", "anti-American"),
    (dehyphenate, "a dash - \nhere", "a dash - \nhere"),
    (unwrap_lines, "Title\nFirst paragraph.\n\n\n\nSecond.", "Title\n\nFirst paragraph.\n\nSecond."),
    (unwrap_lines, "  leading and trailing  \n", "leading and trailing"),
    (unwrap_lines, WRAPPED + "\nand won.\nNext one", WRAPPED.replace("\n", " ") + " and won.\n\nNext one"),
    (unwrap_lines, WRAPPED + "\nshort\ncontinued", WRAPPED.replace("\n", " ") + " short continued"),
]


IDS = [f"{getattr(rule, '__name__', 'dehyphenate')}-{i}" for i, (rule, _, _) in enumerate(CASES)]


@pytest.mark.parametrize(("rule", "raw", "expected"), CASES, ids=IDS)
def test_rule(rule, raw: str, expected: str) -> None:
    assert apply_rule(rule, raw) == expected
    assert apply_rule(rule, expected) == expected  # idempotent
