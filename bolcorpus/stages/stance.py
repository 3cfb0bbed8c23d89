"""Stance: the author's stance toward each target a sentence mentions, with evidence.

For every sentence that mentions a target (an entity of the target's ``kb_entities``,
found by the entities stage, or one of its ``aliases``), the configured method
(:mod:`bolcorpus.stance.rules` or :mod:`bolcorpus.stance.trained`) gives one record per
target, plus records of stances the sentence reports of other actors (``holder``).
Each document's metadata gets ``stance_profile``: the author's labels counted per target.

A sentence is parsed within its paragraph: it is cut from the parse of the paragraph the
segment stage kept (``Document.parse``, dropped here: it is not published), or, where there
is none, from this stage's own parse of the paragraph with the same components.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

import numpy
from pydantic import Field

from bolcorpus.config import StageConfig
from bolcorpus.document import Document, Entity, Stance
from bolcorpus.errors import ConfigError
from bolcorpus.nlp import load_nlp, parse_components, pipe_spans, resolve_model, unpack_docs
from bolcorpus.stages.base import Stage, replace
from bolcorpus.stance.lexicon import load_lexicon
from bolcorpus.stance.rules import RuleMethod
from bolcorpus.stance.targets import find_mentions, load_targets, mention_spans
from bolcorpus.stance.trained import LinearModel, TrainedMethod


class StanceStage(Stage):
    """Attach stance records to the sentences that mention a target."""

    name = "stance"
    version = 3
    code = (*Stage.code, "bolcorpus.nlp", "bolcorpus.stance")

    class Config(StageConfig):
        """``method``: ``stance.trained.v1`` (the default: it measures better, see the
        README) or ``stance.rules.v1``. ``targets``: YAML of target id → ``kb_entities``
        and ``aliases``. ``lexicon``: TSV of ``term, polarity, weight``. ``classifier``:
        the trained model (``bolcorpus train stance`` writes it). ``threshold``: the
        summed polarity the rule method needs for FAVOR or AGAINST. ``clause_weight``: the
        weight of evaluative words not attached to the target by the parse. ``abstain_below``:
        the trained method says NONE for a FAVOR or AGAINST that no lexicon word supports and
        that its classifier gives a lower probability (0.5: more likely than not). ``bolcorpus
        evaluate stance`` and ``train stance`` read this table; change these two only with a
        retrained classifier, as the trained method's features use them too."""

        method: Literal["stance.trained.v1", "stance.rules.v1"] = "stance.trained.v1"
        targets: Path = Path("stance/targets.yml")
        lexicon: Path = Path("stance/lexicon.tsv")
        classifier: Path = Path("stance/classifier.json")
        threshold: float = Field(0.75, gt=0)
        clause_weight: float = Field(0.3, ge=0)
        abstain_below: float = Field(0.5, ge=0, le=1)

    config: Config

    @classmethod
    def check_config(cls, config: Config, path: Path) -> None:  # type: ignore[override]
        needed = ["targets", "lexicon"] + (["classifier"] if config.method == "stance.trained.v1" else [])
        for key in needed:
            if not getattr(config, key).is_file():
                raise ConfigError(f"{path}: [stance] {key} = {str(getattr(config, key))!r}: no such file")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = load_targets(self.config.targets)
        rules = RuleMethod(load_lexicon(self.config.lexicon), threshold=self.config.threshold,
                           clause_weight=self.config.clause_weight)
        self.method: RuleMethod | TrainedMethod = (
            TrainedMethod(rules, LinearModel.load(self.config.classifier), abstain_below=self.config.abstain_below)
            if self.config.method == "stance.trained.v1" else rules
        )

    def fingerprint(self) -> dict[str, str]:
        model, version = resolve_model(self.nlp_config.model)
        keys = ["targets", "lexicon"] + (["classifier"] if self.config.method == "stance.trained.v1" else [])
        files = {key: hashlib.sha256(getattr(self.config, key).read_bytes()).hexdigest() for key in keys}
        return {"model": model, "model_version": version, **files}

    def process(self, items: Iterator[Document]) -> Iterator[Document]:
        nlp = load_nlp(self.nlp_config.model)
        found: dict[str, list[tuple[int, dict[str, list[tuple[int, int]]]]]] = {}

        def target_sentences(doc: Document) -> list[tuple[int, dict[str, list[tuple[int, int]]]]]:
            if doc.id not in found:
                found[doc.id] = [(i, m) for i, s in enumerate(doc.sentences) if (m := self._mentions(doc, i))]
            return found[doc.id]

        def unparsed(doc: Document) -> list[tuple[int, int]]:
            """The paragraphs to parse here: those with a target sentence, where the segment
            stage kept no parse (an older cache)."""
            paragraphs = _paragraphs(doc, target_sentences(doc))
            return [] if doc.parse else [doc.paragraphs[p] for p in paragraphs]

        batch_size = self.nlp_config.batch_size
        for doc, parsed in pipe_spans(nlp, items, unparsed, batch_size=batch_size, only=parse_components(nlp)):
            targets = found.pop(doc.id)
            paragraphs = (dict(enumerate(unpack_docs(doc.parse, nlp.vocab))) if doc.parse and targets
                          else dict(zip(_paragraphs(doc, targets), parsed)))
            records = []
            for index, mentions in targets:
                spacy_doc = _sentence_doc(doc, index, paragraphs[doc.sentences[index].paragraph])
                set_entities(spacy_doc, [(start, end, e.label, e.entity_id)
                                         for start, end, e in _sentence_entities(doc, index)])
                for found_record in self.method.predict(spacy_doc[:], mention_spans(spacy_doc, mentions)):
                    target, label, score, evidence, holder = found_record
                    records.append(Stance(index, target, label, score, evidence, holder))
            self.stats["stance_records"] += len(records)
            profile: dict[str, Counter[str]] = {}
            for r in records:
                if not r.holder:
                    profile.setdefault(r.target, Counter())[r.label] += 1
            meta = {**doc.meta, "stance_profile": {t: dict(c) for t, c in sorted(profile.items())}}
            yield replace(doc, stance=records, meta=meta, parse="")

    def _mentions(self, doc: Document, index: int) -> dict[str, list[tuple[int, int]]]:
        """Target mentions in sentence ``index``, as offsets within the sentence."""
        s = doc.sentences[index]
        entities = [(start, end, e.entity_id) for start, end, e in _sentence_entities(doc, index)]
        return find_mentions(doc.text[s.start : s.end], entities, self.targets)


