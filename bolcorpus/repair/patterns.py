"""Compiled patterns and small tables used by the repair rules (data, not logic)."""

from __future__ import annotations

import re

# Line separators other than "\n": Windows and old-Mac newlines, Unicode line and
# paragraph separators, form feeds left by page breaks.
OTHER_NEWLINE_RE = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")

# A word broken across a line end: "insti-\n tutional" (the hyphen and the break; the
# pattern starts with its literal, which the regex engine finds fast).
LINE_END_HYPHEN_RE = re.compile(r"-[ \t]*\n[ \t]*(?=\w)")
# The same break where the line end became a space ("im- proved"), after a letter.
INLINE_HYPHEN_RE = re.compile(r"- (?=[^\W\d_])")  # after a letter (checked by the rule: no look-behind)
WORD_END_RE = re.compile(r"\w+\Z")
WORD_START_RE = re.compile(r"\w+")

# Any line break with the horizontal space around it; a run with a blank line inside
# is a paragraph break.
LINE_BREAK_RE = re.compile(r"[ \t]*\n(?:[ \t]*\n)*[ \t]*")

# Characters that close a sentence or clause at the end of a line (with closing quotes).
LINE_FINAL_PUNCT_RE = re.compile(r"[.!?:;][\"'”’)\]]*$")

# --- punctuation and spacing -------------------------------------------------------
# Each fix: the strings one of which the text must hold for the pattern to match (a
# check far cheaper than a scan), a pattern that starts with a literal (the regex engine
# scans for it fast; a leading look-behind makes it ten times slower), the character
# class the character before the match must belong to (None: anything), and the
# replacement of group 1.
WORDCHAR = re.compile(r"[^\W_]")
SPACING_FIXES: tuple[tuple[tuple[str, ...], re.Pattern[str], re.Pattern[str] | None, str], ...] = (
    (("( ", "[ "), re.compile(r"[(\[]( +)"), None, ""),  # "( 1"
    ((" )", " ]"), re.compile(r"( +)[)\]]"), re.compile(r"\S"), ""),  # "1 )"
    ((" ,", " ;", " :", " !", " ?"), re.compile(r"( +)(?=[,;:!?](?:\s|$))(?!, [\"“])"), WORDCHAR, ""),  # "history :"
    (("..",), re.compile(r"(\.\.)(?![.])(?! [a-z])"), WORDCHAR, "."),  # "MNR.." ending a sentence
    (("..",), re.compile(r"(\.\.)(?= [a-z])"), WORDCHAR, ""),  # "MNR.. continued"
    (("·",), re.compile(r"( ·)(?= )"), None, ""),  # "the · populace"
    (("·",), re.compile(r"(·)"), None, ""),  # "a ·threat"
    ((" |", " •", " \\", " ¦", " ^"), re.compile(r"( [|•\\¦^]{1,2})(?= )"), re.compile(r"\S"), ""),  # "the | populace"
    ((" '",), re.compile(r"( ')(?= [^\W\d_]{2})"), re.compile(r"\S"), ""),  # "the ' populace", not "patient ' s"
    ((" ,",), re.compile(r"( ,)(?= [\"“])"), WORDCHAR, ""),  # "the , \"nationalism\""
    ((' "', " ”"), re.compile(r"( )[\"”](?= [(\[])"), re.compile(r"[.!?,;]"), ""),  # 'events.... " (Rebelión'
    ((" .",), re.compile(r" (\.)(?=[a-z])"), None, ""),  # "In .t he"
    ((" .",), re.compile(r"( )\.(?= [A-Z]| ?$)", re.M), WORDCHAR, ""),  # "represent ations . If", "description ."
    ((" .",), re.compile(r"( )\.[A-Z]\.(?<=\b[A-Z] \.[A-Z]\.)"), None, ""),  # "U .S."
)

# A period between lower-case words, after a word (or compound) whose last part has four
# letters or more: an OCR speck unless that part is an abbreviation (shorter ones, "etc.",
# "cf.", "al.", are left alone).
# Found from the period (a literal, fast to scan for), then the word before it is read.
STRAY_PERIOD_RE = re.compile(r"\.(?= [a-z]{2,}\b)")
STRAY_PERIOD_WORD_RE = re.compile(r"(?<![\w.'’-])(?:[a-z]+-)*([a-z]{4,})\Z")
ABBREVIATIONS = frozenset(
    "cent approx incl ibid vols dept govt assoc univ corp inst prof capt cont circ misc resp trans".split()
)

