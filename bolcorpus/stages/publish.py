"""Publish: write an immutable dataset version that ``datasets.load_dataset`` loads offline.

The version is written to a temporary folder and renamed into place, so a crash leaves
either the old state or the complete new version. Publishing identical content under an
existing version does nothing; different content under it is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import Field

from bolcorpus.card import render_card
from bolcorpus.config import StageConfig
from bolcorpus.dataset import SCHEMAS, EntityIndex, document_row, edit_rows, sentence_rows
from bolcorpus.document import Document
from bolcorpus.errors import PublishError
from bolcorpus.kb import KnowledgeBase
from bolcorpus.stages.base import Stage

BATCH_DOCS = 256  # documents per Parquet row group: bounds memory on large corpora


class Publish(Stage):
    """Write the documents as a versioned Hugging Face–style dataset."""

    name = "publish"
    version = 1
    code = (*Stage.code, "bolcorpus.dataset", "bolcorpus.card")

    class Config(StageConfig):
        """``name``: dataset folder name. ``version``: semantic version to publish as."""

        name: str = Field("bolcorpus", pattern=r"^[A-Za-z0-9_.-]+$")
        version: str = Field("0.1.0", pattern=r"^\d+\.\d+\.\d+$")

    config: Config

    def process(self, items: Iterator[Document]) -> Iterator[Document]:
        return items

    def target(self, out: Path) -> Path:
        """The folder this version is published to."""
        return out / "datasets" / self.config.name / self.config.version

    def write(self, docs: Iterable[Document], out: Path, provenance: dict[str, Any],
              kb: KnowledgeBase | None = None) -> Path:
        """Publish ``docs``; returns the version folder. ``provenance`` must hold ``fingerprint``.

        A config with no rows is left out (``datasets`` cannot load an empty Parquet file).
        """
        final = self.target(out)
        if final.exists():
            self._check_same(final, provenance["fingerprint"])
            self.stats["already_published"] += 1
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        for stale in final.parent.glob(".tmp-*"):  # left by a crash; never trusted
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{self.config.version}-", dir=final.parent))
        try:
            counts, stats, inputs = self._write_tables(self.run(docs), tmp, EntityIndex(kb))
            provenance = {**provenance, "inputs": inputs}
            sizes = {c: sum(f.stat().st_size for f in (tmp / c).glob("*.parquet")) for c in counts}
            card = render_card(self.config.name, self.config.version, counts, sizes, stats, provenance)
            (tmp / "README.md").write_text(card, encoding="utf-8")
            files = {str(p.relative_to(tmp)): _sha256(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
            manifest = {"name": self.config.name, "version": self.config.version, "counts": counts,
                        **provenance, "files": files}
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return final

    def _check_same(self, final: Path, fingerprint: str) -> None:
        try:
            existing = json.loads((final / "manifest.json").read_text())["fingerprint"]
        except (OSError, ValueError, KeyError):
            existing = None
        if existing != fingerprint:
            raise PublishError(
                f"{final}: version {self.config.version} is already published with different content "
                "(published versions never change); publish under a new version: set [publish] version "
                "in the config or pass --version"
            )

    def _write_tables(
        self, docs: Iterable[Document], tmp: Path, index: EntityIndex
    ) -> tuple[dict[str, int], dict[str, Any], dict[str, str]]:
        writers = {}
        for config, schema in SCHEMAS.items():
            (tmp / config).mkdir()
            writers[config] = pq.ParquetWriter(tmp / config / "train-00000-of-00001.parquet", schema)
        counts: Counter[str] = Counter()
        stats: Counter[str] = Counter()
        inputs = {}
        buffers: dict[str, list[dict[str, Any]]] = {c: [] for c in SCHEMAS}

        def flush() -> None:
            for config, rows in buffers.items():
                if rows and config != "entities":
                    writers[config].write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[config]))
                    counts[config] += len(rows)
                    rows.clear()

        for n, doc in enumerate(docs, start=1):
            buffers["documents"].append(document_row(doc))
            buffers["sentences"].extend(sentence_rows(doc))
            buffers["edits"].extend(edit_rows(doc))
            index.add(doc)
            inputs[doc.source_file] = doc.meta.get("sha256", "")
            stats["words (repaired text)"] += len(doc.text.split())
            stats.update(Counter(f"entities: {e.label}" for e in doc.entities))
            stats.update(Counter(f"stance: {s.target} {s.label}" for s in doc.stance))
            stats.update(Counter(f"edits: {e.rule}" for e in doc.edits))
            if n % BATCH_DOCS == 0:
                flush()
        flush()
        entity_rows = index.rows()
        writers["entities"].write_table(pa.Table.from_pylist(entity_rows, schema=SCHEMAS["entities"]))
        counts["entities"] = len(entity_rows)
        for config, writer in writers.items():
            writer.close()
            if not counts[config]:
                shutil.rmtree(tmp / config)
        summary = {"documents": counts["documents"], "sentences": counts["sentences"], **dict(sorted(stats.items()))}
        return {c: counts[c] for c in SCHEMAS}, summary, dict(sorted(inputs.items()))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
