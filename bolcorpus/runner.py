"""Run a pipeline: plan each stage's keys, redo only what changed, resume after a crash.

Two keys per stage. The *stage key* hashes the stage's resolved config, its code version
and what else it depends on (the spaCy model, resource files); the stage writes into
``<out>/<stage>/<stage key>/``, where a per-document cache (:mod:`bolcorpus.doccache`)
keeps each document's output under the hash of its input. The *run key* adds the stage's
input (the raw files for ingest, the upstream run key after): ``runs/<run key>.jsonl``
marks a stage complete for that input (its first line: stats and warnings) and lists its
documents, one a line, so an unchanged rerun reads no document. Changing one stage's
config changes its keys and the run keys after it; a document whose input did not change
is still never processed twice. When a stage completes, the parts and markers of its
folder that the new marker does not need are removed, unless another run of the stage is
under way or was interrupted (it may still need them).

Documents go to the workers in shards (:mod:`bolcorpus.shards`); a shard's part file
appears atomically when it is complete, so a killed run resumes from the documents already
written and never trusts a half-written part. Memory does not grow with a document's
stats or warnings: the runner keeps, per document, its input hash and where its output is.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import spacy

from bolcorpus import __version__
from bolcorpus.config import Settings
from bolcorpus.doccache import Locator, RecordReader, collect_garbage, complete_parts, done_hashes, read_entries
from bolcorpus.document import Document
from bolcorpus.errors import BolcorpusError
from bolcorpus.executors import Results, shard_executor
from bolcorpus.nlp import resolve_model
from bolcorpus.publishing.versions import Part, bump, published
from bolcorpus.registry import stages as stage_registry
from bolcorpus.shards import balanced
from bolcorpus.stages.base import Stage
from bolcorpus.stages.entities import Entities
from bolcorpus.stages.ingest import Ingest, RawFile
from bolcorpus.stages.publish import Publish
from bolcorpus.storage import fingerprint, read_json, read_jsonl, write_json, write_jsonl
from bolcorpus.worker import Item, run_shard

Progress = Callable[[str, int, int], None]  # (stage, documents done, documents in all)
INPUT_PARTS = ("inputs", "manifest", "upstream")  # run-key parts that are not in the stage key


@dataclass
class StagePlan:
    """What a stage will run on and where its output goes."""

    name: str
    stage: Stage
    key_parts: dict[str, Any]
    key: str  # the run key
    dir: Path  # the stage key's folder
    raw_files: list[RawFile] = field(default_factory=list)  # ingest only

    @property
    def marker(self) -> Path:
        """The file that marks the stage complete for this input."""
        return self.dir / "runs" / f"{self.key[:16]}.jsonl"


@dataclass
class StageReport:
    """What happened to one stage in a run."""

    name: str
    status: str  # "ran", "updated" (some documents new), "resumed", "cached" or "published"
    shards_run: int = 0
    shards: int = 0
    stats: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    documents_run: int = 0
    parts_collected: int = 0  # parts of earlier runs removed, no current document needing them


@dataclass
class RunResult:
    """The reports of every stage and the published dataset folder."""

    stages: list[StageReport]
    published: Path | None

    @property
    def did_work(self) -> bool:
        return any(r.status in ("ran", "updated", "resumed", "published") for r in self.stages)


def plan(settings: Settings) -> tuple[list[StagePlan], list[str]]:
    """Compute every stage's keys without running anything; also ingest warnings."""
    plans: list[StagePlan] = []
    warnings: list[str] = []
    upstream: StagePlan | None = None
    for name in settings.stages:
        stage_cls = stage_registry.get(name)
        stage = stage_cls(settings.stage_configs[name], settings.nlp)
        parts = {"stage": name, "code": [stage_cls.version, __version__, _code_hash(stage_cls)],
                 "config": _portable(stage.config.model_dump(mode="json"), settings.config_file.parent),
                 **stage.fingerprint()}
        folder = settings.run.out / name / fingerprint(parts)[:16]
        files: list[RawFile] = []
        if isinstance(stage, Ingest):
            files, warnings, manifest = Ingest.inputs(settings.run.raw, stage.config)
            parts["inputs"] = {f.path.name: hashlib.sha256(f.path.read_bytes()).hexdigest() for f in files}
            parts["manifest"] = hashlib.sha256(manifest).hexdigest()
        elif upstream is None:
            raise BolcorpusError(f"{settings.pipeline}: the first stage must be 'ingest', not {name!r}")
        else:
            parts["upstream"] = upstream.key
        plans.append(StagePlan(name, stage, parts, fingerprint(parts), folder, files))
        upstream = plans[-1]
    return plans, warnings


