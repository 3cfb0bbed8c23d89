"""Read a published dataset version back into what the report shows: one record per document.

Only the version folder is read (its Parquet files and ``manifest.json``), plus the knowledge
base for what the published ``entities`` config leaves out (descriptions, Wikidata QIDs).

>>> paragraph_spans("One.\\n\\nTwo.")
[(0, 4), (6, 10)]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from bolcorpus.document import Edit
from bolcorpus.errors import BolcorpusError
from bolcorpus.kb import KBEntity, KnowledgeBase

PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n\s*")  # paragraphs are separated by a blank line
CONFIGS = ("documents", "sentences", "edits", "entities")


@dataclass
class DocRecord:
    """A document's row with its sentences and edits (sorted by position)."""

    row: dict[str, Any]
    sentences: list[dict[str, Any]] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.row["doc_id"])


@dataclass
class Version:
    """A published version: its manifest, documents and the entity records to link to."""

    folder: Path
    manifest: dict[str, Any]
    docs: list[DocRecord]
    entities: dict[str, dict[str, Any]]  # entity_id → published row, plus KB description and qid

    @property
    def name(self) -> str:
        return str(self.manifest.get("name", self.folder.parent.name))

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", self.folder.name))


def load_version(folder: Path, kb: KnowledgeBase | None = None) -> Version:
    """Read the published version in ``folder``; ``kb`` adds descriptions and QIDs to its entities."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise BolcorpusError(f"{folder}: no manifest.json, so not a published version; give a folder such as "
                             "processed/datasets/bolcorpus/0.1.0 (bolcorpus run publishes one)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tables = {config: _rows(folder, config) for config in CONFIGS}
    docs = {row["doc_id"]: DocRecord(row) for row in sorted(tables["documents"], key=lambda r: r["doc_id"])}
    for sentence in tables["sentences"]:
        docs[sentence["doc_id"]].sentences.append(sentence)
    for e in tables["edits"]:
        docs[e["doc_id"]].edits.append(Edit(e["rule"], e["raw_start"], e["raw_end"], e["before"], e["after"]))
    for doc in docs.values():
        doc.sentences.sort(key=lambda s: s["index"])
        doc.edits.sort(key=lambda e: (e.raw_start, e.raw_end))
    known = kb.entities if kb else {}
    entities = {row["entity_id"]: {**row, **_kb_fields(known.get(row["entity_id"]))} for row in tables["entities"]}
    return Version(folder, manifest, list(docs.values()), entities)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph of ``text``; together with the breaks they cover it."""
    spans, start = [], 0
    for m in PARAGRAPH_BREAK_RE.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _rows(folder: Path, config: str) -> list[dict[str, Any]]:
    files = sorted((folder / config).glob("*.parquet"))
    if not files and config == "documents":  # the others may be absent: a config without rows has no file
        raise BolcorpusError(f"{folder / config}: no Parquet file; the version is incomplete, publish it again")
    return [row for path in files for row in pq.read_table(path).to_pylist()]


def _kb_fields(entity: KBEntity | None) -> dict[str, Any]:
    return {"description": entity.description, "qid": entity.qid} if entity else {"description": None, "qid": None}
