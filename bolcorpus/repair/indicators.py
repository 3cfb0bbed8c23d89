"""Reference-free damage indicators: counts that show OCR damage without a clean copy.

Measured on the raw and on the repaired text of every document, they let a reader of the
dataset card see how much damage went and how much is left, on texts that have no
reference. Each indicator counts sites, not characters.

>>> from bolcorpus.repair.lexicon import Lexicon
>>> damage_indicators("The n:volution of 1952 was de-\\nfeated .", Lexicon())["line_end_hyphens"]
1
"""

from __future__ import annotations

import re

from bolcorpus.repair.lexicon import WORD_RE, Lexicon
from bolcorpus.repair.patterns import JUNK_CHARS, SUSPECT_TOKEN_RE
from bolcorpus.repair.tokens import type_counts

LINE_END_HYPHEN_RE = re.compile(r"[^\W\d_]-[ \t]*\n[ \t]*[a-z]")  # "de-\nfeated"
LINE_WRAP_RE = re.compile(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)")  # a single line end inside a paragraph
SPACED_PUNCTUATION_RE = re.compile(r"\w[ \t]+[,.;:!?](?=\s|$)|[(\[][ \t]+\S|\S[ \t]+[)\]]")  # "history :", "( 1 )"
INNER_SYMBOL_RE = re.compile(r"[^\W\d_][:.,·][^\W\d_]")  # "n:volution"
DIGIT_RE = re.compile(r"\d")
LETTER_RE = re.compile(r"[^\W\d_]")
NUMBER_WORD_RE = re.compile(r"\d+(?:s|st|nd|rd|th)", re.IGNORECASE)  # "1970s", "20th" are not damage


def damage_indicators(text: str, lexicon: Lexicon) -> dict[str, int]:
    """Counts of the signs of damage in ``text``; ``unknown_words`` uses ``lexicon.known``."""
    words, tokens = type_counts(WORD_RE, text), type_counts(SUSPECT_TOKEN_RE, text)  # each type judged once
    return {
        "words": words.total(),
        "unknown_words": sum(n for w, n in words.items() if len(w) > 1 and not lexicon.known(w)),
        "junk_characters": sum(n for t, n in tokens.items() if any(ch in JUNK_CHARS for ch in t)),
        "garbled_tokens": sum(n for t, n in tokens.items() if _garbled(t)),
        "line_end_hyphens": len(LINE_END_HYPHEN_RE.findall(text)),
        "hard_line_wraps": len(LINE_WRAP_RE.findall(text)),
        "spaced_punctuation": len(SPACED_PUNCTUATION_RE.findall(text)),
    }


def _garbled(token: str) -> bool:
    """A token mixing letters with digits or inner symbols: "n:volution", "es.5entially", "l,00l".

    >>> [_garbled(t) for t in ("n:volution", "l,00l", "1970s", "Torres")]
    [True, True, False, False]
    """
    if INNER_SYMBOL_RE.search(token):
        return True
    return bool(DIGIT_RE.search(token) and LETTER_RE.search(token) and not NUMBER_WORD_RE.fullmatch(token))
