"""Bad input gets a clear message and the rest of the corpus still goes through."""

from __future__ import annotations

from pathlib import Path

from bolcorpus.config import NlpConfig
from bolcorpus.stages.ingest import Ingest


def ingest(raw: Path):
    config = Ingest.Config()
    files, warnings, _ = Ingest.inputs(raw, config)
    stage = Ingest(config, NlpConfig())
    docs = list(stage.run(files))
    return {d.source_file: d for d in docs}, warnings + stage.warnings, stage


def test_good_files_get_their_manifest_metadata(raw_dir: Path) -> None:
    docs, warnings, _ = ingest(raw_dir)
    assert sorted(docs) == ["a_petras.txt", "b_zavaleta.txt", "c_nlr.txt"]
    assert docs["b_zavaleta.txt"].meta["authors"] == ["René Zavaleta Mercado"]
    assert docs["b_zavaleta.txt"].meta["encoding"] == "utf-8"
    assert docs["a_petras.txt"].id == "a_petras"
    assert warnings == []


def test_non_utf8_file_is_decoded_with_a_fallback_and_recorded(raw_dir: Path) -> None:
    (raw_dir / "d_latin.txt").write_bytes("Lechín and the “miners”".encode("cp1252"))
    docs, warnings, _ = ingest(raw_dir)
    assert docs["d_latin.txt"].raw_text == "Lechín and the “miners”"
    assert docs["d_latin.txt"].meta["encoding"] == "cp1252"
    assert any("d_latin.txt: not valid UTF-8" in w and "decoded as cp1252" in w for w in warnings)


def test_empty_and_binary_files_are_rejected_with_what_to_do(raw_dir: Path) -> None:
    (raw_dir / "empty.txt").write_text("  \n")
    (raw_dir / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    docs, warnings, stage = ingest(raw_dir)
    assert "empty.txt" not in docs and "image.txt" not in docs and len(docs) == 3
    assert any("empty.txt: empty file; add its text or remove it" in w for w in warnings)
    assert any("image.txt: binary data, not text; convert it" in w for w in warnings)
    assert stage.stats["dropped_empty"] == 1 and stage.stats["dropped_binary"] == 1
    assert {r["meta"]["drop_reason"] for r in stage.rejected} == {"empty", "binary"}


def test_file_without_manifest_entry_gets_unknown_metadata(raw_dir: Path) -> None:
    (raw_dir / "e_new.txt").write_text("A new text about Banzer.")
    docs, warnings, _ = ingest(raw_dir)
    assert docs["e_new.txt"].meta["title"] is None and docs["e_new.txt"].meta["authors"] == []
    assert any("e_new.txt: no manifest entry" in w and "add an entry" in w for w in warnings)


def test_manifest_entry_without_file_is_a_warning(raw_dir: Path) -> None:
    (raw_dir / "c_nlr.txt").unlink()
    docs, warnings, _ = ingest(raw_dir)
    assert len(docs) == 2
    assert any("c_nlr.txt: listed in the manifest but missing" in w for w in warnings)


def test_invalid_manifest_is_a_warning_and_documents_still_go_through(raw_dir: Path) -> None:
    (raw_dir / "manifest.yml").write_text("documents: [\n  - source_file: : :\n")
    docs, warnings, _ = ingest(raw_dir)
    assert len(docs) == 3
    assert any("manifest.yml: not a valid manifest" in w and "fix its syntax" in w for w in warnings)


def test_toml_manifest_is_read(raw_dir: Path) -> None:
    (raw_dir / "manifest.yml").unlink()
    (raw_dir / "manifest.toml").write_text('[[documents]]\nsource_file = "a_petras.txt"\nyear = 1971\n')
    docs, _, _ = ingest(raw_dir)
    assert docs["a_petras.txt"].meta["year"] == 1971
