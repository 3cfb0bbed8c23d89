"""An OCR confusion model: which dictionary word most plausibly printed as a damaged token.

The cost of reading ``candidate`` as ``observed`` is a weighted edit distance in which the
shapes a scanner confuses (``rn``/``m``, ``c``/``e``, ``l``/``1``, ``s``/``5``, …; see
:data:`~bolcorpus.repair.patterns.CONFUSIONS`) cost much less than a plain edit, and a
junk character (``~``, ``£``) may stand for one to four letters.

>>> ocr_cost("talcing", "taking") < ocr_cost("talcing", "talking")
True
>>> best_correction("es.5entially", Lexicon())
'essentially'
>>> best_correction("ma~", Lexicon()) is None  # "man", "may", "mad", …: too weak to choose
True
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache

from bolcorpus.repair.lexicon import Lexicon
from bolcorpus.repair.patterns import CONFUSIONS, JUNK_CHARS

INF = float("inf")
JUNK_COST = 0.4  # a junk character read as one letter (each further letter: +0.15)
JUNK_DROP_COST = 0.6  # a junk character usually hides letters: dropping it costs more
PUNCT_DROP_COST = 0.3  # a speck of punctuation inside a word
AMBIGUITY_MARGIN = 0.15  # the runner-up must score at least this much worse
FREQUENCY_WEIGHT = 0.1  # per Zipf point: "not" (one confusion, very common) beats "noi"
# A real word this rare ("lahor", "thc") that one cheap confusion turns into a word this
# much more common ("labor", "the") is read as that word; a costlier confusion needs a
# larger gain ("realty" stays: "really" is common, but t/l is not the cheapest confusion).
REAL_WORD_MAX_ZIPF = 4.0
REAL_WORD_GAIN = 2.5
REAL_WORD_GAIN_PER_COST = 5.0
REAL_WORD_MAX_COST = 0.4


class ConfusionTable(dict[str, list[tuple[str, str, float]]]):
    """Confusions ``(printed, meant, cost)`` by the first printed character.

    Hashed by identity, so that where its confusions stand in a token is found once per
    token, not once per candidate word.
    """

    __hash__ = object.__hash__  # type: ignore[assignment]

    @classmethod
    def of(cls, confusions: Iterable[tuple[str, str, float]]) -> ConfusionTable:
        """The table of ``confusions``.

        >>> ConfusionTable.of([("rn", "m", 0.1)])["r"]
        [('rn', 'm', 0.1)]
        """
        table = cls()
        for printed, meant, cost in confusions:
            table.setdefault(printed[0], []).append((printed, meant, cost))
        return table


_BY_FIRST = ConfusionTable.of(CONFUSIONS)


def ocr_cost(
    observed: str,
    candidate: str,
    *,
    limit: float = 3.0,
    table: ConfusionTable | None = None,
    edit: float = 1.0,
) -> float:
    """Weighted edit cost of ``candidate`` printed as ``observed`` (both lower case).

    ``table`` holds the confusions by the first character of what was printed (default:
    :data:`~bolcorpus.repair.patterns.CONFUSIONS`); ``edit`` is the cost of any other edit.
    """
    table = _BY_FIRST if table is None else table
    n, m = len(observed), len(candidate)
    here = _positions(observed, table)
    d = [[INF] * (m + 1) for _ in range(n + 1)]
    d[0][0] = 0.0
    for i in range(n + 1):
        row = d[i]
        if i == n:  # the last row: only insertions are left
            for j in range(m):
                if row[j] <= limit and row[j] + edit < row[j + 1]:
                    row[j + 1] = row[j] + edit
            break
        ch, below = observed[i], d[i + 1]
        junk = ch in JUNK_CHARS
        drop = JUNK_DROP_COST if junk else PUNCT_DROP_COST if not ch.isalnum() else edit
        mismatch = JUNK_COST if junk else edit
        swap = observed[i + 1] if i + 1 < n else None  # a transposition with the next character
        for j in range(m + 1):
            c = row[j]
            if c > limit:
                continue
            if c + drop < below[j]:
                below[j] = c + drop
            if j < m:
                sub = 0.0 if ch == candidate[j] else mismatch
                if c + sub < below[j + 1]:
                    below[j + 1] = c + sub
                if junk:
                    for k in range(2, min(4, m - j) + 1):
                        below[j + k] = min(below[j + k], c + JUNK_COST + 0.15 * (k - 1))
                if swap is not None and j + 1 < m and ch == candidate[j + 1] and swap == candidate[j]:
                    d[i + 2][j + 2] = min(d[i + 2][j + 2], c + edit)
                if c + edit < row[j + 1]:
                    row[j + 1] = c + edit
        # Confusions last, from the row's final costs: only where the candidate has what one meant.
        for length, dst, cost in here[i]:
            target, j = d[i + length], candidate.find(dst)
            while 0 <= j < m:
                if row[j] <= limit and row[j] + cost < target[j + len(dst)]:
                    target[j + len(dst)] = row[j] + cost
                j = candidate.find(dst, j + 1)
    return d[n][m]


@lru_cache(maxsize=16_384)
def _positions(observed: str, table: ConfusionTable) -> list[list[tuple[int, str, float]]]:
    """The confusions whose printed side stands at each position of ``observed``: found once
    per token, not once per cell and candidate (most of the cost of :func:`ocr_cost`)."""
    return [[(len(src), dst, cost) for src, dst, cost in table.get(ch, ()) if observed.startswith(src, i)]
            for i, ch in enumerate(observed)]


def best_correction(token: str, lexicon: Lexicon, *, names_only: bool = False) -> str | None:
    """The word ``token`` most plausibly is, or ``None`` when the evidence is weak.

    ``names_only`` restricts corrections to cheap confusions (for capitalised tokens,
    which are often names no dictionary knows).
    """
    key = (token, names_only)
    if key not in lexicon.corrections:
        lexicon.corrections[key] = _best_correction(token, lexicon, names_only)
    return lexicon.corrections[key]


def _best_correction(token: str, lexicon: Lexicon, names_only: bool) -> str | None:
    observed = token.lower()
    limit = 0.35 if names_only else 0.75 if len(observed) <= 4 else 1.0 if len(observed) <= 7 else 1.3
    costs = [(ocr_cost(observed, c, limit=limit), c) for c in _candidates(observed, lexicon, names_only)]
    return _choose([(cost, c) for cost, c in costs if cost <= limit and c != observed], lexicon)


def real_word_correction(token: str, lexicon: Lexicon) -> str | None:
    """The much more common word a rare real word is one cheap confusion away from.

    >>> lex = Lexicon()
    >>> real_word_correction("thc", lex), real_word_correction("cob", lex), real_word_correction("realty", lex)
    ('the', None, None)
    """
    key = (token, "real-word")
    if key not in lexicon.corrections:
        lexicon.corrections[key] = _real_word_correction(token.lower(), lexicon)
    return lexicon.corrections[key]


def _real_word_correction(observed: str, lexicon: Lexicon) -> str | None:
    zipf = lexicon.zipf(observed)
    if zipf >= REAL_WORD_MAX_ZIPF or observed in lexicon.terms:
        return None
    candidates = []
    for c in _variants(observed, 1) & lexicon.dictionary():
        cost = ocr_cost(observed, c)
        gain = REAL_WORD_GAIN + REAL_WORD_GAIN_PER_COST * max(0.0, cost - 0.3)
        if c != observed and cost <= REAL_WORD_MAX_COST and lexicon.zipf(c) >= zipf + gain:
            candidates.append((cost, c))
    return _choose(candidates, lexicon)


def _choose(candidates: list[tuple[float, str]], lexicon: Lexicon) -> str | None:
    """The candidate with the best cost for its frequency, unless the runner-up is as good."""
    scored = sorted((cost - FREQUENCY_WEIGHT * lexicon.zipf(c), c) for cost, c in candidates)
    if not scored or (len(scored) > 1 and scored[1][0] - scored[0][0] < AMBIGUITY_MARGIN):
        return None
    return lexicon.spelling(scored[0][1])


def _candidates(observed: str, lexicon: Lexicon, names_only: bool) -> set[str]:
    dictionary = lexicon.dictionary()
    found = {v for v in _variants(observed) if v in dictionary}
    if names_only:
        return found
    if any(ch in JUNK_CHARS for ch in observed):
        found |= wildcard_matches(observed, dictionary)
    letters = re.sub(r"[^\w]", "", observed)
    if len(letters) >= 4:
        found |= set(lexicon.near(observed, 2))
        if letters != observed:
            found |= set(lexicon.near(letters, 2))
    return found


@lru_cache(maxsize=65_536)
def _variants(observed: str, depth: int = 2) -> frozenset[str]:
    """``observed`` with up to ``depth`` confusions undone."""
    out = {observed}
    frontier = {observed}
    for _ in range(depth):
        nxt = set()
        for word in frontier:
            for src, dst, _ in CONFUSIONS:
                start = word.find(src)
                while start != -1:
                    nxt.add(word[:start] + dst + word[start + len(src) :])
                    start = word.find(src, start + 1)
        out |= nxt
        frontier = nxt
    return frozenset(out)


def wildcard_matches(observed: str, dictionary: frozenset[str]) -> set[str]:
    """Dictionary words that ``observed`` matches with each junk character read as one to four letters.

    Only the words that begin as ``observed`` begins before its first junk character are
    tried (found by bisection); a token that begins with junk is matched against all.

    >>> sorted(wildcard_matches("th~t", frozenset({"that", "threat", "thus", "than"})))
    ['that', 'threat']
    """
    pattern = "".join(r"\w{1,4}" if ch in JUNK_CHARS else re.escape(ch) for ch in observed)
    prefix = re.split(f"[{re.escape(JUNK_CHARS)}]", observed, maxsplit=1)[0]
    if not prefix:
        return set(re.findall(rf"^{pattern}$", _joined(dictionary), flags=re.M))
    words = _sorted(dictionary)
    start, end = bisect_left(words, prefix), bisect_left(words, prefix + "\uffff")
    matcher = re.compile(pattern)
    return {w for w in words[start:end] if matcher.fullmatch(w)}


@lru_cache(maxsize=4)
def _sorted(dictionary: frozenset[str]) -> list[str]:
    return sorted(dictionary)


@lru_cache(maxsize=4)
def _joined(dictionary: frozenset[str]) -> str:
    return "\n".join(_sorted(dictionary))


MEMOS = (_variants, _positions)  # per-word memos: bolcorpus.repair.forget_corrections clears them
