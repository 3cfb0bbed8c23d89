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
half-way is redone and never trusted. Indexes are read one part at a time
(:func:`read_entries`), so that what the runner keeps in memory per document is its input
hash and where its output is, never its stats or warnings. :func:`collect_garbage` removes
the parts that no current document needs.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_part(folder, "p1", [Output("a.txt", "in-a", {"id": "a"}, {"in": 1, "out": 1}, [], None)])
1
>>> done_hashes(folder), [e.output_hash is not None for e in read_entries(folder, "p1")]
({'in-a'}, [True])
>>> RecordReader()(read_entries(folder, "p1")[0].locator(folder))
{'id': 'a'}
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from bolcorpus.storage import write_json

INDEX = ".index.json"  # a part's index file: <part>.index.json


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


def write_part(folder: Path, part: str, outputs: Iterable[Output]) -> int:
    """Write the outputs of one shard as ``parts/<part>.jsonl`` and its index; returns their number."""
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
                                 out.warnings, out.rejected).__dict__)
            offset += len(line)
        f.flush()
        os.fsync(f.fileno())
    write_json(parts / f"{part}{INDEX}", entries, indent=None)
    os.replace(tmp, final)  # last: the part's presence means the shard and its index are complete
    return len(entries)


def complete_parts(folder: Path) -> list[str]:
    """The parts of ``folder`` whose shard was completely written, by name."""
    names = (p.name.removesuffix(INDEX) for p in (folder / "parts").glob(f"*{INDEX}"))
    # an index without its part: the shard was killed before the part was renamed into place
    return sorted(name for name in names if (folder / "parts" / f"{name}.jsonl").exists())


def read_entries(folder: Path, part: str) -> list[Entry]:
    """The index entries of one part."""
    return [Entry(**raw) for raw in json.loads((folder / "parts" / f"{part}{INDEX}").read_text(encoding="utf-8"))]


def done_hashes(folder: Path) -> set[str]:
    """The input hashes of every document in a complete part of ``folder``."""
    return {entry.input_hash for part in complete_parts(folder) for entry in read_entries(folder, part)}


def collect_garbage(folder: Path, keep: Collection[str]) -> int:
    """Remove the parts of ``folder`` not in ``keep``, and what killed shards left; how many parts went.

    Only safe when no run of the stage is under way or interrupted (it could need them):
    the runner checks. A part goes before its index, so a removal cut short leaves an
    index without its part, which is never trusted.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> [write_part(folder, p, []) for p in ("old", "new")]
    [0, 0]
    >>> collect_garbage(folder, {"new"}), complete_parts(folder)
    (1, ['new'])
    """
    parts = folder / "parts"
    removed = 0
    for path in sorted(parts.glob("*")):
        if path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)
        elif path.suffix == ".jsonl" and path.stem not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    for path in parts.glob(f"*{INDEX}"):
        if not path.with_name(path.name.removesuffix(INDEX) + ".jsonl").exists():
            path.unlink(missing_ok=True)
    return removed


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