def run(settings: Settings, progress: Progress | None = None) -> RunResult:
    """Run the pipeline, doing only the work whose inputs, config or code changed."""
    plans, warnings = plan(settings)
    reports: list[StageReport] = []
    published = None
    items: list[Item] = []
    with shard_executor(settings.run) as results:
        for i, step in enumerate(plans):
            if isinstance(step.stage, Publish):
                report, published = _publish(step, plans, settings, items, progress)
            else:
                if i == 0:
                    items = _raw_items(step)
                report, items = _run_stage(step, items, settings, results, progress)
            if i == 0:
                report.warnings = warnings + report.warnings
            reports.append(report)
    return RunResult(reports, published)


def with_bumped_version(settings: Settings, part: Part) -> Settings:
    """``settings`` publishing as the version after the newest published one.

    If the newest version already holds this content, it is kept (publishing is then a
    no-op); with no version published yet, the configured version is used.
    """
    plans, _ = plan(settings)
    step = plans[-1]
    if not isinstance(step.stage, Publish):
        raise BolcorpusError(f"{settings.pipeline}: a version can only be bumped in a pipeline that ends with publish")
    dataset_dir = step.stage.target(settings.run.out).parent
    versions = published(dataset_dir)
    if not versions:
        return settings
    newest = versions[-1]
    return settings.with_stage("publish", version=newest if _holds(dataset_dir / newest, step) else bump(newest, part))


def status(settings: Settings) -> list[tuple[str, bool, str]]:
    """For each stage: its name, whether it is up to date, and why (not)."""
    plans, _ = plan(settings)
    rows = []
    known: list[Item] | None = None  # the stage's input, where the stages before are complete
    for step in plans:
        if isinstance(step.stage, Publish):
            target = step.stage.target(settings.run.out)
            manifest = target / "manifest.json"
            if not manifest.exists():
                rows.append((step.name, False, f"version not published yet ({target})"))
            elif not _holds(target, step):
                rows.append((step.name, False, f"{target} holds other content; publish under a new version (--bump)"))
            else:
                rows.append((step.name, True, f"published at {target}"))
            continue
        if isinstance(step.stage, Ingest):
            known = _raw_items(step)
        if step.marker.exists():
            rows.append((step.name, True, f"up to date ({step.dir})"))
            known = _marked_items(step)
            continue
        if _started(step).exists():
            if known is None:
                rows.append((step.name, False, "interrupted; run resumes it"))
            else:
                cached = done_hashes(step.dir)
                done = sum(1 for item in known if item.input_hash in cached)
                rows.append((step.name, False, f"interrupted: {done} of {len(known)} documents done; run resumes it"))
        else:
            rows.append((step.name, False, _why_stale(step)))
        known = None
    return rows


def _raw_items(step: StagePlan) -> list[Item]:
    """Ingest's input: each raw file, its hash covering its bytes and its manifest entry."""
    inputs = step.key_parts["inputs"]
    return [Item(f.path.name, fingerprint({"file": f.path.name, "sha256": inputs[f.path.name], "entry": f.entry}),
                 f.path.stat().st_size, f) for f in step.raw_files]


def _run_stage(step: StagePlan, items: list[Item], settings: Settings, results: Results,
               progress: Progress | None) -> tuple[StageReport, list[Item]]:
    if step.marker.exists():
        done = _summary(step.marker)
        return StageReport(step.name, "cached", 0, done["shards"], done["stats"], [], 0.0), _marked_items(step)
    started = time.perf_counter()
    step.dir.mkdir(parents=True, exist_ok=True)
    write_json(step.dir / "key.json", {k: v for k, v in step.key_parts.items() if k not in INPUT_PARTS})
    started_marker = _started(step)
    resumed = started_marker.exists()
    started_marker.parent.mkdir(exist_ok=True)
    started_marker.touch()
    cached = done_hashes(step.dir)
    pending = list({item.input_hash: item for item in items if item.input_hash not in cached}.values())
    del cached
    shards = [[pending[i] for i in r] for r in balanced([item.size for item in pending],
                                                         shard_size=settings.run.shard_size,
                                                         workers=settings.run.workers)]
    tasks = [(step.name, step.stage.config, settings.nlp, shard, str(step.dir),
              fingerprint([item.input_hash for item in shard])[:16]) for shard in shards]
    before, ticked, finished = len(items) - len(pending), 0, 0

    def show() -> None:
        if progress:
            progress(step.name, before + max(ticked, finished), len(items))

    def on_document(n: int) -> None:  # where the executor reports documents as they are done
        nonlocal ticked
        ticked += n
        show()

    show()
    for count in results(run_shard, tasks, on_document):
        finished += count
        show()
    report, outputs, live = _complete(step, items)
    started_marker.unlink(missing_ok=True)
    report.parts_collected = _collect(step, live)
    report.status = "cached" if not pending else "resumed" if resumed else "ran" if len(pending) == len(items) \
        else "updated"
    report.shards_run, report.documents_run = len(shards), len(pending)
    report.seconds = time.perf_counter() - started
    return report, outputs


