"""Semantic versions of a published dataset: list them, find the previous one, bump.

>>> bump("0.1.0", "minor")
'0.2.0'
>>> bump("1.4.2", "major")
'2.0.0'
>>> sorted(["0.10.0", "0.9.1"], key=parse)
['0.9.1', '0.10.0']
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

Part = Literal["major", "minor", "patch"]
VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def parse(version: str) -> tuple[int, int, int]:
    """``"1.2.3"`` as ``(1, 2, 3)``, for comparing versions."""
    match = VERSION_RE.match(version)
    if match is None:
        raise ValueError(f"{version!r} is not a semantic version such as 0.1.0")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def bump(version: str, part: Part) -> str:
    """The next version after ``version`` when ``part`` changes."""
    major, minor, patch = parse(version)
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def published(dataset_dir: Path) -> list[str]:
    """The complete versions in ``dataset_dir`` (those with a manifest), oldest first."""
    if not dataset_dir.is_dir():
        return []
    found = [p.name for p in dataset_dir.iterdir() if VERSION_RE.match(p.name) and (p / "manifest.json").is_file()]
    return sorted(found, key=parse)


def previous(dataset_dir: Path, version: str) -> str | None:
    """The newest published version older than ``version``, if any."""
    older = [v for v in published(dataset_dir) if parse(v) < parse(version)]
    return older[-1] if older else None
