"""Entity evaluation on ``benchmarks/entities/dev.jsonl``: exact span-and-label match, linking.

Precision, recall and F1 per label and micro-averaged over PERSON, ORG, GPE, LOC, NORP,
DATE and EVENT (mentions with other labels are ignored on both sides). Linking accuracy
is measured over the gold mentions that have an ``entity_id`` and that the system found
with the exact span and label: the share whose predicted id is the gold id; every such
mention linked wrongly or left unlinked is listed. Each F1 and the linking accuracy carry
a 95% bootstrap interval over sentences (:mod:`bolcorpus.evaluate.intervals`), and each
document's sentences are predicted as one text (:func:`in_documents`).

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

import numpy as np

from bolcorpus.errors import ConfigError
from bolcorpus.evaluate.intervals import bootstrap_interval, f1_of, format_interval

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


def in_documents(predict: Predictor, docs: list[str], separator: str = "\n\n") -> Predictor:
    """``predict`` run on each document's sentences joined in order, as the stage runs on whole
    documents (an ambiguous alias such as "Paz" is resolved by the rest of the document); the
    mentions are split back into sentences, and one that spans two is dropped.

    >>> joined = in_documents(lambda texts: [[Mention(0, 3, "ORG", "mnr"), Mention(5, 8, "ORG", None)]
    ...                                     for _ in texts], ["d", "d"])
    >>> joined(["MNR", "COB"])
    [[Mention(start=0, end=3, label='ORG', entity_id='mnr')], [Mention(start=0, end=3, label='ORG', entity_id=None)]]
    """

    def predict_joined(texts: list[str]) -> list[list[Mention]]:
        groups: dict[str, list[int]] = {}
        for i, doc in enumerate(docs):
            groups.setdefault(doc, []).append(i)
        out: list[list[Mention]] = [[] for _ in texts]
        joined = {doc: separator.join(texts[i] for i in idx) for doc, idx in groups.items()}
        for idx, mentions in zip(groups.values(), predict(list(joined.values()))):
            offsets, at = [], 0
            for i in idx:
                offsets.append((i, at, at + len(texts[i])))
                at += len(texts[i]) + len(separator)
            for m in mentions:
                for i, start, end in offsets:
                    if start <= m.start and m.end <= end:
                        out[i].append(m._replace(start=m.start - start, end=m.end - start))
        return out

    return predict_joined


def evaluate_entities(gold: list[dict[str, Any]], predict: Predictor, labels: Iterable[str] = LABELS
                      ) -> dict[str, Any]:
    """Scores of ``predict`` against the gold sentences."""
    keep = sorted(set(labels))
    rows = []  # per sentence: (tp, fp, fn) of each label, then linked gold matched and linked right
    linking: Counter[str] = Counter()
    errors: Counter[tuple[str, str, str]] = Counter()
    confusion: Counter[tuple[str, str, str]] = Counter()
    for row, predicted in zip(gold, predict([g["text"] for g in gold])):
        truth = {(e["start"], e["end"], e["label"]): e["entity_id"] for e in row["entities"] if e["label"] in keep}
        found = {(m.start, m.end, m.label): m.entity_id for m in predicted if m.label in keep}
        counts = {label: [0, 0, 0] for label in keep}
        sentence_links = [0, 0]
        for key, entity_id in truth.items():
            mention = row["text"][key[0] : key[1]]
            if key not in found:
                counts[key[2]][2] += 1
                errors[("missed", mention, key[2])] += 1
                continue
            counts[key[2]][0] += 1
            if entity_id:
                sentence_links[0] += 1
                sentence_links[1] += found[key] == entity_id
                linking["linked"] += found[key] is not None
            if found[key] != entity_id:  # a wrong link, or a missing one
                linking["wrong"] += found[key] is not None
                confusion[(mention, entity_id or "(none)", found[key] or "(unlinked)")] += 1
        for key in found.keys() - truth.keys():
            counts[key[2]][1] += 1
            errors[("spurious", row["text"][key[0] : key[1]], key[2])] += 1
        rows.append([n for label in keep for n in counts[label]] + sentence_links)
    table = np.asarray(rows, dtype=float).reshape(len(rows), 3 * len(keep) + 2)
    per_label = {label: _prf(table[:, 3 * i : 3 * i + 3]) for i, label in enumerate(keep)}
    overall = table[:, : 3 * len(keep)].reshape(len(rows), len(keep), 3).sum(axis=1)
    links = table[:, 3 * len(keep) :]
    n_gold = int(links[:, 0].sum())
    return {
        "sentences": len(gold),
        "per_label": per_label,
        "overall": _prf(overall),
        "linking": {"gold_linked_matched": n_gold,
                    "accuracy": float(links[:, 1].sum()) / n_gold if n_gold else 0.0,
                    "accuracy_95": bootstrap_interval(links, _share),
                    "coverage": linking["linked"] / n_gold if n_gold else 0.0,
                    "wrong_links": linking["wrong"]},
        "wrong_links": [{"text": t, "gold": g, "predicted": p, "count": n}
                        for (t, g, p), n in sorted(confusion.items(), key=lambda x: (-x[1], x[0]))],
        "errors": [{"kind": k, "text": t, "label": lab, "count": n} for (k, t, lab), n in errors.most_common(15)],
    }


def run_entity_evaluation(root: Path, systems: Mapping[str, Predictor], gold: Path = DEV) -> dict[str, Any]:
    """Every system on the annotated sentences of ``gold`` (relative to ``root``), each
    document's sentences in one text (:func:`in_documents`)."""
    rows = read_gold(root / gold)
    docs = [row.get("doc") or row["id"] for row in rows]
    return {"gold": str(gold), "systems": {name: evaluate_entities(rows, in_documents(predict, docs))
                                           for name, predict in systems.items()}}


