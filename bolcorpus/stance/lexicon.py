"""The stance lexicon (``configs/stance/lexicon.tsv``): evaluative terms with signed weights.

>>> lex = StanceLexicon({"betray": -1.5, "sell out": -2.0})
>>> lex.weight("betray"), lex.weight("neutral")
(-1.5, None)
"""

from __future__ import annotations

import csv
from pathlib import Path

from bolcorpus.errors import ConfigError

NEGATORS = frozenset({"not", "no", "never", "n't", "nor", "without", "hardly", "neither"})


class StanceLexicon:
    """Term (a lemma, or lemmas joined by spaces) → polarity × weight."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = weights
        self.max_words = max((len(t.split()) for t in weights), default=1)

    def weight(self, term: str) -> float | None:
        return self.weights.get(term.lower())


def load_lexicon(path: Path) -> StanceLexicon:
    """Read a TSV with a ``term, polarity, weight[, note]`` header; ``#`` lines are comments."""
    weights = {}
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for n, row in enumerate(rows, start=2):
            try:
                weights[row["term"].strip().lower()] = float(row["polarity"]) * float(row.get("weight") or 1)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise ConfigError(f"{path}: line {n} is not 'term<TAB>polarity<TAB>weight'") from None
    return StanceLexicon(weights)