def _paragraphs(doc: Document, targets: list[tuple[int, Any]]) -> list[int]:
    """The paragraphs of the target sentences, in order."""
    return sorted({doc.sentences[index].paragraph for index, _ in targets})


def cut_sentence(paragraph: Any, start: int, end: int) -> Any:
    """Characters ``start:end`` of a parsed ``paragraph`` (the tokens they touch) as a spaCy
    ``Doc`` of their own: a sentence parsed in its context, its heads kept within it.

    >>> from bolcorpus.nlp import load_nlp
    >>> [t.dep_ for t in cut_sentence(load_nlp()("Torres fell. The army ruled."), 13, 28)]
    ['det', 'nsubj', 'ROOT', 'punct']
    """
    paragraph.user_span_hooks.setdefault("vector", _no_vector)  # no stance method reads vectors: skip averaging them
    return paragraph.char_span(start, end, alignment_mode="expand").as_doc()


def _no_vector(span: Any) -> Any:
    return numpy.zeros((span.vocab.vectors_length,), dtype="f")


def _sentence_doc(doc: Document, index: int, paragraph: Any) -> Any:
    """Sentence ``index`` cut from its parsed ``paragraph``."""
    s = doc.sentences[index]
    start = doc.paragraphs[s.paragraph][0]
    return cut_sentence(paragraph, s.start - start, s.end - start)


def _sentence_entities(doc: Document, index: int) -> list[tuple[int, int, Entity]]:
    """The entities of sentence ``index``, with their offsets within it."""
    s = doc.sentences[index]
    return [(e.start - s.start, e.end - s.start, e) for e in doc.entities if s.start <= e.start and e.end <= s.end]


def set_entities(sentence: Any, entities: Iterable[tuple[int, int, str, str | None]]) -> None:
    """Give a parsed ``sentence`` the entities ``(start, end, label, entity_id)`` found in it
    (character offsets within it), as the stance methods read them (a person's pronouns:
    :func:`bolcorpus.stance.rules.with_pronouns`).

    >>> from bolcorpus.nlp import load_nlp
    >>> sentence = load_nlp()("Torres fell.")
    >>> set_entities(sentence, [(0, 6, "PERSON", "juan_jose_torres")])
    >>> [(e.text, e.label_, e.kb_id_) for e in sentence.ents]
    [('Torres', 'PERSON', 'juan_jose_torres')]
    """
    from spacy.util import filter_spans

    spans = [sentence.char_span(start, end, label=label, kb_id=entity_id or "", alignment_mode="expand")
             for start, end, label, entity_id in entities]
    sentence.ents = filter_spans([s for s in spans if s is not None])
