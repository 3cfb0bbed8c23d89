"""Noisy-channel correction in context: the word a token most probably was, given its neighbours.

For a token ``t`` between neighbours ``l`` and ``r`` each candidate word ``c`` scores
``log P(c | l, r) + log P(error) - cost(t | c)``, the word model's probability
(:class:`~bolcorpus.repair.language_model.WordModel`) plus the OCR channel's
(:class:`~bolcorpus.repair.channel.Channel`); the token itself scores
``log P(t | l, r) + log P(no error)``. A candidate replaces the token only when it wins
by ``threshold`` (log10 units); one that wins by less is left alone and reported by
:func:`doubtful_tokens`.

- **Non-words** ("tbe", "thtcknoss", "th~t", "«inning") and rare words ("ii", "prc")
  get candidates from the channel's confusions (as many as :data:`NON_WORD_BUDGET`
  pays for: "lncrcaso" → "increase" undoes three), from SymSpell (two plain edits)
  where no confusion makes a word, and, for junk characters, from the dictionary by
  wildcard.
- **Real words** ("tho", "bo", "Arm") get only much more common words one cheap confusion
  away, so a correct word needs strong context to move; common words are never questioned.
  In a damaged text (``P(error)`` at least :data:`DAMAGED_RATE`) words up to Zipf 6 get
  every word at least as common one cheap confusion away ("bad been" → "had been",
  "directed al the" → "directed at the").
- **Run-together words** ("persentence", "VMand") are split into two words when the
  split beats every correction; a split of two long words that the bigrams do not know
  is left to ``repair.lost_hyphens.v1`` ("militaryrightist").
- **Garbled copies of a name** the document repeats ("Covony" where "Coveny" stands three
  times) get that name as a candidate.
- **A colon at a word's edge** (":egime", "fo: the") may be a letter: the word beside
  its colon is the token's own reading, and a word the colon read as a letter makes
  ("regime", "for") must beat it ("as follows: the" stays).
- **A hyphen inside one garbled word** ("rnas-sacre", "alt-empt") in a damaged text:
  where neither piece is a common word and their join is no word but a cheap confusion
  or two from one, the token is read as that word; a compound ("co-opting") or a
  hyphenated word ("cal-culation") stays as printed.
- **One garbled piece of a hyphenated word** in a damaged text ("Goulburn-strcet",
  "forty-thrco") is read on its own where the other pieces are words and their join is
  none; a word broken at a line end ("appro-priate", "num-ber") keeps its pieces.
- **A capital I for a small i** in a function word inside a sentence ("delay In the",
  "accepted, Is it") is lower-cased when a lower-case word follows.

``P(error)`` adapts to the text: twice the share of its lower-case tokens that are no
words, relative to the damage of the text the channel was learned on. Clean text
therefore needs far stronger evidence for a change than a badly damaged page. Acronyms
and mixed-case names ("TEXTRACT", "LCTs", "McNeil") are never touched, but a capital
after lower-case letters is OCR's ("JameB", "thtcknosB"); a capitalised string no list
knows counts as a name.

>>> from functools import partial
>>> from bolcorpus.repair.rules import apply_rule
>>> channel = Channel([("o", "e", 9, 1.1), ("t", "f", 9, 2.1), ("n", "a", 9, 2.0)])
>>> rule = partial(correct_in_context, lexicon=Lexicon(), channel=channel)
>>> apply_rule(rule, "Tho walls ot tbo building are of brickwork, the exterior In the persentence")
'The walls of the building are of brickwork, the exterior in the per sentence'
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain
from string import ascii_lowercase
from typing import Any, NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bolcorpus.repair.channel import ONE_CONFUSION, Channel
from bolcorpus.repair.confusion import wildcard_matches
from bolcorpus.repair.engine import Fix
from bolcorpus.repair.language_model import DAMAGED_RATE, WordModel, damage_rate, word_model
from bolcorpus.repair.lexicon import Lexicon
from bolcorpus.repair.patterns import CAPITAL_I_WORDS, JUNK_CHARS, LETTERS_RE
from bolcorpus.repair.tokens import type_counts, types

# A word of letters alone: not part of a token with digits, junk or inner punctuation
# ("revo1utionary", "dissolve~d", "n:volution": the confusions rule's) or of a compound
# ("left-wing"). A possessive's word is one ("eountry's").
# Specks OCR prints in words ("«inning", "a|so", "th~t"), escaped for a character class:
# the channel reads them as letters. At a word's end only guillemets, which newspaper OCR
# prints for a letter ("cost»"); a final "~" or "|" is notation as often as damage.
NOISE = re.escape("«»¡¿|\\~£")
TOKEN_START, TOKEN_END = rf"(?<![\w~£µ.,:/'’{NOISE}-])", rf"(?:(?=['’]s(?!\w))|(?![\w~£µ'’{NOISE}])(?![.,:/'’-]\w))"
# A colon at a word's edge may stand for a letter (":egime", "powe: in"; at its end only
# before a lower-case word); the word beside its colon is then a reading as well.
WORD_BODY = rf"(?:[{NOISE}]|(?<!\w):)?[^\W\d_]+(?:[{NOISE}][^\W\d_]+)*"
FINAL_COLON = r"(?<=[^\W\d_]{2}):"  # not after one letter: "N: which", "A: yes"
TOKEN_RE = re.compile(rf"{TOKEN_START}{WORD_BODY}(?:[«»]|{FINAL_COLON}(?= [a-z]))?{TOKEN_END}")
# Two pieces of letters joined by a hyphen ("rnas-sacre"), as a type; and a hyphenated
# token of two or more pieces ("Goulburn-strcet", "well-to-do").
COMPOUND_TYPE_RE = re.compile(r"[^\W\d_]+-[^\W\d_]+")
HYPHENATED_RE = re.compile(rf"(?<![\w~£µ.,:/'’{NOISE}-])[^\W\d_]+(?:-[^\W\d_]+)+(?![\w~£µ'’{NOISE}-])")
# A capital after two lower-case letters, inside a word: case OCR garbled ("FrancUco").
GARBLED_CASE_RE = re.compile(r"\S*[a-z]{2}\S*[A-Z]\S*")
CASED_NAME_RE = re.compile(r"(?:Mc|Mac|De|La|Le|Van|Von)[A-Z][a-z]+|[A-Z]{2,}s")  # "McNeil", "LaPaz", "LCTs"
# Token types are counted without the boundaries (a third of the time); the boundaries
# apply where a type that may change is looked for. A final colon needs the next word,
# which a chunk does not show: such types are counted apart.
TYPE_RE = re.compile(rf"{WORD_BODY}[«»]?")
COLON_TYPE_RE = re.compile(rf"{WORD_BODY}{FINAL_COLON}\Z")
# The word before a token (up to NEIGHBOUR_REACH characters back) and after it, across spaces only.
LEFT_RE = re.compile(r"(?<![\w'’.-])([^\W\d_]+)[ \t]+\Z")
RIGHT_RE = re.compile(r"[ \t]+([^\W\d_]+)(?![\w'’-])")
NEIGHBOUR_REACH = 40
DEFAULT_THRESHOLD = 0.5  # log10: a correction must be about three times likelier than the token as it is
CHANNEL_ERROR_RATE = 0.25  # the damage of the text the channel was learned on (Overproof: WER 29 %)
CLOSEST = True  # SymSpell: only the closest words (faster), not all within two edits
REAL_WORD_MAX_ZIPF = 5.0  # real words as common as this are never questioned
REAL_WORD_GAIN = 1.0  # a real word's candidates are this much more common (Zipf)
# In a damaged text (see DAMAGED_RATE) real words up to this common ("bad", "al") may be
# read as a word at least as common one cheap confusion away ("had", "at").
DAMAGED_REAL_WORD_MAX_ZIPF = 6.0
DAMAGED_REAL_WORD_GAIN = 0.0
RARE_WORD_ZIPF = 3.5  # a word rarer than this gets every candidate a non-word gets ("ii", "prc")
FUNCTION_WORD_ZIPF = 5.5  # a split part of one or two letters must be this common ("of", "in")
SPLIT_PART_ZIPF = 3.0  # each part of a split is at least this common
SHORT_PART = 3  # a split with a part this short is no lost hyphen ("persentence")
COMMON_PART_ZIPF = 5.6  # nor one with a part this common ("consideredagainst")
SPLIT_COST = 1.0  # log10: a missing space costs about as much as a cheap confusion
JUNK_SPLIT_COST = 1.0  # log10: and a junk character read as a letter beside it ("ther~dical") as much again
NAME_LOGP = -10.0  # a capitalised string no list knows may be a name ("Levelt"): below any listed word, above junk
MAX_CHANNEL_COST = 6.0  # candidates costlier than this are not considered
COLON_LOGP = -2.0  # log10: a colon between a word and a lower-case one, where OCR may have made it of a letter
COMPOUND_PART_ZIPF = 4.0  # a hyphenated token with a part this common is a compound ("co-opting")
COMPOUND_WORD_ZIPF = 3.5  # one garbled word ("rnas-sacre") is read as a word at least this common
MAX_CANDIDATES = 12  # per token, the closest
MAX_NAME_EDITS = 2  # a garbled copy of a document's name is at most this many edits from it
NON_WORD_BUDGET = 5.2  # log10: the confusions undone in a non-word cost at most this together (two dear ones)


class Decision(NamedTuple):
    """What the corrector thinks of one token: the best replacement and its winning margin."""

    start: int
    end: int
    token: str
    replacement: str
    margin: float


def correct_in_context(
    text: str, *, lexicon: Lexicon, channel: Channel, threshold: float = DEFAULT_THRESHOLD, split_words: bool = True,
    use_bigrams: bool = True, use_document: bool = True, damaged_rate: float = DAMAGED_RATE,
    budget: float = NON_WORD_BUDGET,
) -> Iterator[Fix]:
    """Replace tokens whose best correction wins by ``threshold`` (log10) in context.

    Args:
        threshold: the margin (log10) a correction must win by; lower corrects more.
        split_words: also split run-together words.
        use_bigrams, use_document: the parts of the word model (for ablations).
        damaged_rate: from this ``P(error)`` on, common real words are questioned too.
        budget: what the confusions undone in a non-word may cost together (log10); a
            higher budget finds words garbled more deeply, and takes longer.
    """
    for d in decide(text, lexicon=lexicon, channel=channel, split_words=split_words,
                    use_bigrams=use_bigrams, use_document=use_document, damaged_rate=damaged_rate, budget=budget):
        if d.margin >= threshold:
            yield Fix(d.start, d.end, d.replacement)


def doubtful_tokens(
    text: str, *, lexicon: Lexicon, channel: Channel, threshold: float = DEFAULT_THRESHOLD, doubt: float = 1.0,
    **options: Any,
) -> list[Decision]:
    """Tokens whose correction wins, but by less than ``threshold`` (and at least ``threshold - doubt``).

    ``options`` are the rule's others (``split_words``, …), so that the doubts are the rule's.
    """
    decisions = decide(text, lexicon=lexicon, channel=channel, **options)
    return [d for d in decisions if threshold - doubt <= d.margin < threshold]


def decide(
    text: str, *, lexicon: Lexicon, channel: Channel, split_words: bool = True, use_bigrams: bool = True,
    use_document: bool = True, damaged_rate: float = DAMAGED_RATE, budget: float = NON_WORD_BUDGET,
) -> list[Decision]:
    """Every token whose best reading is not itself, with the margin by which that reading wins.

    Remembered for the last few texts: the repair stage asks :func:`doubtful_tokens` about
    the text the rule's last pass has just read.
    """
    return list(_decide(text, lexicon, channel, split_words, use_bigrams, use_document, damaged_rate, budget))


@lru_cache(maxsize=4)
def _decide(
    text: str, lexicon: Lexicon, channel: Channel, split_words: bool, use_bigrams: bool, use_document: bool,
    damaged_rate: float, budget: float,
) -> tuple[Decision, ...]:
    counts = type_counts(TYPE_RE, text)
    # Most tokens have no candidate and are no "In": decide that once per type, and look
    # at nothing else of a text where no type is open.
    error_rate = text_damage(text, lexicon)
    damaged = error_rate >= damaged_rate
    memo = lexicon.corrections.setdefault(("open", channel, split_words, damaged, budget), {})
    open_types = {
        t for t in chain(counts, types(COLON_TYPE_RE, text))
        if memo.get(t) is not False and _open(t, lexicon, channel, split_words, damaged, budget, memo)
    }
    model = word_model(lexicon)
    near_names: dict[str, tuple[tuple[str, float], ...]] = {}
    if use_document:
        model = model.with_document(counts)
        near_names = _near_names(counts, model, channel)
        open_types |= set(near_names)
    compounds: set[str] = set()
    if damaged:  # a hyphen inside one garbled word; clean text keeps its hyphens as printed
        garbled = lexicon.corrections.setdefault(("compound", channel, budget), {})
        compounds = {
            t for t in types(COMPOUND_TYPE_RE, text)
            if garbled.get(t) or (t not in garbled and _garbled_compound(t, lexicon, channel, budget, garbled))
        }
    if not open_types and not compounds:
        return ()
    # The channel's costs were learned on text this damaged: scale them to this text's damage.
    log_error, log_right = math.log10(error_rate / CHANNEL_ERROR_RATE), math.log10(1 - error_rate)
    out: list[Decision] = []
    corrected: dict[int, str] = {}  # end offset of a corrected word → its last word, for the next one's context
    matches: Iterator[re.Match[str]] = TOKEN_RE.finditer(text)
    if damaged:
        matches = heapq.merge(matches, _hyphenated(text, compounds, open_types, lexicon), key=lambda m: m.start())
    for m in matches:
        if m.group() not in open_types and m.group() not in compounds:
            continue
        token, lower = m.group(), m.group().lower().replace("-", "")  # a garbled compound is read as one word
        if lower in CAPITAL_I_WORDS:
            if _capital_i_inside_sentence(token, text, m):
                out.append(Decision(m.start(), m.end(), token, lower, math.inf))
            continue
        word = lower.strip(":")  # "fo: the", ":egime": the word beside an edge colon is the token's own reading
        candidates = (
            _candidates(lower, lexicon, channel, damaged, budget) if word == lower
            else _colon_candidates(lower, word, lexicon, channel, damaged, budget)
        ) + near_names.get(token, ())
        splits = _splits(lower, lexicon) if split_words and not lexicon.known(token) and "-" not in token else ()
        left = right = None
        if use_bigrams:
            if found := LEFT_RE.search(text, max(0, m.start() - NEIGHBOUR_REACH), m.start()):
                left = corrected.get(found.end(1), found.group(1).lower())
            if found := RIGHT_RE.match(text, m.end()):
                right = found.group(1).lower()
        own = model.logp(word, left, right) + log_right + (COLON_LOGP if word != lower else 0.0)
        if token[0].isupper() and not lexicon.known(word):
            own = max(own, NAME_LOGP + log_right)
        best, best_score = word, own
        for cand, cost in candidates:
            score = model.logp(cand.strip(":"), left, right) + log_error - cost + (COLON_LOGP if ":" in cand else 0.0)
            if score > best_score:
                best, best_score = cand, score
        junk = JUNK_SPLIT_COST if any(ch in JUNK_CHARS for ch in lower) else 0.0
        for a, b in splits:
            score = (model.logp(a, left) + model.logp(b, None, right) + model.pmi(a, b) + log_error - SPLIT_COST
                     - junk)
            if _spaced(a, b, model) and score > best_score:
                best, best_score = f"{a} {b}", score
        if best != word:
            out.append(Decision(m.start(), m.end(), token, _cased(best, token, lexicon), best_score - own))
            corrected[m.end()] = best.rsplit(" ", 1)[-1].strip(":")
    return tuple(out)


@lru_cache(maxsize=4)  # the segmentation rule asks about the same text first
def text_damage(text: str, lexicon: Lexicon) -> float:
    """:func:`~bolcorpus.repair.language_model.damage_rate` of the tokens of ``text``."""
    return damage_rate(type_counts(TYPE_RE, text), lexicon)


def _near_names(counts: Counter[str], model: WordModel, channel: Channel) -> dict[str, tuple[tuple[str, float], ...]]:
    """Capitalised non-words one or two edits from a name the document repeats ("Covony": "Coveny").

    A name the text spells right several times is the likeliest reading of its garbled
    copies, though no word list knows it.
    """
    names = [name for name in model.document if name]
    if not names:
        return {}
    out = {}
    for token in counts:
        lower = token.lower()
        if token.istitle() and lower not in model.document and not model.lexicon.known(lower):
            near = process.extract(lower, names, scorer=Levenshtein.distance, score_cutoff=MAX_NAME_EDITS, limit=3)
            costs = ((name, channel.cost(lower, name)) for name, _, _ in near)
            if found := tuple((name, cost) for name, cost in costs if cost <= MAX_CHANNEL_COST):
                out[token] = found
    return out


def _spaced(a: str, b: str, model: WordModel) -> bool:
    """Whether ``a`` and ``b`` run together lost a space, not a hyphen.

    So it is with a short or a very common part, or a pair the bigrams know.
    """
    common = max(model.lexicon.zipf(a), model.lexicon.zipf(b)) >= COMMON_PART_ZIPF
    return min(len(a), len(b)) <= SHORT_PART or common or model.pmi(a, b) > 0


def _open(
    token: str, lexicon: Lexicon, channel: Channel, split_words: bool, damaged: bool, budget: float,
    memo: dict[str, bool],
) -> bool:
    """Whether a token type may change at all: "In", "Is", …, or a word with candidates (``memo``ised)."""
    found = memo.get(token)
    if found is None:
        found = memo[token] = _find_open(token, lexicon, channel, split_words, damaged, budget)
    return found


def _find_open(
    token: str, lexicon: Lexicon, channel: Channel, split_words: bool, damaged: bool, budget: float
) -> bool:
    lower = token.lower()
    if lower in CAPITAL_I_WORDS:
        return token[0].isupper()
    if not _wordlike(token):  # "TEXTRACT", "LCTs": acronyms and names
        return False
    word = lower.strip(":")  # "follows:" is open only to other words than "follows"
    return any(c != word for c, _ in _candidates(lower, lexicon, channel, damaged, budget)) or (
        split_words and not lexicon.known(token) and bool(_splits(lower, lexicon))
    )


def _garbled_compound(
    compound: str, lexicon: Lexicon, channel: Channel, budget: float, memo: dict[str, bool]
) -> bool:
    """Whether a hyphenated token is one garbled word (``memo``ised): its pieces no common words, their
    join no word but confusions within ``budget`` from one ("rnas-sacre"; "cal-culation" stays as printed)."""
    first, second = compound.split("-")
    joined = (first + second).lower()
    memo[compound] = (
        (first.islower() or first.istitle()) and second.islower()
        and max(lexicon.zipf(first), lexicon.zipf(second)) < COMPOUND_PART_ZIPF and not lexicon.known(joined)
        and any(lexicon.zipf(c) >= COMPOUND_WORD_ZIPF for c, _ in _candidates(joined, lexicon, channel, True, budget))
    )
    return memo[compound]


def _hyphenated(text: str, compounds: set[str], open_types: set[str], lexicon: Lexicon) -> Iterator[re.Match[str]]:
    """What is read of each hyphenated token: the whole of one garbled word ("rnas-sacre"), or
    its one piece that is no word ("Goulburn-strcet": "strcet").

    A word broken by a hyphen ("appro-priate", "num-ber": the pieces joined are a word) keeps
    its pieces.
    """
    for m in HYPHENATED_RE.finditer(text):
        if m.group() in compounds:
            yield m
        elif not lexicon.known(m.group().replace("-", "")):
            unknown = [p for p in LETTERS_RE.finditer(text, m.start(), m.end()) if not lexicon.known(p.group())]
            if len(unknown) == 1 and unknown[0].group() in open_types:
                yield unknown[0]


def _capital_i_inside_sentence(token: str, text: str, m: re.Match[str]) -> bool:
    """"said In the", "34 In the": "In", "Is", … inside a sentence, before a lower-case word."""
    following = RIGHT_RE.match(text, m.end())
    if not token[1:].islower() or following is None or not following.group(1)[0].islower():
        return False
    before = m.start() - 1
    while before >= 0 and text[before] in " \t":
        before -= 1
    return before >= 0 and (text[before].islower() or text[before].isdigit() or text[before] in ",;")


def _is_function_word(word: str, lexicon: Lexicon) -> bool:
    return len(word) <= 4 and lexicon.zipf(word) >= FUNCTION_WORD_ZIPF


def _cased(word: str, token: str, lexicon: Lexicon) -> str:
    """``word`` written in the case pattern of ``token`` ("Tbe" → "The", "MNR" stays upper)."""
    word = " ".join(lexicon.spelling(w) if "-" not in w else w for w in word.split(" "))
    letters = [c for c in token if c.isalpha()]
    if token.isupper() and len(letters) > 1:
        return word.upper()
    if letters and letters[0].isupper():
        return word[0].upper() + word[1:]
    return word


def _candidates(
    lower: str, lexicon: Lexicon, channel: Channel, damaged: bool, budget: float
) -> tuple[tuple[str, float], ...]:
    """Candidate words for a token with their channel costs (cached per token)."""
    key = (lower, channel, damaged, budget)
    found = lexicon.corrections.get(key)
    if found is None:
        found = lexicon.corrections[key] = _find_candidates(lower, lexicon, channel, damaged, budget)
    return found


def _find_candidates(
    lower: str, lexicon: Lexicon, channel: Channel, damaged: bool, budget: float
) -> tuple[tuple[str, float], ...]:
    dictionary = lexicon.dictionary()
    zipf = lexicon.zipf(lower)
    if lexicon.known(lower) and zipf >= RARE_WORD_ZIPF:
        cap, gain = (
            (DAMAGED_REAL_WORD_MAX_ZIPF, DAMAGED_REAL_WORD_GAIN) if damaged else (REAL_WORD_MAX_ZIPF, REAL_WORD_GAIN)
        )
        if zipf >= cap or lower in lexicon.terms or len(lower) < 2:
            return ()
        commoner = {c for c in channel.words(lower, ONE_CONFUSION, lexicon) if lexicon.zipf(c) >= zipf + gain}
        return _scored(lower, commoner, lexicon, channel)
    if lower in lexicon.terms or len(lower) < 2:
        return ()
    found = set(channel.words(lower, budget, lexicon))
    if any(ch in JUNK_CHARS for ch in lower):
        found |= wildcard_matches(lower, dictionary)
    scored = _scored(lower, found, lexicon, channel)
    if not scored and len(lower) >= 4:  # plain edits where no confusion of the channel explains the token
        scored = _scored(lower, set(lexicon.near(lower, 2, closest=CLOSEST)), lexicon, channel)
    return scored


def _colon_candidates(
    lower: str, word: str, lexicon: Lexicon, channel: Channel, damaged: bool, budget: float
) -> tuple[tuple[str, float], ...]:
    """Readings of a token with an edge colon: words the colon is a letter of ("fo:" → "for"),
    and corrections of the word beside it with the colon kept ("governmcnt:" → "government:").

    Where both make the same word, the cheaper reading counts.
    """
    kept = dict(_candidates(word, lexicon, channel, damaged, budget))
    read = {c: cost for c, cost in _candidates(lower, lexicon, channel, damaged, budget)
            if c != word and cost < kept.get(c, math.inf)}
    before, after = ("", ":") if lower.endswith(":") else (":", "")
    return tuple(read.items()) + tuple((f"{before}{c}{after}", cost) for c, cost in kept.items() if c not in read)


def _scored(lower: str, found: set[str], lexicon: Lexicon, channel: Channel) -> tuple[tuple[str, float], ...]:
    """The closest candidates, the most common first, with their channel costs (the dearest part) within reach."""
    nearest = sorted(found - {lower}, key=lambda c: (Levenshtein.distance(lower, c) - lexicon.zipf(c) / 3, c))
    scored = ((c, channel.cost(lower, c, limit=MAX_CHANNEL_COST)) for c in nearest[:MAX_CANDIDATES])
    return tuple(sorted((c, cost) for c, cost in scored if cost <= MAX_CHANNEL_COST))


@lru_cache(maxsize=65_536)
def _splits(lower: str, lexicon: Lexicon) -> tuple[tuple[str, str], ...]:
    """Ways to cut a run-together token into two known words ("persentence" → "per sentence"),
    its one junk character read as any letter ("ther~dical" → "the radical")."""
    if len(lower) < 5:
        return ()
    junk = [i for i, ch in enumerate(lower) if ch in JUNK_CHARS]
    if not junk:
        return tuple((lower[:i], lower[i:]) for i in range(1, len(lower))
                     if _split_part(lower[:i], lexicon) and _split_part(lower[i:], lexicon))
    if len(junk) > 1:
        return ()
    k = junk[0]
    found = []  # (letter read for the junk, cut): the part without the junk is tested once per cut
    for i in range(1, len(lower)):
        if not _split_part(lower[i:] if k < i else lower[:i], lexicon):
            continue
        for c in ascii_lowercase:
            reading = lower[:k] + c + lower[k + 1 :]
            if _split_part(reading[:i] if k < i else reading[i:], lexicon):
                found.append((c, i, reading))
    return tuple((reading[:i], reading[i:]) for _, i, reading in sorted(found))


def _split_part(part: str, lexicon: Lexicon) -> bool:
    if len(part) <= 2:
        return part in ("a", "i") or _is_function_word(part, lexicon)
    return lexicon.known(part) and lexicon.zipf(part) >= SPLIT_PART_ZIPF


def _wordlike(token: str) -> bool:
    """A word: lower case, capitalised, or a word whose case OCR garbled ("JameB", "thtcknosB");
    its specks aside ("P~z").

    Not an acronym or a name such as "TEXTRACT", "LCTs", "McNeil".

    >>> [_wordlike(t) for t in ("thtcknosB", "FrancUco", "P~z", "McNeil", "LCTs", "TEXTRACT", "iPhone")]
    [True, True, True, False, False, False, False]
    """
    letters = "".join(ch for ch in token if ch.isalpha())
    if letters.islower() or letters.istitle():
        return True
    return bool(GARBLED_CASE_RE.fullmatch(token)) and not CASED_NAME_RE.fullmatch(token)


MEMOS = (_decide, text_damage, _splits)  # per-text and per-word memos: bolcorpus.repair.forget_corrections clears them
