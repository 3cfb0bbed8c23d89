"""Table-driven repair cases: what must be repaired, what must not change, known failures."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from bolcorpus import repair_text
from bolcorpus.config import load_config
from bolcorpus.repair import RepairConfig

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases" / "repair"


def cases(name: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (CASES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@cache
def pipeline_config() -> RepairConfig:
    """The default pipeline's [repair] config, with its lexicons."""
    config = load_config(ROOT / "configs" / "default.toml", stages=("repair",)).stage_configs["repair"]
    assert isinstance(config, RepairConfig)
    return config


def check(case: dict[str, str]) -> None:
    result = repair_text(case["raw"], pipeline_config())
    assert result.text == case["expected"], case["comment"]
    assert repair_text(result.text, pipeline_config()).text == result.text  # idempotent


@pytest.mark.parametrize("case", cases("positive.jsonl"), ids=lambda c: c["label"])
def test_repairs(case: dict[str, str]) -> None:
    check(case)


@pytest.mark.parametrize("case", cases("negative.jsonl"), ids=lambda c: c["label"])
def test_leaves_clean_text_alone(case: dict[str, str]) -> None:
    check(case)


@pytest.mark.parametrize("case", cases("known-failures.jsonl"), ids=lambda c: c["label"])
@pytest.mark.xfail(strict=True, reason="not repaired yet")
def test_known_failures(case: dict[str, str]) -> None:
    check(case)
