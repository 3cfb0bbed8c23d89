"""Publishing (issue 6): loadable versions, card, splits, bumps, changelog, reproducibility,
validation, verify, atomicity and pushing to the Hub (with a fake client)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from bolcorpus import runner
from bolcorpus.cli import app
from bolcorpus.errors import PublishError
from bolcorpus.publishing import tables
from bolcorpus.publishing.hub import push
from bolcorpus.publishing.splits import assign_split
from bolcorpus.publishing.validate import DatasetInvalid
from bolcorpus.publishing.versions import published

pytestmark = [pytest.mark.slow, pytest.mark.issue(6)]  # these run the pipeline with the spaCy model
ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ("documents", "sentences", "entities", "edits")
LOAD_ALL = """
import json, sys
from datasets import load_dataset
out = {}
for config in ["documents", "sentences", "entities", "edits"]:
    d = load_dataset(sys.argv[1], config)
    out[config] = {split: d[split].num_rows for split in d}
    out[config + "_ids"] = {split: sorted(set(d[split]["doc_id"])) for split in d if "doc_id" in d[split].features}
s = load_dataset(sys.argv[1], "sentences", split="train")
out["stance_names"] = s.features["stance"].feature["label"].names
out["entity_names"] = s.features["entities"].feature["label"].names
out["texts"] = sorted(s["text"])
print(json.dumps(out))
"""


def load_in_new_process(version_dir: Path, hf_home: Path) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(hf_home)}
    done = subprocess.run([sys.executable, "-c", LOAD_ALL, str(version_dir)], capture_output=True, text=True,
                          env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def version_dir(settings) -> Path:
    path = runner.run(settings).published
    assert path is not None
    return path


def test_every_config_of_a_fresh_version_loads_in_a_new_process(version_dir: Path, tmp_path: Path) -> None:
    loaded = load_in_new_process(version_dir, tmp_path / "hf")
    manifest = json.loads((version_dir / "manifest.json").read_text())
    for config in CONFIGS:
        assert loaded[config] == manifest["rows"][config]
    assert sum(loaded["documents"].values()) == 3
    assert loaded["stance_names"] == ["FAVOR", "AGAINST", "NONE"]
    assert "PERSON" in loaded["entity_names"]
    ratios = manifest["splits"]
    for config in ("documents", "sentences", "edits"):  # a document's rows are all in its split
        for split, ids in loaded[config + "_ids"].items():
            assert all(assign_split(doc_id, ratios) == split for doc_id in ids)


def test_the_cards_load_snippet_runs(version_dir: Path, tmp_path: Path) -> None:
    card = (version_dir / "README.md").read_text()
    snippet = re.search(r"```python\n(.*?)```", card, re.S).group(1)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run([sys.executable, "-c", snippet], cwd=version_dir.parent.parent, capture_output=True,
                          text=True, env=env, check=True)
    assert len(done.stdout.strip().splitlines()) == 3  # three sentences with their stance labels
    assert re.search(r"'(FAVOR|AGAINST|NONE)'", done.stdout)


def test_the_card_declares_features_and_gives_statistics_provenance_licensing_citations(version_dir) -> None:
    card = (version_dir / "README.md").read_text()
    front = card.split("---")[1]
    assert "class_label" in front and "num_examples" in front and "config_name: sentences" in front
    for section in ("## How to load", "## Splits", "## Statistics", "## Provenance", "## Known limitations",
                    "## Licensing", "## Citation"):
        assert section in card
    manifest = json.loads((version_dir / "manifest.json").read_text())
    for name, sha in manifest["inputs"].items():
        assert f"| {name} | `{sha}` |" in card
    assert card.count("@misc{") + card.count("@article{") == 1 + 3  # the dataset and each document
    assert "| `c_nlr` | © New Left Review 1972, all rights reserved |" in card
    assert str(ROOT) not in card  # nothing depends on where the project was cloned


def test_a_new_version_is_never_served_from_the_cache_of_an_old_one(settings, raw_dir, tmp_path) -> None:
    hf_home = tmp_path / "hf"  # one datasets cache for every load
    first = runner.run(settings).published
    before = load_in_new_process(first, hf_home)["texts"]
    (raw_dir / "b_zavaleta.txt").write_text("A new text: Torres fell in August 1971.\n")
    second = runner.run(runner.with_bumped_version(settings, "minor")).published
    assert second.name == "0.2.0"
    after = load_in_new_process(second, hf_home)["texts"]
    assert "A new text: Torres fell in August 1971." in after and after != before
    shutil.rmtree(first)  # even the same path, republished with other content, is not served from the cache
    (raw_dir / "b_zavaleta.txt").write_text("Yet another text about Banzer.\n")
    again = runner.run(settings).published
    assert again == first
    assert "Yet another text about Banzer." in load_in_new_process(first, hf_home)["texts"]


def test_publishing_twice_from_a_clean_state_gives_identical_fingerprints_and_bytes(settings, tmp_path) -> None:
    one = runner.run(settings).published
    two = runner.run(settings.with_overrides(out=tmp_path / "elsewhere")).published
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert any(f.suffix == ".parquet" for f in files)
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_bump_publishes_the_next_version_with_a_changelog_and_identical_content_is_a_no_op(settings, raw_dir):
    first = runner.run(settings).published
    assert runner.with_bumped_version(settings, "minor").stage_configs["publish"].version == "0.1.0"  # same content
    (raw_dir / "c_nlr.txt").unlink()
    (raw_dir / "d_new.txt").write_text("The COB called a general strike against Banzer.\n")
    second = runner.run(runner.with_bumped_version(settings, "minor")).published
    assert (first.name, second.name) == ("0.1.0", "0.2.0")
    log = (second / "CHANGELOG.md").read_text()
    assert "## 0.2.0 (from 0.1.0)" in log and "## 0.1.0" in log
    assert "1 added, 1 removed" in log and "added: d_new" in log and "removed: c_nlr" in log
    assert "`documents`" in log  # count deltas per config
    third = runner.run(runner.with_bumped_version(settings, "major")).published
    assert third == second  # nothing changed: the newest version is kept, nothing is written
    assert published(first.parent) == ["0.1.0", "0.2.0"]


def test_verify_catches_a_tampered_missing_or_extra_file(version_dir: Path) -> None:
    cli = CliRunner()
    ok = cli.invoke(app, ["verify", str(version_dir)])
    assert ok.exit_code == 0 and "OK" in ok.stdout
    parquet = next(version_dir.glob("sentences/*.parquet"))
    data = bytearray(parquet.read_bytes())
    data[len(data) // 2] ^= 0xFF
    parquet.write_bytes(bytes(data))
    (version_dir / "extra.txt").write_text("not published")
    (version_dir / "CHANGELOG.md").unlink()
    bad = cli.invoke(app, ["verify", str(version_dir)])
    assert bad.exit_code == 1
    assert "changed" in bad.stderr and "missing" in bad.stderr and "not in the manifest" in bad.stderr


KILLED_PUBLISH = """
import sys, time
import pyarrow.parquet as pq
from bolcorpus import runner
from bolcorpus.config import load_pipeline
real = pq.ParquetWriter.write_table
def slow(self, *args, **kwargs):
    print("writing", flush=True)
    time.sleep(60)  # the parent kills us here, mid-publish
