"""The parts of publishing that need no pipeline run: validation, splits, versions, changelog."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bolcorpus.errors import ConfigError
from bolcorpus.publishing.changelog import render_changelog
from bolcorpus.publishing.splits import assign_split
from bolcorpus.publishing.validate import MAX_LISTED, DatasetInvalid, Validator
from bolcorpus.publishing.versions import bump, previous, published
from bolcorpus.stages.publish import Publish

TEXT = "Torres fell in 1971. The COB resisted."


def validator_with_document() -> Validator:
    v = Validator(stance_labels=("FAVOR", "AGAINST", "NONE"), entity_labels=("PERSON", "ORG", "DATE"))
    v.document({"doc_id": "d", "text": TEXT, "raw_text": "T orres fell in 1971. The COB resisted."})
    return v


def sentence(**changes) -> dict:
    row = {"doc_id": "d", "sentence_id": "d-00000", "text": "Torres fell in 1971.", "start": 0, "end": 20,
           "entities": [{"text": "Torres", "start": 0, "end": 6, "label": "PERSON"}],
           "stance": [{"target": "TORRES", "label": "NONE", "evidence": ["fell"]}]}
    return {**row, **changes}


def test_valid_rows_pass() -> None:
    v = validator_with_document()
    v.sentence(sentence())
    v.edit({"doc_id": "d", "raw_start": 0, "raw_end": 2, "before": "T ", "after": "T"})
    v.check()
    assert v.problems == []


@pytest.mark.parametrize("row, problem", [
    (sentence(start=5), "text differs from documents.text[5:20]"),
    (sentence(end=500), "offsets 0:500 outside"),
    (sentence(doc_id="missing"), "its document 'missing' is not in the documents config"),
    (sentence(entities=[{"text": "Torres", "start": 1, "end": 7, "label": "PERSON"}]), "points at 'orres '"),
    (sentence(entities=[{"text": "Torres", "start": 0, "end": 6, "label": "HERO"}]), "label 'HERO', not one of"),
    (sentence(stance=[{"target": "TORRES", "label": "PRO", "evidence": []}]), "label 'PRO', not one of"),
    (sentence(stance=[{"target": "TORRES", "label": "AGAINST", "evidence": ["betrayed"]}]),
     "evidence 'betrayed' is not in the sentence"),
], ids=["text", "offsets", "document", "entity-span", "entity-label", "stance-label", "evidence"])
def test_each_check_names_the_row_and_the_problem(row: dict, problem: str) -> None:
    v = validator_with_document()
    v.sentence(row)
    assert len(v.problems) == 1 and problem in v.problems[0] and v.problems[0].startswith("sentences ")
    with pytest.raises(DatasetInvalid, match="nothing was published"):
        v.check()


def test_duplicate_ids_and_edits_that_do_not_replay_are_problems() -> None:
    v = validator_with_document()
    v.document({"doc_id": "d", "text": TEXT, "raw_text": TEXT})
    v.sentence(sentence())
    v.sentence(sentence())
    v.edit({"doc_id": "d", "raw_start": 0, "raw_end": 2, "before": "Xx", "after": "T"})
    assert [p.split(": ", 1)[1] for p in v.problems] == [
        "doc_id is not unique", "sentence_id is not unique", "`before` 'Xx' differs from the raw text"]


def test_a_long_report_lists_the_first_problems_and_counts_the_rest() -> None:
    v = validator_with_document()
    for i in range(MAX_LISTED + 5):
        v.sentence(sentence(sentence_id=f"d-{i}", start=1))
    with pytest.raises(DatasetInvalid, match=r"\(25 problems\)(.|\n)*… and 5 more"):
        v.check()


def test_splits_follow_the_ratios_and_not_their_order() -> None:
    ratios = {"train": 0.8, "validation": 0.1, "test": 0.1}
    counts = Counter(assign_split(f"doc-{i}", ratios) for i in range(10_000))
    assert 0.78 < counts["train"] / 10_000 < 0.82 and 0.08 < counts["test"] / 10_000 < 0.12
    shuffled = {"test": 0.1, "train": 0.8, "validation": 0.1}
    assert all(assign_split(f"doc-{i}", ratios) == assign_split(f"doc-{i}", shuffled) for i in range(1000))


@pytest.mark.parametrize("splits", [{"train": 0.5}, {"train": 1.2, "test": -0.2}, {"a b": 1.0}, {}])
def test_bad_split_ratios_are_config_errors(tmp_path: Path, splits: dict) -> None:
    from bolcorpus.config import _validate

    with pytest.raises(ConfigError, match="sum to 1"):
        _validate(Publish.Config, {"splits": splits}, tmp_path / "c.toml", "publish")


def test_versions_bump_and_only_complete_versions_count(tmp_path: Path) -> None:
    assert [bump("1.2.3", p) for p in ("major", "minor", "patch")] == ["2.0.0", "1.3.0", "1.2.4"]
    for name in ("0.1.0", "0.10.0", "0.9.0"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text("{}")
    (tmp_path / "0.11.0").mkdir()  # no manifest: not a published version
    (tmp_path / ".tmp-0.12.0-x").mkdir()
    assert published(tmp_path) == ["0.1.0", "0.9.0", "0.10.0"]
    assert previous(tmp_path, "0.10.0") == "0.9.0" and previous(tmp_path, "0.1.0") is None


def test_the_changelog_keeps_the_earlier_entries_and_lists_software_changes() -> None:
    first = {"version": "0.1.0", "documents": {"a": {"raw_sha256": "1", "content": "x"}}, "bolcorpus": "0.1.0"}
    second = {"version": "0.2.0", "bolcorpus": "0.2.0", "rows": {"documents": {"train": 2}},
              "documents": {"a": {"raw_sha256": "2", "content": "y"}, "b": {"raw_sha256": "3", "content": "z"}}}
    log = render_changelog(second, first, render_changelog(first, None, ""))
    assert log.startswith("# Changelog\n\n## 0.2.0 (from 0.1.0)")
    assert "1 added, 0 removed, 1 changed (added: b; raw text changed: a)" in log
    assert "- software: `bolcorpus` 0.1.0 → 0.2.0" in log
    assert "| `documents` | train | 0 | 2 | +2 |" in log
    assert log.rstrip().endswith("## 0.1.0\n\n- first version: 1 documents")


@pytest.mark.issue(13)
def test_a_large_split_is_cut_into_several_parquet_files_named_for_the_hub(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from bolcorpus.document import Document
    from bolcorpus.publishing import tables

    docs = [Document(f"d{n:03d}", f"d{n:03d}.txt", "Torres fell. " * 50, "Torres fell. " * 50) for n in range(600)]
    written, _ = tables.write_tables(docs, tmp_path, {"train": 1.0}, None, max_file_bytes=2_000)
    names = sorted(p.name for p in (tmp_path / "documents").iterdir())
    assert len(names) > 1 and names[0] == f"train-00000-of-{len(names):05d}.parquet"
    rows = sum(pq.read_table(tmp_path / "documents" / n).num_rows for n in names)
    assert rows == 600 == written.rows["documents"]["train"]
    assert written.bytes["documents"]["train"] == sum((tmp_path / "documents" / n).stat().st_size for n in names)
