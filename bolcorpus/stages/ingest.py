"""Ingest: read raw files, decode them, attach manifest metadata.

Bad input never stops the corpus. A file that is not UTF-8 is decoded with the first
fallback encoding that works (recorded in ``meta["encoding"]``); an empty or binary file
is rejected with a message saying what to do; a file without a manifest entry goes
through with unknown metadata; an invalid manifest or an entry without a file is a
warning. The runner calls :meth:`Ingest.inputs` once, then ``run`` per shard.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bolcorpus.config import StageConfig
from bolcorpus.document import Document
from bolcorpus.stages.base import Stage

UTF8_BOM = b"\xef\xbb\xbf"
METADATA_FIELDS = ("title", "authors", "publication", "year", "language", "translated_from")


class ManifestEntry(BaseModel):
    """One document's metadata; fields beyond the standard ones are kept as they are."""

    model_config = ConfigDict(extra="allow")

    source_file: str
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    publication: str | None = None
    year: int | None = None
    language: str | None = None
    translated_from: str | None = None


@dataclass(frozen=True)
class RawFile:
    """A file to ingest, with its manifest entry (``None`` when it has none)."""

    path: Path
    entry: dict[str, Any] | None


class Ingest(Stage):
    """Decode raw text files into documents with their metadata."""

    name = "ingest"
    version = 1

    class Config(StageConfig):
        """``pattern``: which files in the raw folder are texts. ``manifest``: metadata
        file names tried in order (YAML or TOML). ``fallback_encodings``: tried in order
        when a file is not valid UTF-8 (``latin-1`` last, as it decodes any bytes).
        ``max_control_ratio``: share of control characters above which a file is binary.
        """

        pattern: str = "*.txt"
        manifest: tuple[str, ...] = ("manifest.yml", "manifest.yaml", "manifest.toml")
        fallback_encodings: tuple[str, ...] = ("cp1252", "latin-1")
        max_control_ratio: float = Field(0.05, ge=0, le=1)

    config: Config

    @classmethod
    def inputs(cls, raw: Path, config: Config) -> tuple[list[RawFile], list[str], bytes]:
        """The files to ingest, warnings about the manifest, and the manifest's bytes."""
        if not raw.is_dir():
            return [], [f"{raw}: no such folder; put the texts in it or pass --raw DIR"], b""
        entries, warnings, manifest_bytes = _read_manifest(raw, config.manifest)
        files = sorted(p for p in raw.glob(config.pattern) if p.is_file())
        names = {p.name for p in files}
        for name in entries:
            if name not in names:
                warnings.append(
                    f"{raw / name}: listed in the manifest but missing; add the file or remove its entry"
                )
        return [RawFile(p, entries.get(p.name)) for p in files], warnings, manifest_bytes

    def process(self, items: Iterator[RawFile]) -> Iterator[Document]:
        for item in items:
            doc = self._read(item)
            if doc is not None:
                yield doc

    def _read(self, item: RawFile) -> Document | None:
        path = item.path
        data = path.read_bytes()
        record = {"source_file": path.name}
        if not data.strip():
            self.reject(record, "empty", f"{path}: empty file; add its text or remove it from the raw folder")
            return None
        if _looks_binary(data, self.config.max_control_ratio):
            self.reject(record, "binary", f"{path}: binary data, not text; convert it to plain text "
                        "or remove it from the raw folder")
            return None
        text, encoding = self._decode(data, path)
        meta: dict[str, Any] = {"encoding": encoding, "sha256": hashlib.sha256(data).hexdigest()}
        if item.entry is None:
            self.warnings.append(f"{path}: no manifest entry; processed with unknown metadata — "
                                 f"add an entry with source_file: {path.name}")
            meta.update({key: None for key in METADATA_FIELDS}, authors=[])
        else:
            meta.update(item.entry)
        meta.pop("source_file", None)
        return Document(id=path.stem, source_file=path.name, raw_text=text, text=text, meta=meta)

    def _decode(self, data: bytes, path: Path) -> tuple[str, str]:
        if data.startswith(UTF8_BOM):
            return data[len(UTF8_BOM):].decode("utf-8", errors="replace"), "utf-8-sig"
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as e:
            problem = f"byte 0x{data[e.start]:02x} at offset {e.start}"
        for encoding in self.config.fallback_encodings:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            self.warnings.append(f"{path}: not valid UTF-8 ({problem}); decoded as {encoding} — "
                                 "check the text, or save the file as UTF-8")
            return text, encoding
        self.warnings.append(f"{path}: not valid UTF-8 ({problem}) nor {', '.join(self.config.fallback_encodings)}; "
                             "undecodable bytes replaced with U+FFFD — save the file as UTF-8")
        return data.decode("utf-8", errors="replace"), "utf-8-replace"


def _looks_binary(data: bytes, max_control_ratio: float) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in b"\t\n\r\x0c")
    return controls > max_control_ratio * len(sample)


def _read_manifest(raw: Path, names: tuple[str, ...]) -> tuple[dict[str, dict[str, Any]], list[str], bytes]:
    path = next((raw / n for n in names if (raw / n).is_file()), None)
    if path is None:
        return {}, [f"{raw}: no manifest ({' or '.join(names)}); every document gets unknown metadata"], b""
    data = path.read_bytes()
    try:
        parsed = tomllib.loads(data.decode()) if path.suffix == ".toml" else yaml.safe_load(data)
    except (yaml.YAMLError, tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        problem = str(e).replace("\n", " ")
        return {}, [f"{path}: not a valid manifest ({problem}); fix its syntax — "
                    "documents are processed with unknown metadata meanwhile"], data
    listed = parsed.get("documents") if isinstance(parsed, dict) else None
    if not isinstance(listed, list):
        return {}, [f"{path}: expected a top-level 'documents' list; documents get unknown metadata"], data
    entries, warnings = {}, []
    for i, raw_entry in enumerate(listed):
        try:
            entry = ManifestEntry.model_validate(raw_entry)
        except ValidationError as e:
            problems = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
            warnings.append(f"{path}: entry {i + 1} is invalid ({problems}); fix it — that file gets unknown metadata")
            continue
        entries[entry.source_file] = entry.model_dump(mode="json")
    return entries, warnings, data
