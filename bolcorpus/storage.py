"""Atomic file writes, JSON lines and content fingerprints for stage outputs.

>>> fingerprint({"b": 1, "a": [2]}) == fingerprint({"a": [2], "b": 1})
True
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def fingerprint(obj: Any) -> str:
    """sha256 of the canonical JSON of ``obj`` (key order and spacing do not matter)."""
    data = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def write_jsonl(path: Path, records: Iterable[Any]) -> int:
    """Write records (JSON values), one a line, to ``path`` atomically (a reader sees all of them or no file)."""
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return n


def read_jsonl(path: Path) -> Iterator[Any]:
    """Stream the records of a JSON-lines file."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def write_json(path: Path, obj: Any, *, indent: int | None = 2) -> None:
    """Write ``obj`` as JSON (indented, unless ``indent=None``), atomically."""
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(obj, indent=indent, sort_keys=True, ensure_ascii=False, default=str)
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))
