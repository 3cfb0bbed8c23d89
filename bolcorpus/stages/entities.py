"""Entities: OntoNotes mentions from the domain pipeline, linked to the knowledge base.

Each document's repaired text goes through :func:`bolcorpus.ner.load_domain_nlp` whole, so
that an ambiguous alias ("Paz", "the Army") is resolved by the rest of the document. A
mention's ``source`` says what found it: ``kb`` (a knowledge-base pattern), ``model+kb``
(the model, linked by alias or context) or ``model`` (the model alone, unlinked). The
stage counts unlinked names (``stats["unlinked: <label> <name>"]``) as candidates for the
knowledge base; the run's stats list them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bolcorpus.config import StageConfig
from bolcorpus.document import Document, Entity
from bolcorpus.errors import ConfigError
from bolcorpus.kb import load_kb
from bolcorpus.ner import DOMAIN_COMPONENTS, load_domain_nlp
from bolcorpus.nlp import pipe_spans, resolve_model
from bolcorpus.stages.base import Stage, replace

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC"})  # worth a KB entry


class Entities(Stage):
    """Tag entity mentions with OntoNotes labels and link them to the knowledge base."""

    name = "entities"
    version = 2
    code = (*Stage.code, "bolcorpus.nlp", "bolcorpus.kb", "bolcorpus.entity_rules", "bolcorpus.ner")

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
        nlp = load_domain_nlp(self.config.kb, self.nlp_config.model)
        keep = set(self.config.labels)
        for doc, parsed in pipe_spans(nlp, items, _whole, batch_size=self.nlp_config.batch_size,
                                      only=["ner", *DOMAIN_COMPONENTS]):
            entities = []
            for spacy_doc in parsed:
                for ent in spacy_doc.ents:
                    if ent.label_ not in keep:
                        continue
                    source = "kb" if ent.ent_id_ else "model+kb" if ent.kb_id_ else "model"
                    entities.append(Entity(ent.start_char, ent.end_char, ent.label_, ent.text, ent.kb_id_ or None,
                                           source))
                    if not ent.kb_id_ and ent.label_ in NAME_LABELS:
                        self.stats[f"unlinked: {ent.label_} {ent.text}"] += 1
            self.stats["entities"] += len(entities)
            self.stats["linked"] += sum(1 for e in entities if e.entity_id)
            yield replace(doc, entities=entities)


def _whole(doc: Document) -> list[tuple[int, int]]:
    return [(0, len(doc.text))] if doc.text else []
