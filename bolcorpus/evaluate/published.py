"""Entities as published: a dataset version's ``sentences`` scored against annotated sentences.

The figures of ``bolcorpus evaluate entities`` come from running the stage on the annotated
sentences. What users load is the published dataset, whose sentences come from the repair
and segmentation of whole documents; this scores those. An annotated sentence counts where
the published dataset holds a sentence with exactly its text (the rest were repaired or
segmented otherwise, and are left out, and counted).

>>> published = {"Torres met Ovando.": [Mention(0, 6, "PERSON", "juan_jose_torres")]}
>>> gold = [{"id": "a", "text": "Torres met Ovando.", "entities": []}, {"id": "b", "text": "Other.", "entities": []}]
>>> [row["id"] for row in found_verbatim(gold, published)]
['a']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bolcorpus.errors import ConfigError
from bolcorpus.evaluate.entities import DEV, Mention, evaluate_entities, read_gold


def published_mentions(dataset: Path) -> dict[str, list[Mention]]:
    """The entity mentions of each sentence text of a published version's ``sentences`` config."""
    import pyarrow.parquet as pq

    files = sorted((dataset / "sentences").glob("*.parquet"))
    if not files:
        raise ConfigError(f"{dataset}: no sentences/*.parquet; give a published version folder "
                          "(processed/datasets/bolcorpus/<version>)")
    mentions: dict[str, list[Mention]] = {}
    for path in files:
        for row in pq.read_table(path, columns=["text", "entities"]).to_pylist():
            mentions.setdefault(row["text"], [Mention(e["start"], e["end"], e["label"], e["entity_id"] or None)
                                              for e in row["entities"]])
    return mentions


def found_verbatim(gold: list[dict[str, Any]], published: Mapping[str, list[Mention]]) -> list[dict[str, Any]]:
    """The annotated sentences whose exact text is a published sentence."""
    return [row for row in gold if row["text"] in published]


def run_published_evaluation(root: Path, dataset: Path, gold: Path = DEV) -> dict[str, Any]:
    """The published version's mentions on the annotated sentences it holds verbatim."""
    rows = read_gold(root / gold)
    published = published_mentions(dataset)
    kept = found_verbatim(rows, published)
    report = evaluate_entities(kept, lambda texts: [published[t] for t in texts])
    return {"gold": f"{gold}: the {len(kept)} of {len(rows)} sentences found verbatim in {dataset}",
            "systems": {f"published {dataset.name}": report}}
