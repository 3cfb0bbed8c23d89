"""Publish: write an immutable dataset version that ``datasets.load_dataset`` loads offline.

The version is written to a temporary folder and renamed into place, so a crash leaves
either the old state or the complete new version. Every row is validated first: invalid
data is refused with a report and nothing is published. Publishing identical content
under an existing version does nothing; different content under it is refused.

A version folder holds the Parquet files of each config and split, ``README.md`` (the
dataset card), ``CHANGELOG.md`` (what changed from the previous version) and
``manifest.json`` (fingerprint, provenance, rows, per-document hashes, file sha256s).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from bolcorpus.config import StageConfig
from bolcorpus.document import Document
from bolcorpus.errors import PublishError
from bolcorpus.kb import KnowledgeBase
from bolcorpus.publishing.card import render_card
from bolcorpus.publishing.changelog import render_changelog
from bolcorpus.publishing.tables import write_tables
from bolcorpus.publishing.verify import MANIFEST, file_hashes
from bolcorpus.publishing.versions import previous
from bolcorpus.stages.base import Stage


class Publish(Stage):
    """Write the documents as a versioned Hugging Face–style dataset."""

    name = "publish"
    version = 2
    code = (*Stage.code, "bolcorpus.dataset", "bolcorpus.publishing")

    class Config(StageConfig):
        """``name``: dataset folder name. ``version``: semantic version to publish as.
        ``splits``: split names and the share of documents in each (they sum to 1); a
        document's split follows from its id, so changing these moves documents.
        ``annotations_license``: the licence of our annotations (the texts keep theirs).
        """

        name: str = Field("bolcorpus", pattern=r"^[A-Za-z0-9_.-]+$")
        version: str = Field("0.1.0", pattern=r"^\d+\.\d+\.\d+$")
        splits: dict[str, float] = Field(default_factory=lambda: {"train": 0.8, "validation": 0.1, "test": 0.1})
        annotations_license: str = "CC BY 4.0"

        @field_validator("splits")
        @classmethod
        def _shares(cls, splits: dict[str, float]) -> dict[str, float]:
            bad = [n for n in splits if not n.isidentifier()]
            if bad or not splits or any(s < 0 for s in splits.values()) or abs(sum(splits.values()) - 1) > 1e-9:
                raise ValueError("give split names (letters, digits, _) with shares >= 0 that sum to 1, "
                                 'such as {train = 0.8, validation = 0.1, test = 0.1}')
            return splits

    config: Config

    def process(self, items: Iterator[Document]) -> Iterator[Document]:
        return items

    def target(self, out: Path) -> Path:
        """The folder this version is published to."""
        return out / "datasets" / self.config.name / self.config.version

    def write(self, docs: Iterable[Document], out: Path, provenance: dict[str, Any],
              kb: KnowledgeBase | None = None) -> Path:
        """Publish ``docs``; returns the version folder. ``provenance`` must hold ``fingerprint``."""
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
            self._write_version(docs, tmp, final, provenance, kb)
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return final

    def _write_version(self, docs: Iterable[Document], tmp: Path, final: Path, provenance: dict[str, Any],
                       kb: KnowledgeBase | None) -> None:
        config = self.config
        written, validator = write_tables(self.run(docs), tmp, config.splits, kb)
        validator.check()
        inputs = {written.sources[d]["source_file"]: written.documents[d]["raw_sha256"] for d in written.documents}
        provenance = {**provenance, "inputs": dict(sorted(inputs.items()))}
        (tmp / "README.md").write_text(
            render_card(config.name, config.version, written, provenance, config.splits, config.annotations_license),
            encoding="utf-8")
        manifest = {"name": config.name, "version": config.version, **provenance,
                    "splits": config.splits, "rows": written.rows, "documents": written.documents}
        before = previous(final.parent, config.version)
        old = json.loads((final.parent / before / MANIFEST).read_text()) if before else None
        old_log = (final.parent / before / "CHANGELOG.md").read_text() if before else ""
        (tmp / "CHANGELOG.md").write_text(render_changelog(manifest, old, old_log), encoding="utf-8")
        manifest["files"] = file_hashes(tmp)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                    encoding="utf-8")

    def _check_same(self, final: Path, fingerprint: str) -> None:
        try:
            existing = json.loads((final / MANIFEST).read_text())["fingerprint"]
        except (OSError, ValueError, KeyError):
            existing = None
        if existing != fingerprint:
            raise PublishError(
                f"{final}: version {self.config.version} is already published with different content "
                "(published versions never change); publish under a new version: pass --bump patch|minor|major "
                "or --version, or set [publish] version in the config"
            )
