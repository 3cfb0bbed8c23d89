"""bolcorpus bench: the corpus it builds, and its report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bolcorpus.bench import build_corpus, damage_options
from bolcorpus.cli import app
from bolcorpus.config import load_pipeline
from bolcorpus.evaluate.damage import damage_text

pytestmark = pytest.mark.issue(13)
ROOT = Path(__file__).resolve().parent.parent


def test_the_corpus_has_the_size_asked_and_no_two_documents_alike(tmp_path: Path) -> None:
    settings = load_pipeline(ROOT / "pipelines" / "default.toml")
    corpus = build_corpus(settings, tmp_path, size=60_000, doc_size=4_000)
    texts = [p.read_text() for p in sorted(tmp_path.glob("*.txt"))]
    assert 60_000 <= corpus["bytes"] < 60_000 + 2 * 4_000 and corpus["documents"] == len(texts)
    assert len(set(texts)) == len(texts)
    entries = yaml.safe_load((tmp_path / "manifest.yml").read_text())["documents"]
    assert [e["source_file"] for e in entries] == sorted(p.name for p in tmp_path.glob("*.txt"))


def test_damage_levels_scale_every_rate_and_level_none_leaves_the_text_alone() -> None:
    assert damage_options(2.0)["confusion"] == {"rate": 0.28}
    text = (ROOT / "raw" / "003_5a5911ddee1fa91e.txt").read_text(encoding="utf-8")
    same_words = damage_text(text, seed=1, options=damage_options(0.0)).text.split() == text.split()
    assert same_words  # only the layout moves: paragraphs are written as single lines
    assert damage_text(text, seed=1, options=damage_options(1.0)).text.split() != text.split()


@pytest.mark.slow
def test_bench_reports_every_stage_as_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", str(ROOT / "pipelines" / "default.toml"), "--size", "4kB",
                                      "--no-reference", "--keep", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    (run,) = json.loads(result.stdout)["runs"]
    assert [s["stage"] for s in run["stages"]] == ["ingest", "repair", "segment", "entities", "stance", "publish"]
    assert run["workers"] == 1 and run["seconds"] > 0
