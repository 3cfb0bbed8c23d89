"""Stance: the author's stance toward each target a sentence mentions (lexicon baseline).

The baseline is deliberately simple and transparent: a sentence that mentions a target
(an entity of the target's ``kb_entities`` found by the entities stage, or one of its
``aliases``) gets the summed polarity of the stance-lexicon lemmas in the
sentence, a lemma's polarity flipped when a negator stands just before it. It does not
yet know *which* actor an evaluative word is about; the dependency-based and trained
methods (issue 5) replace it.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from bolcorpus.config import StageConfig
from bolcorpus.document import Document, Sentence, Stance
from bolcorpus.errors import ConfigError
from bolcorpus.nlp import load_nlp, pipe_spans, resolve_model
from bolcorpus.stages.base import Stage, replace

NEGATORS = frozenset({"not", "no", "never", "n't", "nor", "without", "hardly"})


class StanceStage(Stage):
    """Attach a FAVOR/AGAINST/NONE record per (sentence, mentioned target)."""

    name = "stance"
    version = 1
    code = (*Stage.code, "bolcorpus.nlp")

    class Config(StageConfig):
        """``targets``: YAML mapping of target id to its ``kb_entities`` and ``aliases``.
        ``lexicon``: TSV of ``term, polarity, weight``. ``threshold``: the summed
        polarity a sentence needs for FAVOR or AGAINST; below it the label is NONE.
        ``negation_window``: tokens before an evaluative word searched for a negator."""

        targets: Path = Path("stance/targets.yml")
        lexicon: Path = Path("stance/lexicon.tsv")
        threshold: float = Field(1.0, gt=0)
        negation_window: int = Field(3, ge=0)

    config: Config

    @classmethod
    def check_config(cls, config: Config, path: Path) -> None:  # type: ignore[override]
        for key in ("targets", "lexicon"):
            if not getattr(config, key).is_file():
                raise ConfigError(f"{path}: [stance] {key} = {str(getattr(config, key))!r}: no such file")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._targets = _load_targets(self.config.targets)
        self._lexicon = _load_lexicon(self.config.lexicon)

    def fingerprint(self) -> dict[str, str]:
        model, version = resolve_model(self.nlp_config.model)
        files = {key: hashlib.sha256(getattr(self.config, key).read_bytes()).hexdigest()
                 for key in ("targets", "lexicon")}
        return {"model": model, "model_version": version, **files}

    def process(self, items: Iterator[Document]) -> Iterator[Document]:
        nlp = load_nlp(self.nlp_config.model)
        found: dict[str, list[tuple[int, list[str]]]] = {}  # doc id → (sentence index, targets)

        def target_sentences(doc: Document) -> list[tuple[int, int]]:
            if doc.id not in found:
                found[doc.id] = [
                    (i, targets) for i, s in enumerate(doc.sentences) if (targets := self._mentioned(doc, s))
                ]
            return [(doc.sentences[i].start, doc.sentences[i].end) for i, _ in found[doc.id]]

        disable = [p for p in nlp.pipe_names if p in ("parser", "ner")]
        for doc, parsed in pipe_spans(nlp, items, target_sentences, batch_size=self.nlp_config.batch_size,
                                      disable=disable):
            records = []
            for (index, targets), sent in zip(found.pop(doc.id), parsed):
                score, evidence = self._score(sent)
                label = _label(score, self.config.threshold)
                records += [Stance(index, t, label, round(math.tanh(score / 2), 4), evidence) for t in targets]
            self.stats["stance_records"] += len(records)
            yield replace(doc, stance=records)

    def _mentioned(self, doc: Document, sent: Sentence) -> list[str]:
        """The targets a sentence mentions, by linked entity or by alias."""
        ids = {e.entity_id for e in doc.entities if e.entity_id and sent.start <= e.start < sent.end}
        text = doc.text[sent.start : sent.end].replace("’", "'")
        return [t for t, target in self._targets.items() if ids & target.entities or target.pattern.search(text)]

    def _score(self, sent: Any) -> tuple[float, list[str]]:
        total, evidence = 0.0, []
        for token in sent:
            weight = self._lexicon.get(token.lemma_.lower()) or self._lexicon.get(token.lower_)
            if weight is None:
                continue
            window = sent[max(0, token.i - self.config.negation_window) : token.i]
            negated = any(t.lower_ in NEGATORS for t in window)
            total += -weight if negated else weight
            evidence.append(token.text)
        return total, evidence


def _label(score: float, threshold: float) -> str:
    return "FAVOR" if score >= threshold else "AGAINST" if score <= -threshold else "NONE"


@dataclass(frozen=True)
class Target:
    """What mentions a target: knowledge-base entities, and a pattern of its aliases."""

    entities: frozenset[str]
    pattern: re.Pattern[str]


def _load_targets(path: Path) -> dict[str, Target]:
    """Target id → its entities and alias pattern (aliases in capitals, acronyms, match case)."""
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
        targets[name] = Target(entities, re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)"))
    return targets


def _load_lexicon(path: Path) -> dict[str, float]:
    """Term → signed weight, from a TSV with a ``term, polarity, weight`` header."""
    lexicon = {}
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for n, row in enumerate(rows, start=2):
            try:
                lexicon[row["term"].strip().lower()] = float(row["polarity"]) * float(row.get("weight") or 1)
            except (KeyError, TypeError, ValueError):
                raise ConfigError(f"{path}: line {n} is not 'term<TAB>polarity<TAB>weight'") from None
    return lexicon
