"""The staged runner end to end: publish, cache, partial reruns, resume, immutability."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import requires

from bolcorpus import runner
from bolcorpus.errors import PublishError
from bolcorpus.stages.repair import Repair

pytestmark = pytest.mark.slow  # loads the spaCy model


def statuses(result) -> dict[str, str]:
    return {r.name: r.status for r in result.stages}


def test_run_publishes_a_dataset_that_datasets_loads_offline(settings) -> None:
    result = runner.run(settings)
    version_dir = result.published
    assert version_dir == settings.run.out / "datasets" / "bolcorpus" / "0.1.0"
    script = (
        "import json, sys\n"
        "from datasets import load_dataset\n"
        "out = {c: load_dataset(sys.argv[1], c, split='train').num_rows "
        "for c in ['documents', 'sentences', 'entities', 'edits']}\n"
        "s = load_dataset(sys.argv[1], 'sentences', split='train')[0]\n"
        "out['first'] = s\n"
        "print(json.dumps(out))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "HF_HOME": str(settings.run.out / "hf-home")}
    done = subprocess.run([sys.executable, "-c", script, str(version_dir)], capture_output=True, text=True,
                          env=env, check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded["documents"] == 3
    assert loaded["sentences"] > 10 and loaded["edits"] > 10 and loaded["entities"] > 0
    first = loaded["first"]
    assert first["doc_id"] == "a_petras" and first["index"] == 0
    assert first["text"].startswith("Three major political upheavals")
    manifest = json.loads((version_dir / "manifest.json").read_text())
    assert manifest["version"] == "0.1.0" and len(manifest["fingerprint"]) == 64
    assert set(manifest["inputs"]) == {"a_petras.txt", "b_zavaleta.txt", "c_nlr.txt"}


def test_sentence_and_entity_offsets_point_at_their_text(settings) -> None:
    import pyarrow.parquet as pq

    version_dir = runner.run(settings).published
    docs = {r["doc_id"]: r for r in pq.read_table(version_dir / "documents").to_pylist()}
    for row in pq.read_table(version_dir / "sentences").to_pylist():
        assert docs[row["doc_id"]]["text"][row["start"] : row["end"]] == row["text"]
        for ent in row["entities"]:
            assert row["text"][ent["start"] : ent["end"]] == ent["text"]


def test_rerun_with_nothing_changed_does_no_work(settings) -> None:
    runner.run(settings)
    again = runner.run(settings)
    assert not again.did_work
    assert set(statuses(again).values()) == {"cached"}
    assert all(fresh for _, fresh, _ in runner.status(settings))


def test_changing_one_stage_config_redoes_it_and_later_stages_only_where_its_output_changed(settings) -> None:
    runner.run(settings)
    changed = settings.with_stage("repair", max_passes=5).with_stage("publish", version="0.2.0")
    stale = {name: (fresh, why) for name, fresh, why in runner.status(changed)}
    assert stale["ingest"][0] and not stale["repair"][0]
    assert "config changed (max_passes)" in stale["repair"][1]
    assert "an earlier stage changed" in stale["segment"][1]
    result = runner.run(changed)  # a fifth pass changes no text: the later stages find every document cached
    assert statuses(result) == {"ingest": "cached", "repair": "ran", "segment": "cached", "entities": "cached",
                                "stance": "cached", "publish": "published"}
    rules = tuple(r for r in settings.stage_configs["repair"].rules if r != "repair.unwrap.v1")
    result = runner.run(changed.with_stage("repair", rules=rules).with_stage("publish", version="0.3.0"))
    assert statuses(result)["repair"] == "ran"  # the documents whose text changed are redone after it
    assert {statuses(result)[n] for n in ("segment", "entities", "stance")} == {"updated"}
    assert {r.documents_run for r in result.stages[2:5]} == {2}


@pytest.mark.issue(13)
def test_adding_changing_or_removing_a_document_reprocesses_that_document_only(settings, raw_dir: Path) -> None:
    def documents_run(result) -> dict[str, int]:
        return {r.name: r.documents_run for r in result.stages if r.name != "publish"}

    runner.run(settings)
    (raw_dir / "d_new.txt").write_text("The COB called a general strike against Banzer in La Paz.\n")
    added = runner.run(settings.with_stage("publish", version="0.2.0"))
    assert documents_run(added) == dict.fromkeys(["ingest", "repair", "segment", "entities", "stance"], 1)
    assert statuses(added)["stance"] == "updated" and added.stages[-1].stats["out"] == 4
    (raw_dir / "b_zavaleta.txt").write_text((raw_dir / "b_zavaleta.txt").read_text() + "\nTorres fell in 1971.\n")
    changed = runner.run(settings.with_stage("publish", version="0.3.0"))
    assert documents_run(changed) == dict.fromkeys(["ingest", "repair", "segment", "entities", "stance"], 1)
    (raw_dir / "d_new.txt").unlink()
    removed = runner.run(settings.with_stage("publish", version="0.4.0"))
    assert documents_run(removed) == dict.fromkeys(["ingest", "repair", "segment", "entities", "stance"], 0)
    assert statuses(removed)["publish"] == "published" and removed.stages[-1].stats["out"] == 3
    assert removed.stages[1].stats["in"] == 3  # the stats are those of this run's documents


@pytest.mark.issue(13)
def test_parts_no_current_document_needs_are_collected_unless_another_run_was_interrupted(settings,
                                                                                          raw_dir: Path) -> None:
    def parts(stage_dir: Path) -> set[str]:
        return {p.name for p in (stage_dir / "parts").iterdir()}

    def marked(stage_dir: Path) -> set[str]:  # the parts the stage's one marker points at, with their indexes
        (marker,) = (stage_dir / "runs").glob("*.jsonl")
        names = {json.loads(line)[2] for line in marker.read_text().splitlines()[1:]}
        return {f"{n}{suffix}" for n in names for suffix in (".jsonl", ".index.json")}

    runner.run(settings)
    (repair_dir,) = (settings.run.out / "repair").iterdir()
    first = parts(repair_dir)
    zavaleta = raw_dir / "b_zavaleta.txt"
    zavaleta.write_text(zavaleta.read_text() + "\nTorres fell in 1971.\n")
    interrupted = repair_dir / "runs" / "0123456789abcdef.started"  # another input's run, killed
    interrupted.touch()
    kept = runner.run(settings.with_stage("publish", version="0.2.0")).stages[1]
    assert kept.parts_collected == 0 and first < parts(repair_dir)
    interrupted.unlink()
    zavaleta.write_text(zavaleta.read_text() + "\nBanzer took power.\n")
    result = runner.run(settings.with_stage("publish", version="0.3.0"))
    assert result.stages[1].parts_collected == 2  # the two earlier outputs of b_zavaleta
    assert parts(repair_dir) == marked(repair_dir)
    assert statuses(runner.run(settings.with_stage("publish", version="0.3.0")))["repair"] == "cached"


def test_a_killed_run_resumes_from_the_shards_completely_written(settings, monkeypatch) -> None:
    original = Repair.transform

    def dies_on_the_third_document(self, doc):
        if doc.id == "c_nlr":
            raise KeyboardInterrupt  # like a kill: not caught as a per-document error
        return original(self, doc)

    monkeypatch.setattr(Repair, "transform", dies_on_the_third_document)
    with pytest.raises(KeyboardInterrupt):
        runner.run(settings)
    (repair_state,) = [why for name, _, why in runner.status(settings) if name == "repair"]
    assert "interrupted: 2 of 3 documents done" in repair_state
    monkeypatch.setattr(Repair, "transform", original)
    result = runner.run(settings)
    repair_report = next(r for r in result.stages if r.name == "repair")
    assert (repair_report.status, repair_report.shards_run, repair_report.shards) == ("resumed", 1, 3)
    assert statuses(result)["ingest"] == "cached"
    assert repair_report.stats["in"] == 3  # stats merged from every shard


def test_a_published_version_is_never_changed(settings, raw_dir: Path) -> None:
    version_dir = runner.run(settings).published
    before = {p: p.read_bytes() for p in version_dir.rglob("*") if p.is_file()}
    (raw_dir / "b_zavaleta.txt").write_text("Different content about Torres.\n")
    with pytest.raises(PublishError, match="already published with different content"):
        runner.run(settings)
    after = {p: p.read_bytes() for p in version_dir.rglob("*") if p.is_file()}
    assert after == before
    assert not list(version_dir.parent.glob(".tmp-*"))


@pytest.mark.issue(13)
def test_parallel_workers_give_a_byte_identical_dataset(settings, tmp_path: Path) -> None:
    serial = runner.run(settings).published
    parallel = runner.run(settings.with_overrides(out=tmp_path / "parallel", workers=2)).published
    assert files_of(parallel) == files_of(serial)


@requires("distributed")
@pytest.mark.issue(13)
def test_the_dask_executor_gives_the_same_dataset_as_the_local_one(settings, tmp_path: Path) -> None:
    local = runner.run(settings).published
    dask = runner.run(settings.with_overrides(out=tmp_path / "dask", executor="dask", workers=2)).published
    assert files_of(dask) == files_of(local)


def files_of(version_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(version_dir).as_posix(): p.read_bytes() for p in version_dir.rglob("*") if p.is_file()}


def test_changed_stage_code_redoes_that_stage_and_later_ones(settings, monkeypatch) -> None:
    runner.run(settings)
    real_hash = runner._code_hash
    monkeypatch.setattr(runner, "_code_hash", lambda cls: "edited" if cls.name == "segment" else real_hash(cls))
    stale = {name: (fresh, why) for name, fresh, why in runner.status(settings)}
    assert stale["ingest"][0] and stale["repair"][0]
    assert stale["segment"] == (False, "code changed")
    assert not stale["entities"][0]


@pytest.mark.issue(13)
def test_rejections_and_warnings_belong_to_their_document_across_shards(settings, raw_dir: Path) -> None:
    (raw_dir / "a_empty.txt").write_text("  \n")
    (raw_dir / "z_latin.txt").write_bytes("Paz Estenssoro and the MNR, señor.\n".encode("latin-1"))
    ingest = runner.run(settings.with_overrides(shard_size=2)).stages[0]
    assert ingest.stats == {"in": 5, "out": 4, "dropped_empty": 1}
    mine = [w for w in ingest.warnings if "a_empty.txt" in w or "z_latin.txt" in w]
    # the empty file is rejected; the latin-1 one is decoded, and has no manifest entry
    assert [w.split(":")[0].rsplit("/", 1)[-1] for w in mine] == ["a_empty.txt", "z_latin.txt", "z_latin.txt"]
    (raw_dir / "a_empty.txt").unlink()  # the others' stats and warnings stay theirs
    again = runner.run(settings.with_overrides(shard_size=2).with_stage("publish", version="0.2.0")).stages[0]
    assert again.stats == {"in": 4, "out": 4} and not [w for w in again.warnings if "a_empty" in w]
    assert len([w for w in again.warnings if "z_latin.txt" in w]) == 2
