"""A real run killed with SIGKILL resumes: completed shards are kept, a torn one is redone."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bolcorpus import runner
from bolcorpus.doccache import Output, done_hashes, write_part

pytestmark = [pytest.mark.slow, pytest.mark.issue(13)]
ROOT = Path(__file__).resolve().parent.parent
SCRIPT = (
    "import sys\n"
    "from bolcorpus import runner\n"
    "from bolcorpus.config import load_pipeline\n"
    "settings = load_pipeline(sys.argv[1]).with_overrides(raw=sys.argv[2], out=sys.argv[3], shard_size=1)\n"
    "runner.run(settings)\n"
)


def test_a_run_killed_with_sigkill_resumes_without_redoing_completed_shards(settings, tmp_path: Path) -> None:
    out = settings.run.out
    command = [sys.executable, "-c", SCRIPT, str(ROOT / "pipelines" / "default.toml"), str(settings.run.raw), str(out)]
    proc = subprocess.Popen(command, cwd=ROOT)
    deadline = time.monotonic() + 300
    while not list(out.glob("segment/*/parts/*.jsonl")):  # mid-segment: one shard of three is written
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = {p: p.stat().st_mtime_ns for p in out.glob("segment/*/parts/*.jsonl")}
    (segment_status,) = [why for name, _, why in runner.status(settings) if name == "segment"]
    assert segment_status.startswith("interrupted: ") and "of 3 documents done" in segment_status

    result = runner.run(settings)
    reports = {r.name: r for r in result.stages}
    assert [reports[n].status for n in ("ingest", "repair")] == ["cached", "cached"]
    assert reports["segment"].status == "resumed"
    assert reports["segment"].documents_run == 3 - len(kept)
    assert all(p.stat().st_mtime_ns == mtime for p, mtime in kept.items())  # never rewritten
    clean = runner.run(settings.with_overrides(out=tmp_path / "clean")).published
    assert files_of(result.published) == files_of(clean)


def test_a_torn_part_is_never_trusted(tmp_path: Path) -> None:
    write_part(tmp_path, "whole", [Output("a.txt", "in-a", {"id": "a"}, {"in": 1, "out": 1}, [], None)])
    write_part(tmp_path, "torn", [Output("b.txt", "in-b", {"id": "b"}, {"in": 1, "out": 1}, [], None)])
    (tmp_path / "parts" / "torn.jsonl").rename(tmp_path / "parts" / "torn.jsonl.tmp")  # killed before the rename
    assert done_hashes(tmp_path) == {"in-a"}


def files_of(version_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(version_dir).as_posix(): p.read_bytes() for p in version_dir.rglob("*") if p.is_file()}
