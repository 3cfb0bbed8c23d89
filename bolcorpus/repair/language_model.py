"""A word language model for correction in context: English frequencies, bigrams, the document.

Three sources, mixed in log10 probabilities:

- **unigrams**: ``wordfreq``'s English frequencies, with the curated lexicon's names and
  terms (see :class:`~bolcorpus.repair.lexicon.Lexicon`);
- **bigrams**: the Google Books bigram counts that ``symspellpy`` ships
  (``frequency_bigramdictionary_en_243_342.txt``, 242,342 pairs). A pair's score is its
  pointwise mutual information (PMI); the list is pruned at a count threshold, so a pair
  of common words that is missing gets the (negative) PMI of that threshold;
- **the document**: names (capitalised words that the English lists hardly know) that the
  document itself uses often count as at least that common, so a name the text repeats
  is not corrected away. Lower-case words are left out: a scanner that prints "tho" for
  "the" does so all through a page, and must not make "tho" a word of it.

How they mix: ``logp(word, left, right) = log P(word) + PMI(left, word) + PMI(word, right)``,
each PMI clipped to ``[-MAX_PMI, MAX_PMI]``: the unigram says how common a word is, the
bigrams how well it fits between its neighbours.

>>> lm = WordModel.default()
>>> from collections import Counter
>>> lm.logp("the", "of", "building") > lm.logp("tho", "of", "building")
True
>>> lm.pmi("will", "be") > 0 > lm.pmi("the", "of")
True
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from functools import lru_cache
from importlib import resources

from bolcorpus.repair.lexicon import Lexicon

BIGRAM_FILE = "frequency_bigramdictionary_en_243_342.txt"
MAX_PMI = 3.0  # log10: one neighbour can make a word at most 1,000 times likelier
OOV_LOGP = -9.0  # a string that is no word: below wordfreq's floor (Zipf 0, log10 P = -9) ...
OOV_LOGP_PER_CHAR = -0.5  # ... and the less likely the longer it is (a letter model would say so)
DOC_MIN_COUNT = 3  # a word the document uses this often counts as one of its words
DOC_WEIGHT = 0.1  # its document frequency, times this, is a floor to its probability
DOC_MAX_ZIPF = 3.0  # only names the English lists hardly know
MIN_ERROR_RATE, MAX_ERROR_RATE = 0.001, 0.25  # the prior chance that a word is damaged
ERR_FACTOR = 2.0  # the share of damaged words is about twice the share of non-words
DAMAGED_RATE = 0.02  # a text this damaged has real-word errors and split words worth looking for


class WordModel:
    """Unigram and bigram log10 probabilities over lower-case words."""

    def __init__(self, lexicon: Lexicon, bigrams: dict[tuple[str, str], int]) -> None:
        self.lexicon = lexicon
        self.bigrams = bigrams
        self.left: Counter[str] = Counter()
        self.right: Counter[str] = Counter()
        for (a, b), n in bigrams.items():
            self.left[a] += n
            self.right[b] += n
        self.total = sum(bigrams.values())
        self.threshold = min(bigrams.values()) if bigrams else 1
        self.document: dict[str, float] = {}

    @classmethod
    def default(cls, lexicon: Lexicon | None = None) -> WordModel:
        """The model with symspellpy's bigrams over ``lexicon`` (English word lists alone if None)."""
        return cls(lexicon or Lexicon(), _bigrams())

    def with_document(self, words: Counter[str]) -> WordModel:
        """A copy that also knows the names of one document (its words as they occur, counted).

        >>> lm = WordModel.default().with_document(Counter({"Zavaleta": 4, "the": 50}))
        >>> lm.unigram("zavaleta") > WordModel.default().unigram("zavaleta")
        True
        """
        size = max(1, sum(words.values()))
        counts: Counter[str] = Counter()
        for word, n in words.items():
            if word[0].isupper() and word[1:].islower():
                counts[word.lower()] += n
        model = copy.copy(self)  # shares the lexicon and the bigrams
        model.document = {
            w: math.log10(DOC_WEIGHT * n / size)
            for w, n in counts.items()
            if n >= DOC_MIN_COUNT and self.lexicon.zipf(w) < DOC_MAX_ZIPF
        }
        return model

    def unigram(self, word: str) -> float:
        """log10 P(word): the lexicon's Zipf frequency, or the document's, whichever is higher.

        A string that neither knows scores below every word, the lower the longer it is.
        """
        zipf = self.lexicon.zipf(word)
        base = zipf - 9.0 if zipf > 0 else OOV_LOGP + OOV_LOGP_PER_CHAR * len(word)
        return max(base, self.document.get(word, base))

    def pmi(self, a: str, b: str) -> float:
        """log10 of how much likelier ``a b`` is than ``a`` and ``b`` apart, clipped.

        Only pairs of words the bigram list knows on their own get a score; others get 0.
        """
        if a not in self.left or b not in self.right:
            return 0.0
        expected = self.left[a] * self.right[b] / self.total
        observed = self.bigrams.get((a, b))
        if observed is None:  # pruned: at most the threshold, which may be a strong "no"
            return max(-MAX_PMI, min(0.0, math.log10(self.threshold / expected)))
        return max(-MAX_PMI, min(MAX_PMI, math.log10(observed / expected)))

    def logp(self, word: str, left: str | None = None, right: str | None = None) -> float:
        """log10 score of ``word`` between ``left`` and ``right`` (None: no usable neighbour)."""
        score = self.unigram(word)
        if left:
            score += self.pmi(left, word)
        if right:
            score += self.pmi(word, right)
        return score


@lru_cache(maxsize=1)
def _bigrams() -> dict[tuple[str, str], int]:
    """symspellpy's bigram counts, keyed by pairs of lower-case words (read once per process)."""
    text = resources.files("symspellpy").joinpath(BIGRAM_FILE).read_text(encoding="utf-8")
    out: dict[tuple[str, str], int] = {}
    for line in text.splitlines():
        a, b, n = line.split(" ")
        out[(a, b)] = int(n)
    return out


_MODELS: dict[int, WordModel] = {}


def word_model(lexicon: Lexicon) -> WordModel:
    """The word model over ``lexicon``, made once per lexicon (the bigrams load once per process)."""
    model = _MODELS.get(id(lexicon))
    if model is None or model.lexicon is not lexicon:
        model = _MODELS[id(lexicon)] = WordModel.default(lexicon)
    return model


def damage_rate(counts: Counter[str], lexicon: Lexicon) -> float:
    """The prior chance that a word of a text (its word ``counts``) is damaged.

    About twice the share of its lower-case words of three letters or more that no list
    knows (names are left out), within ``[MIN_ERROR_RATE, MAX_ERROR_RATE]``.

    >>> damage_rate(Counter({"the": 8, "tbe": 2}), Lexicon())
    0.25
    """
    unknown = sum(n for t, n in counts.items() if len(t) > 2 and t.islower() and not lexicon.known(t))
    return min(MAX_ERROR_RATE, max(MIN_ERROR_RATE, ERR_FACTOR * unknown / max(1, counts.total())))
