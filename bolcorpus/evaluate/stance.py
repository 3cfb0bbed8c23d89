"""Stance evaluation on ``benchmarks/stance/dev.jsonl`` (SemEval-2016 Task 6 measures).

F_avg is the mean of the F1 of FAVOR and of AGAINST; accuracy counts NONE too. The rule
method is scored on every pair; the trained method by leave-one-document-out
cross-validation (trained on four documents, scored on the fifth, for each document),
so that no figure comes from a model that saw the pair.

>>> f_avg(["FAVOR", "AGAINST", "NONE"], ["FAVOR", "NONE", "NONE"])
0.5
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bolcorpus.stance.features import pair_features
from bolcorpus.stance.lexicon import load_lexicon
from bolcorpus.stance.rules import RuleMethod
from bolcorpus.stance.targets import find_mentions, load_targets
from bolcorpus.stance.trained import LinearModel, TrainedMethod, train

DEV = Path("benchmarks/stance/dev.jsonl")


@dataclass(frozen=True)
class Pair:
    """An annotated (sentence, target) pair, parsed, with the target's token spans."""

    id: str
    doc: str
    target: str
    label: str
    sent: Any
    spans: list[Any]
    others: dict[str, list[Any]]  # the other targets the sentence mentions


def load_pairs(root: Path, configs: Path) -> list[Pair]:
    """The dev pairs, parsed with the domain pipeline; mentions found as the stage finds them.

    Where the stage would miss the annotated mention, the annotated span is used, so that
    the stance method, not mention finding, is measured.
    """
    from bolcorpus.ner import load_domain_nlp

    rows = [json.loads(line) for line in (root / DEV).read_text(encoding="utf-8").splitlines() if line.strip()]
    targets = load_targets(configs / "stance" / "targets.yml")
    nlp = load_domain_nlp(configs / "kb" / "entities.yml")
    texts = list(dict.fromkeys(r["text"] for r in rows))
    parsed = dict(zip(texts, nlp.pipe(texts)))
    pairs = []
    for row in rows:
        doc = parsed[row["text"]]
        found = find_mentions(doc.text, [(e.start_char, e.end_char, e.kb_id_ or None) for e in doc.ents], targets)
        offsets = found.get(row["target"]) or [_annotated(doc.text, row["mention"])]
        spans = [doc.char_span(s, e, alignment_mode="expand") for s, e in offsets]
        others = {t: [doc.char_span(s, e, alignment_mode="expand") for s, e in o] for t, o in found.items()
                  if t != row["target"]}
        pairs.append(Pair(row["id"], row["doc"], row["target"], row["label"], doc[:], spans, others))
    return pairs


def f_avg(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean F1 of FAVOR and AGAINST."""
    return (_f1(gold, predicted, "FAVOR") + _f1(gold, predicted, "AGAINST")) / 2


def evaluate_stance(root: Path, configs: Path, *, c: float = 0.1) -> dict[str, Any]:
    """Per-target and overall F_avg and accuracy of both methods."""
    pairs = load_pairs(root, configs)
    rules = RuleMethod(load_lexicon(configs / "stance" / "lexicon.tsv"))
    results = {"stance.rules.v1": _predict(RuleMethod.predict.__get__(rules), pairs)}
    trained: list[str] = [""] * len(pairs)
    for held_out in sorted({p.doc for p in pairs}):
        model = train_model(rules, [p for p in pairs if p.doc != held_out], c=c)
        method = TrainedMethod(rules, model)
        for i, p in enumerate(pairs):
            if p.doc == held_out:
                trained[i] = _predict(method.predict, [p])[0]
    results["stance.trained.v1 (leave-one-document-out)"] = trained
    gold = [p.label for p in pairs]
    report: dict[str, Any] = {"pairs": len(pairs), "methods": {}}
    for name, predicted in results.items():
        per_target = {}
        for target in sorted({p.target for p in pairs}):
            idx = [i for i, p in enumerate(pairs) if p.target == target]
            g, q = [gold[i] for i in idx], [predicted[i] for i in idx]
            per_target[target] = {"pairs": len(idx), "f_avg": f_avg(g, q), "accuracy": _accuracy(g, q)}
        report["methods"][name] = {
            "f_avg": f_avg(gold, predicted), "accuracy": _accuracy(gold, predicted),
            "f1_favor": _f1(gold, predicted, "FAVOR"), "f1_against": _f1(gold, predicted, "AGAINST"),
            "per_target": per_target,
        }
    return report


def train_model(rules: RuleMethod, pairs: Sequence[Pair], *, c: float = 0.1) -> LinearModel:
    """Fit the classifier on ``pairs``."""
    features = [pair_features(rules, p.sent, p.target, p.spans, p.others) for p in pairs]
    return train(features, [p.label for p in pairs], c=c)


def train_classifier(root: Path, configs: Path, out: Path, *, c: float = 0.1) -> LinearModel:
    """Train on every dev pair and save the model with its provenance (``bolcorpus train stance``)."""
    pairs = load_pairs(root, configs)
    rules = RuleMethod(load_lexicon(configs / "stance" / "lexicon.tsv"))
    model = train_model(rules, pairs, c=c)
    data = (root / DEV).read_bytes()
    model.save(out, trained_on=str(DEV), sha256=hashlib.sha256(data).hexdigest(), pairs=len(pairs), c=c)
    return model


def format_stance_report(report: dict[str, Any]) -> str:
    """A Markdown report: the overall figures of each method, then per target."""
    lines = [f"## Stance evaluation ({report['pairs']} pairs, benchmarks/stance/dev.jsonl)", "",
             "| method | F_avg | F1 FAVOR | F1 AGAINST | accuracy | target F_avg ≥ 0.70 |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for name, m in report["methods"].items():
        met = "yes" if m["f_avg"] >= 0.70 else "**no**"
        lines.append(f"| {name} | {m['f_avg']:.3f} | {m['f1_favor']:.3f} | {m['f1_against']:.3f} "
                     f"| {m['accuracy']:.3f} | {met} |")
    names = list(report["methods"])
    lines += ["", "| target | pairs | " + " | ".join(f"{n} F_avg / acc." for n in names) + " |",
              "| --- | ---: | " + " | ".join("---:" for _ in names) + " |"]
    targets = report["methods"][names[0]]["per_target"]
    for target, row in targets.items():
        cells = [f"{report['methods'][n]['per_target'][target]['f_avg']:.2f} / "
                 f"{report['methods'][n]['per_target'][target]['accuracy']:.2f}" for n in names]
        lines.append(f"| {target} | {row['pairs']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _predict(predict: Callable[..., Any], pairs: Sequence[Pair]) -> list[str]:
    out = []
    for p in pairs:
        records = predict(p.sent, {p.target: p.spans}, {p.target: p.spans, **p.others})
        out.append(next(r.label for r in records if not r.holder and r.target == p.target))
    return out


def _annotated(text: str, mention: str) -> tuple[int, int]:
    start = max(text.find(mention), 0)
    return start, start + len(mention)


def _f1(gold: Sequence[str], predicted: Sequence[str], label: str) -> float:
    tp = sum(g == label and q == label for g, q in zip(gold, predicted))
    fp = sum(g != label and q == label for g, q in zip(gold, predicted))
    fn = sum(g == label and q != label for g, q in zip(gold, predicted))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == q for g, q in zip(gold, predicted)) / len(gold) if gold else 0.0
