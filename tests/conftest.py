"""Shared fixtures: a small project (fixture texts + the repository's real configs)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from bolcorpus.config import Settings, load_pipeline

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def requires(package: str) -> pytest.MarkDecorator:
    """Skip a test when an optional package is not installed."""
    missing = importlib.util.find_spec(package) is None
    return pytest.mark.skipif(missing, reason=f"needs {package}")


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A copy of the fixture texts and their manifest, safe to modify."""
    return Path(shutil.copytree(FIXTURES / "raw", tmp_path / "raw"))


@pytest.fixture
def settings(raw_dir: Path, tmp_path: Path) -> Settings:
    """The default pipeline over the fixture texts, writing into a temporary folder."""
    return load_pipeline(ROOT / "pipelines" / "default.toml").with_overrides(
        raw=raw_dir, out=tmp_path / "processed", shard_size=1
    )
