"""Span rules of the entity pipeline: where a match is part of another name, how a span is
trimmed and split, and which model entities are words rather than names.

Pure functions of spaCy spans, used by :mod:`bolcorpus.ner`'s components; the policy they
serve is described there and in ``benchmarks/entities/GUIDELINES.md``.

>>> import spacy
>>> doc = spacy.blank("en")("They sailed through Torres Strait while Torres slept.")
>>> is_name_part(Span(doc, 3, 4, "PERSON")), is_name_part(Span(doc, 6, 7, "PERSON"))
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

from spacy.tokens import Doc, Span, Token

TITLES = frozenset({
    "General", "Gen.", "Colonel", "Col.", "Major", "Captain", "Lieutenant", "Admiral", "President",
    "Vice-President", "Dr", "Dr.", "Mr", "Mr.", "Señor", "Don", "Comrade", "Senator", "Minister", "Bishop",
    "Generals", "Colonels", "Marshal",
})
DETERMINERS = frozenset({"the", "The"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
# One-word surnames and places recur in other names worldwide: a person's name may go on to
# either side ("Juan Torres"), a place's only to the right ("Torres Strait"; "Socialist Bolivia" is Bolivia).
NAME_PART_SIDES = {"PERSON": (-1, 1), "GPE": (1,)}
LONGER_NAME_LABELS = frozenset({"GPE", "LOC", "ORG", "EVENT", "FAC", "WORK_OF_ART", "LAW", "PRODUCT"})
COMPANY_HEADS = frozenset({"company", "corporation", "co.", "ltd", "ltd.", "limited"})
COMPANY_NAME_WORDS = 3  # capitalised words between a nationality and a company head ("British Aluminum company")
GLUED_AFTER_RE = re.compile(r"[,;:]\w")  # "ELN,qvxtre": no space after the comma
GLUED_BEFORE_RE = re.compile(r"\w[,;:]")
SHORT_ACRONYM_LETTERS = 3  # "ELN", "FAO", "POR": initials that OCR debris and other bodies share
COMMON_WORD_ZIPF = 2.5  # wordfreq: "cob" 3.0 is an English word; "mnr" 2.0, "prin" 2.3 are not
DATE_LEADS = frozenset({"between", "from", "only"})  # "between [1943] and [1946]" (GUIDELINES: DATE)
DATE_JOINS = frozenset({"and", "to", "until", "till"})
NOT_DATES = frozenset({"daily", "weekly", "monthly", "yearly", "annually", "each day", "every day", "each year",
                       "every year", "years", "months", "days", "weeks"})  # frequencies and bare units
# A one-word model entity that the text also writes in lower case is a capitalised noun if it is
# a common word: zipf 3 is about one use in a million words ("sucre" 2.4 is not one).
NOUN_ZIPF = 3.0
NAME_LABELS = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "EVENT", "FAC", "LAW", "WORK_OF_ART", "PRODUCT"})


def in_longer_name(span: Span, entities: Iterable[Span], named: Container[int] = (), text: str | None = None) -> bool:
    """Whether a one-word nationality is a word of a longer name the model found — a place,
    organisation, event or work whose other words are capitalised and not knowledge-base
    names: "[British] Columbia", "the Roman [Catholic] Church", "the [Chinese] Chamber of
    Commerce"; not "the [British] TUC" (a name of its own beside it), nor before a common
    noun or a doctrine ("[Bolivian] Society" where the text writes "society", "[Bolivian]
    Trotskyism"). ``text`` is the document's, as for :func:`is_common_noun`.

    >>> import spacy
    >>> doc = spacy.blank("en")("British Columbia and the British TUC, Bolivian Trotskyism")
    >>> ents = [Span(doc, 0, 2, "GPE"), Span(doc, 4, 6, "ORG"), Span(doc, 7, 9, "ORG")]
    >>> [in_longer_name(Span(doc, i, i + 1, "NORP"), ents, named={4, 5}) for i in (0, 4, 7)]
    [True, False, False]
    """
    if len(span) != 1 or span.label_ != "NORP":
        return False
    for ent in entities:
        if ent.label_ not in LONGER_NAME_LABELS or not ent.start <= span.start < ent.end:
            continue
        others = [t for t in ent if t.i != span.start]
        rest = Span(ent.doc, span.end, ent.end, ent.label_) if span.end < ent.end else Span(
            ent.doc, ent.start, span.start, ent.label_)
        if (others and all(t.i not in named and (t.is_title or t.is_upper or t.is_stop) for t in others)
                and any(t.is_title or t.is_upper for t in others) and not is_common_noun(rest, text)):
            return True
    return False


def is_name_part(span: Span, named: Container[int] = ()) -> bool:
    """Whether a one-word, capitalised person (or place) has a capitalised neighbour (to its
    right) that is not a title, an article, a common word or a knowledge-base name (token
    indices ``named``): "Juan [Torres]", "[Torres] Strait", not "General [Torres]", "When [Torres]";
    and a place after a title is a person's name ("Marshal [Sucre]").

    >>> import spacy
    >>> doc = spacy.blank("en")("Mr. Castro of Castro Street")
    >>> is_name_part(Span(doc, 1, 2, "PERSON")), is_name_part(Span(doc, 3, 4, "PERSON"))
    (False, True)
    >>> is_name_part(Span(doc, 3, 4, "PERSON"), named={3, 4})
    False

    A nationality is part of a company's name that follows it ("the [British] Aluminum
    company"); not of a noun ("[Bolivian] Society", "[Bolivian] Trotskyism").

    >>> doc = spacy.blank("en")("the British Aluminum company and Bolivian Society")
    >>> is_name_part(Span(doc, 1, 2, "NORP")), is_name_part(Span(doc, 5, 6, "NORP"))
    (True, False)
    """
    if span.label_ == "NORP" and len(span) == 1:
        doc = span.doc
        n = 0
        while n < COMPANY_NAME_WORDS and span.end + n < len(doc) and doc[span.end + n].is_title:
            n += 1
        return n > 0 and span.end + n < len(doc) and doc[span.end + n].lower_ in COMPANY_HEADS
    if len(span) != 1 or span.label_ not in NAME_PART_SIDES or not (span[0].is_alpha and span[0].is_title):
        return False  # acronyms and abbreviations ("US", "U.S.A.") are not part of other names
    doc = span.doc
    if span.label_ == "GPE" and after_title(span):
        return True  # "Marshal Sucre", "Mr. Brazil": a person named like a place
    sides = (span.start + side for side in NAME_PART_SIDES[span.label_])
    neighbours = [doc[i] for i in sides if 0 <= i < len(doc) and i not in named]
    return any(t.is_alpha and t.is_title and not t.is_stop and t.text not in TITLES for t in neighbours)


def after_title(span: Span) -> bool:
    """Whether a person's title comes just before the span ("Marshal [Sucre]").

    >>> import spacy
    >>> doc = spacy.blank("en")("Marshal Sucre left Sucre")
    >>> after_title(doc[1:2]), after_title(doc[3:4])
    (True, False)
    """
    return span.start > 0 and span.doc[span.start - 1].text in TITLES


def is_fragment(span: Span) -> bool:
    """Whether a match is glued to other letters by a comma, colon or semicolon, as in garbled
    OCR ("ELN,qvxtre:nos"): a piece of a damaged word, not a name. Hyphens and apostrophes
    join real words ("MNR-led", "MNR's") and are left alone.

    >>> import spacy
    >>> doc = spacy.blank("en")("wines ELN,qvxtre:nos and the MNR, the COB")
    >>> is_fragment(doc[1:2]), is_fragment(doc[7:8])
    (True, False)
    """
    # Two tokens either side hold the two characters either side (spaCy rebuilds doc.text on each read).
    window = span.doc[max(0, span.start - 2) : span.end + 2]
    text, start, end = window.text, span.start_char - window.start_char, span.end_char - window.start_char
    return bool(GLUED_AFTER_RE.match(text, end) or GLUED_BEFORE_RE.fullmatch(text, max(0, start - 2), start))


def trim_entities(doc: Doc) -> Doc:
    """Drop a leading "the", a person's title, a trailing possessive and line breaks at either
    end from entity spans; an entity across a paragraph break is dropped (a heading run into
    the text). A date loses a leading "between", "from" or "only" and is split where
    coordinated or ranged dates are written apart (:func:`date_parts`); a frequency or an
    unquantified duration is not a date ("daily", "years").

    >>> import spacy
    >>> doc = spacy.blank("en")("Between 1943 and 1946 the MNR's Revolution\\n\\nSince")
    >>> doc.ents = [Span(doc, 0, 4, "DATE"), Span(doc, 5, 7, "ORG"), Span(doc, 7, 9, "EVENT")]
    >>> [(e.text, e.label_) for e in trim_entities(doc).ents]
    [('1943', 'DATE'), ('1946', 'DATE'), ('MNR', 'ORG'), ('Revolution', 'EVENT')]
    """
    trimmed = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        while start < end - 1 and (doc[start].is_space or doc[start].text in DETERMINERS or (
                ent.label_ == "PERSON" and doc[start].text in TITLES)):
            start += 1
        while end - 1 > start and (doc[end - 1].is_space or doc[end - 1].text in POSSESSIVES):
            end -= 1
        if any("\n" in t.text for t in doc[start:end]):
            continue
        parts = date_parts(doc[start:end]) if ent.label_ == "DATE" else [(start, end)]
        trimmed += [Span(doc, i, j, label=ent.label, kb_id=ent.kb_id, span_id=ent.id) for i, j in parts]
    doc.ents = trimmed
    return doc


def date_parts(span: Span) -> list[tuple[int, int]]:
    """The token ranges of the dates a DATE span holds: without a leading "between", "from" or
    "only", split at "and", "to" and brackets ("January and March of 1971"; "June 22 to July 2";
    a hyphenated range stays one date), and none for a frequency or a bare unit ("daily").

    >>> import spacy
    >>> doc = spacy.blank("en")("between January and March of 1971 daily")
    >>> [doc[i:j].text for i, j in date_parts(doc[0:6])], date_parts(doc[6:7])
    (['January', 'March of 1971'], [])
    """
    tokens = list(span)
    while tokens and tokens[0].lower_ in DATE_LEADS:
        tokens = tokens[1:]
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if token.lower_ in DATE_JOINS or token.text in "()[]":
            parts.append([])
        else:
            parts[-1].append(token)
    return [(p[0].i, p[-1].i + 1) for p in parts
            if p and " ".join(t.lower_ for t in p) not in NOT_DATES and not all(t.is_punct for t in p)]


def is_common_noun(ent: Span, text: str | None = None) -> bool:
    """Whether an entity the model tagged, unlinked, is a capitalised common noun or a doctrine
    rather than a name: a phrase in lower case ("revolutionary party"), a word in "-ism"
    ("Trotskyism"), or a phrase the same text also writes in lower case — a common English
    word, if it is one word ("the Strike" beside "a general strike", "Permanent Revolution"
    beside "permanent revolution"; "London" is never written so). Nationalities are left
    alone ("Indian").

    >>> import spacy
    >>> doc = spacy.blank("en")("The Strike of Mr. Brown, Trotskyism and Permanent Revolution: "
    ...                         "a permanent revolution, a strike")
    >>> [is_common_noun(Span(doc, i, j, label)) for i, j, label in
    ...  [(1, 2, "ORG"), (4, 5, "PERSON"), (6, 7, "ORG"), (8, 10, "EVENT"), (0, 1, "NORP")]]
    [True, False, True, True, False]
    """
    from wordfreq import zipf_frequency

    words = [t.text for t in ent if not t.is_punct]
    if not words or ent.label_ not in NAME_LABELS:
        return False
    if words[-1].lower().endswith("ism") or all(w.islower() for w in words):
        return True
    if ent.label_ == "NORP":
        return False
    lower = ent.text.lower()
    if len(words) == 1 and zipf_frequency(lower, "en") < NOUN_ZIPF:
        return False
    text = ent.doc.text if text is None else text  # the document's, read once by a caller with many entities
    return re.search(rf"(?<![\w-]){re.escape(lower)}(?![\w-])", text) is not None


def is_short_acronym(mention: str) -> bool:
    """Whether a mention is an acronym of three capitals or fewer ("ELN"; not "FSTMB", "Eln").

    >>> is_short_acronym("ELN"), is_short_acronym("FSTMB"), is_short_acronym("Eln")
    (True, False, False)
    """
    return mention.isalpha() and mention.isupper() and len(mention) <= SHORT_ACRONYM_LETTERS


def is_common_word(mention: str) -> bool:
    """Whether a mention is a lowercase common English word ("cob", not "mnr" or "COB").

    >>> is_common_word("cob"), is_common_word("mnr"), is_common_word("COB")
    (True, False, False)
    """
    from wordfreq import zipf_frequency

    return mention.isalpha() and mention.islower() and zipf_frequency(mention, "en") >= COMMON_WORD_ZIPF
