"""``CHANGELOG.md`` of a version: what changed from the previous published version.

It compares the two manifests: documents added, removed and changed (raw text or
annotations), configuration values, code and model versions, and rows per config and
split. The previous version's entries follow, so the newest changelog tells the whole story.

>>> old = {"version": "0.1.0", "documents": {"a": {"raw_sha256": "1", "content": "x"}},
...        "rows": {"sentences": {"train": 10}}, "config": {"repair": {"max_passes": 4}}}
>>> new = {"version": "0.2.0", "documents": {"a": {"raw_sha256": "1", "content": "y"}},
...        "rows": {"sentences": {"train": 12}}, "config": {"repair": {"max_passes": 5}}}
>>> print("\\n".join(changelog_entry(new, old)[2:]))
- documents: 0 added, 0 removed, 1 changed (annotations only: a)
- configuration: `repair.max_passes` 4 → 5
<BLANKLINE>
| config | split | 0.1.0 | 0.2.0 | change |
| --- | --- | ---: | ---: | ---: |
| `sentences` | train | 10 | 12 | +2 |
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TITLE = "# Changelog"
VERSIONS = ("bolcorpus", "spacy", "model")
NOT_CHANGES = ("publish.version",)  # differs between any two versions


def render_changelog(manifest: Mapping[str, Any], previous: Mapping[str, Any] | None, previous_log: str) -> str:
    """The changelog of the version of ``manifest``, followed by ``previous_log``'s entries."""
    older = previous_log.split("\n", 1)[1].strip() if previous_log.startswith(TITLE) else ""
    entry = changelog_entry(manifest, previous)
    return "\n".join([TITLE, "", *entry, *([older, ""] if older else [])])


def changelog_entry(manifest: Mapping[str, Any], previous: Mapping[str, Any] | None) -> list[str]:
    """The lines of this version's entry."""
    version = manifest["version"]
    if previous is None:
        docs = manifest.get("documents", {})
        return [f"## {version}", "", f"- first version: {len(docs)} documents", ""]
    lines = [f"## {version} (from {previous['version']})", ""]
    new_docs, old_docs = manifest.get("documents", {}), previous.get("documents", {})
    added = sorted(set(new_docs) - set(old_docs))
    removed = sorted(set(old_docs) - set(new_docs))
    common = sorted(set(new_docs) & set(old_docs))
    raw_changed = [d for d in common if new_docs[d]["raw_sha256"] != old_docs[d]["raw_sha256"]]
    annotated = [d for d in common if d not in raw_changed and new_docs[d]["content"] != old_docs[d]["content"]]
    detail = "; ".join(part for part in (
        f"added: {', '.join(added)}" if added else "", f"removed: {', '.join(removed)}" if removed else "",
        f"raw text changed: {', '.join(raw_changed)}" if raw_changed else "",
        f"annotations only: {', '.join(annotated)}" if annotated else "",
    ) if part)
    lines.append(f"- documents: {len(added)} added, {len(removed)} removed, "
                 f"{len(raw_changed) + len(annotated)} changed" + (f" ({detail})" if detail else ""))
    config = [c for c in _value_changes(_flat(manifest.get("config", {})), _flat(previous.get("config", {})))
              if not c.startswith(tuple(f"`{k}`" for k in NOT_CHANGES))]
    lines.append("- configuration: " + ("; ".join(config) if config else "unchanged"))
    versions = _value_changes({k: manifest.get(k) for k in VERSIONS}, {k: previous.get(k) for k in VERSIONS})
    if versions:
        lines.append("- software: " + "; ".join(versions))
    lines += ["", *_row_table(manifest.get("rows", {}), previous.get("rows", {}), previous["version"], version)]
    return [*lines, ""]


def _row_table(new: Mapping[str, Mapping[str, int]], old: Mapping[str, Mapping[str, int]],
               old_version: str, new_version: str) -> list[str]:
    lines = [f"| config | split | {old_version} | {new_version} | change |", "| --- | --- | ---: | ---: | ---: |"]
    for config in sorted(set(new) | set(old)):
        for split in sorted(set(new.get(config, {})) | set(old.get(config, {}))):
            a, b = old.get(config, {}).get(split, 0), new.get(config, {}).get(split, 0)
            lines.append(f"| `{config}` | {split} | {a} | {b} | {b - a:+d} |")
    return lines


def _value_changes(new: Mapping[str, Any], old: Mapping[str, Any]) -> list[str]:
    return [f"`{k}` {old.get(k)} → {new.get(k)}" for k in sorted(set(new) | set(old)) if new.get(k) != old.get(k)]


def _flat(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping) and value:
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
