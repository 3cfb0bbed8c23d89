"""Word knowledge for the repair rules: is a token a word, how common, what is it near.

English (and, for the many Spanish terms of this corpus, Spanish) frequencies come from
``wordfreq``; the corpus's own names and terms come from lexicon files in ``configs/``
(one term per line, ``#`` comments), and from the knowledge base's names and aliases.

>>> lex = Lexicon.from_terms(["Lechín", "rosca"])
>>> lex.known("rosca"), lex.known("Lechin"), lex.known("talcing"), lex.known("jn")
(True, True, False, False)
"""

from __future__ import annotations

import gc
import math
import re
import unicodedata
import weakref
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz.distance import OSA
from symspellpy.abstract_distance_comparer import AbstractDistanceComparer
from wordfreq import get_frequency_dict, top_n_list, zipf_frequency

WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
DOMAIN_ZIPF = 4.0  # a curated term counts as a fairly common word
DICTIONARY_SIZE = 60_000  # most frequent English words offered as corrections


class Lexicon:
    """English and Spanish frequencies plus the corpus's curated terms."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self.terms = frozenset(_fold(t) for term in terms for t in WORD_RE.findall(term))
        self.spellings = {_fold(t): t.lower() for term in terms for t in WORD_RE.findall(term)}
        self.acronyms = frozenset(t for term in terms for t in WORD_RE.findall(term) if ACRONYM_RE.fullmatch(t))
        self._symspell: Any = None  # built on the first lookup
        self._zipf: dict[str, float] = {}  # memo: every rule asks about the same words
        self._known: dict[str, bool] = {}
        self._dictionary: frozenset[str] | None = None
        self._prefixes: frozenset[str] | None = None
        self.corrections: dict[tuple[Any, ...], Any] = {}  # memo of the rules that correct with this lexicon
        _LEXICONS.add(self)

    @classmethod
    def from_terms(cls, terms: Iterable[str]) -> Lexicon:
        return cls(terms)

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> Lexicon:
        """Terms from ``.txt`` lexicons and knowledge-base ``.yml`` files (names and aliases)."""
        return _load(tuple(sorted(Path(p) for p in paths)))

    def zipf(self, word: str) -> float:
        """Zipf frequency of ``word`` (case-folded; curated terms count as common).

        A Spanish word counts one point less than its Spanish frequency ("Comando").
        """
        found = self._zipf.get(word)
        if found is None:
            found = self._zipf[word] = self._compute_zipf(word)
        return found

    def known(self, word: str) -> bool:
        """Whether ``word`` is a word or curated term, with stricter bars for short tokens."""
        found = self._known.get(word)
        if found is None:
            found = self._known[word] = self._compute_known(word)
        return found

    def listed(self, word: str) -> bool:
        """Whether a lower-case ``word`` is a curated term or in wordfreq's English list.

        A fast first test (a set look-up) before :meth:`known`, for callers that ask about
        many strings that are mostly no words.

        >>> Lexicon.from_terms(["Lechín"]).listed("lechín"), Lexicon().listed("xqzv")
        (True, False)
        """
        if word in _frequencies("en"):
            return True
        return (word if word.isascii() else _fold(word)) in self.terms  # terms are folded: "lechín"

    def begins_word(self, prefix: str) -> bool:
        """Whether some word :meth:`listed` begins with the lower-case ``prefix``.

        >>> Lexicon().begins_word("transf"), Lexicon().begins_word("xqz")
        (True, False)
        """
        words = _listed_words(self.terms)
        return any(_begins(words, p) for p in ((prefix,) if prefix.isascii() else (prefix, _fold(prefix))))

    def zipf_spanish(self, word: str) -> float:
        """Zipf frequency of ``word`` in Spanish (the corpus quotes Spanish often)."""
        return _zipf(word.lower(), "es")

    def _compute_zipf(self, word: str) -> float:
        lower = word.lower()
        if not WORD_RE.fullmatch(lower) or (len(lower) == 1 and lower not in "ai"):
            return 0.0
        spanish = _zipf(lower, "es") - 1.0 if len(lower) > 3 else 0.0
        curated = DOMAIN_ZIPF if _fold(lower) in self.terms else 0.0
        return max(_zipf(lower), spanish, curated)

    def _compute_known(self, word: str) -> bool:
        lower = word.lower()
        if _fold(lower) in self.terms:
            return True
        if not WORD_RE.fullmatch(lower):  # wordfreq would split "nec~ry" into known pieces
            return False
        if len(lower) <= 2:  # real two-letter words are very common; "ln", "js" are not
            return _zipf(lower) >= 4.5
        if len(lower) == 3:
            return _zipf(lower) >= 3.0
        return _zipf(lower) >= (2.0 if len(lower) == 4 else 1.0) or _zipf(lower, "es") >= 3.0

    def dictionary(self) -> frozenset[str]:
        """The words offered as corrections: common English words and the curated terms."""
        if self._dictionary is None:
            self._dictionary = _dictionary() | self.terms
        return self._dictionary

    def prefixes(self) -> frozenset[str]:
        """Every beginning of a :meth:`dictionary` word, the empty one and the words included."""
        if self._prefixes is None:
            self._prefixes = frozenset(w[:i] for w in self.dictionary() for i in range(len(w) + 1))
        return self._prefixes

    def remembered(self) -> int:
        """How many words the memos hold: frequencies, verdicts and the rules' corrections."""
        return len(self._zipf) + len(self._known) + len(self.corrections)

    def forget(self) -> None:
        """Forget the frequencies, verdicts and corrections remembered so far (the word lists stay)."""
        self._zipf.clear()
        self._known.clear()
        self.corrections.clear()

    def near(self, word: str, max_distance: int = 2, *, closest: bool = False) -> list[str]:
        """Dictionary words within ``max_distance`` plain edits (SymSpell single-word lookup).

        With ``closest``, only those at the smallest distance found (a faster lookup).
        """
        from symspellpy import Verbosity

        if self._symspell is None:
            self._symspell = _symspell(self.terms)
        verbosity = Verbosity.CLOSEST if closest else Verbosity.ALL
        return [s.term for s in self._symspell.lookup(word.lower(), verbosity, max_edit_distance=max_distance)]

    def spelling(self, folded: str) -> str:
        """The curated spelling (lower case, with accents) of a folded term, or the term itself."""
        return self.spellings.get(folded, folded)


