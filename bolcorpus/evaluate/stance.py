"""Stance evaluation on annotated (sentence, target) pairs (SemEval-2016 Task 6 measures).

F_avg is the mean of the F1 of FAVOR and of AGAINST; accuracy counts NONE too. The
methods are those of a config's ``[stance]`` table (its lexicon, targets, threshold and
classifier). The rule method is scored on every pair. The trained method is scored by
leave-one-document-out cross-validation on the annotations its classifier was trained
on (trained on the other documents, scored on each), so that no figure comes from a model
that saw the pair; on any other annotations, the configured classifier is scored as it is.
Each annotated sentence is parsed within its paragraph, as the stage parses it: the
paragraph of its document (``raw/<doc>``, ingested and repaired with the config) that holds
it; a sentence found in no paragraph is parsed alone, and the report counts those.
Two annotators' files of the same pairs are compared by :func:`compare_annotations`.

>>> f_avg(["FAVOR", "AGAINST", "NONE"], ["FAVOR", "NONE", "NONE"])
0.5
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from bolcorpus.config import NlpConfig, load_config
from bolcorpus.errors import ConfigError
from bolcorpus.evaluate.intervals import bootstrap_interval, f1_of, format_interval
from bolcorpus.repair import RepairConfig
from bolcorpus.stages.entities import Entities
from bolcorpus.stages.ingest import Ingest
from bolcorpus.stages.repair import Repair
from bolcorpus.stages.segment import paragraph_spans
from bolcorpus.stages.stance import StanceStage, cut_sentence, set_entities
from bolcorpus.stance import LABELS, StanceRecord
from bolcorpus.stance.features import pair_features
from bolcorpus.stance.lexicon import load_lexicon
from bolcorpus.stance.rules import RuleMethod
from bolcorpus.stance.targets import Target, find_mentions, load_targets, mention_spans
from bolcorpus.stance.trained import LinearModel, TrainedMethod, train

REQUIRED = ("id", "doc", "text", "target", "label", "mention")
C_GRID = (0.03, 0.05, 0.1, 0.2, 0.4)  # the classifier's regularisation strengths tried, around the old fixed 0.1
DEFAULT_C = 0.1  # where there is a single training document to cross-validate on


@dataclass(frozen=True)
class Setup:
    """What the stance stage of a config uses: its ``[stance]`` table and knowledge base, and
    how its documents are made (the ``[run]`` raw folder, ``[ingest]`` and ``[repair]``)."""

    stance: StanceStage.Config
    kb: Path
    targets: dict[str, Target]
    raw: Path
    ingest: Ingest.Config
    repair: RepairConfig

    def rules(self) -> RuleMethod:
        lexicon = load_lexicon(self.stance.lexicon)
        return RuleMethod(lexicon, threshold=self.stance.threshold, clause_weight=self.stance.clause_weight)

    def paragraphs(self, names: Collection[str]) -> dict[str, list[str]]:
        """The paragraphs of each named file of the raw folder, as the pipeline makes them
        (ingested, repaired, cut by :func:`~bolcorpus.stages.segment.paragraph_spans`); a name
        with no file there is left out."""
        files, _, _ = Ingest.inputs(self.raw, self.ingest)
        ingest, repair = Ingest(self.ingest, NlpConfig()), Repair(self.repair, NlpConfig())
        docs = repair.run(ingest.run(f for f in files if f.path.name in names))
        return {d.source_file: [d.text[start:end] for start, end in paragraph_spans(d.text)] for d in docs}


def load_setup(config: Path, *, training: bool = False) -> Setup:
    """The ``[entities]`` and ``[stance]`` tables of ``config`` (the classifier need not
    exist when ``training``: training writes it)."""
    settings = load_config(config, stages=("ingest", "repair", "entities", "stance"), check=False)
    configs = settings.stage_configs
    stance, entities, ingest, repair = configs["stance"], configs["entities"], configs["ingest"], configs["repair"]
    assert isinstance(stance, StanceStage.Config) and isinstance(entities, Entities.Config)
    assert isinstance(ingest, Ingest.Config) and isinstance(repair, RepairConfig)
    Entities.check_config(entities, config)
    Repair.check_config(repair, config)
    StanceStage.check_config(stance.model_copy(update={"method": "stance.rules.v1"}) if training else stance, config)
    return Setup(stance, entities.kb, load_targets(stance.targets), settings.run.raw, ingest, repair)


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
    evidence: list[str]  # the annotated words that carry the stance
    reported: list[tuple[str, str]]  # (holder, label) of stances toward the target the sentence reports
    found: bool  # the stage finds this mention (else the annotated span stands in)
    in_paragraph: bool = True  # parsed within its paragraph (else alone: found in no paragraph of its document)


class Place(NamedTuple):
    """Where an annotated sentence is parsed: the number of the text (of its document's
    :func:`sentence_contexts`) and its offset there; ``in_paragraph`` is False where the text
    is the sentence alone."""

    text: int
    offset: int
    in_paragraph: bool


def read_annotations(path: Path, required: Sequence[str] = REQUIRED) -> list[dict[str, Any]]:
    """The rows of an annotation file (JSON lines, ``benchmarks/stance/GUIDELINES.md`` §1), checked."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the annotations ({e.strerror}); pass an existing file") from None
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ConfigError(f"{path}: line {n} is not JSON ({e.msg}); write one object per line") from None
        missing = [key for key in required if not isinstance(row, dict) or key not in row]
        if missing:
            raise ConfigError(f"{path}: line {n} lacks {', '.join(missing)}; see GUIDELINES.md §1 for the fields")
        if row["label"] not in LABELS:
            raise ConfigError(f"{path}: line {n}: label {row['label']!r} is not one of {', '.join(LABELS)}")
        if "mention" in required and row["mention"] not in row["text"]:
            raise ConfigError(f"{path}: line {n}: mention {row['mention']!r} is not in the text; "
                              "give the exact substring (GUIDELINES.md §1)")
        rows.append(row)
    if not rows:
        raise ConfigError(f"{path}: no annotated pairs; write one JSON object per line")
    return rows


