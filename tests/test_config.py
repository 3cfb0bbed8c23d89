"""Configs are validated on load; errors name the file, the key and what is allowed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bolcorpus.config import load_pipeline
from bolcorpus.errors import ConfigError
from bolcorpus.repair import RepairConfig, repair_text

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "configs", tmp_path / "configs")
    shutil.copytree(ROOT / "pipelines", tmp_path / "pipelines")
    return tmp_path


def edit_config(project: Path, old: str, new: str) -> Path:
    path = project / "configs" / "default.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def load(project: Path):
    return load_pipeline(project / "pipelines" / "default.toml")


def test_the_default_pipeline_loads(project: Path) -> None:
    settings = load(project)
    assert settings.stages[0] == "ingest" and settings.stages[-1] == "publish"
    assert settings.run.raw == (project / "raw").resolve()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("max_passes = 4", "max_pases = 4", ["[repair]", "unknown key 'max_pases'", "allowed keys:", "max_passes"]),
        ("workers = 1", "workers = 0", ["[run]", "workers = 0", "greater than or equal to 1"]),
        ("workers = 1", "workers = 'many'", ["[run]", "workers = 'many'", "integer"]),
        ('version = "0.1.0"', 'version = "one"', ["[publish]", "version = 'one'", "pattern"]),
        ("[segment]", "[segmnt]", ["unknown table [segmnt]", "allowed tables:", "segment"]),
        ('"repair.unwrap.v1",', '"repair.unwarp.v1",', ["unknown repair rule 'repair.unwarp.v1'", "repair.unwrap.v1"]),
        ("min_zipf = 2.0", "min_zipf = 'x'", ["repair.dehyphenate.v1", "min_zipf = 'x'"]),
        ("min_zipf = 2.0", "max_zipf = 2.0", ["unknown option 'max_zipf'", "allowed: min_zipf"]),
        ("[run]", "[run\n", ["not valid TOML"]),
    ],
)
def test_bad_config_is_an_error_naming_file_key_and_what_is_allowed(project: Path, old, new, expected) -> None:
    path = edit_config(project, old, new)
    with pytest.raises(ConfigError) as e:
        load(project)
    message = str(e.value)
    assert str(path) in message
    for part in expected:
        assert part in message


def test_unknown_stage_in_pipeline_lists_the_valid_ones(project: Path) -> None:
    pipeline = project / "pipelines" / "default.toml"
    pipeline.write_text(pipeline.read_text().replace('"segment"', '"segmentation"'))
    with pytest.raises(ConfigError, match=r"unknown stage 'segmentation'; valid stages: .*segment"):
        load(project)


def test_missing_pipeline_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_pipeline(tmp_path / "nope.toml")


def test_repair_config_in_python_is_validated_too() -> None:
    with pytest.raises(ConfigError, match="options given for rules not in 'rules'"):
        repair_text("x", RepairConfig(rules=("repair.newlines.v1",), options={"repair.unwrap.v1": {}}))
