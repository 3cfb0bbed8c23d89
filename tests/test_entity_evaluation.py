"""The entity evaluation's measures on hand-computed cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from bolcorpus.evaluate.entities import Mention, evaluate_entities, in_documents, spacy_predictor

GOLD = [
    {"id": "a", "text": "General Torres met Ovando in La Paz in 1970.", "entities": [
        {"start": 8, "end": 14, "label": "PERSON", "entity_id": "torres"},
        {"start": 19, "end": 25, "label": "PERSON", "entity_id": "ovando"},
        {"start": 29, "end": 35, "label": "GPE", "entity_id": "la_paz"},
        {"start": 39, "end": 43, "label": "DATE", "entity_id": None},
        {"start": 39, "end": 43, "label": "CARDINAL", "entity_id": None},
    ]},
]


def fixed(*mentions: Mention):
    return lambda texts: [list(mentions)]


def test_exact_matches_label_errors_partial_spans_and_ignored_labels() -> None:
    report = evaluate_entities(GOLD, fixed(
        Mention(8, 14, "PERSON", "torres"),  # right, linked right
        Mention(19, 25, "ORG", None),  # wrong label: a false positive and a false negative
        Mention(26, 35, "GPE", "la_paz"),  # partial span ("in La Paz"): FP + FN
        Mention(39, 43, "DATE", None),  # right
        Mention(0, 7, "MONEY", None),  # outside the label set: ignored
    ))
    overall = report["overall"]
    assert (overall["precision"], overall["recall"]) == (0.5, 0.5)
    person = report["per_label"]["PERSON"]  # the ORG guess is a false positive of ORG, not of PERSON
    assert (person["support"], person["precision"], person["recall"]) == (2, 1.0, 0.5)
    assert {k: v for k, v in report["linking"].items() if k != "accuracy_95"} == {
        "gold_linked_matched": 1, "accuracy": 1.0, "coverage": 1.0, "wrong_links": 0}


def test_linking_counts_only_matched_linked_gold_and_counts_wrong_links() -> None:
    report = evaluate_entities(GOLD, fixed(
        Mention(8, 14, "PERSON", "banzer"),  # found, linked wrongly
        Mention(19, 25, "PERSON", None),  # found, not linked
        Mention(39, 43, "DATE", "some_id"),  # gold has no id: a wrong link, not in the accuracy
    ))
    assert {k: v for k, v in report["linking"].items() if k != "accuracy_95"} == {
        "gold_linked_matched": 2, "accuracy": 0.0, "coverage": 0.5, "wrong_links": 2}
    # the confusion table lists the wrong link, the missing one and the link of an unlinked gold mention
    assert report["wrong_links"] == [
        {"text": "1970", "gold": "(none)", "predicted": "some_id", "count": 1},
        {"text": "Ovando", "gold": "ovando", "predicted": "(unlinked)", "count": 1},
        {"text": "Torres", "gold": "torres", "predicted": "banzer", "count": 1}]


@pytest.mark.issue(15)
def test_intervals_come_from_resampled_sentences_and_hold_the_estimate() -> None:
    sentences = [{"id": str(i), "text": "Torres met Ovando.", "entities": [
        {"start": 0, "end": 6, "label": "PERSON", "entity_id": "torres"}]} for i in range(40)]
    # half the sentences right, half with a wrong label: F1 0.5 with a wide interval around it
    predict = lambda texts: [[Mention(0, 6, "PERSON" if i % 2 else "ORG", "torres")] for i in range(len(texts))]  # noqa: E731
    report = evaluate_entities(sentences, predict)
    low, high = report["per_label"]["PERSON"]["f1_95"]
    assert low < report["per_label"]["PERSON"]["f1"] < high and high - low > 0.1
    assert report["linking"]["accuracy_95"] == (1.0, 1.0)  # every matched mention is linked right


@pytest.mark.issue(15)
def test_sentences_are_predicted_in_their_documents_context() -> None:
    seen = []

    def predict(texts):
        seen.extend(texts)
        return [[Mention(0, 6, "PERSON", "x"), Mention(6, 10, "ORG", None), Mention(8, 14, "GPE", None)]
                for _ in texts]

    rows = [{"id": "a", "doc": "d1", "text": "Torres", "entities": []},
            {"id": "b", "doc": "d2", "text": "Ovando", "entities": []},
            {"id": "c", "doc": "d1", "text": "Banzer", "entities": []}]
    out = in_documents(predict, [r["doc"] for r in rows])([r["text"] for r in rows])
    assert seen == ["Torres\n\nBanzer", "Ovando"]
    # d1: the mention at 8-14 is "Banzer" (the second sentence of d1); 6-10 spans the break and is dropped
    assert out == [[Mention(0, 6, "PERSON", "x")], [Mention(0, 6, "PERSON", "x")], [Mention(0, 6, "GPE", None)]]


@pytest.mark.slow
def test_spacy_predictor_reads_labels_and_kb_ids() -> None:
    from bolcorpus.ner import load_domain_nlp

    (mentions,) = spacy_predictor(load_domain_nlp())(["General Torres entered La Paz with the COB."])
    assert Mention(8, 14, "PERSON", "juan_jose_torres") in mentions


@pytest.mark.issue(15)
def test_a_published_version_is_scored_on_the_sentences_it_holds_verbatim(tmp_path) -> None:
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from bolcorpus.evaluate.published import run_published_evaluation

    (tmp_path / "v" / "sentences").mkdir(parents=True)
    entities = [{"text": "Torres", "start": 8, "end": 14, "label": "PERSON", "entity_id": "torres", "source": "kb"}]
    pq.write_table(pa.Table.from_pylist([{"text": GOLD[0]["text"], "entities": entities},
                                         {"text": "Another sentence.", "entities": []}]),
                   tmp_path / "v" / "sentences" / "train-00000-of-00001.parquet")
    gold = tmp_path / "gold.jsonl"
    other = {"id": "b", "text": "Not published.",
             "entities": [{"start": 0, "end": 3, "label": "ORG", "entity_id": None}]}
    gold.write_text("".join(json.dumps(r) + "\n" for r in (GOLD[0], other)))
    report = run_published_evaluation(tmp_path, tmp_path / "v", Path("gold.jsonl"))
    assert "the 1 of 2 sentences" in report["gold"]
    scores = report["systems"]["published v"]
    assert scores["sentences"] == 1 and scores["per_label"]["PERSON"]["recall"] == 0.5
    assert scores["linking"]["accuracy"] == 1.0  # Ovando was not found; Torres is linked right
