"""Simulate the OCR damage of a 1970s magazine on clean text, deterministically per seed.

Each kind of damage is one small function ``(text, rng, *, rate, ...) -> changes``. Its
``rate`` is the chance that one eligible site is damaged, and the docstring says what a
site is. :func:`damage_text` applies them in :data:`DAMAGES` order. Each kind gets its
own random stream, seeded from the seed and the kind's name, so changing one rate does
not move the damage of the others. The default rates were set on corpus files 000, 003
and 004 so that the damaged text has a character error rate (CER) of about 4 % against
the clean text (3.6-4.2 % over seeds 0-4), inside the 3-6 % we aim for. That
is heavier than the excerpt of ``raw/001`` (0.6 %), so that every kind of damage occurs
often enough to be measured. ``benchmarks/repair/README.md`` lists the rates.

Clean input has one paragraph per line, with or without blank lines between them.

>>> damaged = damage_text("The revolution of 1952 was led by the MNR.", seed=3)
>>> damaged.text
'The revolution of 1952 was led by the mnr.'
>>> damaged.damage
[Damage(kind='small_caps', before='MNR.', after='mnr.')]

Run ``python -m bolcorpus.evaluate.damage FILE --seed 1`` to print a damaged version
of a clean text file.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

# --- data --------------------------------------------------------------------------
# OCR confusions as (clean, printed, weight). The weight is how often this confusion
# is picked among those that fit a word, relative to the others. Entries are
# case-sensitive. They are the shapes a 1970s scan confuses, as in raw/001 and raw/002:
# "talcing", "jn", "n:volution", "assistanc~", "nec~ry", "~£fort", "l,00l".
CONFUSIONS: tuple[tuple[str, str, float], ...] = (
    ("rn", "m", 3.0), ("m", "rn", 2.0), ("c", "e", 2.0), ("e", "c", 3.0),
    ("l", "1", 2.0), ("1", "l", 2.0), ("I", "l", 2.0), ("O", "0", 1.0), ("0", "O", 1.0),
    ("s", "5", 1.0), ("ss", ".5", 1.0), ("h", "b", 2.0), ("b", "h", 1.0),
    ("u", "v", 2.0), ("v", "u", 1.0), ("i", "j", 2.0), ("j", "i", 0.5),
    ("t", "l", 2.0), ("cl", "d", 1.0), ("d", "cl", 0.5), ("k", "lc", 2.0), ("r", ":", 1.0),
    # Letters the scanner could not read at all.
    ("e", "~", 1.0), ("a", "~", 0.5), ("essa", "~", 0.3), ("ef", "~£", 0.3),
)
# All-caps tokens that are not acronyms, so small capitals never touch them.
# "XNUMX" is a machine-translation placeholder (raw/003).
NOT_ACRONYMS = ("XNUMX",)
ROMAN_NUMERAL_RE = re.compile(r"[IVXLC]+")

WORD_RE = re.compile(r"[^\W_]{2,}")  # letters and digits, which a confusion may hit
LETTERS_RE = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,}(?![^\W\d_])")  # a word that can be split
INITIALS_RE = re.compile(r"\b[A-Z](?=(?:\.[A-Z])+\.)")  # "U" of "U.S.", which splits as "U .S."
HYPHEN_RE = re.compile(r"(?<=[^\W_])-(?=[^\W_])")  # inside "military-rightist", "1969-1970"
CAPS_RE = re.compile(r"\b[A-Z]{3,}\b")  # "MNR", "COB"; never "US", which is two letters
WORD_BEFORE_PUNCT_RE = re.compile(r"(?<=[^\W\d_])(?=[.,;:](?:\s|$))")  # "history|:", "MNR|."
SPACE_BEFORE_RE = re.compile(r"(?<=[^\W_])(?=[;:!?](?:\s|$))|(?<=[^\s(])(?=\))")  # "history :", "1 )"
SPACE_AFTER_RE = re.compile(r"(?<=\()(?=\S)")  # "( 1"
COMMA_RE = re.compile(r"(?<=[^\W_])(?=,(?:\s|$))")  # "rule ,"
SENTENCE_END_RE = re.compile(r"(?<=[^\W\d_])\.(?=\s|$)")
WORD_START_RE = re.compile(r"(?<= )(?=[^\W\d_])")
LINE_BREAK_RE = re.compile(r"[ \t]*\n\s*")  # between paragraphs of the clean text
TOKEN_RE = re.compile(r"\S+")
WORD_PREFIX_RE = re.compile(r"[^\W\d_]+")


class Change(NamedTuple):
    """A proposed change: ``text[start:end]`` becomes ``replacement``.

    ``logged`` is False for changes that are layout rather than damage: a wrap where a
    space was.
    """

    start: int
    end: int
    replacement: str
    logged: bool = True


class Damage(NamedTuple):
    """One piece of damage, with the whitespace-delimited text around it before and after."""

    kind: str
    before: str
    after: str


class Damaged(NamedTuple):
    """A damaged text and the damage that made it from the clean text."""

    text: str
    damage: list[Damage]


DamageFn = Callable[..., Iterable[Change]]


def lose_hyphens(text: str, rng: random.Random, *, rate: float = 0.4) -> Iterator[Change]:
    """Drop the hyphen inside a compound, as an earlier tool did when it joined lines.

    A site is a hyphen between two letters or digits.

    >>> apply_damage(lose_hyphens, "a military-rightist coup, 1969-1970", rate=1.0)
    'a militaryrightist coup, 19691970'
    """
    for m in HYPHEN_RE.finditer(text):
        if rng.random() < rate:
            yield Change(m.start(), m.end(), "")


def confuse_characters(
    text: str, rng: random.Random, *, rate: float = 0.14, table: Sequence[tuple[str, str, float]] = CONFUSIONS
) -> Iterator[Change]:
    """Misread one letter or letter group of a word by the weighted confusion ``table``.

    A site is a word of two or more letters and digits. A damaged word gets one
    confusion, picked by weight among the table entries that occur in it.

    >>> apply_damage(confuse_characters, "taking", rate=1.0, table=[("k", "lc", 1.0)])
    'talcing'
    >>> apply_damage(confuse_characters, "the army in 1970", rate=1.0, seed=1)
    'thc arrny jn 197O'
    """
    for m in WORD_RE.finditer(text):
        if rng.random() >= rate:
            continue
        word = m.group()
        sites = [(i, clean, printed, weight) for clean, printed, weight in table for i in _occurrences(word, clean)]
        if sites:
            i, clean, printed, _ = rng.choices(sites, weights=[site[3] for site in sites])[0]
            yield Change(m.start() + i, m.start() + i + len(clean), printed)


def split_words(text: str, rng: random.Random, *, rate: float = 0.025, first_letter: float = 0.4) -> Iterator[Change]:
    """Put a space inside a word ("Torres" → "T orres", "and" → "a nd", "U.S." → "U .S.").

    A site is a word of two or more letters, or the initials of an abbreviation. The space
    follows the first letter with probability ``first_letter``, as a wide capital or
    drop of ink does. Otherwise it goes anywhere inside the word.

    >>> apply_damage(split_words, "Torres and the U.S.", rate=1.0, first_letter=1.0)
    'T orres a nd t he U .S.'
    """
    sites = sorted([(m.start(), m.end(), False) for m in LETTERS_RE.finditer(text)]
                   + [(m.start(), m.end(), True) for m in INITIALS_RE.finditer(text)])
    for start, end, initials in sites:
        if rng.random() < rate:
            at = 1 if initials or rng.random() < first_letter else rng.randrange(1, end - start)
            yield Change(start + at, start + at, " ")


def lowercase_acronyms(
    text: str, rng: random.Random, *, rate: float = 0.5, keep: tuple[str, ...] = NOT_ACRONYMS
) -> Iterator[Change]:
    """Print an acronym in small capitals, which OCR reads as lower case ("MNR" → "mnr").

    A site is an all-caps token of three or more letters, except roman numerals and
    ``keep``. "US" is never touched: in lower case it is the pronoun "us", which no
    reader or rule could tell apart.

    >>> apply_damage(lowercase_acronyms, "the MNR, the COB, the US and Pius XII", rate=1.0)
    'the mnr, the cob, the US and Pius XII'
    """
    for m in CAPS_RE.finditer(text):
        if m.group() not in keep and not ROMAN_NUMERAL_RE.fullmatch(m.group()) and rng.random() < rate:
            yield Change(m.start(), m.end(), m.group().lower())


def insert_footnote_markers(
    text: str, rng: random.Random, *, rate: float = 0.015, fused: float = 0.5
) -> Iterator[Change]:
    """Leave a web footnote marker fused to a word ("MNRfootnote1") or standing alone ("[2]").

    A site is a word followed by punctuation. Markers are numbered in text order. A
    fused marker (probability ``fused``) goes straight after the word. A lone one goes
    after the punctuation.

    >>> apply_damage(insert_footnote_markers, "the MNR. Then the COB, and", rate=1.0, seed=3)
    'the MNR. [1] Then the COBfootnote2, and'
    """
    number = 0
    for m in WORD_BEFORE_PUNCT_RE.finditer(text):
        if rng.random() < rate:
            number += 1
            if rng.random() < fused:
                yield Change(m.start(), m.start(), f"footnote{number}")
            else:
                yield Change(m.start() + 1, m.start() + 1, f" [{number}]")


def space_punctuation(
    text: str, rng: random.Random, *, rate: float = 0.4, comma_rate: float = 0.01
) -> Iterator[Change]:
    """Put OCR space before ``: ; ! ?`` and inside brackets ("history :", "( 1 )").

    A site is such a mark after a word, and the inside of each bracket. Commas are sites
    too, at the lower ``comma_rate``, as a real scan shows them.

    >>> apply_damage(space_punctuation, "history: (1) the", rate=1.0)
    'history : ( 1 ) the'
    """
    for pattern, chance in ((SPACE_BEFORE_RE, rate), (SPACE_AFTER_RE, rate), (COMMA_RE, comma_rate)):
        for m in pattern.finditer(text):
            if rng.random() < chance:
                yield Change(m.start(), m.start(), " ")


def double_periods(text: str, rng: random.Random, *, rate: float = 0.03) -> Iterator[Change]:
    """Print a sentence's final period twice ("the MNR." → "the MNR..").

    A site is a period after a word, followed by space or the end of the text.

    >>> apply_damage(double_periods, "by the MNR. Then", rate=1.0)
    'by the MNR.. Then'
    """
    for m in SENTENCE_END_RE.finditer(text):
        if rng.random() < rate:
            yield Change(m.end(), m.end(), ".")


def stray_mid_dots(text: str, rng: random.Random, *, rate: float = 0.006, lone: float = 0.5) -> Iterator[Change]:
    """Leave a speck read as "·" before a word ("a ·threat"), or standing alone ("the · populace").

    A site is the start of a word after a space. The dot stands alone with probability ``lone``.

    >>> apply_damage(stray_mid_dots, "a threat to the populace", rate=0.5, seed=3)
    'a ·threat to · the · populace'
    """
    for m in WORD_START_RE.finditer(text):
        if rng.random() < rate:
            yield Change(m.start(), m.start(), "· " if rng.random() < lone else "·")


def wrap_lines(
    text: str,
    rng: random.Random,
    *,
    width: int = 62,
    hyphenate: float = 0.5,
    min_word: int = 6,
    joined: float = 0.08,
    paragraph_break: str = "\n",
) -> Iterator[Change]:
    """Hard-wrap each paragraph into lines of at most ``width``, hyphenating long words.

    A word that does not fit the line, and has at least ``min_word`` letters, is broken
    with a hyphen at the line end ("insti-\\ntutional") with probability ``hyphenate``. A
    compound that does not fit is broken after its own hyphen ("working-\\nclass"). A
    line break is left out (an earlier tool joined the lines) with probability
    ``joined``. Paragraphs are separated by ``paragraph_break``. The page has no blank
    lines, so finding paragraphs is left to the repair.

    >>> print(apply_damage(wrap_lines, "the institutional working-class crisis", width=15, hyphenate=1.0, joined=0.0))
    the institutio-
    nal working-
    class crisis
    """
    for m in LINE_BREAK_RE.finditer(text):
        yield Change(m.start(), m.end(), paragraph_break, logged=False)
    for line in re.finditer(r"[^\n]+", text):
        column = 0
        for m in TOKEN_RE.finditer(line.group()):
            token, start = m.group(), line.start() + m.start()
            if column == 0 or column + 1 + len(token) <= width:
                column += (1 if column else 0) + len(token)
                continue
            if rng.random() < joined:  # two lines run together: the page line is longer
                column = len(token)
                continue
            at = _line_end_break(token, width - column - 1, hyphenate if len(token) >= min_word else 0.0, rng)
            if at is None:
                yield Change(start - 1, start, "\n", logged=False)
                column = len(token)
            else:
                glue = "\n" if token[at - 1] == "-" else "-\n"
                yield Change(start + at, start + at, glue, logged=glue != "\n")
                column = len(token) - at


DAMAGES: tuple[tuple[str, DamageFn], ...] = (
    ("lost_hyphen", lose_hyphens),
    ("confusion", confuse_characters),
    ("split_word", split_words),
    ("small_caps", lowercase_acronyms),
    ("footnote", insert_footnote_markers),
    ("punctuation_spacing", space_punctuation),
    ("doubled_period", double_periods),
    ("mid_dot", stray_mid_dots),
    ("hyphenation", wrap_lines),  # last: every line end sees the damaged words
)


def damage_text(text: str, *, seed: int = 0, options: Mapping[str, Mapping[str, Any]] | None = None) -> Damaged:
    """Apply every kind of damage in :data:`DAMAGES` to ``text``.

    ``options`` maps a kind to keyword options for its function, for example
    ``{"confusion": {"rate": 0.1}}``. To turn a kind off, set its rate (or ``width``,
    for wrapping) so that it never fires.

    >>> damage_text("Text.", options={"ocr": {}})
    Traceback (most recent call last):
    ...
    ValueError: unknown damage kind 'ocr' (valid: confusion, doubled_period, ...)
    """
    options = options or {}
    unknown = sorted(set(options) - {name for name, _ in DAMAGES})
    if unknown:
        valid = ", ".join(sorted(name for name, _ in DAMAGES))
        raise ValueError(f"unknown damage kind {unknown[0]!r} (valid: {valid})")
    log: list[Damage] = []
    for name, func in DAMAGES:
        rng = _rng(seed, name)
        text = _apply(text, func(text, rng, **options.get(name, {})), name, log)
    return Damaged(text, log)


def apply_damage(func: DamageFn, text: str, *, seed: int = 0, **options: Any) -> str:
    """The text after one kind of damage, for trying a function on its own.

    >>> apply_damage(lose_hyphens, "working-class", rate=0.0)
    'working-class'
    """
    return _apply(text, func(text, _rng(seed, func.__name__), **options), func.__name__, [])


def main(argv: Sequence[str] | None = None) -> None:
    """Print a damaged version of a clean text file; --log lists the damage on stderr."""
    parser = argparse.ArgumentParser(prog="python -m bolcorpus.evaluate.damage", description=main.__doc__)
    parser.add_argument("file", type=Path, help="a clean UTF-8 text, one paragraph per line")
    parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same damage (default 0)")
    parser.add_argument("--log", action="store_true", help="list each piece of damage on stderr")
    args = parser.parse_args(argv)
    damaged = damage_text(args.file.read_text(encoding="utf-8"), seed=args.seed)
    sys.stdout.write(damaged.text + "\n")
    if args.log:
        for d in damaged.damage:
            print(f"{d.kind}\t{d.before!r} -> {d.after!r}", file=sys.stderr)


def _rng(seed: int, name: str) -> random.Random:
    # crc32, not hash(): str hashes change between interpreter runs.
    return random.Random(seed * 1_000_003 + zlib.crc32(name.encode()))


def _occurrences(word: str, part: str) -> Iterator[int]:
    i = word.find(part)
    while i >= 0:
        yield i
        i = word.find(part, i + 1)


def _line_end_break(token: str, room: int, hyphenate: float, rng: random.Random) -> int | None:
    """Where to break ``token`` at a line end with ``room`` characters left, or None to wrap it whole."""
    if room < 4:
        return None
    hyphen = token.rfind("-", 0, room)
    if 0 < hyphen < len(token) - 1 and token[hyphen - 1].isalnum() and token[hyphen + 1].isalnum():
        return hyphen + 1
    letters = WORD_PREFIX_RE.match(token)
    if letters is None or any(ch.isalnum() for ch in token[letters.end() :]) or rng.random() >= hyphenate:
        return None  # only plain words are hyphenated: not "MNRfootnote1", "Bolivia’s"
    # The longest head that fits with its hyphen, leaving at least three letters each side.
    at = min(room - 1, len(letters.group()) - 3)
    return at if at >= 3 else None


def _apply(text: str, changes: Iterable[Change], kind: str, log: list[Damage]) -> str:
    """Splice non-overlapping ``changes`` into ``text``; log the logged ones with their words."""
    out, pos = [], 0
    for change in sorted(changes):
        if change.start < pos:
            continue  # overlaps a change already made
        out.append(text[pos : change.start])
        out.append(change.replacement)
        if change.logged:
            start, end = _word_bounds(text, change.start, change.end)
            after = text[start : change.start] + change.replacement + text[change.end : end]
            log.append(Damage(kind, text[start:end], after))
        pos = change.end
    out.append(text[pos:])
    return "".join(out)


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


if __name__ == "__main__":
    main()
