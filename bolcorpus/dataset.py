"""The published dataset: Arrow schemas of its four configs, their label sets and the rows of each.

Rows are built per document, so a corpus streams into Parquet one batch at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from bolcorpus.document import Document
from bolcorpus.kb import KnowledgeBase
from bolcorpus.stance import LABELS as STANCE_LABELS

ENTITY_LABELS = (  # OntoNotes 5, the label set of spaCy's English models
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
    "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)
CLASS_LABELS = {  # (config, field path) → label set, declared as ClassLabel in the card
    ("sentences", ("entities", "label")): ENTITY_LABELS,
    ("sentences", ("stance", "label")): STANCE_LABELS,
    ("entities", ("type",)): ENTITY_LABELS,
}
ENTITY = pa.struct([
    ("text", pa.string()), ("start", pa.int32()), ("end", pa.int32()), ("label", pa.string()),
    ("entity_id", pa.string()), ("source", pa.string()),
])
STANCE = pa.struct([
    ("target", pa.string()), ("label", pa.string()), ("score", pa.float32()),
    ("evidence", pa.list_(pa.string())), ("holder", pa.string()),
])
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("doc_id", pa.string()), ("source_file", pa.string()), ("title", pa.string()),
        ("authors", pa.list_(pa.string())), ("publication", pa.string()), ("year", pa.int32()),
        ("language", pa.string()), ("translated_from", pa.string()), ("text", pa.string()),
        ("raw_text", pa.string()), ("n_edits", pa.int32()),
        ("footnotes", pa.list_(pa.struct([("marker", pa.string()), ("offset", pa.int32())]))),
        ("artefacts", pa.list_(pa.struct([("kind", pa.string()), ("text", pa.string()), ("offset", pa.int32())]))),
        ("unresolved", pa.list_(pa.struct([("text", pa.string()), ("offset", pa.int32())]))),
        ("damage", pa.list_(pa.struct([("indicator", pa.string()), ("raw", pa.int32()), ("repaired", pa.int32())]))),
        ("stance_profile", pa.list_(pa.struct([
            ("target", pa.string()), ("favor", pa.int32()), ("against", pa.int32()), ("none", pa.int32()),
        ]))),
    ]),
    "sentences": pa.schema([
        ("doc_id", pa.string()), ("sentence_id", pa.string()), ("index", pa.int32()),
        ("paragraph", pa.int32()), ("text", pa.string()), ("start", pa.int32()), ("end", pa.int32()),
        ("entities", pa.list_(ENTITY)), ("stance", pa.list_(STANCE)),
    ]),
    "entities": pa.schema([
        ("entity_id", pa.string()), ("name", pa.string()), ("type", pa.string()),
        ("aliases", pa.list_(pa.string())), ("n_mentions", pa.int32()), ("n_documents", pa.int32()),
    ]),
    "edits": pa.schema([
        ("doc_id", pa.string()), ("rule", pa.string()), ("raw_start", pa.int32()), ("raw_end", pa.int32()),
        ("before", pa.string()), ("after", pa.string()),
    ]),
}
CONFIGS = tuple(SCHEMAS)


def document_row(doc: Document) -> dict[str, Any]:
    """The ``documents`` row of ``doc``."""
    meta = doc.meta
    return {
        "doc_id": doc.id, "source_file": doc.source_file, "title": meta.get("title"),
        "authors": list(meta.get("authors") or []), "publication": meta.get("publication"),
        "year": meta.get("year"), "language": meta.get("language"),
        "translated_from": meta.get("translated_from"), "text": doc.text, "raw_text": doc.raw_text,
        "n_edits": len(doc.edits),
        "footnotes": [{"marker": f["marker"], "offset": f["offset"]} for f in meta.get("footnotes", [])],
        "artefacts": meta.get("artefacts", []),
        "unresolved": meta.get("unresolved", []),
        "damage": meta.get("damage", []),
        "stance_profile": [
            {"target": t, "favor": c.get("FAVOR", 0), "against": c.get("AGAINST", 0), "none": c.get("NONE", 0)}
            for t, c in sorted(meta.get("stance_profile", {}).items())
        ],
    }


def sentence_rows(doc: Document) -> Iterator[dict[str, Any]]:
    """The ``sentences`` rows of ``doc``: entity offsets made relative to the sentence."""
    stance_by_sentence: dict[int, list[dict[str, Any]]] = {}
    for s in doc.stance:
        stance_by_sentence.setdefault(s.sentence, []).append(
            {"target": s.target, "label": s.label, "score": s.score, "evidence": s.evidence, "holder": s.holder}
        )
    entities = sorted(doc.entities, key=lambda e: e.start)
    for index, sent in enumerate(doc.sentences):
        yield {
            "doc_id": doc.id, "sentence_id": f"{doc.id}-{index:05d}", "index": index,
            "paragraph": sent.paragraph, "text": doc.text[sent.start : sent.end],
            "start": sent.start, "end": sent.end,
            "entities": [
                {"text": e.text, "start": e.start - sent.start, "end": e.end - sent.start,
                 "label": e.label, "entity_id": e.entity_id, "source": e.source}
                for e in entities
                if sent.start <= e.start and e.end <= sent.end
            ],
            "stance": stance_by_sentence.get(index, []),
        }


def edit_rows(doc: Document) -> Iterator[dict[str, Any]]:
    """The ``edits`` rows of ``doc``."""
    for e in doc.edits:
        yield {"doc_id": doc.id, "rule": e.rule, "raw_start": e.raw_start, "raw_end": e.raw_end,
               "before": e.before, "after": e.after}


class EntityIndex:
    """Counts linked mentions into ``entities`` rows: one per knowledge-base entity."""

    def __init__(self, kb: KnowledgeBase | None) -> None:
        self.kb = kb
        self.mentions: Counter[str] = Counter()
        self.documents: dict[str, set[str]] = {}

    def add(self, doc: Document) -> None:
        for e in doc.entities:
            if e.entity_id:
                self.mentions[e.entity_id] += 1
                self.documents.setdefault(e.entity_id, set()).add(doc.id)

    def rows(self) -> list[dict[str, Any]]:
        entities = self.kb.entities.values() if self.kb else []
        return [
            {"entity_id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases),
             "n_mentions": self.mentions[e.id], "n_documents": len(self.documents.get(e.id, ()))}
            for e in sorted(entities, key=lambda e: e.id)
        ]