def _complete(step: StagePlan, items: list[Item]) -> tuple[StageReport, list[Item], set[str]]:
    """Sum the stage's documents for this input and write its marker; the next stage's input
    and the parts it uses (rejections included: they are not redone either).

    The part indexes are read one at a time; only each document's place is kept.
    """
    position = {item.input_hash: i for i, item in enumerate(items)}
    found: list[tuple[str, str | None, int, int] | None] = [None] * len(items)
    stats: Counter[str] = Counter()
    warnings: dict[int, list[str]] = {}
    rejected: dict[int, dict[str, Any]] = {}
    for part in complete_parts(step.dir):
        for entry in read_entries(step.dir, part):
            i = position.get(entry.input_hash)
            if i is None or found[i] is not None:
                continue
            found[i] = (entry.part, entry.output_hash, entry.offset, entry.length)
            stats.update(entry.stats)
            if entry.warnings:
                warnings[i] = entry.warnings
            if entry.rejected is not None:
                rejected[i] = entry.rejected
    del position
    live = {place[0] for place in found if place is not None}
    for item, place in zip(items, found):
        if place is None:
            raise BolcorpusError(f"{item.source_file}: the {step.name} stage neither gave this document back nor "
                                 "rejected it; a stage must yield or reject every document (please report this bug)")
    write_jsonl(step.dir / "rejected.jsonl", (rejected[i] for i in sorted(rejected)))
    report = StageReport(step.name, "ran", 0, len(live), dict(sorted(stats.items())),
                         [w for i in sorted(warnings) for w in warnings[i]])
    summary = {"parts": step.key_parts, "stats": report.stats, "warnings": report.warnings, "shards": len(live),
               "documents": len(items)}
    documents = [[item.source_file, place[1], place[0], place[2], place[3]]
                 for item, place in zip(items, found) if place is not None and place[1] is not None]
    write_jsonl(step.marker, chain([summary], documents))
    return report, _items(step, documents), live


def _marked_items(step: StagePlan) -> list[Item]:
    """The documents a complete stage gave for this input, as the next stage's input."""
    lines = read_jsonl(step.marker)
    next(lines)  # the summary
    return _items(step, lines)


def _items(step: StagePlan, documents: Iterable[list[Any]]) -> list[Item]:
    """Items of the marker's document lines ``[source file, output hash, part, offset, length]``."""
    paths: dict[str, str] = {}  # one string per part, shared by its documents
    return [Item(source, digest, length, Locator(paths.setdefault(part, str(step.dir / "parts" / f"{part}.jsonl")),
                                                 offset, length))
            for source, digest, part, offset, length in documents]


def _summary(marker: Path) -> dict[str, Any]:
    """The first line of a stage's marker: its key parts, stats, warnings, shards."""
    with marker.open(encoding="utf-8") as f:
        summary: dict[str, Any] = json.loads(f.readline())
    return summary


def _collect(step: StagePlan, live: set[str]) -> int:
    """Remove the markers and parts of the stage's folder that its new marker does not need,
    unless a run of the stage is under way or interrupted; how many parts went."""
    runs = step.dir / "runs"
    if any(runs.glob("*.started")):
        return 0
    for marker in runs.iterdir():  # earlier runs' markers (and older formats), before the parts they point at
        if marker != step.marker:
            marker.unlink(missing_ok=True)
    return collect_garbage(step.dir, live)


def _started(step: StagePlan) -> Path:
    return step.marker.with_suffix(".started")


