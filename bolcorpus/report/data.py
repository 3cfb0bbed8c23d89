"""Read a published dataset version back into what the report shows: one record per document.

Only the version folder is read (its Parquet files and ``manifest.json``), plus the knowledge
base for what the published ``entities`` config leaves out (descriptions, Wikidata QIDs).
Documents are streamed, one at a time with their sentences and edits.

>>> paragraph_spans("One.\\n\\nTwo.")
[(0, 4), (6, 10)]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from bolcorpus.document import Edit
from bolcorpus.errors import BolcorpusError
from bolcorpus.kb import KBEntity, KnowledgeBase

PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n\s*")  # paragraphs are separated by a blank line
BATCH_ROWS = 1024  # sentence and edit rows read at a time: memory stays bounded whatever the corpus size
BATCH_DOCUMENTS = 16  # documents read at a time: each holds its raw and repaired text


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
    """A published version: its manifest, the entity records to link to, and its documents (streamed)."""

    folder: Path
    manifest: dict[str, Any]
    entities: dict[str, dict[str, Any]]  # entity_id → published row, plus KB description and qid

    @property
    def name(self) -> str:
        return str(self.manifest.get("name", self.folder.parent.name))

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", self.folder.name))

    def docs(self) -> Iterator[DocRecord]:
        """Each document with its sentences and edits, read a batch at a time.

        Publishing writes a document's rows together and in the same order in every config of
        a split, so the three files are read side by side; rows left over mean another order.
        """
        for path in sorted((self.folder / "documents").glob("*.parquet")):
            sentences = _Groups(self.folder / "sentences" / path.name)
            edits = _Groups(self.folder / "edits" / path.name)
            for row in _stream(path, BATCH_DOCUMENTS):
                doc = DocRecord(row, sentences.take(row["doc_id"]),
                                [Edit(e["rule"], e["raw_start"], e["raw_end"], e["before"], e["after"])
                                 for e in edits.take(row["doc_id"])])
                doc.sentences.sort(key=lambda s: s["index"])
                doc.edits.sort(key=lambda e: (e.raw_start, e.raw_end))
                yield doc
            if sentences.left or edits.left:
                raise BolcorpusError(f"{self.folder}: the sentences or edits of {path.name} are not in the order of "
                                     "its documents, as bolcorpus publishes them; publish the version again")


def load_version(folder: Path, kb: KnowledgeBase | None = None) -> Version:
    """Open the published version in ``folder``; ``kb`` adds descriptions and QIDs to its entities."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise BolcorpusError(f"{folder}: no manifest.json, so not a published version; give a folder such as "
                             "processed/datasets/bolcorpus/0.1.0 (bolcorpus run publishes one)")
    if not list((folder / "documents").glob("*.parquet")):
        raise BolcorpusError(f"{folder / 'documents'}: no Parquet file; the version is incomplete, publish it again")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    known = kb.entities if kb else {}
    entities = {row["entity_id"]: {**row, **_kb_fields(known.get(row["entity_id"]))}
                for path in sorted((folder / "entities").glob("*.parquet")) for row in _stream(path)}
    return Version(folder, manifest, entities)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph of ``text``; together with the breaks they cover it."""
    spans, start = [], 0
    for m in PARAGRAPH_BREAK_RE.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


class _Groups:
    """The rows of a Parquet file, grouped by consecutive ``doc_id`` and taken in document order."""

    def __init__(self, path: Path) -> None:
        self._groups = groupby(_stream(path) if path.is_file() else iter(()), key=lambda row: row["doc_id"])
        self._next = next(self._groups, None)

    def take(self, doc_id: str) -> list[dict[str, Any]]:
        """The rows of ``doc_id`` if they come next, else none (a document without edits)."""
        if self._next is None or self._next[0] != doc_id:
            return []
        rows = list(self._next[1])
        self._next = next(self._groups, None)
        return rows

    @property
    def left(self) -> bool:
        return self._next is not None


def _stream(path: Path, batch_size: int = BATCH_ROWS) -> Iterator[dict[str, Any]]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size):
        yield from batch.to_pylist()


def _kb_fields(entity: KBEntity | None) -> dict[str, Any]:
    return {"description": entity.description, "qid": entity.qid} if entity else {"description": None, "qid": None}
