"""Stream documents into the Parquet files of a dataset version, validating every row.

Each config gets one file per split, ``<config>/<split>-00000-of-00001.parquet``, or
several (``-00000-of-00003`` …) where a split's file would pass :data:`MAX_FILE_BYTES`, as
the Hub expects of large datasets; a document's rows all go to its split (see
:mod:`bolcorpus.publishing.splits`). The
``entities`` config indexes the knowledge base over the whole corpus, so it has one
split, ``train``. Nothing here is final: the publish stage writes into a temporary folder
and renames it into place only when the tables, card and manifest are complete.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from bolcorpus.dataset import ENTITY_LABELS, SCHEMAS, STANCE_LABELS, EntityIndex, document_row, edit_rows, sentence_rows
from bolcorpus.document import Document
from bolcorpus.kb import KnowledgeBase
from bolcorpus.publishing.splits import assign_split
from bolcorpus.publishing.validate import Validator
from bolcorpus.storage import fingerprint

BATCH_DOCS = 256  # documents per Parquet row group: bounds memory on large corpora
MAX_FILE_BYTES = 256_000_000  # a split's file is cut after this size: the Hub and `datasets` handle files this big
INDEX_SPLIT = "train"  # the one split of the corpus-wide entities config
SOURCE_FIELDS = ("title", "authors", "publication", "issue", "year", "url", "translated_from", "rights", "license")


@dataclass
class Statistics:
    """Counts for the dataset card, gathered while the tables are written."""

    per_split: Counter[tuple[str, str]] = field(default_factory=Counter)  # (documents|sentences|words, split)
    entity_types: Counter[str] = field(default_factory=Counter)
    linked: int = 0  # entity mentions linked to the knowledge base
    stance: Counter[tuple[str, str]] = field(default_factory=Counter)  # (target, label), the author's own
    reported: int = 0  # stance records of someone else (holder set)
    edit_rules: Counter[str] = field(default_factory=Counter)
    damage_raw: Counter[str] = field(default_factory=Counter)  # damage indicator → count in the raw text
    damage_repaired: Counter[str] = field(default_factory=Counter)

    def add(self, doc: Document, split: str) -> None:
        self.per_split.update({("documents", split): 1, ("sentences", split): len(doc.sentences),
                               ("words", split): len(doc.text.split())})
        self.entity_types.update(e.label for e in doc.entities)
        self.linked += sum(1 for e in doc.entities if e.entity_id)
        self.stance.update((s.target, s.label) for s in doc.stance if not s.holder)
        self.reported += sum(1 for s in doc.stance if s.holder)
        self.edit_rules.update(e.rule for e in doc.edits)
        for item in doc.meta.get("damage", []):
            self.damage_raw[item["indicator"]] += item["raw"]
            self.damage_repaired[item["indicator"]] += item["repaired"]


@dataclass
class Written:
    """What was written: rows and bytes per config and split, statistics, per-document facts."""

    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    bytes: dict[str, dict[str, int]] = field(default_factory=dict)
    stats: Statistics = field(default_factory=Statistics)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc_id → split, hashes
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc_id → manifest metadata


def write_tables(docs: Iterable[Document], folder: Path, splits: Mapping[str, float],
                 kb: KnowledgeBase | None, *, max_file_bytes: int = MAX_FILE_BYTES) -> tuple[Written, Validator]:
    """Write every config of ``docs`` under ``folder``; the validator holds any problems found."""
    validator = Validator(stance_labels=STANCE_LABELS, entity_labels=ENTITY_LABELS)
    written = Written()
    files = ParquetFiles(folder, max_file_bytes)
    buffers: dict[tuple[str, str], list[dict[str, Any]]] = {}
    index = EntityIndex(kb)

    def add(config: str, split: str, row: dict[str, Any]) -> None:
        buffers.setdefault((config, split), []).append(row)

    def flush() -> None:
        for (config, split), rows in buffers.items():
            if rows:
                files.write(config, split, pa.Table.from_pylist(rows, schema=SCHEMAS[config]))
                written.rows.setdefault(config, Counter())[split] += len(rows)
                rows.clear()

    for n, doc in enumerate(docs, start=1):
        split = assign_split(doc.id, splits)
        row = document_row(doc)
        validator.document(row)
        add("documents", split, row)
        for sentence in sentence_rows(doc):
            validator.sentence(sentence)
            add("sentences", split, sentence)
        for edit in edit_rows(doc):
            validator.edit(edit)
            add("edits", split, edit)
        index.add(doc)
        written.stats.add(doc, split)
        written.documents[doc.id] = {"split": split, "raw_sha256": doc.meta.get("sha256", ""),
                                     "content": fingerprint(doc.to_dict())}
        written.sources[doc.id] = {k: doc.meta.get(k) for k in SOURCE_FIELDS} | {"source_file": doc.source_file}
        if n % BATCH_DOCS == 0:
            flush()
    for row in index.rows():
        add("entities", INDEX_SPLIT, row)
    flush()
    for (config, split), size in files.close().items():
        written.bytes.setdefault(config, {})[split] = size
    written.rows = {c: dict(sorted(written.rows[c].items())) for c in SCHEMAS if c in written.rows}
    return written, validator


class ParquetFiles:
    """The Parquet files of each config and split, cut into several past ``max_bytes``.

    Files are written as ``<split>-<n>.parquet.tmp`` and renamed to their Hub names
    (``<split>-00000-of-00002.parquet``) by :meth:`close`, once their number is known.
    """

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder, self.max_bytes = folder, max_bytes
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        self.paths: dict[tuple[str, str], list[Path]] = {}

    def write(self, config: str, split: str, table: pa.Table) -> None:
        key = (config, split)
        if key in self.writers and self.paths[key][-1].stat().st_size >= self.max_bytes:
            self.writers.pop(key).close()
        if key not in self.writers:
            (self.folder / config).mkdir(exist_ok=True)
            paths = self.paths.setdefault(key, [])
            paths.append(self.folder / config / f"{split}-{len(paths):05d}.parquet.tmp")
            self.writers[key] = pq.ParquetWriter(paths[-1], table.schema)
        self.writers[key].write_table(table)

    def close(self) -> dict[tuple[str, str], int]:
        """Close and name every file; the bytes of each config and split."""
        for writer in self.writers.values():
            writer.close()
        sizes = {}
        for (config, split), paths in self.paths.items():
            sizes[config, split] = 0
            for n, path in enumerate(paths):
                sizes[config, split] += path.stat().st_size
                path.rename(path.with_name(f"{split}-{n:05d}-of-{len(paths):05d}.parquet"))
        return sizes