pq.ParquetWriter.write_table = slow
settings = load_pipeline(sys.argv[1]).with_overrides(raw=sys.argv[2], out=sys.argv[3], shard_size=1)
runner.run(settings)
"""


def test_a_publish_killed_midway_leaves_no_partial_version(settings) -> None:
    out = settings.run.out
    proc = subprocess.Popen([sys.executable, "-c", KILLED_PUBLISH, str(ROOT / "pipelines" / "default.toml"),
                             str(settings.run.raw), str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"  # publishing has begun
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    dataset_dir = out / "datasets" / "bolcorpus"
    assert list(dataset_dir.glob(".tmp-*"))  # it died while writing…
    assert not (dataset_dir / "0.1.0").exists() and published(dataset_dir) == []  # …and no version exists
    version_dir = runner.run(settings).published  # the next run publishes in full and clears the debris
    assert CliRunner().invoke(app, ["verify", str(version_dir)]).exit_code == 0
    assert not list(dataset_dir.glob(".tmp-*"))


def test_invalid_rows_are_refused_with_a_report_and_nothing_is_published(settings, monkeypatch) -> None:
    real = tables.sentence_rows

    def shifted_entities(doc):
        for row in real(doc):
            for ent in row["entities"]:
                ent["start"] += 1
            yield row

    monkeypatch.setattr(tables, "sentence_rows", shifted_entities)
    with pytest.raises(DatasetInvalid, match=r"nothing was published \(\d+ problems\)(.|\n)*points at"):
        runner.run(settings)
    dataset_dir = settings.run.out / "datasets" / "bolcorpus"
    assert published(dataset_dir) == [] and not list(dataset_dir.iterdir())


class FakeHub:
    """The few ``HfApi`` methods that pushing uses, recording what it was asked to do."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.fail = fail
        self.calls: list[str] = []
        self.tags: dict[str, Path] = {}  # tag → uploaded folder
        self.uploaded: Path | None = None

    def create_repo(self, repo_id, *, repo_type, private, exist_ok):
        if self.fail:
            raise self.fail
        self.calls.append(f"create_repo {repo_id} {repo_type}")

    def list_repo_refs(self, repo_id, *, repo_type):
        return SimpleNamespace(tags=[SimpleNamespace(name=t) for t in self.tags])

    def upload_folder(self, *, repo_id, folder_path, repo_type, commit_message, delete_patterns):
        self.calls.append(f"upload {Path(folder_path).name} {commit_message}")
        self.uploaded = Path(folder_path)
        return SimpleNamespace(oid="abc123")

    def create_tag(self, repo_id, *, tag, revision, repo_type, tag_message):
        self.calls.append(f"tag {tag} {revision}")
        self.tags[tag] = self.uploaded

    def hf_hub_download(self, repo_id, filename, *, repo_type, revision):
        return str(self.tags[revision] / filename)