def locate(sentence: str, paragraphs: Sequence[str]) -> tuple[int, int] | None:
    """The number of the first of ``paragraphs`` that holds ``sentence`` as whole words, and
    its offset there.

    >>> locate("Torres fell.", ["Torres fell.gun", "Then Torres fell. Banzer rose."])
    (1, 5)
    >>> locate("orres fell.", ["Torres fell."]) is None
    True
    """
    pattern = re.compile(rf"(?<!\w){re.escape(sentence)}(?!\w)")
    for number, paragraph in enumerate(paragraphs):
        if m := pattern.search(paragraph):
            return number, m.start()
    return None


def sentence_contexts(sentences: Sequence[tuple[str, str]], paragraphs: dict[str, list[str]]
                      ) -> tuple[dict[str, list[str]], dict[tuple[str, str], Place]]:
    """The texts to parse for the ``(document, sentence)`` pairs: per document, the paragraphs
    that hold one of its sentences, in order, then its sentences found in none; and where
    each sentence is in them.

    >>> sentences = [("d", "Two."), ("d", "Lost."), ("d", "One.")]
    >>> texts, places = sentence_contexts(sentences, {"d": ["One. Two.", "Three."]})
    >>> texts
    {'d': ['One. Two.', 'Lost.']}
    >>> places[("d", "Two.")], places[("d", "Lost.")]
    (Place(text=0, offset=5, in_paragraph=True), Place(text=1, offset=0, in_paragraph=False))
    """
    found = {key: locate(key[1], paragraphs.get(key[0], [])) for key in sentences}
    texts: dict[str, list[str]] = {}
    places: dict[tuple[str, str], Place] = {}
    for doc in dict.fromkeys(doc for doc, _ in sentences):
        numbers = sorted({at[0] for (d, _), at in found.items() if d == doc and at is not None})
        texts[doc] = [paragraphs[doc][n] for n in numbers]
        for (d, sentence), at in found.items():
            if d == doc and at is not None:
                places[(d, sentence)] = Place(numbers.index(at[0]), at[1], True)
        for (d, sentence), at in found.items():
            if d == doc and at is None:
                places[(d, sentence)] = Place(len(texts[doc]), 0, False)
                texts[doc].append(sentence)
    return texts, places


