"""Repair rules: each is a pure function from the current text to the fixes it proposes.

A rule returns :class:`~bolcorpus.repair.engine.Fix` es rather than a new string so that
the engine can log every edit with raw offsets; :func:`apply_rule` shows a rule's effect
on its own. Options are keyword-only, so configs can pass them as kwargs.
"""

from __future__ import annotations

import difflib
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import Literal

import ftfy
from wordfreq import zipf_frequency

from bolcorpus.repair import patterns as P
from bolcorpus.repair.confusion import best_correction, real_word_correction
from bolcorpus.repair.engine import Fix, Rule, repair
from bolcorpus.repair.lexicon import Lexicon
from bolcorpus.repair.tokens import occurs, type_counts, types


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
    # Only lines with something ftfy could change (non-ASCII, control characters, HTML
    # entities) go through it: one scan of the text instead of ftfy on every line.
    starts = sorted({text.rfind("\n", 0, m.start()) + 1 for m in P.FTFY_SUSPECT_RE.finditer(text)})
    for start in starts:
        end = text.find("\n", start)
        line = text[start : end if end != -1 else len(text)]
        fixed = ftfy.fix_text(line, config)
        if fixed != line:
            matcher = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
            for op, i1, i2, j1, j2 in matcher.get_opcodes():
                if op != "equal":
                    yield Fix(start + i1, start + i2, fixed[j1:j2])


def join_hyphenated_linebreaks(
    text: str, *, lexicon: Lexicon, min_zipf: float = 2.0, inline: bool = False
) -> Iterator[Fix]:
    """Join a word broken by a hyphen at a line end; keep the hyphen of a real compound.

    The halves are joined when the joined form is a word (Zipf frequency of at least
    ``min_zipf``) or when the second half is no word on its own ("mobili-\\nzations");
    otherwise ("working-\\nclass") the hyphen is kept and only the line break goes.
    Numbers ("1969-\\n1970") and capitalised second halves ("anti-\\nAmerican") keep it.
    With ``inline``, a break whose line end an earlier tool turned into a space ("im-
    proved") is joined too, but only into a word ("pre- and post-war" stays).

    >>> from functools import partial
    >>> rule = partial(join_hyphenated_linebreaks, lexicon=Lexicon())
    >>> apply_rule(rule, "insti-\\n tutional, mobili-\\nzations")
    'institutional, mobilizations'
    >>> apply_rule(rule, "working-\\nclass and 1969-\\n1970")
    'working-class and 1969-1970'
    >>> apply_rule(partial(rule, inline=True), "im- proved, de- cision and pre- and post-war")
    'improved, decision and pre- and post-war'
    """
    for m in P.LINE_END_HYPHEN_RE.finditer(text):
        halves = _halves(text, m)
        if halves is None:
            continue
        left, right = halves
        joinable = left.isalpha() and right.isalpha() and right[0].islower()
        join = joinable and (lexicon.zipf(left + right) >= min_zipf or not lexicon.known(right))
        yield Fix(m.start(), m.end(), "" if join else "-")
    if inline:
        for m in P.INLINE_HYPHEN_RE.finditer(text):
            if not (m.start() and P.LETTER_RE.match(text, m.start() - 1)):
                continue
            halves = _halves(text, m)
            if halves and halves[0].isalpha() and halves[1].isalpha() and halves[1][0].islower():
                if lexicon.zipf(halves[0] + halves[1]) >= min_zipf:
                    yield Fix(m.start(), m.end(), "")