def _publish(step: StagePlan, plans: list[StagePlan], settings: Settings, items: list[Item],
             progress: Progress | None) -> tuple[StageReport, Path]:
    assert isinstance(step.stage, Publish)
    started = time.perf_counter()
    target = step.stage.target(settings.run.out)
    existed = (target / "manifest.json").exists()
    model, model_version = resolve_model(settings.nlp.model)
    provenance = {
        "fingerprint": _dataset_fingerprint(step),
        "bolcorpus": __version__,
        "spacy": spacy.__version__,
        "model": f"{model} {model_version}",
        "pipeline": list(settings.stages),
        "config": _portable({"nlp": settings.nlp.model_dump(mode="json"),
                             **{k: v.model_dump(mode="json") for k, v in settings.stage_configs.items()}},
                            settings.config_file.parent),
    }
    if not items:
        raise BolcorpusError(f"{settings.run.raw}: no document got through the pipeline; nothing was published")
    entities = next((p.stage for p in plans if isinstance(p.stage, Entities)), None)
    reader = RecordReader()

    def docs() -> Iterator[Document]:
        for n, item in enumerate(items, start=1):
            yield Document.from_dict(reader(item.source))
            if progress and (n % 64 == 0 or n == len(items)):
                progress(step.name, n, len(items))

    try:
        path = step.stage.write(docs(), settings.run.out, provenance, entities.kb if entities else None)
    finally:
        reader.close()
    status = "cached" if existed else "published"
    return StageReport(step.name, status, 0, 1, dict(step.stage.stats), [], time.perf_counter() - started), path


def _dataset_fingerprint(step: StagePlan) -> str:
    """The content fingerprint of a dataset: everything upstream, not the version label."""
    parts = dict(step.key_parts)
    parts["config"] = {k: v for k, v in parts["config"].items() if k != "version"}
    return fingerprint(parts)


def _holds(version_dir: Path, step: StagePlan) -> bool:
    """Whether the published ``version_dir`` holds the content that ``step`` would publish."""
    return bool(read_json(version_dir / "manifest.json").get("fingerprint") == _dataset_fingerprint(step))


def _portable(config: Any, base: Path) -> Any:
    """``config`` with paths inside ``base`` made relative to it, so that fingerprints and
    provenance do not depend on where the project was cloned (file contents are hashed apart).
    """
    if isinstance(config, dict):
        return {k: _portable(v, base) for k, v in config.items()}
    if isinstance(config, list):
        return [_portable(v, base) for v in config]
    if isinstance(config, str) and config.startswith(f"{base.resolve()}/"):
        return Path(config).relative_to(base.resolve()).as_posix()
    return config


def _why_stale(step: StagePlan) -> str:
    """Compare with the newest earlier output of the stage to say what changed."""
    previous = sorted(step.dir.parent.glob("*/runs/*.jsonl"), key=lambda p: p.stat().st_mtime)
    if not previous:
        return "never run"
    old = _summary(previous[-1])["parts"]
    changed = sorted(k for k in set(old) | set(step.key_parts) if old.get(k) != step.key_parts.get(k))
    reasons = []
    for key in changed:
        if key == "config":
            old_cfg, new_cfg = old.get("config", {}), step.key_parts["config"]
            keys = sorted(k for k in set(old_cfg) | set(new_cfg) if old_cfg.get(k) != new_cfg.get(k))
            reasons.append(f"config changed ({', '.join(keys)})")
        elif key == "upstream":
            reasons.append("its input changed (an earlier stage changed)")
        elif key == "inputs":
            old_in, new_in = old.get("inputs", {}), step.key_parts["inputs"]
            files = sorted(f for f in set(old_in) | set(new_in) if old_in.get(f) != new_in.get(f))
            reasons.append(f"raw files changed ({_listed(files)})")
        else:
            reasons.append(f"{key} changed")
    return "; ".join(reasons) or "output missing"


def _listed(names: list[str], limit: int = 5) -> str:
    """``names`` joined, the first ``limit`` only (a status line about a corpus stays one line).

    >>> _listed(["a", "b"]), _listed([str(i) for i in range(8)])
    ('a, b', '0, 1, 2, 3, 4 and 3 more')
    """
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _code_hash(stage_cls: type[Stage]) -> str:
    """sha256 of the source of the stage's module and of the modules it declares in ``code``."""
    digest = hashlib.sha256()
    for module in (stage_cls.__module__, *stage_cls.code):
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        files = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
        for file in files:
            digest.update(file.read_bytes())
    return digest.hexdigest()