def read_gold(path: Path) -> list[dict[str, Any]]:
    """The annotated sentences of a JSON-lines file, or a :class:`ConfigError` naming it."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such file; give annotated sentences as JSON lines (--gold)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def format_entity_report(report: Mapping[str, Any]) -> str:
    """Markdown: a summary line per system, per-label tables with 95 % intervals, and the last
    system's wrong links and most frequent errors."""
    systems = report["systems"]
    lines = [f"## Entity evaluation ({report['gold']}, exact span and label)", "",
             "F1 and linking accuracy with 95 % percentile-bootstrap intervals over sentences "
             "(1000 resamples, seed 0).", "",
             "| system | P | R | F1 (target ≥ 0.93) | linking accuracy (target ≥ 0.97) "
             "| linking coverage | wrong links |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in systems.items():
        o, link = r["overall"], r["linking"]
        lines.append(f"| {name} | {o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} "
                     f"{format_interval(o['f1_95'])} | {link['accuracy']:.3f} {format_interval(link['accuracy_95'])} "
                     f"| {link['coverage']:.3f} | {link['wrong_links']} |")
    names = list(systems)
    lines += ["", "| label | support | " + " | ".join(f"{n} P / R / F1 (95 %)" for n in names) + " |",
              "| --- | ---: | " + " | ".join("---:" for _ in names) + " |"]
    for label, row in systems[names[0]]["per_label"].items():
        cells = [f"{c['precision']:.2f} / {c['recall']:.2f} / {c['f1']:.2f} {format_interval(c['f1_95'])}"
                 for c in (systems[n]["per_label"][label] for n in names)]
        lines.append(f"| {label} | {row['support']} | " + " | ".join(cells) + " |")
    last = systems[names[-1]]
    lines += ["", f"Wrong and missing links of {names[-1]} (mentions found with the right span and label):", ""]
    if last["wrong_links"]:
        lines += ["| mention | annotated id | linked to | count |", "| --- | --- | --- | ---: |"]
        lines += [f"| {w['text']} | {w['gold']} | {w['predicted']} | {w['count']} |" for w in last["wrong_links"]]
    else:
        lines.append("none.")
    lines += ["", f"Most frequent errors of {names[-1]}:", ""]
    lines += [f"- {e['kind']} {e['label']} “{e['text']}” ×{e['count']}" for e in last["errors"]]
    return "\n".join(lines)


def _prf(rows: np.ndarray) -> dict[str, Any]:
    """Precision, recall, F1 (with its 95 % bootstrap interval over sentences) and support of
    per-sentence (tp, fp, fn) rows."""
    tp, fp, fn = (int(x) for x in rows.sum(axis=0))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": precision, "recall": recall, "f1": f1_of(rows.sum(axis=0)),
            "f1_95": bootstrap_interval(rows, f1_of),
            "support": tp + fn}


def _share(counts: np.ndarray) -> float:
    return float(counts[1] / counts[0]) if counts[0] else 0.0
