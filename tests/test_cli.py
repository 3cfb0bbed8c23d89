"""The command line as a user meets it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bolcorpus.cli import app

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = str(ROOT / "pipelines" / "default.toml")
cli = CliRunner()


def test_repair_prints_repaired_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("the insti-\ntutional crisis of\nthe MNR\n")
    result = cli.invoke(app, ["repair", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "the institutional crisis of\n\nthe MNR\n"


def test_repair_explain_lists_each_edit_with_rule_and_place(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("the insti-\ntutional crisis\n")
    result = cli.invoke(app, ["repair", "--explain", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"# {path}: 2 edits"
    assert lines[1].startswith("1:10\trepair.dehyphenate.v1\t'-\\n' → ''")


@pytest.mark.slow
def test_run_then_status(tmp_path: Path) -> None:
    raw = ROOT / "tests" / "fixtures" / "raw"
    out = tmp_path / "out"
    result = cli.invoke(app, ["run", PIPELINE, "--raw", str(raw), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"Dataset published at {out / 'datasets' / 'bolcorpus' / '0.1.0'}"
    assert result.stdout.splitlines()[-2].endswith(f"writes {out / 'reports' / 'bolcorpus' / '0.1.0' / 'index.html'}")
    again = cli.invoke(app, ["run", PIPELINE, "--raw", str(raw), "--out", str(out)])
    assert "Nothing to do: every stage is up to date." in again.stdout
    status = cli.invoke(app, ["status", PIPELINE, "--raw", str(raw), "--out", str(out)])
    assert status.exit_code == 0 and status.stdout.count("up to date") >= 6


def test_bad_config_exits_2_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text('config = "c.toml"\nstages = ["ingest"]\n')
    (tmp_path / "c.toml").write_text("[run]\nworkers = -3\n")
    result = cli.invoke(app, ["run", str(tmp_path / "p.toml")])
    assert result.exit_code == 2
    assert "[run] workers = -3" in result.stderr


def test_repair_diff_shows_removed_and_added_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("the insti-\ntutional crisis : it deepened.\n")
    result = cli.invoke(app, ["repair", "--diff", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"--- {path} (raw)" and lines[1] == f"+++ {path} (repaired)"
    assert "-the insti- tutional crisis :" in lines and "+the institutional crisis:" in lines


def test_stance_agreement_of_the_shipped_annotations() -> None:
    stance = ROOT / "benchmarks" / "stance"
    files = [str(stance / "annotator1.jsonl"), str(stance / "annotator2.jsonl")]
    result = cli.invoke(app, ["evaluate", "stance-agreement", *files])
    assert result.exit_code == 0, result.output
    assert "732 shared pairs (0 only in the first, 0 only in the second)." in result.stdout
    report = json.loads(cli.invoke(app, ["evaluate", "stance-agreement", "--json", *files]).stdout)
    assert report["pairs"] == 732 and report["kappa"] > 0.7  # two annotators agree well beyond chance


def test_stance_evaluation_of_a_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "gold.jsonl"
    config = str(ROOT / "configs" / "default.toml")
    result = cli.invoke(app, ["evaluate", "stance", "--gold", str(missing), "--config", config])
    assert result.exit_code == 2
    assert str(missing) in result.output and "cannot read the annotations" in result.output
