"""Entity evaluation on ``benchmarks/entities/dev.jsonl``: exact span-and-label match, linking.

Precision, recall and F1 per label and micro-averaged over PERSON, ORG, GPE, LOC, NORP,
DATE and EVENT (mentions with other labels are ignored on both sides). Linking accuracy
is measured over the gold mentions that have an ``entity_id`` and that the system found
with the exact span and label: the share whose predicted id is the gold id.

>>> gold = [{"id": "x", "text": "Torres met Ovando.", "entities": [
...     {"start": 0, "end": 6, "label": "PERSON", "entity_id": "torres"},
...     {"start": 11, "end": 17, "label": "PERSON", "entity_id": "ovando"}]}]
>>> report = evaluate_entities(gold, lambda texts: [[Mention(0, 6, "PERSON", "torres"), Mention(11, 17, "ORG", None)]])
>>> report["overall"]["f1"], report["linking"]["accuracy"]
(0.5, 1.0)
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT")
DEV = Path("benchmarks/entities/dev.jsonl")


class Mention(NamedTuple):
    """A predicted or gold mention: character offsets, OntoNotes label, knowledge-base id."""

    start: int
    end: int
    label: str
    entity_id: str | None


Predictor = Callable[[list[str]], list[list[Mention]]]


def spacy_predictor(nlp: Any, batch_size: int = 64) -> Predictor:
    """A predictor from any spaCy pipeline (``ent.kb_id_`` is the knowledge-base id, if any)."""

    def predict(texts: list[str]) -> list[list[Mention]]:
        return [[Mention(e.start_char, e.end_char, e.label_, e.kb_id_ or None) for e in doc.ents]
                for doc in nlp.pipe(texts, batch_size=batch_size)]

    return predict


def evaluate_entities(gold: list[dict[str, Any]], predict: Predictor, labels: Iterable[str] = LABELS
                      ) -> dict[str, Any]:
    """Scores of ``predict`` against the gold sentences."""
    keep = set(labels)
    counts = {label: Counter() for label in keep}  # type: ignore[var-annotated]
    linking: Counter[str] = Counter()
    errors: Counter[tuple[str, str, str]] = Counter()
    for row, predicted in zip(gold, predict([g["text"] for g in gold])):
        truth = {(e["start"], e["end"], e["label"]): e["entity_id"] for e in row["entities"] if e["label"] in keep}
        found = {(m.start, m.end, m.label): m.entity_id for m in predicted if m.label in keep}
        for key, entity_id in truth.items():
            if key in found:
                counts[key[2]]["tp"] += 1
                if entity_id:
                    linking["gold"] += 1
                    linking["correct"] += found[key] == entity_id
                    linking["linked"] += found[key] is not None
                linking["wrong"] += found[key] is not None and found[key] != entity_id
            else:
                counts[key[2]]["fn"] += 1
                errors[("missed", row["text"][key[0] : key[1]], key[2])] += 1
        for key in found.keys() - truth.keys():
            counts[key[2]]["fp"] += 1
            errors[("spurious", row["text"][key[0] : key[1]], key[2])] += 1
    per_label = {label: _prf(counts[label]) for label in sorted(keep)}
    total = sum((counts[label] for label in keep), Counter())
    return {
        "sentences": len(gold),
        "per_label": per_label,
        "overall": _prf(total),
        "linking": {"gold_linked_matched": linking["gold"],
                    "accuracy": linking["correct"] / linking["gold"] if linking["gold"] else 0.0,
                    "coverage": linking["linked"] / linking["gold"] if linking["gold"] else 0.0,
                    "wrong_links": linking["wrong"]},
        "errors": [{"kind": k, "text": t, "label": lab, "count": n} for (k, t, lab), n in errors.most_common(15)],
    }


def run_entity_evaluation(root: Path, systems: Mapping[str, Predictor]) -> dict[str, Any]:
    """Every system on the development set."""
    gold = [json.loads(line) for line in (root / DEV).read_text(encoding="utf-8").splitlines() if line.strip()]
    return {"systems": {name: evaluate_entities(gold, predict) for name, predict in systems.items()}}


def format_entity_report(report: Mapping[str, Any]) -> str:
    """Markdown: a summary line per system, per-label tables, and the last system's errors."""
    systems = report["systems"]
    lines = ["## Entity evaluation (benchmarks/entities/dev.jsonl, exact span and label)", "",
             "| system | P | R | F1 (target ≥ 0.90) | linking accuracy (target ≥ 0.95) "
             "| linking coverage | wrong links |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in systems.items():
        o, link = r["overall"], r["linking"]
        lines.append(f"| {name} | {o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} | "
                     f"{link['accuracy']:.3f} | {link['coverage']:.3f} | {link['wrong_links']} |")
    names = list(systems)
    lines += ["", "| label | support | " + " | ".join(f"{n} P / R / F1" for n in names) + " |",
              "| --- | ---: | " + " | ".join("---:" for _ in names) + " |"]
    for label, row in systems[names[0]]["per_label"].items():
        cells = [" / ".join(f"{systems[n]['per_label'][label][k]:.2f}" for k in ("precision", "recall", "f1"))
                 for n in names]
        lines.append(f"| {label} | {row['support']} | " + " | ".join(cells) + " |")
    lines += ["", f"Most frequent errors of {names[-1]}:", ""]
    lines += [f"- {e['kind']} {e['label']} “{e['text']}” ×{e['count']}" for e in systems[names[-1]]["errors"]]
    return "\n".join(lines)


def _prf(c: Counter[str]) -> dict[str, Any]:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