_LEXICONS: weakref.WeakSet[Lexicon] = weakref.WeakSet()  # every lexicon alive, for forget_all


def forget_all() -> None:
    """:meth:`Lexicon.forget` on every lexicon of this process."""
    for lexicon in list(_LEXICONS):
        lexicon.forget()


@lru_cache(maxsize=16)
def _load(paths: tuple[Path, ...]) -> Lexicon:
    terms: list[str] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".yml", ".yaml"):
            for entity in yaml.safe_load(text) or []:
                terms += [entity.get("name", ""), *entity.get("aliases", [])]
        else:
            terms += [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return Lexicon([t for t in terms if t])


@lru_cache(maxsize=262_144)
def _zipf(word: str, lang: str = "en") -> float:
    """wordfreq's Zipf frequency; a plain lower-case word is read from its table directly (50 times faster)."""
    if word.isalpha() and word.islower():
        frequency = _frequencies(lang).get(word)
        return round(math.log10(frequency) + 9, 2) if frequency else 0.0
    return zipf_frequency(word, lang)


@lru_cache(maxsize=4)
def _frequencies(lang: str) -> dict[str, float]:
    return get_frequency_dict(lang)


@lru_cache(maxsize=4)
def _listed_words(terms: frozenset[str]) -> list[str]:
    """wordfreq's English words and the (folded) curated terms, sorted: prefixes are looked up by bisection."""
    return sorted(_frequencies("en").keys() | terms)


def _begins(words: list[str], prefix: str) -> bool:
    i = bisect_left(words, prefix)
    return i < len(words) and words[i].startswith(prefix)


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    return frozenset(w for w in top_n_list("en", DICTIONARY_SIZE) if w.isalpha())


@lru_cache(maxsize=4)
def _symspell(terms: frozenset[str]):  # type: ignore[no-untyped-def]
    """A SymSpell index of the dictionary; built once per process (about two seconds).

    Its edit distance is rapidfuzz's compiled one (the same optimal string alignment
    distance as symspellpy's own, several times faster). The garbage collector pauses
    while it is built: its millions of lists hold no cycles, and the collector would walk
    them again and again as they grow (a third of the time).
    """
    from symspellpy import SymSpell
    from symspellpy.editdistance import DistanceAlgorithm, EditDistance

    comparer = EditDistance(DistanceAlgorithm.USER_PROVIDED, _CompiledDistance())
    index = SymSpell(max_dictionary_edit_distance=2, prefix_length=7, distance_comparer=comparer)
    collecting = gc.isenabled()
    gc.disable()
    try:
        for word in _dictionary() | terms:
            index.create_dictionary_entry(word, max(1, int(10 ** _zipf(word))))
    finally:
        if collecting:
            gc.enable()
    return index


class _CompiledDistance(AbstractDistanceComparer):
    """SymSpell's distance comparer backed by rapidfuzz's optimal string alignment.

    >>> _CompiledDistance().distance("tbe", "the", 1), _CompiledDistance().distance("tbe", "them", 1)
    (1, -1)
    """

    def distance(self, string_1: str | None, string_2: str | None, max_distance: int) -> int:
        found = OSA.distance(string_1 or "", string_2 or "", score_cutoff=max_distance)
        return found if found <= max_distance else -1


@lru_cache(maxsize=262_144)
def _fold(text: str) -> str:
    """Lower case without accents: "Lechín" → "lechin"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


MEMOS = (_zipf, _fold)  # per-word memos: bolcorpus.repair.forget_corrections clears them