# --- words -------------------------------------------------------------------------
LETTERS_RE = re.compile(r"[^\W\d_]+")
# Two words of letters separated by a space; the second is looked at, not taken, so
# each word is the left one of the next pair.
WORD_PAIR_RE = re.compile(r"\b([^\W\d_]+) (?=([^\W\d_]+)\b)")
# First halves of compounds that keep a hyphen even when short ("anti-imperialist").
COMPOUND_PREFIXES = frozenset({"anti", "pro", "non", "neo", "pre", "post", "ultra", "semi", "self", "mid", "ex"})
YEAR_PAIR_RE = re.compile(r"\b(1[5-9]\d\d|20\d\d)(1[5-9]\d\d|20\d\d)\b")
# A token that may hide an OCR confusion: letters with junk characters or digits among them.
SUSPECT_TOKEN_RE = re.compile(r"(?<![\w.,:/~£µ])[\w~£µ][\w~£µ.,:/]*[\w~£µ](?![\w~£µ])")
JUNK_CHARS = "~£µ"
# Digits with letters that OCR reads for them: "l,00l" → "1,001".
NUMBER_CONFUSION_RE = re.compile(
    r"(?<![\w.,])(?=[\dlIO,.]*\d[\dlIO,.]*\d)(?=[\d,.]*[lIO])[\dlIO][\dlIO,.]*[\dlIO](?![\w])"
)
NUMBER_FIXES = str.maketrans({"l": "1", "I": "1", "O": "0"})

# OCR confusions: (what OCR printed, what was meant, cost). Costs are well below a plain
# edit (1.0): these are the shapes a scanner confuses. Lower-case; matched on folded text.
CONFUSIONS: tuple[tuple[str, str, float], ...] = (
    ("rn", "m", 0.2), ("m", "rn", 0.3), ("ri", "n", 0.3), ("n", "ri", 0.3), ("li", "h", 0.3),
    ("lc", "k", 0.2), ("k", "lc", 0.3), ("cl", "d", 0.3), ("d", "cl", 0.3), ("c", "e", 0.3),
    ("e", "c", 0.3), ("n", "r", 0.5), ("r", "n", 0.5), ("u", "v", 0.3), ("v", "u", 0.3),
    ("j", "i", 0.2), ("i", "j", 0.3), ("h", "b", 0.3), ("b", "h", 0.3), ("t", "l", 0.4),
    ("l", "t", 0.4), ("f", "t", 0.4), ("l", "i", 0.3), ("i", "l", 0.3), ("a", "o", 0.6),
    ("o", "a", 0.6), ("1", "l", 0.2), ("1", "i", 0.3), ("1", "t", 0.4), ("l1", "h", 0.3),
    ("0", "o", 0.2), ("5", "s", 0.2), (".5", "s", 0.2), ("6", "o", 0.4), ("6", "ó", 0.3),
    (",", "s", 0.3), ("/", "f", 0.3), ("/", "l", 0.4), (":", "e", 0.4), (":", "c", 0.5),
    ("µi", "m", 0.3), ("µ", "m", 0.3), ("vv", "w", 0.3), ("w", "vv", 0.3), (":", "r", 0.4),
)
# Function words that OCR prints with a capital I for the small i ("delay In the").
CAPITAL_I_WORDS = frozenset({"in", "is", "it", "its", "into", "if"})
SHORT_DIGIT_CONFUSION_RE = re.compile(r"[a-z][0156]|[0156][a-z]")  # "a5" → "as"

FUSED_FOOTNOTE_RE = re.compile(r"footnote\d+\b")  # "mnrfootnote1": the marker after a word
ENDNOTE_RE = re.compile(r"\[\d{1,3}\](?=[\s.,;:)]|$)")  # "[12]"
ABBREVIATION_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?")  # "U.S", "i.e"
NUMBER_RE = re.compile(r"\d+(?:[.,:]\d+)*")
ORDINAL_RE = re.compile(r"\d+(?:st|nd|rd|th|s|m|bn|km|kg)")  # "6th", "1960s", "$33.7m"
COMPOUND_RE = re.compile(r"\b[a-z]+(?:-[a-z]+)?\b")
# Where ftfy may change something: characters other than printable ASCII, typographic
# punctuation and the accented letters of Spanish, Portuguese and French (none of which
# makes mojibake on its own: "Ã©" needs "Ã", "â€™" needs "€"), control characters and
# escapes, HTML entities. Running ftfy on every line with a curly quote would cost more
# than all other rules together.
FTFY_SAFE_CHARS = "‘’“”–—…•·«»¿¡£°áéíóúýÁÉÍÓÚÝñÑüÜçÇàèìòùÀÈÌÒÙãõâêîôûÊÔëïöäÖÄ"
FTFY_SUSPECT_RE = re.compile(rf"[^\x09\x0a\x20-\x7e{FTFY_SAFE_CHARS}]|&[#\w]+;")
LETTER_RE = re.compile(r"[^\W\d_]")
