"""Features of a (sentence, target) pair for the trained stance method.

The rule method's signals, split by where the lexicon word stands: ``attached`` to the
mention through the parse, attached to ``other`` targets the sentence mentions (their
evaluation, not this target's), or elsewhere in the ``sentence``; the same signals
crossed with the mention's syntactic ``role`` (a subject's evaluative predicate condemns
it, an object's often makes it a victim); the lexicon terms themselves, the sentence's
content lemmas outside the mention, and the target.

>>> from types import SimpleNamespace as Token
>>> role_of(Token(dep_="pobj", head=Token(lower_="by"))), role_of(Token(dep_="nsubj", head=None))
('pobj_by', 'nsubj')
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bolcorpus.stance.rules import Hits, RuleMethod, mention_head, placed


def pair_features(method: RuleMethod, sent: Any, target: str, spans: list[Any],
                  others: dict[str, list[Any]] | None = None, hits: Hits | None = None) -> dict[str, float]:
    """A sparse feature dict (name → value) for ``target`` mentioned at ``spans`` in ``sent``.

    ``others``: the spans of each other target the sentence mentions. ``hits``: the
    sentence's :meth:`RuleMethod.hits`, if already found.
    """
    others = {t: s for t, s in (others or {}).items() if t != target}
    hits = method.hits(sent) if hits is None else hits
    inside = {t.i for span in spans for t in span}
    role = role_of(mention_head(spans[0]))
    features: defaultdict[str, float] = defaultdict(float)
    for i, where in placed(sent, spans, hits, [span for other in others.values() for span in other]).items():
        weight, text, _ = hits[i]
        sign = "positive" if weight > 0 else "negative"
        features[f"{where}_{sign}"] += weight
        features[f"role:{role}|{where}_{sign}"] += weight
        features[f"term:{text.lower()}"] += 1.0 if where == "attached" else 0.5
    for token in sent:
        if token.is_alpha and not token.is_stop and token.i not in inside:
            features[f"lemma:{token.lemma_.lower()}"] += 1.0
    features[f"role:{role}"] = 1.0
    features[f"target:{target}"] = 1.0
    features["other_targets"] = float(len(others))
    return dict(features)


def role_of(head: Any) -> str:
    """The mention's dependency relation, with the preposition for an object of one ("pobj_by")."""
    return f"pobj_{head.head.lower_}" if head.dep_ == "pobj" else head.dep_
