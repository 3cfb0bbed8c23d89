"""Entities: named-entity mentions from the spaCy model, linked to the knowledge base.

A mention whose text (without a leading "the" or a possessive) is a name or alias of a
knowledge-base entity gets its ``entity_id`` and the entity's type; other mentions keep
the model's label and no id. Context-based disambiguation and knowledge-base patterns
for mentions the model misses come with issue 4.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any

from bolcorpus.config import StageConfig
from bolcorpus.document import Document, Entity
from bolcorpus.errors import ConfigError
from bolcorpus.kb import load_kb
from bolcorpus.nlp import load_nlp, pipe_spans, resolve_model
from bolcorpus.stages.base import Stage, replace


class Entities(Stage):
    """Tag entity mentions with OntoNotes labels and link them to the knowledge base."""

    name = "entities"
    version = 1
    code = (*Stage.code, "bolcorpus.nlp", "bolcorpus.kb")

    class Config(StageConfig):
        """``kb``: the knowledge base (YAML). ``labels``: the OntoNotes labels kept;
        numbers, money and the like are left out: they are not actors or places the
        texts argue about."""

        kb: Path = Path("kb/entities.yml")
        labels: tuple[str, ...] = (
            "PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT", "FAC", "LAW", "WORK_OF_ART", "PRODUCT",
        )

    config: Config

    @classmethod
    def check_config(cls, config: Config, path: Path) -> None:  # type: ignore[override]
        if not config.kb.is_file():
            raise ConfigError(f"{path}: [entities] kb = {str(config.kb)!r}: no such file")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kb = load_kb(self.config.kb)

    def fingerprint(self) -> dict[str, str]:
        model, version = resolve_model(self.nlp_config.model)
        kb_hash = hashlib.sha256(self.config.kb.read_bytes()).hexdigest()
        return {"model": model, "model_version": version, "kb": kb_hash}

    def process(self, items: Iterator[Document]) -> Iterator[Document]:
        nlp = load_nlp(self.nlp_config.model)
        keep = set(self.config.labels)
        disable = [p for p in nlp.pipe_names if p not in ("tok2vec", "ner")]
        batch_size = self.nlp_config.batch_size
        for doc, parsed in pipe_spans(nlp, items, attrgetter("paragraphs"), batch_size=batch_size, disable=disable):
            entities = []
            for (start, _), spacy_doc in zip(doc.paragraphs, parsed):
                for ent in spacy_doc.ents:
                    entity_id = self.kb.link(ent.text)
                    label = self.kb.entities[entity_id].type if entity_id else ent.label_
                    if label in keep:
                        source = "model+kb" if entity_id else "model"
                        entities.append(Entity(start + ent.start_char, start + ent.end_char, label, ent.text,
                                               entity_id, source))
            self.stats["linked"] += sum(1 for e in entities if e.entity_id)
            self.stats["entities"] += len(entities)
            yield replace(doc, entities=entities)
