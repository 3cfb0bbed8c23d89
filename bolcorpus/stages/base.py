"""The stage contract: documents in, documents out; the base class owns the loop.

A subclass sets ``name`` and ``version`` (bump it when its behaviour changes: it is part
of the cache key), declares its ``Config``, and implements one hook: ``transform(doc)``
for a document-at-a-time stage (:class:`MapStage`) or ``process(docs)`` for a stage that
streams batches through spaCy. Counting, errors and rejects are handled here: a
document whose ``transform`` raises is rejected with the reason and the rest go on.

>>> class Upper(MapStage):
...     name = "upper"
...     def transform(self, doc):
...         return replace(doc, text=doc.text.upper())
>>> from bolcorpus.config import NlpConfig
>>> stage = Upper(Upper.Config(), NlpConfig())
>>> [d.text for d in stage.run([Document("a", "a.txt", "x", "x")])], dict(stage.stats)
(['X'], {'in': 1, 'out': 1})
"""

from __future__ import annotations

import abc
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from bolcorpus.config import NlpConfig, StageConfig
from bolcorpus.document import Document

__all__ = ["MapStage", "Stage", "replace"]


class Stage(abc.ABC):
    """A named, versioned, configurable step over a stream of documents."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    # Modules (or packages) whose source is part of the cache key, besides the stage's own.
    code: ClassVar[tuple[str, ...]] = ("bolcorpus.document", "bolcorpus.stages.base")

    class Config(StageConfig):
        pass

    def __init__(self, config: StageConfig, nlp: NlpConfig) -> None:
        self.config = config
        self.nlp_config = nlp
        self.stats: Counter[str] = Counter()
        self.rejected: list[dict[str, Any]] = []
        self.warnings: list[str] = []

    @classmethod  # noqa: B027 (an optional hook, empty by default)
    def check_config(cls, config: StageConfig, path: Path) -> None:
        """Check what the field types cannot (names that must be registered, …)."""

    def fingerprint(self) -> dict[str, Any]:
        """What besides config and code decides the output (resource file hashes, …)."""
        return {}

    def forget(self) -> None:  # noqa: B027 (an optional hook, empty by default)
        """Drop what the stage memoised for the documents it has seen (the runner calls this
        after each shard, so that a worker's memory does not grow with the corpus)."""

    def run(self, items: Iterable[Any]) -> Iterator[Document]:
        """Process ``items``, counting documents in and out."""
        for doc in self.process(self._counted(items)):
            self.stats["out"] += 1
            yield doc

    @abc.abstractmethod
    def process(self, items: Iterator[Any]) -> Iterator[Document]:
        """Yield the processed documents (the hook for streaming stages)."""

    def reject(self, item: Document | dict[str, Any], reason: str, message: str) -> None:
        """Keep a dropped item, with why (``meta["drop_reason"]`` and ``drop_message``), and tell the user."""
        record = item.to_dict() if isinstance(item, Document) else dict(item)
        record.setdefault("meta", {}).update(drop_reason=reason, drop_message=message)
        self.rejected.append(record)
        self.stats[f"dropped_{reason}"] += 1
        self.warnings.append(message)

    def _counted(self, items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            self.stats["in"] += 1
            yield item


class MapStage(Stage):
    """A stage that transforms one document at a time."""

    @abc.abstractmethod
    def transform(self, doc: Document) -> Document:
        """Return the processed copy of ``doc``."""

    def process(self, items: Iterator[Any]) -> Iterator[Document]:
        for doc in items:
            try:
                yield self.transform(doc)
            except Exception as e:  # one bad document must not stop the corpus
                self.reject(doc, "error", f"{doc.source_file}: {self.name} failed ({type(e).__name__}: {e}); "
                            "the document was set aside in rejected.jsonl — please report this as a bug")
