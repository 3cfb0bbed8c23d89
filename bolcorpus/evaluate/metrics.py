"""Character and word error rates, and the share of errors a repair removed.

Both rates are a Levenshtein edit distance (``rapidfuzz``) divided by the length of the
reference: over characters for the character error rate (CER), over whitespace-split
tokens for the word error rate (WER).

Texts are compared after :func:`normalize`. Layout is not content, so every run of
whitespace counts as one space, and a hard line wrap costs nothing. A paragraph break
does count, because finding paragraphs is part of the repair. A break is a line break
run that holds a blank line ("\\n\\n"). It becomes one "\\n", which is one character for
CER and one token for WER. So a missing or spurious paragraph break costs exactly one
edit, and a paragraph break where a space should be is one substitution.

>>> cer("Tbe  army\\nwon.", "The army won.")  # one confusion; the wrap is free
0.07692307692307693
>>> wer("The army\\n\\nwon.", "The army won.")  # one spurious paragraph break
0.3333333333333333
>>> errors_removed(0.04, 0.01)
0.75
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

PARAGRAPH_BREAK = "\n"  # what a paragraph break becomes in a normalised text
PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")  # a line break run with a blank line in it
WHITESPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Errors:
    """An edit count against a reference of ``length`` units (characters or words).

    Counts add up, so a corpus rate is the sum of its documents' edits over the sum of
    their lengths (a micro-average: long documents weigh more than short ones).

    >>> total = char_errors("Tbe", "The") + char_errors("arrny", "army")
    >>> total, total.rate
    (Errors(edits=3, length=7), 0.42857142857142855)
    """

    edits: int
    length: int

    @property
    def rate(self) -> float:
        """Edits per reference unit; an empty reference counts as one unit."""
        return self.edits / max(self.length, 1)

    def __add__(self, other: Errors) -> Errors:
        return Errors(self.edits + other.edits, self.length + other.length)


NO_ERRORS = Errors(0, 0)  # the start value for sum()


def normalize(text: str) -> str:
    """Whitespace runs become one space, paragraph breaks one "\\n"; ends are stripped.

    >>> normalize(" A  hard\\nwrap.\\n \\n\\nNext\\tparagraph. ")
    'A hard wrap.\\nNext paragraph.'
    """
    paragraphs = (WHITESPACE_RE.sub(" ", p).strip() for p in PARAGRAPH_BREAK_RE.split(text))
    return PARAGRAPH_BREAK.join(p for p in paragraphs if p)


def collapse_whitespace(text: str) -> str:
    """Every whitespace run, paragraph breaks included, becomes one space.

    For comparisons that must ignore layout entirely, such as the change repair makes to
    a clean text.

    >>> collapse_whitespace("One.\\n\\nTwo  three\\n")
    'One. Two three'
    """
    return WHITESPACE_RE.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """The words of :func:`normalize` d ``text``, with each paragraph break as a "\\n" token.

    >>> tokens("The MNR.\\n\\nThe  COB")
    ['The', 'MNR.', '\\n', 'The', 'COB']
    """
    out: list[str] = []
    for i, paragraph in enumerate(normalize(text).split(PARAGRAPH_BREAK)):
        if i:
            out.append(PARAGRAPH_BREAK)
        out.extend(paragraph.split(" "))
    return [t for t in out if t]


def char_errors(hypothesis: str, reference: str) -> Errors:
    """Character edits from ``hypothesis`` to ``reference``, after :func:`normalize`.

    >>> char_errors("T orres", "Torres")
    Errors(edits=1, length=6)
    """
    hyp, ref = normalize(hypothesis), normalize(reference)
    return Errors(Levenshtein.distance(hyp, ref), len(ref))


def word_errors(hypothesis: str, reference: str) -> Errors:
    """Word (token) edits from ``hypothesis`` to ``reference``; see :func:`tokens`.

    >>> word_errors("T orres won", "Torres won")  # a split word is one substitution and one insertion
    Errors(edits=2, length=2)
    """
    ref = tokens(reference)
    return Errors(Levenshtein.distance(tokens(hypothesis), ref), len(ref))


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate of ``hypothesis`` against ``reference``.

    >>> cer("the army", "the army")
    0.0
    """
    return char_errors(hypothesis, reference).rate


def wer(hypothesis: str, reference: str) -> float:
    """Word error rate of ``hypothesis`` against ``reference``.

    >>> wer("the arrny won", "the army won")
    0.3333333333333333
    """
    return word_errors(hypothesis, reference).rate


def errors_removed(before: float, after: float) -> float:
    """Share of errors removed, ``1 - after / before``: 1.0 is a perfect repair.

    It is negative when the repair added more errors than it removed, and NaN when
    there was nothing to remove.

    >>> errors_removed(0.05, 0.06)
    -0.19999999999999996
    >>> errors_removed(0.0, 0.0)
    nan
    """
    return 1.0 - after / before if before else math.nan


def total(counts: Iterable[Errors]) -> Errors:
    """Sum of edit counts (a micro-average when you take its rate).

    >>> total([Errors(1, 10), Errors(0, 30)]).rate
    0.025
    """
    return sum(counts, NO_ERRORS)
