"""What a worker process does with one shard: run the stage, and note what each document gave.

The stage is built once per process and stage config (its spaCy model with it) and kept
for the shards that follow; only the shard's description (names, hashes, locators) is sent
to the worker, never a model. Stats, warnings and rejections are attributed to the
document that produced them, so that the per-document cache can sum them for any set of
documents later.

>>> from bolcorpus.config import NlpConfig
>>> from bolcorpus.stages.base import MapStage, replace
>>> class Upper(MapStage):
...     name = "upper"
...     def transform(self, doc):
...         self.stats["chars"] += len(doc.text)
...         return replace(doc, text=doc.text.upper())
>>> docs = [Document("a", "a.txt", "ab", "ab"), Document("b", "b.txt", "c", "c")]
>>> stage = Upper(Upper.Config(), NlpConfig())
>>> [(o.source_file, o.stats) for o in per_document(stage, docs, {"a.txt": "1", "b.txt": "2"})]
[('a.txt', {'chars': 2, 'in': 1, 'out': 1}), ('b.txt', {'chars': 1, 'in': 1, 'out': 1})]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from bolcorpus.config import NlpConfig, StageConfig
from bolcorpus.doccache import Locator, Output, RecordReader, write_part
from bolcorpus.document import Document
from bolcorpus.executors import document_done
from bolcorpus.registry import stages as stage_registry
from bolcorpus.stages.base import Stage
from bolcorpus.storage import fingerprint


class Item(NamedTuple):
    """A document on its way into a stage: its file name, input hash, size in bytes, and
    where it is (a raw file for ingest, an upstream output record after)."""

    source_file: str
    input_hash: str
    size: int
    source: Any


_STAGES: dict[str, Stage] = {}  # per process: a stage (and its model) is built once per worker


def run_shard(name: str, config: StageConfig, nlp: NlpConfig, items: list[Item], folder: str, part: str) -> int:
    """Run stage ``name`` on the shard's ``items`` and write its part file into ``folder``;
    returns the number of documents, each also reported as done (:func:`document_done`)."""
    key = fingerprint([name, config.model_dump(mode="json"), nlp.model_dump(mode="json")])
    stage = _STAGES.get(key)
    if stage is None:
        stage = _STAGES[key] = stage_registry.get(name)(config, nlp)
    stage.stats.clear()
    stage.rejected.clear()
    stage.warnings.clear()
    reader = RecordReader()
    try:
        inputs: Iterable[Any] = (
            (Document.from_dict(reader(it.source)) if isinstance(it.source, Locator) else it.source) for it in items
        )
        hashes = {it.source_file: it.input_hash for it in items}
        return write_part(Path(folder), part, _reported(per_document(stage, inputs, hashes)))
    finally:
        reader.close()
        stage.forget()


def per_document(stage: Stage, inputs: Iterable[Any], hashes: dict[str, str]) -> Iterator[Output]:
    """Run ``stage`` over ``inputs``; one :class:`Output` per input document, rejected or not.

    What the stage counts or warns about between two documents it yields belongs to the
    second (the stages update their stats just before they yield); a rejection counts for
    the rejected document. Each document counts once ``in`` (and once ``out`` if kept),
    whatever the read-ahead of ``nlp.pipe``.
    """
    seen: Counter[str] = Counter()
    n_warnings = n_rejected = 0
    pending: Output | None = None

    def since_last() -> tuple[Counter[str], list[str], list[Output]]:
        nonlocal seen, n_warnings, n_rejected
        delta, seen = stage.stats - seen, stage.stats.copy()
        warnings, n_warnings = stage.warnings[n_warnings:], len(stage.warnings)
        rejects, n_rejected = stage.rejected[n_rejected:], len(stage.rejected)
        outputs = []
        for record in rejects:
            meta = record.get("meta", {})
            reason, message = meta["drop_reason"], meta.get("drop_message", "")
            delta[f"dropped_{reason}"] -= 1
            if message in warnings:
                warnings.remove(message)
            source = record["source_file"]
            outputs.append(Output(source, hashes[source], None, {"in": 1, f"dropped_{reason}": 1}, [message], record))
        return delta, warnings, outputs

    def counted(delta: Counter[str]) -> dict[str, int]:
        return {**{k: v for k, v in sorted(delta.items()) if v > 0 and k not in ("in", "out")}, "in": 1, "out": 1}

    for doc in stage.run(inputs):
        delta, warnings, rejects = since_last()
        if pending is not None:
            yield pending
        yield from rejects
        pending = Output(doc.source_file, hashes[doc.source_file], doc.to_dict(), counted(delta), warnings, None)
    delta, warnings, rejects = since_last()
    if pending is not None:  # what the stage counted after its last document is that document's
        extra = Counter(pending.stats) + delta
        yield pending._replace(stats=counted(extra), warnings=pending.warnings + warnings)
    yield from rejects


def _reported(outputs: Iterable[Output]) -> Iterator[Output]:
    for output in outputs:
        document_done()
        yield output
