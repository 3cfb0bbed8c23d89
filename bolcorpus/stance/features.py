"""Features of a (sentence, target) pair for the trained stance method.

The rule method's signals (lexicon weight attached to the mention through the parse, and
elsewhere in the sentence), the lexicon terms themselves, the sentence's content lemmas
outside the mention, and the target.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bolcorpus.stance.rules import RuleMethod, attached_tokens


def pair_features(method: RuleMethod, sent: Any, target: str, spans: list[Any], n_targets: int) -> dict[str, float]:
    """A sparse feature dict (name → value) for ``target`` mentioned at ``spans`` in ``sent``."""
    hits = method.hits(sent)
    inside = {t.i for span in spans for t in span}
    attached = {t.i for span in spans for t in attached_tokens(span)}
    features: defaultdict[str, float] = defaultdict(float)
    for i, (weight, text) in hits.items():
        if i in inside:
            continue
        where = "attached" if i in attached else "clause"
        features[f"{where}_positive"] += max(weight, 0.0)
        features[f"{where}_negative"] += min(weight, 0.0)
        features[f"term:{text.lower()}"] += 1.0 if i in attached else 0.5
    for token in sent:
        if token.is_alpha and not token.is_stop and token.i not in inside:
            features[f"lemma:{token.lemma_.lower()}"] += 1.0
    features[f"target:{target}"] = 1.0
    features["other_targets"] = float(n_targets - 1)
    return dict(features)
