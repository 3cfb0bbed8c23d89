"""Entities on text nobody here has read: the stage on Overproof dev (1842–1954 newspapers).

The knowledge base was written for five texts on 20th-century Bolivia; on old Australian
and American newspapers almost no alias should fire. This harness repairs each Overproof
dev article (its chunks joined in order) with the config's ``[repair]``, runs the
``[entities]`` stage on it, and counts the knowledge-base links per entity id. The data is
read at run time from ``<root>/../shared/benchmarks/overproof-dev/`` (research licence:
never copied into the repository); without it the report says it was skipped.

``benchmarks/entities/unseen_newspapers_sample.jsonl`` holds hand judgements of 100 of the
stage's mentions (offsets, labels and ids only; see the README there). Each judged
mention gives the right label and id for its span (``null``: not an entity, or not a KB
entity), so the stage's current output at those spans can be scored again after a change.

>>> judged = [{"doc": "d", "start": 0, "end": 5, "gold_label": "LOC", "gold_entity_id": None}]
>>> score_sample(judged, {("d", 0, 5): ("PERSON", "juan_jose_torres")})
{'judged': 1, 'output': 1, 'correct': 0, 'links': 1, 'correct_links': 0}
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bolcorpus.document import Document

OVERPROOF_DEV = Path("shared/benchmarks/overproof-dev/overproof-combined_dev.parquet")  # beside the root
SAMPLE = Path("benchmarks/entities/unseen_newspapers_sample.jsonl")
Output = Mapping[tuple[str, int, int], tuple[str, str | None]]  # (doc, start, end) -> (label, entity id)


def read_articles(root: Path, notes: list[str]) -> list[Document] | None:
    """The Overproof dev articles (chunks joined in order, unrepaired), or None with a note."""
    path = Path(root).resolve().parent / OVERPROOF_DEV
    if not path.is_file():
        notes.append(f"skipped: missing {path} (the Overproof dev split, read at run time, never copied here)")
        return None
    import pyarrow.parquet as pq

    rows = pq.read_table(path, columns=["document_id", "chunk_idx", "ocr_text"]).to_pylist()
    chunks: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        chunks.setdefault(str(row["document_id"]), []).append((row["chunk_idx"], row["ocr_text"]))
    docs = []
    for doc_id, parts in sorted(chunks.items()):
        text = "\n".join(t for _, t in sorted(parts))
        docs.append(Document(id=f"overproof-dev-{doc_id}", source_file=path.name, raw_text=text, text=text))
    return docs


def tag_articles(docs: Iterable[Document], config: Path) -> list[Document]:
    """Repair each article with the config's ``[repair]`` and run its ``[entities]`` stage."""
    from bolcorpus import repair_text
    from bolcorpus.config import load_config
    from bolcorpus.stages.entities import Entities

    settings = load_config(config, stages=("repair", "entities"))
    repair, entities = settings.stage_configs["repair"], settings.stage_configs["entities"]
    repaired = [Document(id=d.id, source_file=d.source_file, raw_text=d.raw_text,
                         text=repair_text(d.raw_text, repair).text) for d in docs]  # type: ignore[arg-type]
    return list(Entities(entities, settings.nlp).run(repaired))


def draw_sample(mentions: list[dict[str, Any]], size: int = 100, seed: int = 15) -> list[dict[str, Any]]:
    """Every linked mention first, then others at random (``random.Random(seed)``), in
    (doc, start) order.

    >>> ms = [{"doc": "d", "start": i, "entity_id": "x" if i == 3 else None} for i in range(5)]
    >>> [m["start"] for m in draw_sample(ms, size=2)]
    [1, 3]
    """
    import random

    ordered = sorted(mentions, key=lambda m: (m["doc"], m["start"]))
    linked = [m for m in ordered if m["entity_id"]]
    others = [m for m in ordered if not m["entity_id"]]
    chosen = linked + random.Random(seed).sample(others, max(0, min(size - len(linked), len(others))))
    return sorted(chosen, key=lambda m: (m["doc"], m["start"]))


def score_sample(judged: Iterable[Mapping[str, Any]], output: Output) -> dict[str, int]:
    """How many judged spans the stage still outputs, how many with the right label and id,
    and how many of those it links, rightly."""
    counts: Counter[str] = Counter()
    for item in judged:
        counts["judged"] += 1
        found = output.get((item["doc"], item["start"], item["end"]))
        if found is None:
            continue
        label, entity_id = found
        right = label == item["gold_label"] and entity_id == item["gold_entity_id"]
        counts["output"] += 1
        counts["correct"] += right
        counts["links"] += entity_id is not None
        counts["correct_links"] += entity_id is not None and entity_id == item["gold_entity_id"]
    return {k: counts[k] for k in ("judged", "output", "correct", "links", "correct_links")}


def run_foreign_evaluation(root: Path, config: Path) -> dict[str, Any]:
    """Links per entity id on Overproof dev, and the judged sample scored again."""
    notes: list[str] = []
    docs = read_articles(root, notes)
    if docs is None:
        return {"notes": notes}
    tagged = tag_articles(docs, config)
    output = {(d.id, e.start, e.end): (e.label, e.entity_id) for d in tagged for e in d.entities}
    sample_path = Path(root) / SAMPLE
    judged = [json.loads(line) for line in sample_path.read_text(encoding="utf-8").splitlines() if line.strip()
              ] if sample_path.is_file() else []
    known = {(j["doc"], j["start"], j["end"]) for j in judged}
    links = Counter(e.entity_id for d in tagged for e in d.entities if e.entity_id)
    unjudged = [{"doc": d.id, "start": e.start, "end": e.end, "text": e.text, "entity_id": e.entity_id}
                for d in tagged for e in d.entities if e.entity_id and (d.id, e.start, e.end) not in known]
    return {"notes": notes, "articles": len(tagged), "chars": sum(len(d.text) for d in tagged),
            "entities": len(output), "links": dict(links.most_common()), "sample": score_sample(judged, output),
            "unjudged_links": unjudged}


def format_foreign_report(report: Mapping[str, Any]) -> str:
    """Markdown: links per entity id, then the judged sample's precision."""
    lines = ["## Entities on Overproof dev (1842–1954 newspapers, never annotated here)", ""]
    lines += [f"- {note}" for note in report["notes"]]
    if "articles" not in report:
        return "\n".join(lines)
    links = report["links"]
    lines += [f"{report['articles']} articles, {report['chars']:,} characters after repair: "
              f"{report['entities']} mentions, {sum(links.values())} linked to the knowledge base.", "",
              "| entity id | links |", "| --- | ---: |"]
    lines += [f"| {eid} | {n} |" for eid, n in links.items()]
    s = report["sample"]
    if s["judged"]:
        lines += ["", f"Judged sample ({SAMPLE}): {s['judged']} mentions, {s['output']} still output; "
                  f"right span, label and id: {s['correct']} / {s['output']} "
                  f"({s['correct'] / max(s['output'], 1):.2f}); right links: {s['correct_links']} / {s['links']} "
                  f"({s['correct_links'] / max(s['links'], 1):.2f})."]
    lines += [f"- not judged: {u['doc']} {u['start']}–{u['end']} “{u['text']}” → {u['entity_id']}"
              for u in report["unjudged_links"]]
    return "\n".join(lines)
