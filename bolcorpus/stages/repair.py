"""Repair: fix encoding and OCR damage, logging every edit against the raw text."""

from __future__ import annotations

from pathlib import Path

from bolcorpus.document import Document
from bolcorpus.errors import BolcorpusError, ConfigError
from bolcorpus.repair import RepairConfig, build_rules, repair
from bolcorpus.stages.base import MapStage, replace


class Repair(MapStage):
    """Apply the configured repair rules to each document's raw text."""

    name = "repair"
    version = 1
    Config = RepairConfig  # type: ignore[assignment]  # the library config is the stage config
    config: RepairConfig

    @classmethod
    def check_config(cls, config: RepairConfig, path: Path) -> None:  # type: ignore[override]
        try:
            build_rules(config)
        except BolcorpusError as e:  # a bad option, or a rule name not registered
            raise ConfigError(f"{path}: {e}") from None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rules = build_rules(self.config)

    def transform(self, doc: Document) -> Document:
        result = repair(doc.raw_text, self._rules, max_passes=self.config.max_passes)
        self.stats["edits"] += len(result.edits)
        return replace(doc, text=result.text, edits=result.edits)
