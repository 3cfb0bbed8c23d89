"""The stance lexicon (``configs/stance/lexicon.tsv``): evaluative terms with signed weights.

A term is a lemma or lemmas joined by spaces; a hyphenated term matches as spaCy splits it
("anti-popular" is the three tokens "anti", "-", "popular").

>>> lex = StanceLexicon({"betray": -1.5, "sell out": -2.0, "anti-popular": -1.5})
>>> lex.weight("betray"), lex.weight("neutral"), lex.weight("anti - popular"), lex.max_words
(-1.5, None, -1.5, 3)
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from bolcorpus.errors import ConfigError

NEGATORS = frozenset({"not", "no", "never", "n't", "nor", "without", "hardly", "neither"})
HYPHEN = re.compile(r"\s*-\s*")


class StanceLexicon:
    """Term (a lemma, or lemmas joined by spaces) → polarity × weight."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = {_tokens(t): w for t, w in weights.items()}
        self.max_words = max((len(t.split()) for t in self.weights), default=1)
        self.first_words = frozenset(t.split()[0] for t in self.weights if t.split())

    def weight(self, term: str) -> float | None:
        return self.weights.get(_tokens(term))

    def may_begin(self, word: str) -> bool:
        """Whether a term may begin with ``word`` (a lemma or a token's text); a blank one may
        stand before any.

        >>> StanceLexicon({"sell out": -2.0}).may_begin("Sell"), StanceLexicon({"sell out": -2.0}).may_begin("out")
        (True, False)
        """
        pieces = _tokens(word).split()
        return not pieces or pieces[0] in self.first_words


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


def _tokens(term: str) -> str:
    """``term`` lowercased, its hyphens standing apart as spaCy's tokens do."""
    term = term.strip().lower()
    return HYPHEN.sub(" - ", term) if "-" in term else term  # most terms have none: no regex
