"""Repair rules: each is a pure function from the current text to the fixes it proposes.

A rule returns :class:`~bolcorpus.repair.engine.Fix` es rather than a new string so that
the engine can log every edit with raw offsets; :func:`apply_rule` shows a rule's effect
on its own. Options are keyword-only, so configs can pass them as kwargs.
"""

from __future__ import annotations

import difflib
import statistics
from collections.abc import Iterator
from functools import lru_cache
from typing import Literal

import ftfy
from wordfreq import zipf_frequency

from bolcorpus.repair import patterns as P
from bolcorpus.repair.engine import Fix, Rule, repair


def apply_rule(rule: Rule, text: str) -> str:
    """The text after one rule has been applied until it stops changing.

    >>> apply_rule(normalize_newlines, "a\\r\\nb")
    'a\\nb'
    """
    return repair(text, [("rule", rule)]).text


def normalize_newlines(text: str) -> Iterator[Fix]:
    r"""Turn ``\r\n``, ``\r``, form feeds and Unicode line separators into ``\n``.

    >>> apply_rule(normalize_newlines, "one\rtwo\x0cthree")
    'one\ntwo\nthree'
    """
    for m in P.OTHER_NEWLINE_RE.finditer(text):
        yield Fix(m.start(), m.end(), "\n")


def fix_unicode(
    text: str,
    *,
    uncurl_quotes: bool = False,
    fix_latin_ligatures: bool = True,
    fix_character_width: bool = False,
    normalization: Literal["NFC", "NFD", "NFKC", "NFKD"] | None = "NFC",
) -> Iterator[Fix]:
    """Fix mojibake and broken characters with ftfy, one line at a time.

    Defaults: curly quotes are the author's typography, so they are kept
    (``uncurl_quotes=False``); ligatures such as "ﬁ" are an OCR artefact that hides words
    from every lexicon, so they are split; full-width forms are left alone (a layout
    choice, not damage); NFC composes accents so "Lechín" is one spelling, with no
    visible change. Each changed line yields the minimal character-level fixes.

    >>> apply_rule(fix_unicode, "LechÃ­n said â€œnoâ€\x9d")
    'Lechín said “no”'
    """
    config = ftfy.TextFixerConfig(
        uncurl_quotes=uncurl_quotes,
        fix_latin_ligatures=fix_latin_ligatures,
        fix_character_width=fix_character_width,
        normalization=normalization,
        fix_line_breaks=False,  # normalize_newlines does this, with its own log entry
        explain=False,
    )
    if ftfy.fix_text(text, config) == text:
        return
    offset = 0
    for line in text.split("\n"):
        fixed = ftfy.fix_text(line, config)
        if fixed != line:
            matcher = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
            for op, i1, i2, j1, j2 in matcher.get_opcodes():
                if op != "equal":
                    yield Fix(offset + i1, offset + i2, fixed[j1:j2])
        offset += len(line) + 1


def join_hyphenated_linebreaks(text: str, *, min_zipf: float = 2.0) -> Iterator[Fix]:
    """Join a word broken by a hyphen at a line end; keep the hyphen of a real compound.

    The halves are joined when the joined form is an English word (``wordfreq`` Zipf
    frequency of at least ``min_zipf``); otherwise the hyphen is kept and only the line
    break goes. Left alone: numbers ("1969-\\n1970") and capitalised second halves
    ("anti-\\nAmerican"), which keep their hyphen.

    >>> apply_rule(join_hyphenated_linebreaks, "insti-\\n tutional")
    'institutional'
    >>> apply_rule(join_hyphenated_linebreaks, "working-\\nclass and 1969-\\n1970")
    'working-class and 1969-1970'
    """
    for m in P.LINE_END_HYPHEN_RE.finditer(text):
        left, right = m.group(1), m.group(2)
        joinable = left.isalpha() and right.isalpha() and right[0].islower()
        glue = "" if joinable and _is_word(left + right, min_zipf) else "-"
        yield Fix(m.end(1), m.start(2), glue)


def unwrap_lines(
    text: str,
    *,
    min_wrapped_lines: int = 8,
    max_wrap_width: int = 100,
    full_line_ratio: float = 0.8,
) -> Iterator[Fix]:
    """Join hard-wrapped lines into paragraphs; separate paragraphs by one blank line.

    A text counts as hard-wrapped when it has at least ``min_wrapped_lines`` lines and
    their median length is at most ``max_wrap_width``. In such a text a line break is a
    paragraph break when the line before it is short (under ``full_line_ratio`` of the
    wrap width) and the next line does not start in lower case; any other break is a
    wrap and becomes a space. In a text that is not wrapped every line is a paragraph.
    Blank-line runs become one blank line; space at line starts and ends goes.

    >>> wrapped = "\\n".join(["The army that the MNR had rebuilt after the revolution"] * 8)
    >>> print(apply_rule(unwrap_lines, wrapped + "\\nand won.\\nIt did.")[-38:])
    after the revolution and won.
    <BLANKLINE>
    It did.
    >>> apply_rule(unwrap_lines, "A heading\\nA paragraph.\\n\\n\\n Another.")
    'A heading\\n\\nA paragraph.\\n\\nAnother.'
    """
    lines = text.split("\n")
    lengths = [len(line.strip()) for line in lines if line.strip()]
    width = None
    if len(lengths) >= min_wrapped_lines and statistics.median(lengths) <= max_wrap_width:
        # The wrap width: the upper quartile of ordinary lines (lines already joined by an
        # earlier tool are about twice as long and would inflate it).
        ordinary = sorted(n for n in lengths if n <= 1.5 * statistics.median(lengths))
        width = ordinary[(3 * len(ordinary)) // 4]
    for m in P.LINE_BREAK_RE.finditer(text):
        before = text[: m.start()].rsplit("\n", 1)[-1].strip()
        after = text[m.end() :].split("\n", 1)[0]
        if not before or not after:  # start or end of the text
            yield Fix(m.start(), m.end(), "")
        elif m.group().count("\n") > 1 or width is None:
            yield Fix(m.start(), m.end(), "\n\n")
        elif len(before) < full_line_ratio * width and not after[0].islower():
            yield Fix(m.start(), m.end(), "\n\n")
        else:
            yield Fix(m.start(), m.end(), " ")
    for m in P.EDGE_SPACE_RE.finditer(text):
        yield Fix(m.start(), m.end(), "")


@lru_cache(maxsize=65536)
def _is_word(word: str, min_zipf: float) -> bool:
    return zipf_frequency(word, "en") >= min_zipf
