"""Features of a (sentence, target) pair for the trained stance method.

The rule method's signals, split by where the lexicon word stands: ``attached`` to the
mention through the parse, attached to ``other`` targets the sentence mentions (their
evaluation, not this target's), or elsewhere in the ``sentence``; the same signals
crossed with the mention's syntactic ``role`` (a subject's evaluative predicate condemns
it, an object's often makes it a victim) and with their ``distance`` from the mention in
the parse tree (a word two arcs away is more likely said of it than one six arcs away);
whether the mention stands in what someone says or believes (``said:reported``, GUIDELINES
§6.11) or is the one who says it (``said:speaker``, §6.9); the lexicon terms themselves,
the sentence's content lemmas outside the mention, and the target.

>>> from types import SimpleNamespace as Token
>>> role_of(Token(dep_="pobj", head=Token(lower_="by"))), role_of(Token(dep_="nsubj", head=None))
('pobj_by', 'nsubj')
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bolcorpus.stance.rules import Hits, RuleMethod, mention_head, placed

# Verbs of saying and believing: a mention in their clause is in someone's claim, not the author's
# (GUIDELINES §6.11); their subject is the one who claims it, often with distance (§6.9: "did claim").
SAYING = frozenset({"say", "argue", "claim", "declare", "believe", "hold", "expect", "think", "insist", "assert",
                    "state", "announce", "report", "write", "maintain", "explain", "affirm", "reply", "propose",
                    "see", "regard"})
MAX_DISTANCE = 6  # arcs; farther words share one feature, "distance_far"


def pair_features(method: RuleMethod, sent: Any, target: str, spans: list[Any],
                  others: dict[str, list[Any]] | None = None, hits: Hits | None = None) -> dict[str, float]:
    """A sparse feature dict (name → value) for ``target`` mentioned at ``spans`` in ``sent``.

    ``others``: the spans of each other target the sentence mentions. ``hits``: the
    sentence's :meth:`RuleMethod.hits`, if already found.
    """
    others = {t: s for t, s in (others or {}).items() if t != target}
    hits = method.hits(sent) if hits is None else hits
    inside = {t.i for span in spans for t in span}
    heads = [mention_head(span) for span in spans]
    role = role_of(heads[0])
    features: defaultdict[str, float] = defaultdict(float)
    for i, where in placed(sent, spans, hits, [span for other in others.values() for span in other]).items():
        weight, text, _ = hits[i]
        sign = "positive" if weight > 0 else "negative"
        features[f"{where}_{sign}"] += weight
        features[f"role:{role}|{where}_{sign}"] += weight
        features[f"term:{text.lower()}"] += 1.0 if where == "attached" else 0.5
        if where != "other":
            arcs = min(tree_distance(sent.doc[i], head) for head in heads)
            features[f"distance_{arcs if arcs <= MAX_DISTANCE else 'far'}_{sign}"] += weight
    for token in sent:
        if token.is_alpha and not token.is_stop and token.i not in inside:
            features[f"lemma:{token.lemma_.lower()}"] += 1.0
    features[f"role:{role}"] = 1.0
    features[f"target:{target}"] = 1.0
    features["other_targets"] = float(len(others))
    if said := said_by(heads[0]):
        features[f"said:{said}"] = 1.0
    return dict(features)


def role_of(head: Any) -> str:
    """The mention's dependency relation, with the preposition for an object of one ("pobj_by")."""
    return f"pobj_{head.head.lower_}" if head.dep_ == "pobj" else head.dep_


def tree_distance(a: Any, b: Any) -> int:
    """The number of arcs between two tokens of a parse (a large number across sentences).

    >>> import spacy
    >>> doc = spacy.tokens.Doc(spacy.blank("en").vocab, words="the army crushed them".split(),
    ...                        heads=[1, 2, 2, 2], deps=["det", "nsubj", "ROOT", "dobj"])
    >>> tree_distance(doc[0], doc[3]), tree_distance(doc[1], doc[1])
    (3, 0)
    """
    up = {token.i: n for n, token in enumerate((a, *a.ancestors))}
    return next((up[token.i] + n for n, token in enumerate((b, *b.ancestors)) if token.i in up), 1_000)


def said_by(head: Any) -> str | None:
    """``"speaker"`` if the mention is the subject of the nearest verb of saying or believing
    above it, ``"reported"`` if it stands in what that verb says, else None."""
    for verb in head.ancestors:
        if verb.pos_ == "VERB" and verb.lemma_.lower() in SAYING:
            subjects = [t for child in verb.children if child.dep_ == "nsubj" for t in child.subtree]
            return "speaker" if head in subjects else "reported"
    return None