def _halves(text: str, m: re.Match[str]) -> tuple[str, str] | None:
    """The word parts before and after a hyphen break ``m``, or None at the text's start."""
    before = P.WORD_END_RE.search(text, max(0, m.start() - 64), m.start())
    if before is None:
        return None
    return before.group(), P.WORD_START_RE.match(text, m.end()).group()  # type: ignore[union-attr]


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
    median = statistics.median(lengths) if lengths else 0
    if len(lengths) >= min_wrapped_lines and median <= max_wrap_width:
        # The wrap width: the upper quartile of ordinary lines (lines already joined by an
        # earlier tool are about twice as long and would inflate it).
        ordinary = sorted(n for n in lengths if n <= 1.5 * median)
        width = ordinary[(3 * len(ordinary)) // 4]
    for m in P.LINE_BREAK_RE.finditer(text):
        before = text[text.rfind("\n", 0, m.start()) + 1 : m.start()].strip()
        line_end = text.find("\n", m.end())
        after = text[m.end() : line_end if line_end != -1 else len(text)]
        if not before or not after:  # start or end of the text
            yield Fix(m.start(), m.end(), "")
        elif m.group().count("\n") > 1 or width is None:
            yield Fix(m.start(), m.end(), "\n\n")
        elif len(before) < full_line_ratio * width and not after[0].islower():
            yield Fix(m.start(), m.end(), "\n\n")
        else:
            yield Fix(m.start(), m.end(), " ")
    lead, trail = len(text) - len(text.lstrip()), len(text.rstrip())
    if lead:
        yield Fix(0, lead, "")
    if lead < trail < len(text):
        yield Fix(trail, len(text), "")


def remove_furniture(
    text: str, *, patterns: tuple[str, ...] = (r"Image: .*", r"See this link for all articles.*")
) -> Iterator[Fix]:
    """Remove whole lines of web furniture (image credits, link footers) matching ``patterns``.

    >>> apply_rule(remove_furniture, "Title\\n\\nImage: André de Salis\\n\\nText.")
    'Title\\n\\n\\nText.'
    """
    for m in _line_patterns(patterns).finditer(text):
        yield Fix(m.start(), m.end(), "")


def strip_footnote_markers(text: str) -> Iterator[Fix]:
    """Remove footnote markers from the running text (the edit log keeps them).

    Left alone: numbers in brackets inside a sentence ("[1971]" with four digits).

    >>> apply_rule(strip_footnote_markers, "When the mnrfootnote1 became. We cannot neglect. [1] Next")
    'When the mnr became. We cannot neglect. Next'
    """
    for m in P.FUSED_FOOTNOTE_RE.finditer(text):
        if m.start() and P.LETTER_RE.match(text, m.start() - 1):
            yield Fix(m.start(), m.end(), "")
    for m in P.ENDNOTE_RE.finditer(text):
        start = m.start() - 1 if m.start() and text[m.start() - 1] == " " else m.start()
        yield Fix(start, m.end(), "")


def fix_punctuation_spacing(text: str) -> Iterator[Fix]:
    """Remove OCR spacing and specks: "( 1 )", "history :", "MNR..", "·threat", "U .S.", and
    a speck standing alone between words ("the | populace", "the ' people").

    >>> apply_rule(fix_punctuation_spacing, "history : ( 1 ) the MNR.. A ·threat, U .S. aid")
    'history: (1) the MNR. A threat, U.S. aid'
    >>> apply_rule(fix_punctuation_spacing, "Wait... (see p. 4): fine")
    'Wait... (see p. 4): fine'

    A speck read as a period between two lower-case words goes too, after a word that is
    no abbreviation ("the police. state" but "per cent. of", "approx. two").

    >>> apply_rule(fix_punctuation_spacing, "the police. state, per cent. of it, etc. and working-class. movement")
    'the police state, per cent. of it, etc. and working-class movement'
    """
    for needles, pattern, before, replacement in P.SPACING_FIXES:
        if not any(needle in text for needle in needles):
            continue
        for m in pattern.finditer(text):
            if before is None or (m.start() and before.match(text, m.start() - 1)):
                yield Fix(m.start(1), m.end(1), replacement)
    for m in P.STRAY_PERIOD_RE.finditer(text):
        word = P.STRAY_PERIOD_WORD_RE.search(text, max(0, m.start() - 64), m.start())
        if word and word.group(1) not in P.ABBREVIATIONS:
            yield Fix(m.start(), m.end(), "")


def merge_split_words(text: str, *, lexicon: Lexicon, margin: float = 1.5, min_zipf: float = 3.0) -> Iterator[Fix]:
    """Join a word broken by a space ("T orres", "a nd", "dep ends", "pa rticipants").

    Two neighbours are joined when the joined form is a word or curated name (Zipf at
    least ``min_zipf``) that is more common, by ``margin``, than the rarer of the parts:
    "a nd" → "and", but "per cent", "may be" and "a new" stay apart. Where two joins
    compete for a fragment, the larger gain wins ("general s trike" → "general strike").

    >>> from functools import partial
    >>> lex = Lexicon.from_terms(["Torres"])
    >>> apply_rule(partial(merge_split_words, lexicon=lex), "General T orres a nd the pa rticipants")
    'General Torres and the participants'
    >>> apply_rule(partial(merge_split_words, lexicon=lex), "it may be a new per cent; a general s trike")
    'it may be a new per cent; a general strike'
    """
    # Only a pair with a rare short member or an unknown one can be a split word.
    weak = {w for w in types(P.LETTERS_RE, text) if (len(w) <= 2 and lexicon.zipf(w) < 5.0) or not lexicon.known(w)}
    if not weak:
        return
    pairs: set[tuple[int, str, str]] = set()
    for m in P.WORD_PAIR_RE.finditer(text):
        left, right = m.groups()
        if left in weak or right in weak:
            pairs.add((m.start(), left, right))
    merges = []  # (gain, start, end of the pair, gap)
    for start, left, right in pairs:
        if not right[0].islower() or (start and text[start - 1] in "'’"):
            continue  # "Bolivia’s oil" is not "soil"
        if left[0].isupper() and len(left) > 1 and left[1:].islower() and lexicon.known(left):
            continue
        joined = lexicon.zipf(left + right)
        gain = joined - min(lexicon.zipf(left), lexicon.zipf(right))
        if joined >= min_zipf and gain >= margin:
            merges.append((gain, start, start + len(left) + 1 + len(right), start + len(left)))
    # A fragment between two words joins the side that makes the better word:
    # "general s trike" → "general strike", not "generals trike".
    taken: list[tuple[int, int]] = []
    for _, start, end, gap in sorted(merges, reverse=True):
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
            yield Fix(gap, gap + 1, "")


def restore_lost_hyphens(text: str, *, lexicon: Lexicon, min_part_zipf: float = 2.0) -> Iterator[Fix]:
    """Put back hyphens lost when lines were joined ("militaryrightist" → "military-rightist").

    A run-together token is split where both parts are words, if the same text
    writes that compound more often with a hyphen than without, or if the token is unseen in English and the text
    is damaged elsewhere (so a clean text's "mineowners" stays). Two years run together
    always get their hyphen.

    >>> from functools import partial
    >>> lex = Lexicon()
    >>> apply_rule(partial(restore_lost_hyphens, lexicon=lex), "workingclass, working-class, working-class, 19691970")
    'working-class, working-class, working-class, 1969-1970'
    """
    if occurs(P.YEAR_PAIR_RE, text):
        for m in P.YEAR_PAIR_RE.finditer(text):
            if int(m.group(2)) > int(m.group(1)):
                yield Fix(m.end(1), m.end(1), "-")
    counts = type_counts(P.COMPOUND_RE, text)  # "working-class" and "workingclass" alike
    splits = {}
    for word in counts:
        if len(word) >= 7 and "-" not in word and lexicon.zipf(word) < 2.0:
            split = _best_split(word, lexicon)
            if split and split[0] >= min_part_zipf and not _lost_space(word, split[1], lexicon):
                splits[word] = split[1]
    if not splits:
        return
    damaged = _looks_damaged(counts, lexicon)
    chosen = {
        word: i
        for word, i in splits.items()
        # the text's own usage decides: more often hyphenated, or unseen and the text damaged
        if counts[f"{word[:i]}-{word[i:]}"] > counts[word] or (damaged and lexicon.zipf(word) == 0)
    }
    if chosen:
        for m in words_re(tuple(sorted(chosen))).finditer(text):
            yield Fix(m.start() + chosen[m.group()], m.start() + chosen[m.group()], "-")


def fix_ocr_confusions(text: str, *, lexicon: Lexicon, plain_words: bool = True) -> Iterator[Fix]:
    """Correct tokens that are not words with the OCR confusion model ("talcing" → "taking").

    Only tokens that are neither words nor curated names are touched; capitalised ones
    (often names) only by cheap confusions into a known word ("Mouimiento" →
    "Movimiento"); when the evidence is weak the token is left alone. With
    ``plain_words=False`` lower-case words of letters alone are left to
    ``repair.context.v1``, which decides them in context (and where it abstains, a
    context-free guess must not overrule it); names still get their cheap confusions.

    >>> from functools import partial
    >>> apply_rule(partial(fix_ocr_confusions, lexicon=Lexicon()), "the justification for talcing power jn 1971")
    'the justification for taking power in 1971'
    >>> apply_rule(partial(fix_ocr_confusions, lexicon=Lexicon(), plain_words=False), "for talcing es.5entially")
    'for talcing essentially'
    """
    tokens = (t for t in types(P.SUSPECT_TOKEN_RE, text) if plain_words or not (t.isalpha() and t.islower()))
    corrections = {t: c for t in tokens if (c := _correct(t, lexicon)) is not None}
    if corrections:
        for m in _tokens(tuple(sorted(corrections))).finditer(text):
            if text[m.start() - 1 : m.start()] != "-" and text[m.end() : m.end() + 1] != "-":  # "num-ber", "de-clared"
                yield Fix(m.start(), m.end(), corrections[m.group()])


def fix_number_confusions(text: str) -> Iterator[Fix]:
    """Read letters inside numbers as the digits they stand for ("l,00l" → "1,001").

    >>> apply_rule(fix_number_confusions, "l,00l miners in 197O, not Ill")
    '1,001 miners in 1970, not Ill'
    """
    if occurs(P.NUMBER_CONFUSION_RE, text):
        for m in P.NUMBER_CONFUSION_RE.finditer(text):
            yield Fix(m.start(), m.end(), m.group().translate(P.NUMBER_FIXES))


def restore_acronyms(
    text: str, *, lexicon: Lexicon, acronyms: tuple[str, ...] = ("MNR", "COB", "PRIN", "POR", "PCB", "FSTMB"),
    phrases: tuple[str, ...] = ("US aid",),
) -> Iterator[Fix]:
    """Upper-case acronyms printed in lower-case small capitals ("mnr" → "MNR").

    The acronyms are ``acronyms`` and those of the curated lexicons (the knowledge base's
    "IMF", "CIA", …). One that is also an English word ("cob") is restored only in a text
    that shows small capitals elsewhere (an acronym that is no word, such as "mnr"); one
    that is a common word ("us", "it") never is: ``phrases`` lists the contexts where
    it is an acronym.

    >>> from functools import partial
    >>> rule = partial(restore_acronyms, lexicon=Lexicon())
    >>> apply_rule(rule, "the mnr and the cob, dependent on us aid; tell us")
    'the MNR and the COB, dependent on US aid; tell us'
    >>> apply_rule(rule, "a corn cob")
    'a corn cob'
    """
    lowered = {a.lower(): a for a in (*acronyms, *lexicon.acronyms) if _zipf(a.lower()) < 4.5}
    lowered = {a: lowered[a] for a in sorted(lowered.keys() & types(P.LETTERS_RE, text))}
    found = [] if not lowered else [(m, lowered[m.group()]) for m in words_re(tuple(lowered)).finditer(text)]
    small_caps = any(_zipf(m.group()) < 3.0 for m, _ in found)
    for m, acronym in found:
        if small_caps or _zipf(m.group()) < 3.0:
            yield Fix(m.start(), m.end(), acronym)
    for phrase in (p for p in phrases if p.lower() in text):
        for m in re.finditer(rf"(?<![\w-]){re.escape(phrase.lower())}(?![\w-])", text):
            yield from (Fix(m.start() + i, m.start() + i + 1, c) for i, c in enumerate(phrase) if c != m.group()[i])


def _correct(token: str, lexicon: Lexicon) -> str | None:
    """The correction of a token that is neither a word, a name, a number nor a compound."""
    key = (token, "token")
    if key not in lexicon.corrections:  # most tokens recur: decide each once per process
        lexicon.corrections[key] = _decide(token, lexicon)
    return lexicon.corrections[key]


def _decide(token: str, lexicon: Lexicon) -> str | None:
    if token.isupper() and token.isalpha():  # an acronym ("SBA"), not a damaged word
        return None
    if lexicon.known(token):
        if token.isalpha() and token.islower() and lexicon.zipf_spanish(token) < 3.0:
            return real_word_correction(token, lexicon)  # "thc" → "the", "lahor" → "labor"
        return None
    if token.isdigit() or _is_compound_of_words(token, lexicon):
        return None
    letters = sum(ch.isalpha() for ch in token)
    if letters < 2 and not P.SHORT_DIGIT_CONFUSION_RE.fullmatch(token) or letters < len(token) / 2:
        return None
    names_only = token[0].isupper() and token.isalpha()
    correction = best_correction(token, lexicon, names_only=names_only)
    if correction is None:
        return None
    if token[0].isupper():
        return correction[0].upper() + correction[1:]
    return correction


def _is_compound_of_words(token: str, lexicon: Lexicon) -> bool:
    """"social/political", "U.S.", "i.e", "1970--were", "10:30", "6th", "1960s": not damage."""
    if P.ABBREVIATION_RE.fullmatch(token) or P.NUMBER_RE.fullmatch(token) or P.ORDINAL_RE.fullmatch(token):
        return True
    parts = [p for p in re.split(r"/|--", token) if p]
    return len(parts) > 1 and all(p.isdigit() or (len(p) >= 3 and lexicon.known(p)) for p in parts)


@lru_cache(maxsize=65_536)
def _best_split(word: str, lexicon: Lexicon) -> tuple[float, int] | None:
    """The split of a run-together word into two words (the rarer part as common as can be)."""
    splits = [
        (min(lexicon.zipf(word[:i]), lexicon.zipf(word[i:])), i)
        for i in range(2, len(word) - 2)
        if (i >= 4 or word[:i] in P.COMPOUND_PREFIXES)
        and (len(word) - i >= 4 or lexicon.zipf(word[i:]) >= 4.0)  # "dialogues|are", not "talc|ing"
        and lexicon.known(word[:i])
        and lexicon.known(word[i:])
    ]
    return max(splits) if splits else None


def _lost_space(word: str, cut: int, lexicon: Lexicon, *, common: float = 5.6) -> bool:
    """A very common part ("consideredagainst"): words run together, not a compound."""
    return max(lexicon.zipf(word[:cut]), lexicon.zipf(word[cut:])) >= common


def _looks_damaged(counts: Counter[str], lexicon: Lexicon, *, threshold: float = 0.0015) -> bool:
    """Whether many lower-case words (of a text's word counts) are not words: OCR damage.

    Measured after the other rules ran (correction in context included): 0.20 % on the
    OCR'd excerpt of raw/001, at most 0.10 % on the bundled texts that were typed.
    """
    words = {w: n for w, n in counts.items() if len(w) >= 3 and "-" not in w}
    unknown = sum(n for w, n in words.items() if not lexicon.known(w))
    return unknown >= 2 and unknown / sum(words.values()) >= threshold


@lru_cache(maxsize=64)
def _tokens(tokens: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-token occurrences of ``tokens`` (delimited as SUSPECT_TOKEN_RE delimits them)."""
    alternation = "|".join(map(re.escape, sorted(tokens, key=len, reverse=True)))
    return re.compile(rf"(?<![\w.,:/~£µ])(?:{alternation})(?![\w~£µ])")


@lru_cache(maxsize=64)
def _line_patterns(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"^(?:{'|'.join(patterns)})[ \t]*(?:\n|\Z)", re.M)


@lru_cache(maxsize=64)
def words_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word occurrences of ``words`` (not inside a longer word or a hyphenated compound)."""
    return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, words))})(?![\w-])")


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


MEMOS = (_best_split, _zipf)  # per-word memos: bolcorpus.repair.forget_corrections clears them
