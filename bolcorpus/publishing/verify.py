"""Check a published version against its manifest: every file present, unchanged, listed.

>>> verify(Path("no/such/version"))
['no/such/version/manifest.json: missing; this is not a published version folder']
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

MANIFEST = "manifest.json"


def sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(folder: Path) -> dict[str, str]:
    """The sha256 of every file under ``folder`` but the manifest, by relative path."""
    return {p.relative_to(folder).as_posix(): sha256(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}


def verify(version_dir: Path) -> list[str]:
    """The problems found (an empty list: the version is intact)."""
    manifest_path = version_dir / MANIFEST
    try:
        listed: dict[str, str] = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    except FileNotFoundError:
        return [f"{manifest_path}: missing; this is not a published version folder"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [f"{manifest_path}: unreadable ({e}); the version cannot be checked"]
    found = file_hashes(version_dir)
    problems = [f"{version_dir / name}: missing" for name in sorted(set(listed) - set(found))]
    problems += [f"{version_dir / name}: changed (sha256 {found[name][:12]}…, manifest says {listed[name][:12]}…)"
                 for name in sorted(set(listed) & set(found)) if found[name] != listed[name]]
    problems += [f"{version_dir / name}: not in the manifest" for name in sorted(set(found) - set(listed))]
    return problems