def load_pairs(path: Path, setup: Setup) -> list[Pair]:
    """The pairs of an annotation file, each sentence parsed within its paragraph with the
    domain pipeline (:func:`sentence_contexts`); mentions found as the stage finds them.

    Where the stage would miss the annotated mention, the annotated span is used, so that
    the stance method, not mention finding, is measured.
    """
    from bolcorpus.evaluate.entities import in_documents, spacy_predictor
    from bolcorpus.ner import DOMAIN_COMPONENTS, load_domain_nlp

    rows = read_annotations(path)
    targets = setup.targets
    unknown = sorted({r["target"] for r in rows} - set(targets))
    if unknown:
        raise ConfigError(f"{path}: targets {', '.join(unknown)} are not in {setup.stance.targets}; add them there")
    nlp = load_domain_nlp(setup.kb)
    keys = list(dict.fromkeys((row["doc"], row["text"]) for row in rows))
    contexts, places = sentence_contexts(keys, setup.paragraphs({doc for doc, _ in keys}))
    first: dict[str, int] = {}  # the number of each document's first text among all texts
    texts: list[str] = []
    for doc, doc_texts in contexts.items():
        first[doc] = len(texts)
        texts += doc_texts
    documents = [doc for doc, doc_texts in contexts.items() for _ in doc_texts]
    parsed = list(nlp.pipe(texts, disable=["ner", *DOMAIN_COMPONENTS]))  # the parse; entities below
    # The entities the stage gives the sentence, found with its document's other texts around it (a one-word
    # surname links only beside another name of the subject); set as the stage sets them.
    found_in_documents = in_documents(spacy_predictor(nlp), documents)(texts)
    sents, mentions = {}, {}
    for (doc, text), place in places.items():
        i, start, end = first[doc] + place.text, place.offset, place.offset + len(text)
        sent = cut_sentence(parsed[i], start, end)
        linked = [(m.start - start, m.end - start, m.entity_id, m.label) for m in found_in_documents[i]
                  if start <= m.start and m.end <= end]
        set_entities(sent, [(s, e, label, eid) for s, e, eid, label in linked])
        sents[doc, text] = sent
        mentions[doc, text] = mention_spans(sent, find_mentions(text, [e[:3] for e in linked], targets))
    pairs = []
    for row in rows:
        key = (row["doc"], row["text"])
        sent, found = sents[key], mentions[key]
        spans = found.get(row["target"]) or [sent.char_span(*_annotated(sent.text, row["mention"]),
                                                            alignment_mode="expand")]
        others = {t: s for t, s in found.items() if t != row["target"]}
        evidence = list(row.get("evidence") or [])
        reported = [(r["holder"], r["label"]) for r in row.get("reported") or []]
        pairs.append(Pair(row["id"], row["doc"], row["target"], row["label"], sent[:], spans, others, evidence,
                          reported, row["target"] in found, places[key].in_paragraph))
    return pairs


