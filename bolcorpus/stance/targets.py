"""Stance targets (``configs/stance/targets.yml``) and finding their mentions in a sentence.

A target is mentioned by an entity the entities stage linked to one of its
``kb_entities``, or by one of its ``aliases`` ("the army", "American imperialism"), unless
the parse shows it only names an event ("a *military* coup", "the *Barrientos* coup":
GUIDELINES §3 rule 3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bolcorpus.errors import ConfigError

# Nouns of events: a target word that only modifies one names the event, not the actor
EVENT_NOUNS = frozenset({"coup", "putsch", "occupation", "uprising", "revolt", "rebellion", "insurrection", "strike",
                         "action", "attempt", "victory", "defeat", "surrender", "offensive", "intervention",
                         "operation", "takeover"})


@dataclass(frozen=True)
class Target:
    """What mentions a target: knowledge-base entities, and a pattern of its aliases."""

    name: str
    entities: frozenset[str]
    pattern: re.Pattern[str]


def load_targets(path: Path) -> dict[str, Target]:
    """Target id → its entities and alias pattern (all-capital aliases, acronyms, match case)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of target id to {{kb_entities: [...], aliases: [...]}}")
    targets = {}
    for name, spec in data.items():
        spec = spec or {}
        aliases = sorted({a.replace("’", "'") for a in spec.get("aliases", []) if a}, key=len, reverse=True)
        entities = frozenset(spec.get("kb_entities", []))
        if not aliases and not entities:
            raise ConfigError(f"{path}: target {name!r} has neither kb_entities nor aliases; give it one")
        parts = [re.escape(a) if a.isupper() else f"(?i:{re.escape(a)})" for a in aliases] or ["(?!)"]
        targets[name] = Target(name, entities, re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)"))
    return targets


def find_mentions(
    text: str, entities: list[tuple[int, int, str | None]], targets: dict[str, Target]
) -> dict[str, list[tuple[int, int]]]:
    """Character spans in ``text`` of each mentioned target.

    ``entities`` are ``(start, end, entity_id)`` in ``text``.

    >>> army = Target("MILITARY", frozenset({"bolivian_army"}), re.compile(r"(?i:the army)"))
    >>> find_mentions("Then the army and the Bolivian Army", [(22, 35, "bolivian_army")], {"MILITARY": army})
    {'MILITARY': [(5, 13), (22, 35)]}
    """
    found: dict[str, list[tuple[int, int]]] = {}
    normalised = text.replace("’", "'")
    for name, target in targets.items():
        spans = {(s, e) for s, e, eid in entities if eid in target.entities}
        spans |= {m.span() for m in target.pattern.finditer(normalised)}
        if spans:
            found[name] = sorted(spans)
    return found


def mention_spans(doc: Any, found: dict[str, list[tuple[int, int]]]) -> dict[str, list[Any]]:
    """The mentions ``found`` (character offsets in the parsed ``doc``) as token spans, less
    those that only modify an event noun; a target left without one is left out."""
    spans = {}
    for target, offsets in found.items():
        kept = [span for span in (doc.char_span(s, e, alignment_mode="expand") for s, e in offsets)
                if not _names_an_event(span)]
        if kept:
            spans[target] = kept
    return spans


def _names_an_event(span: Any) -> bool:
    root = span.root
    return root.dep_ in ("amod", "compound") and root.head not in span and root.head.lemma_.lower() in EVENT_NOUNS