def test_push_uploads_and_tags_the_version_and_never_changes_a_pushed_tag(version_dir, tmp_path) -> None:
    hub = FakeHub()
    assert push(version_dir, "someone/bolcorpus", client=hub) == "v0.1.0"
    assert hub.calls == ["create_repo someone/bolcorpus dataset", "upload 0.1.0 bolcorpus 0.1.0", "tag v0.1.0 abc123"]
    assert push(version_dir, "someone/bolcorpus", client=hub) == "v0.1.0"  # same content: nothing uploaded
    assert len([c for c in hub.calls if c.startswith("upload")]) == 1
    other = Path(shutil.copytree(version_dir, tmp_path / "other" / "0.1.0"))
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["fingerprint"] = "0" * 64
    (other / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(PublishError, match="already holds different content"):
        push(other, "someone/bolcorpus", client=hub)
    (other / "README.md").write_text("tampered")
    with pytest.raises(PublishError, match="does not match its manifest"):
        push(other, "someone/bolcorpus", client=FakeHub())
    with pytest.raises(PublishError, match="check the network and your token"):
        push(version_dir, "someone/bolcorpus", client=FakeHub(fail=ConnectionError("no route to host")))


def test_publish_command_pushes_through_huggingface_hub(settings, monkeypatch) -> None:
    import huggingface_hub

    hub = FakeHub()
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda: hub)
    result = CliRunner().invoke(app, ["publish", str(settings.pipeline), "--raw", str(settings.run.raw),
                                      "--out", str(settings.run.out), "--push", "someone/bolcorpus"])
    assert result.exit_code == 0, result.output
    assert "Pushed to the Hub: someone/bolcorpus at tag v0.1.0" in result.stdout
    assert "tag v0.1.0 abc123" in hub.calls