def f_avg(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean F1 of FAVOR and AGAINST."""
    return (_f1(gold, predicted, "FAVOR") + _f1(gold, predicted, "AGAINST")) / 2


def evidence_overlap(pairs: Sequence[Pair], records: Sequence[StanceRecord]) -> dict[str, float]:
    """How well the evidence words match the annotated ones, on the pairs whose FAVOR or
    AGAINST label is right: micro-averaged precision and recall of content words.

    >>> pair = Pair("x", "d", "MNR", "AGAINST", None, [], {}, ["the betrayal"], [], True)
    >>> evidence_overlap([pair], [StanceRecord("MNR", "AGAINST", -1.0, ["betrayal", "MNR"])])
    {'pairs': 1, 'precision': 0.5, 'recall': 1.0}
    """
    right = [(_content_words(p.evidence), _content_words(r.evidence)) for p, r in zip(pairs, records)
             if p.label == r.label != "NONE"]
    hits = sum(len(gold & mine) for gold, mine in right)
    predicted, annotated = sum(len(mine) for _, mine in right), sum(len(gold) for gold, _ in right)
    return {"pairs": len(right), "precision": hits / predicted if predicted else 0.0,
            "recall": hits / annotated if annotated else 0.0}


def reported_overlap(pairs: Sequence[Pair], rules: RuleMethod, targets: Collection[str]) -> dict[str, float]:
    """Stances the sentences report of other targets (``holder``): how many of the annotated
    ones (whose holder is a target) are found with their label, and how many found are right."""
    found = {(p.id, r.holder, r.label) for p in pairs for r in rules.reported(p.target, p.spans, {p.target: p.spans,
                                                                                                   **p.others})}
    annotated = {(p.id, holder, label) for p in pairs for holder, label in p.reported if holder in targets}
    return {"annotated": len(annotated), "found": len(found),
            "precision": len(found & annotated) / len(found) if found else 0.0,
            "recall": len(found & annotated) / len(annotated) if annotated else 0.0}


def mention_overlap(pairs: Sequence[Pair]) -> dict[str, float]:
    """The stage's mentions against the annotated (sentence, target) pairs, on the annotated
    sentences (every target an annotated sentence mentions is annotated, GUIDELINES §3)."""
    annotated = {(p.sent.text, p.target) for p in pairs}
    found = {(p.sent.text, p.target) for p in pairs if p.found} | {(p.sent.text, t) for p in pairs for t in p.others}
    both = len(annotated & found)
    return {"annotated": len(annotated), "found": len(found), "precision": both / len(found) if found else 0.0,
            "recall": both / len(annotated)}


def parsed_alone(pairs: Sequence[Pair]) -> dict[str, int]:
    """How many annotated sentences (and pairs) were found in no paragraph of their document
    and parsed alone."""
    sentences = {(p.doc, p.sent.text): p.in_paragraph for p in pairs}
    return {"sentences": len(sentences), "alone": sum(not inside for inside in sentences.values()),
            "pairs_alone": sum(not p.in_paragraph for p in pairs)}


def evaluate_stance(config: Path, gold: Path, *, c: float | None = None) -> dict[str, Any]:
    """Per-target and overall F_avg and accuracy of both methods on the pairs of ``gold``
    (``c``: the classifier's C in cross-validation; None chooses it inside each fold's training
    documents, as ``bolcorpus train stance`` does)."""
    setup = load_setup(config)
    pairs = load_pairs(gold, setup)
    rules = setup.rules()
    results = {"stance.rules.v1": _predict(rules.predict, pairs)}
    if _trained_on(setup.stance.classifier) == hashlib.sha256(gold.read_bytes()).hexdigest():
        results["stance.trained.v1 (leave-one-document-out)"] = _cross_validated(
            rules, pairs, c=c, abstain_below=setup.stance.abstain_below)
    else:
        model = LinearModel.load(setup.stance.classifier)
        method = TrainedMethod(rules, model, abstain_below=setup.stance.abstain_below)
        results[f"stance.trained.v1 ({setup.stance.classifier.name} as configured)"] = _predict(method.predict, pairs)
    gold_labels = [p.label for p in pairs]
    reported = reported_overlap(pairs, rules, set(setup.targets))
    report: dict[str, Any] = {"pairs": len(pairs), "gold": str(gold), "mentions": mention_overlap(pairs),
                              "reported": reported, "context": parsed_alone(pairs), "methods": {}}
    for name, records in results.items():
        predicted = [r.label for r in records]
        per_target = {}
        for target in sorted({p.target for p in pairs}):
            idx = [i for i, p in enumerate(pairs) if p.target == target]
            g, q = [gold_labels[i] for i in idx], [predicted[i] for i in idx]
            per_target[target] = {"pairs": len(idx), "f_avg": f_avg(g, q), "accuracy": _accuracy(g, q)}
        report["methods"][name] = {**_measures(gold_labels, predicted), "evidence": evidence_overlap(pairs, records),
                                   "per_target": per_target}
    return report


def compare_annotations(first: Path, second: Path) -> dict[str, Any]:
    """Agreement of two annotation files on the pairs (ids) they share: observed agreement,
    Cohen's kappa, F_avg of one against the other (symmetric), and the confusion counts."""
    from sklearn.metrics import cohen_kappa_score

    a = {r["id"]: r["label"] for r in read_annotations(first, ("id", "label"))}
    b = {r["id"]: r["label"] for r in read_annotations(second, ("id", "label"))}
    shared = sorted(a.keys() & b.keys())
    if not shared:
        raise ConfigError(f"{first} and {second} share no pair id; compare annotations of the same pairs")
    x, y = [a[i] for i in shared], [b[i] for i in shared]
    return {"first": str(first), "second": str(second), "pairs": len(shared),
            "only_first": len(a) - len(shared), "only_second": len(b) - len(shared),
            "kappa": float(cohen_kappa_score(x, y, labels=list(LABELS))), **_measures(x, y)}


def train_model(rules: RuleMethod, pairs: Sequence[Pair], *, c: float | None = None) -> tuple[LinearModel, float]:
    """Fit the classifier on ``pairs``; with ``c`` None, choose C by :func:`choose_c` on them.
    Returns the model and its C."""
    features = [pair_features(rules, p.sent, p.target, p.spans, p.others) for p in pairs]
    labels, documents = [p.label for p in pairs], [p.doc for p in pairs]
    c = choose_c(features, labels, documents) if c is None else c
    return train(features, labels, c=c), c


def choose_c(features: Sequence[dict[str, float]], labels: Sequence[str], groups: Sequence[str], *,
             grid: Sequence[float] = C_GRID) -> float:
    """The regularisation strength of ``grid`` whose models score the best F_avg when each
    group (document) is classified by a model trained on the others: cross-validation inside
    the training documents, so that C is never chosen on the pairs it is scored on. Ties go to
    the smaller C (the stronger regularisation); with one group there is nothing to
    cross-validate and :data:`DEFAULT_C` is used.

    >>> choose_c([{"good": 1.0}, {"bad": 1.0}, {}] * 2, ["FAVOR", "AGAINST", "NONE"] * 2, "aaabbb", grid=(1e-4, 10))
    10
    """
    if len(set(groups)) < 2:
        return DEFAULT_C
    best: tuple[float, float] | None = None
    for c in grid:
        predicted = [""] * len(labels)
        for rest, held_out in _folds(groups):
            model = train([features[i] for i in rest], [labels[i] for i in rest], c=c)
            for i in held_out:
                predicted[i] = model.label(features[i])
        score = f_avg(labels, predicted)
        if best is None or score > best[0]:
            best = (score, c)
    assert best is not None, "an empty grid"
    return best[1]


def train_classifier(config: Path, gold: Path, *, c: float | None = None) -> tuple[LinearModel, Path]:
    """Train on every pair of ``gold`` and save the model, with its provenance, where the
    config's ``[stance] classifier`` says (``bolcorpus train stance``); C as :func:`train_model`."""
    setup = load_setup(config, training=True)
    pairs = load_pairs(gold, setup)
    model, c = train_model(setup.rules(), pairs, c=c)
    out = setup.stance.classifier
    sha256 = hashlib.sha256(gold.read_bytes()).hexdigest()
    model.save(out, trained_on=gold.name, sha256=sha256, pairs=len(pairs), c=c,
               parsed_alone=parsed_alone(pairs)["alone"])
    return model, out


def format_stance_report(report: dict[str, Any]) -> str:
    """A Markdown report: the overall figures of each method, then per target."""
    lines = [f"## Stance evaluation ({report['pairs']} pairs, {report['gold']})", "",
             "95% intervals: percentile bootstrap over pairs (1000 resamples, seed 0).", "",
             "| method | F_avg | 95% interval | F1 FAVOR (95%) | F1 AGAINST (95%) | accuracy | target F_avg ≥ 0.70 |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, m in report["methods"].items():
        met = "yes" if m["f_avg"] >= 0.70 else "**no**"
        low, high = m["f_avg_95"]
        lines.append(f"| {name} | {m['f_avg']:.3f} | {low:.2f}–{high:.2f} "
                     f"| {m['f1_favor']:.3f} {format_interval(m['f1_favor_95'])} "
                     f"| {m['f1_against']:.3f} {format_interval(m['f1_against_95'])} | {m['accuracy']:.3f} | {met} |")
    annotated = {cell.split("/")[0] for m in report["methods"].values() for cell in m["confusion"]}
    absent = [label for label in ("FAVOR", "AGAINST") if label not in annotated]
    if absent:
        lines += ["", f"No {' or '.join(absent)} pair is annotated here: its F1 is 0 by convention and F_avg cannot "
                  "pass 0.5, so read the accuracy and the confusion counts."]
    lines += ["", "Confusion: annotated label (rows) against predicted FAVOR / AGAINST / NONE.", "",
              "| method | " + " | ".join(LABELS) + " |", "| --- | " + " | ".join("---:" for _ in LABELS) + " |"]
    for name, m in report["methods"].items():
        cells = [" / ".join(str(m["confusion"].get(f"{row}/{col}", 0)) for col in LABELS) for row in LABELS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Evidence: content words shared with the annotated evidence, on the pairs whose FAVOR or "
              "AGAINST label is right.", "", "| method | pairs | precision | recall |", "| --- | ---: | ---: | ---: |"]
    for name, m in report["methods"].items():
        e = m["evidence"]
        lines.append(f"| {name} | {e['pairs']} | {e['precision']:.3f} | {e['recall']:.3f} |")
    r = report["reported"]
    lines += ["", f"Reported stances (a target's stance toward another, `holder`; the same in both methods): "
              f"{r['found']} found, {r['annotated']} annotated; "
              f"precision {r['precision']:.3f}, recall {r['recall']:.3f}."]
    context = report["context"]
    lines += ["", f"Each sentence is parsed within its paragraph of the repaired document, as the stage parses it; "
              f"{context['alone']} of {context['sentences']} sentences ({context['pairs_alone']} pairs) were found "
              "in no paragraph and were parsed alone."]
    mentions = report["mentions"]
    lines += ["", f"Mentions the stage finds in the annotated sentences: {mentions['found']}, against "
              f"{mentions['annotated']} annotated pairs; precision {mentions['precision']:.3f}, recall "
              f"{mentions['recall']:.3f} (where it misses one, the annotated span is used above)."]
    names = list(report["methods"])
    lines += ["", "| target | pairs | " + " | ".join(f"{n} F_avg / acc." for n in names) + " |",
              "| --- | ---: | " + " | ".join("---:" for _ in names) + " |"]
    targets = report["methods"][names[0]]["per_target"]
    for target, row in targets.items():
        cells = [f"{report['methods'][n]['per_target'][target]['f_avg']:.2f} / "
                 f"{report['methods'][n]['per_target'][target]['accuracy']:.2f}" for n in names]
        lines.append(f"| {target} | {row['pairs']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_agreement_report(report: dict[str, Any]) -> str:
    """A Markdown report of :func:`compare_annotations`."""
    lines = [f"## Agreement of {report['first']} (rows) and {report['second']} (columns)", "",
             f"{report['pairs']} shared pairs ({report['only_first']} only in the first, "
             f"{report['only_second']} only in the second).", "",
             "| F_avg | 95% interval | F1 FAVOR | F1 AGAINST | observed agreement | Cohen's kappa |",
             "| ---: | ---: | ---: | ---: | ---: | ---: |",
             f"| {report['f_avg']:.3f} | {report['f_avg_95'][0]:.2f}–{report['f_avg_95'][1]:.2f} "
             f"| {report['f1_favor']:.3f} | {report['f1_against']:.3f} "
             f"| {report['accuracy']:.3f} | {report['kappa']:.3f} |", "",
             "| | " + " | ".join(LABELS) + " |", "| --- | " + " | ".join("---:" for _ in LABELS) + " |"]
    for row in LABELS:
        counts = [str(report["confusion"].get(f"{row}/{col}", 0)) for col in LABELS]
        lines.append(f"| {row} | " + " | ".join(counts) + " |")
    return "\n".join(lines)


def _cross_validated(rules: RuleMethod, pairs: Sequence[Pair], *, c: float | None, abstain_below: float
                     ) -> list[StanceRecord]:
    """Each pair's record by a model trained on the pairs of the other documents (its C
    chosen on those documents alone, where ``c`` is None)."""
    docs = sorted({p.doc for p in pairs})
    if len(docs) < 2:
        raise ConfigError(f"the annotations hold one document ({docs[0]}); cross-validation by document needs two")
    predicted: list[StanceRecord] = [StanceRecord("", "", 0.0, [])] * len(pairs)
    for rest, held_out in _folds([p.doc for p in pairs]):
        model, _ = train_model(rules, [pairs[i] for i in rest], c=c)
        method = TrainedMethod(rules, model, abstain_below=abstain_below)
        for i in held_out:
            predicted[i] = _predict(method.predict, [pairs[i]])[0]
    return predicted


def _folds(groups: Sequence[str]) -> Iterator[tuple[list[int], list[int]]]:
    """Leave one group out: for each group, in order, the indices of the others and its own.

    >>> list(_folds(["b", "a", "b"]))
    [([0, 2], [1]), ([1], [0, 2])]
    """
    for group in sorted(set(groups)):
        yield [i for i, g in enumerate(groups) if g != group], [i for i, g in enumerate(groups) if g == group]


def _trained_on(classifier: Path) -> str | None:
    """The sha256 of the annotations ``classifier`` was trained on, if it records one."""
    try:
        return json.loads(classifier.read_text(encoding="utf-8"))["provenance"]["sha256"]  # type: ignore[no-any-return]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _measures(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    counts = [_counts(g, q, label) for g, q in zip(gold, predicted) for label in ("FAVOR", "AGAINST")]
    rows = np.asarray(counts, dtype=float).reshape(len(gold), 6)  # per pair: tp, fp, fn of FAVOR, then of AGAINST
    return {"f_avg": f_avg(gold, predicted),
            "f_avg_95": bootstrap_interval(rows, lambda c: (f1_of(c[:3]) + f1_of(c[3:])) / 2),
            "accuracy": _accuracy(gold, predicted),
            "f1_favor": _f1(gold, predicted, "FAVOR"), "f1_against": _f1(gold, predicted, "AGAINST"),
            "f1_favor_95": bootstrap_interval(rows[:, :3], f1_of),
            "f1_against_95": bootstrap_interval(rows[:, 3:], f1_of),
            "confusion": {f"{p}/{q}": n for (p, q), n in sorted(Counter(zip(gold, predicted)).items())}}


def _predict(predict: Callable[..., Any], pairs: Sequence[Pair]) -> list[StanceRecord]:
    """The author's record for each pair's target."""
    out = []
    for p in pairs:
        records = predict(p.sent, {p.target: p.spans}, {p.target: p.spans, **p.others})
        out.append(next(r for r in records if not r.holder and r.target == p.target))
    return out


def _content_words(phrases: Sequence[str]) -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w for phrase in phrases for w in re.findall(r"\w+", phrase.lower()) if w not in STOP_WORDS}


def _annotated(text: str, mention: str) -> tuple[int, int]:
    start = text.index(mention)  # checked by read_annotations
    return start, start + len(mention)


def _f1(gold: Sequence[str], predicted: Sequence[str], label: str) -> float:
    return f1_of(np.array([_counts(g, q, label) for g, q in zip(gold, predicted)]).reshape(-1, 3).sum(axis=0))


def _counts(gold: str, predicted: str, label: str) -> tuple[bool, bool, bool]:
    """Whether one pair is a true positive, a false positive, a false negative of ``label``."""
    return (gold == label and predicted == label, gold != label and predicted == label,
            gold == label and predicted != label)


def _accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == q for g, q in zip(gold, predicted)) / len(gold) if gold else 0.0
