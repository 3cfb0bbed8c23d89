"""The per-document cache of a stage: part files of output records, each with its index.

A stage's folder (``<out>/<stage>/<key>/``, the key hashing the stage's config, code and
resources but not its input) holds ``parts/<id>.jsonl``, the output records of one shard,
and ``parts/<id>.index.json``, one entry per document of the shard: the hash of its input,
the hash, offset and length of its output line (none when it was rejected), its stats,
warnings and rejection. A document whose input hash is in some index is never processed
again by the stage, whichever shard or run it came in: adding, changing or removing one
document of a corpus reprocesses that document only.

The index is written first and the part last, each atomically (a temporary file renamed
into place after ``fsync``): an index counts only when its part exists, so a shard killed
half-way is redone and never trusted.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> entries = write_part(folder, "p1", [Output("a.txt", "in-a", {"id": "a"}, {"in": 1, "out": 1}, [], None)])
>>> index = load_index(folder)
>>> read_record(index["in-a"].locator(folder))
{'id': 'a'}
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from bolcorpus.storage import write_json


class Locator(NamedTuple):
    """Where one output record is: a part file, the byte offset and length of its line."""

    path: str
    offset: int
    length: int


class Output(NamedTuple):
    """What a stage made of one input document: its record (``None``: rejected) and notes."""

    source_file: str
    input_hash: str
    record: dict[str, Any] | None
    stats: dict[str, int]
    warnings: list[str]
    rejected: dict[str, Any] | None


@dataclass(frozen=True)
class Entry:
    """The index entry of one document in a part file."""

    part: str
    source_file: str
    input_hash: str
    output_hash: str | None
    offset: int
    length: int
    stats: dict[str, int]
    warnings: list[str]
    rejected: dict[str, Any] | None

    def locator(self, folder: Path) -> Locator:
        """Where the output record is (only for a document that was not rejected)."""
        return Locator(str(folder / "parts" / f"{self.part}.jsonl"), self.offset, self.length)


def write_part(folder: Path, part: str, outputs: Iterable[Output]) -> list[Entry]:
    """Write the outputs of one shard as ``parts/<part>.jsonl`` and its index; returns the entries."""
    parts = folder / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    final = parts / f"{part}.jsonl"
    tmp = final.with_name(final.name + ".tmp")
    entries, offset = [], 0
    with tmp.open("wb") as f:
        for out in outputs:
            line, digest = b"", None
            if out.record is not None:
                line = (json.dumps(out.record, ensure_ascii=False) + "\n").encode()
                digest = hashlib.sha256(line).hexdigest()
                f.write(line)
            entries.append(Entry(part, out.source_file, out.input_hash, digest, offset, len(line), out.stats,
                                 out.warnings, out.rejected))
            offset += len(line)
        f.flush()
        os.fsync(f.fileno())
    write_json(parts / f"{part}.index.json", [e.__dict__ for e in entries], indent=None)
    os.replace(tmp, final)  # last: the part's presence means the shard and its index are complete
    return entries


def load_index(folder: Path) -> dict[str, Entry]:
    """Every complete part's entries in ``folder``, by input hash."""
    index: dict[str, Entry] = {}
    for path in sorted((folder / "parts").glob("*.index.json")):
        if not path.with_name(path.name.removesuffix(".index.json") + ".jsonl").exists():
            continue  # the shard was killed before its part was renamed into place
        for raw in json.loads(path.read_text(encoding="utf-8")):
            entry = Entry(**raw)
            index[entry.input_hash] = entry
    return index


class RecordReader:
    """Read output records by locator, keeping the last part file open (reads come in runs)."""

    def __init__(self) -> None:
        self._path: str | None = None
        self._file: Any = None

    def __call__(self, where: Locator) -> dict[str, Any]:
        if where.path != self._path:
            self.close()
            self._file, self._path = open(where.path, "rb"), where.path  # noqa: SIM115 (kept open)
        self._file.seek(where.offset)
        record: dict[str, Any] = json.loads(self._file.read(where.length))
        return record

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._path = None


def read_record(where: Locator) -> dict[str, Any]:
    """The output record at ``where``."""
    reader = RecordReader()
    try:
        return reader(where)
    finally:
        reader.close()
