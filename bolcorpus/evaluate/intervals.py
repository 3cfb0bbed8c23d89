"""95 % percentile-bootstrap intervals for scores that add up over independent units.

Entity and stance scores are ratios of counts (true positives, false positives, false
negatives), so an interval comes from resampling the units the counts come from — a
sentence for entities (its mentions are not independent of each other), a (sentence,
target) pair for stance — with replacement, summing their counts and recomputing the
score. Why the bootstrap and not Wilson: F1 is not a proportion of independent trials, and
Wilson's interval assumes one. The percentile bootstrap (Efron & Tibshirani 1993, ch. 13;
also the choice of SemEval's significance scripts) needs no such assumption. With a fixed
seed the same data give the same interval every run.

>>> counts = [[1, 0, 0], [1, 0, 0], [0, 1, 1], [1, 0, 0]]  # tp, fp, fn per sentence
>>> low, high = bootstrap_interval(counts, f1_of)
>>> 0.0 <= low <= 0.75 <= high <= 1.0
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

RESAMPLES = 1000  # the percentiles of 1000 resamples move by about 0.005 from seed to seed
SEED = 0


def bootstrap_interval(counts: Sequence[Sequence[float]] | np.ndarray, score: Callable[[np.ndarray], float], *,
                       resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, float]:
    """The 95 % percentile interval of ``score(summed counts)`` over units drawn with replacement.

    ``counts`` has one row per unit; ``score`` takes the column sums of a resample.

    >>> bootstrap_interval([[1, 0, 0]] * 5, f1_of)
    (1.0, 1.0)
    """
    rows = np.asarray(counts, dtype=float)
    if not len(rows):
        return 0.0, 0.0
    drawn = np.random.default_rng(seed).integers(0, len(rows), (resamples, len(rows)))
    sums = rows[drawn].sum(axis=1)
    low, high = np.percentile([score(s) for s in sums], [2.5, 97.5])
    return round(float(low), 4), round(float(high), 4)


def f1_of(tp_fp_fn: np.ndarray) -> float:
    """F1 from summed (true positive, false positive, false negative) counts; 0 when undefined.

    >>> f1_of(np.array([2, 1, 1]))
    0.6666666666666666
    """
    tp, fp, fn = (float(x) for x in tp_fp_fn[:3])
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def format_interval(bounds: Sequence[float]) -> str:
    """An interval as the reports print it.

    >>> format_interval((0.912, 0.9549))
    '(0.91–0.95)'
    """
    return f"({bounds[0]:.2f}–{bounds[1]:.2f})"
