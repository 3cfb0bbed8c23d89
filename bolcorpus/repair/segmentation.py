"""Word segmentation in context: put the spaces of a damaged run of words where the words are.

Scanned and converted text splits words ("Str ing Transformat ions", "descr ip t ion").
Around every fragment that is no word, the letters of a short run of words are segmented
anew by dynamic programming over the word model
(:class:`~bolcorpus.repair.language_model.WordModel`: unigrams, and the bigram of each
word with the one before), so that pieces join the word they belong to and a word run
into its neighbour's piece is cut where the words are. Every space removed or added has a
cost; the new segmentation replaces the old one when it scores ``threshold`` better
(log10) and has fewer words (a lone run-together token, "dialoguesare", is the context
rule's). Only known words are proposed; letters and case are kept. In a damaged text
(:data:`~bolcorpus.repair.language_model.DAMAGED_RATE`) rare words count as fragments
too, and less rare ones where they join a neighbour into a word: "a ction", "off icers"
and "build ing" are made of words that wordfreq knows.

>>> from functools import partial
>>> from bolcorpus.repair.rules import apply_rule
>>> rule = partial(resegment_words, lexicon=Lexicon())
>>> apply_rule(rule, "the Str ing Transformat ions of the descr ip t ion are given")
'the String Transformations of the description are given'
>>> apply_rule(rule, "it may be a new per cent")  # words that are words stay apart
'it may be a new per cent'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from bolcorpus.repair.channel import ONE_CONFUSION, Channel
from bolcorpus.repair.context import text_damage
from bolcorpus.repair.engine import Fix
from bolcorpus.repair.language_model import DAMAGED_RATE, WordModel, word_model
from bolcorpus.repair.lexicon import Lexicon
from bolcorpus.repair.patterns import LETTERS_RE
from bolcorpus.repair.tokens import types

# A run of letter-only words separated by single spaces (not across punctuation or lines).
RUN_RE = re.compile(r"(?<![\w'’.-])[^\W\d_]+(?: [^\W\d_]+)*(?![\w'’-])(?!\.\w)")
WINDOW = 3  # words on each side of a fragment that may join it
MAX_WORD = 24  # letters of the longest word proposed
BEAM = 4  # segmentations kept per position
SINGLE_LETTERS = frozenset("aAI")  # the only one-letter words of English
GARBLED_MIN_ZIPF = 3.0  # a word garbled and split is a common one: a rare reading is left alone
SHORT_PIECE = 2  # a garbled join holds a piece this short ("j n", "lh e", "ob tailed")
RARE_ZIPF = 3.5  # in a damaged text a lower-case word rarer than this may be a fragment ("a ction", "off icers")
# and one rarer than this where it joins a neighbour into a word ("build ing", "un usual")
JOINING_ZIPF = 5.0


def resegment_words(
    text: str, *, lexicon: Lexicon, channel: Channel | None = None, threshold: float = 1.0, join_cost: float = 0.5,
    split_cost: float = 2.5, damaged_rate: float = DAMAGED_RATE, garbled_joins: bool = True,
) -> Iterator[Fix]:
    """Resegment the runs of words around fragments that are no words, joining at least two.

    A space removed costs ``join_cost`` and one added ``split_cost`` (log10): in OCR a
    fragment is more often a piece of a split word than words run together, and a
    garbled word can often be cut into two rare words ("altempt" → "al tempt"). A lone
    token is left to ``repair.context.v1``, which weighs splits against corrections. From
    a damage of ``damaged_rate`` on, words rarer than :data:`RARE_ZIPF` count as fragments
    too, and words rarer than :data:`JOINING_ZIPF` where they join a neighbour into a word. With a
    ``channel`` and ``garbled_joins``, fragments, one of them short, may also join into
    a common word that one cheap confusion garbled ("lh e", "chil y"); the join is made
    here and the letters are left to ``repair.context.v1``, which reads the joined token
    as the word ("the", "chilly"). Initials ("J C") never join so.
    """
    channel = channel if garbled_joins else None
    rare = RARE_ZIPF if text_damage(text, lexicon) >= damaged_rate else 0.0
    words_here = types(LETTERS_RE, text)
    fragments = {w for w in words_here if _fragment(w, lexicon, rare)}
    joining = {w for w in words_here - fragments if _fragment(w, lexicon, JOINING_ZIPF)} if rare else set()
    if not fragments and not joining:
        return
    model = word_model(lexicon)
    for run in RUN_RE.finditer(text):
        if " " not in run.group():
            continue
        words = run.group().split(" ")
        if fragments.isdisjoint(words) and joining.isdisjoint(words):
            continue
        suspects = [i for i, w in enumerate(words) if w in fragments or (w in joining and _joins(words, i, lexicon))]
        done = -1
        for i in suspects:
            if i <= done:
                continue
            lo, hi = max(0, i - WINDOW), min(len(words), i + WINDOW + 1)
            while hi < len(words) and hi - 1 in suspects:  # a chain of fragments stays in one window
                hi = min(len(words), hi + 1)
            window = words[lo:hi]
            broken = tuple(w in fragments and not w.isupper() for w in window) if channel else None
            best = _best(tuple(window), lexicon, channel, broken, join_cost, split_cost)
            if best is None or len(best[0]) >= len(window):
                continue
            if best[1] - _score(window, model) >= threshold:
                start = run.start() + sum(len(w) + 1 for w in words[:lo])
                yield from _fixes(" ".join(window), " ".join(best[0]), start)
                done = hi - 1


def _joins(words: list[str], i: int, lexicon: Lexicon) -> bool:
    """Whether ``words[i]`` and a neighbour written together are a word ("build ing")."""
    word = words[i].lower()
    return (i > 0 and lexicon.known(words[i - 1].lower() + word)) or (
        i + 1 < len(words) and lexicon.known(word + words[i + 1].lower()))


def _fragment(word: str, lexicon: Lexicon, rare: float) -> bool:
    """A piece of a split word, or words run together: no word, or a lower-case one rarer than ``rare``."""
    if len(word) == 1:
        return word not in SINGLE_LETTERS
    if rare and word.islower() and lexicon.zipf(word) < rare:
        return True
    return (word.islower() or word.istitle()) and not lexicon.known(word)


def _score(words: list[str], model: WordModel) -> float:
    """log10 score of a segmentation: each word given the one before."""
    score, previous = 0.0, None
    for word in words:
        lower = word.lower()
        score += model.unigram(lower) + (model.pmi(previous, lower) if previous else 0.0)
        previous = lower
    return score


@lru_cache(maxsize=65_536)
def _best(
    words: tuple[str, ...], lexicon: Lexicon, channel: Channel | None, broken: tuple[bool, ...] | None,
    join_cost: float, split_cost: float,
) -> tuple[tuple[str, ...], float] | None:
    """:func:`_segment`, once per window (each pass of the rules sees the same windows again)."""
    found = _segment(list(words), word_model(lexicon), join_cost, split_cost, channel, broken)
    return None if found is None else (tuple(found[0]), found[1])


def _segment(
    words: list[str], model: WordModel, join_cost: float, split_cost: float, channel: Channel | None = None,
    broken: tuple[bool, ...] | None = None,
) -> tuple[list[str], float] | None:
    """The best segmentation of the letters of ``words`` into known words, with its score.

    A beam search over letter positions: an entry ``(score, start, back)`` stands for the
    best segmentations of the letters before its position whose last word starts at
    ``start``; ``back`` is the entry that word extends. With a ``channel``, consecutive
    words that are all ``broken`` (fragments) may join into the word one cheap confusion
    of their letters makes (:func:`_garbled`). Most windows of a damaged text cannot be
    covered by words at all: :func:`_word_graph` finds that out before any scoring.
    """
    letters = "".join(words)
    lower = letters.lower()
    n = len(letters)
    garbled = _garbled_joins(words, broken) if channel is not None and broken is not None else {}
    graph = _word_graph(letters, lower, garbled, model.lexicon, channel)
    if graph is None:
        return None
    spaces_before = [0] * (n + 1)  # how many spaces stand before each letter offset
    pos = 0
    for word in words[:-1]:
        pos += len(word)
        spaces_before[pos + 1 :] = [spaces_before[pos] + 1] * (n - pos)
    unigram, pmi = model.unigram, model.pmi
    beams: list[list[_Entry]] = [[] for _ in range(n + 1)]
    beams[0] = [_Entry(0.0, 0, None)]
    for i in range(n):
        # Every word starting at ``i`` extends the best segmentations of the letters before it;
        # those are complete now (every word ending at ``i`` started before it).
        beams[i] = sorted(beams[i], key=lambda e: -e.score)[:BEAM]
        if not beams[i]:
            continue
        before = [(entry, lower[entry.start : i]) for entry in beams[i]] if i else []
        added = split_cost if i and spaces_before[i + 1] == spaces_before[i] else 0.0  # a space added at ``i``
        for j, word, garbling in graph[i]:
            cost = unigram(word) - garbling - join_cost * (spaces_before[j] - spaces_before[i + 1]) - added
            if i:
                beams[j].extend(_Entry(entry.score + cost + pmi(last, word), i, entry) for entry, last in before)
            else:
                beams[j].append(_Entry(cost, 0, beams[0][0]))
    beams[n] = sorted(beams[n], key=lambda e: -e.score)[:BEAM]
    cuts, entry = [], beams[n][0]
    while entry.back is not None:
        cuts.append(entry.start)
        entry = entry.back
    bounds = [0, *sorted(c for c in cuts if c), n]
    return [letters[a:b] for a, b in zip(bounds, bounds[1:])], beams[n][0].score


def _word_graph(
    letters: str, lower: str, garbled: dict[int, set[int]], lexicon: Lexicon, channel: Channel | None
) -> list[list[tuple[int, str, float]]] | None:
    """The words that may stand at each letter offset reached from the start, as ``(end, word,
    channel cost)``; ``None`` when no chain of them reaches the end of the letters.

    >>> graph = _word_graph("ofthe", "ofthe", {}, Lexicon(), None)
    >>> [(j, w) for j, w, _ in graph[2]], _word_graph("xqthe", "xqthe", {}, Lexicon(), None)
    ([(5, 'the')], None)
    """
    n = len(letters)
    graph: list[list[tuple[int, str, float]]] = [[] for _ in range(n)]
    reached = [True] + [False] * n
    furthest = 0
    for i in range(n):
        if i > furthest:  # no word reaches past what came before
            return None
        if not reached[i]:
            continue
        joins = garbled.get(i, set())
        begins = True  # some listed word begins with the piece
        for j in range(i + 1, min(n, i + MAX_WORD) + 1):
            piece = lower[i:j]
            if begins:
                begins, proposable = _piece(piece, lexicon)
            if not begins and not joins:
                break
            word, garbling = piece, 0.0
            if not (begins and proposable):
                if j not in joins or (found := _garbled(piece, lexicon, channel)) is None:  # type: ignore[arg-type]
                    continue
                word, garbling = found
            if _in_one_case(letters[i:j]):
                graph[i].append((j, word, garbling))
                reached[j] = True
                furthest = max(furthest, j)
    return graph if reached[n] else None


class _Entry(NamedTuple):
    score: float
    start: int
    back: _Entry | None


@lru_cache(maxsize=1 << 18)
def _piece(lower: str, lexicon: Lexicon) -> tuple[bool, bool]:
    """Whether some listed word begins with ``lower``, and whether ``lower`` is a known word that may be proposed."""
    if len(lower) == 1:
        return lexicon.begins_word(lower), lower in "ai"
    return lexicon.begins_word(lower), lexicon.listed(lower) and lexicon.known(lower)


def _garbled_joins(words: list[str], broken: tuple[bool, ...]) -> dict[int, set[int]]:
    """Where two or more consecutive ``broken`` words, one of them short but not all single
    letters, start and end (letter offsets).

    >>> _garbled_joins(["for", "lh", "e", "miners"], (False, True, True, False))
    {3: {6}}
    """
    offsets = [0]
    for word in words:
        offsets.append(offsets[-1] + len(word))
    joins: dict[int, set[int]] = {}
    for first in range(len(words)):
        for last in range(first + 1, len(words)):
            if not broken[last] or not broken[first]:
                break
            lengths = [len(w) for w in words[first : last + 1]]
            if min(lengths) <= SHORT_PIECE and max(lengths) > 1:
                joins.setdefault(offsets[first], set()).add(offsets[last + 1])
    return joins


@lru_cache(maxsize=1 << 16)
def _garbled(joined: str, lexicon: Lexicon, channel: Channel) -> tuple[str, float] | None:
    """The likeliest word one cheap confusion of ``joined`` makes ("jn": "in"), with its channel cost."""
    found = [(word, channel.cost(joined, word)) for word in channel.words(joined, ONE_CONFUSION, lexicon)
             if word != joined and lexicon.zipf(word) >= GARBLED_MIN_ZIPF]
    return max(found, key=lambda wc: lexicon.zipf(wc[0]) - wc[1], default=None)


def _in_one_case(piece: str) -> bool:
    """"String", "string", "STRING", but not "sTring"; of one letter, only "a", "A" and "I"."""
    if len(piece) == 1:
        return piece in SINGLE_LETTERS
    return piece.islower() or piece.istitle() or piece.isupper()


def _fixes(old: str, new: str, offset: int) -> Iterator[Fix]:
    """The space insertions and deletions that turn ``old`` into ``new`` (same letters)."""
    i = j = 0
    while i < len(old) or j < len(new):
        if i < len(old) and j < len(new) and old[i] == new[j]:
            i, j = i + 1, j + 1
        elif i < len(old) and old[i] == " ":
            yield Fix(offset + i, offset + i + 1, "")
            i += 1
        else:
            yield Fix(offset + i, offset + i, " ")
            j += 1


MEMOS = (_best, _piece, _garbled)  # per-word memos: bolcorpus.repair.forget_corrections clears them
