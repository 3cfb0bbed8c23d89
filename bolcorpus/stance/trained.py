"""The trained stance method: a linear classifier over :mod:`bolcorpus.stance.features`.

Trained with scikit-learn's logistic regression (class-balanced, since most pairs are
NONE) by ``bolcorpus train stance``; the model is stored as plain JSON (features,
weights, intercepts) in ``configs/stance/classifier.json``, so it is versioned with the
code, reviewable, and applied without scikit-learn.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bolcorpus.errors import ConfigError
from bolcorpus.stance import StanceRecord
from bolcorpus.stance.features import pair_features
from bolcorpus.stance.rules import Hits, RuleMethod, placed


@dataclass(frozen=True)
class LinearModel:
    """Per-class weights over named features; the highest score wins."""

    classes: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]  # feature → one weight per class
    intercepts: tuple[float, ...]

    def scores(self, features: dict[str, float]) -> list[float]:
        scores = list(self.intercepts)
        for name, value in features.items():
            for k, w in enumerate(self.weights.get(name, ())):
                scores[k] += w * value
        return scores

    def label(self, features: dict[str, float]) -> str:
        """The class with the highest score."""
        return self.classes[argmax(self.scores(features))]

    def save(self, path: Path, **provenance: Any) -> None:
        data = {"classes": self.classes, "intercepts": self.intercepts, "provenance": provenance,
                "weights": {k: [round(w, 6) for w in v] for k, v in sorted(self.weights.items())}}
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(tuple(data["classes"]), {k: tuple(v) for k, v in data["weights"].items()},
                       tuple(data["intercepts"]))
        except (OSError, ValueError, KeyError) as e:
            problem = f"{path}: not a stance classifier ({e})"
            raise ConfigError(f"{problem}; train one with `bolcorpus train stance`") from None


def argmax(scores: Sequence[float]) -> int:
    """The index of the highest score (the first of equal ones).

    >>> argmax([0.1, 0.7, 0.7])
    1
    """
    return max(range(len(scores)), key=scores.__getitem__)


def train(features: Sequence[dict[str, float]], labels: Sequence[str], *, c: float = 0.1) -> LinearModel:
    """Fit a class-balanced logistic regression (deterministic: the lbfgs solver)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(features)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(matrix, list(labels))
    names = vectorizer.get_feature_names_out()
    weights = {str(name): tuple(float(model.coef_[k][j]) for k in range(len(model.classes_)))
               for j, name in enumerate(names)}
    if len(model.classes_) == 2:  # sklearn keeps one row for two classes
        weights = {n: (-w[0], w[0]) for n, w in weights.items()}
    intercepts = tuple(float(b) for b in model.intercept_)
    if len(intercepts) == 1:
        intercepts = (-intercepts[0], intercepts[0])
    return LinearModel(tuple(str(c) for c in model.classes_), weights, intercepts)


class TrainedMethod:
    """Classify each (sentence, target) pair with a :class:`LinearModel` (``stance.trained.v1``).

    Where it is unsure it says NONE: a FAVOR or AGAINST that no lexicon word of its polarity
    in the sentence supports (only topic words pushed it) stands only if the classifier gives
    it a probability of at least ``abstain_below``; 0.5, more likely than not, by default.
    """

    name = "stance.trained.v1"

    def __init__(self, rules: RuleMethod, model: LinearModel, *, abstain_below: float = 0.5) -> None:
        self.rules = rules
        self.model = model
        self.abstain_below = abstain_below

    def predict(self, sent: Any, mentions: dict[str, list[Any]], holders: dict[str, list[Any]] | None = None
                ) -> list[StanceRecord]:
        hits = self.rules.hits(sent)
        records = []
        for target, spans in mentions.items():
            scores = self.model.scores(pair_features(self.rules, sent, target, spans, holders or mentions, hits))
            best = argmax(scores)
            label = self.model.classes[best]
            probability = _softmax(scores)[best]
            if label != "NONE" and probability < self.abstain_below and not self.backed(
                    sent, spans, hits, label, holders or mentions, target):
                label = "NONE"
            score = 0.0 if label == "NONE" else probability if label == "FAVOR" else -probability
            evidence = self.evidence(sent, spans, best, hits) if label != "NONE" else []
            records.append(StanceRecord(target, label, round(score, 4), evidence))
            records += self.rules.reported(target, spans, holders or mentions)
        return records

    def backed(self, sent: Any, spans: list[Any], hits: Hits, label: str, holders: dict[str, list[Any]],
               target: str) -> bool:
        """Whether a lexicon word of ``label``'s polarity in the sentence is said of the target
        (attached to it, or elsewhere in the sentence but not attached to another target)."""
        sign = 1 if label == "FAVOR" else -1
        others = [span for other, other_spans in holders.items() if other != target for span in other_spans]
        return any(hits[i].weight * sign > 0 for i, where in placed(sent, spans, hits, others).items()
                   if where != "other")

    def evidence(self, sent: Any, spans: list[Any], label: int, hits: Hits, *, top: int = 3) -> list[str]:
        """The words that carry ``label``: the lexicon words of its polarity attached to the
        mention, else those elsewhere in the sentence, else the words whose features pushed
        the model most toward it. ``hits``: the sentence's :meth:`RuleMethod.hits`."""
        sign = 1 if self.model.classes[label] == "FAVOR" else -1
        places = {i: where for i, where in placed(sent, spans, hits).items() if hits[i].weight * sign > 0}
        for chosen in ([i for i, where in places.items() if where == "attached"], list(places)):
            if chosen:
                return [hits[i].text for i in sorted(chosen)]
        inside = {t.i for span in spans for t in span}
        pushes = []
        for token in sent:
            if token.i in inside or not token.is_alpha:
                continue
            weights = [self.model.weights.get(f"{kind}:{form}") for kind, form in
                       (("term", token.lower_), ("term", token.lemma_.lower()), ("lemma", token.lemma_.lower()))]
            push = max((w[label] - max(w[k] for k in range(len(w)) if k != label) for w in weights if w), default=0.0)
            if push > 0:
                pushes.append((push, token.i, token.text))
        return [text for _, _, text in sorted(sorted(pushes, reverse=True)[:top], key=lambda p: p[1])]


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    return [e / sum(exps) for e in exps]
