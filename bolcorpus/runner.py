"""Run a pipeline: plan each stage's cache key, redo only what changed, resume after a crash.

Each stage writes ``<out>/<stage>/<key>/`` where the key hashes the stage's input (the
raw files for ingest, the upstream key otherwise), its resolved config, its code version
and what else it depends on (the spaCy model, resource files). Changing one stage's
config therefore changes its key and every later key, not the earlier ones. Output is
sharded: ``part-NNNNN.jsonl`` appears atomically when its shard is complete, so a
killed run resumes from the shards already written; ``_done`` marks a finished stage.
"""

from __future__ import annotations

import hashlib
import importlib.util
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import spacy

from bolcorpus import __version__
from bolcorpus.config import NlpConfig, Settings, StageConfig
from bolcorpus.document import Document
from bolcorpus.errors import BolcorpusError
from bolcorpus.nlp import resolve_model
from bolcorpus.publishing.versions import Part, bump, published
from bolcorpus.registry import stages as stage_registry
from bolcorpus.stages.base import Stage
from bolcorpus.stages.entities import Entities
from bolcorpus.stages.ingest import Ingest
from bolcorpus.stages.publish import Publish
from bolcorpus.storage import fingerprint, read_json, read_jsonl, write_json, write_jsonl

Progress = Callable[[str, int, int], None]  # (stage, shards done, shards in all)


@dataclass
class StagePlan:
    """What a stage will run on and where its output goes."""

    name: str
    stage: Stage
    key_parts: dict[str, Any]
    key: str
    dir: Path
    shards: list[Any]  # ingest: lists of RawFile; later stages: upstream part files


@dataclass
class StageReport:
    """What happened to one stage in a run."""

    name: str
    status: str  # "ran", "resumed", "cached" or "published"
    shards_run: int = 0
    shards: int = 0
    stats: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class RunResult:
    """The reports of every stage and the published dataset folder."""

    stages: list[StageReport]
    published: Path | None

    @property
    def did_work(self) -> bool:
        return any(r.status in ("ran", "resumed", "published") for r in self.stages)


def plan(settings: Settings) -> tuple[list[StagePlan], list[str]]:
    """Compute every stage's key and shards without running anything; also ingest warnings."""
    plans: list[StagePlan] = []
    warnings: list[str] = []
    upstream: StagePlan | None = None
    for name in settings.stages:
        stage_cls = stage_registry.get(name)
        stage = stage_cls(settings.stage_configs[name], settings.nlp)
        parts = {"stage": name, "code": [stage_cls.version, __version__, _code_hash(stage_cls)],
                 "config": _portable(stage.config.model_dump(mode="json"), settings.config_file.parent),
                 **stage.fingerprint()}
        if isinstance(stage, Ingest):
            files, warnings, manifest = Ingest.inputs(settings.run.raw, stage.config)
            size = settings.run.shard_size
            shards: list[Any] = [files[i : i + size] for i in range(0, len(files), size)]
            parts["inputs"] = {f.path.name: hashlib.sha256(f.path.read_bytes()).hexdigest() for f in files}
            parts["manifest"] = hashlib.sha256(manifest).hexdigest()
            parts["shard_size"] = size
        elif upstream is None:
            raise BolcorpusError(f"{settings.pipeline}: the first stage must be 'ingest', not {name!r}")
        else:
            parts["upstream"] = upstream.key
            shards = [_part(upstream.dir, i) for i in range(len(upstream.shards))]
        key = fingerprint(parts)
        plans.append(StagePlan(name, stage, parts, key, settings.run.out / name / key[:16], shards))
        upstream = plans[-1]
    return plans, warnings


def run(settings: Settings, progress: Progress | None = None) -> RunResult:
    """Run the pipeline, doing only the work whose inputs, config or code changed."""
    plans, warnings = plan(settings)
    reports: list[StageReport] = []
    published = None
    executor: Executor | None = None
    try:
        for i, step in enumerate(plans):
            if isinstance(step.stage, Publish):
                report, published = _publish(step, plans, settings)
            else:
                if settings.run.workers > 1 and executor is None and len(step.shards) > 1:
                    executor = ProcessPoolExecutor(settings.run.workers, mp_context=get_context("spawn"))
                report = _run_stage(step, settings.nlp, executor, progress)
            if i == 0:
                report.warnings = warnings + report.warnings
            reports.append(report)
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
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
        done = sum(_part(step.dir, n).exists() for n in range(len(step.shards)))
        if (step.dir / "_done").exists():
            rows.append((step.name, True, f"up to date ({step.dir})"))
        elif done:
            rows.append((step.name, False, f"interrupted: {done} of {len(step.shards)} shards written; run resumes it"))
        else:
            rows.append((step.name, False, _why_stale(step)))
    return rows


def _run_stage(step: StagePlan, nlp: NlpConfig, executor: Executor | None, progress: Progress | None) -> StageReport:
    total = len(step.shards)
    if (step.dir / "_done").exists():
        summary = read_json(step.dir / "_done")
        return StageReport(step.name, "cached", 0, total, summary["stats"], [], 0.0)
    step.dir.mkdir(parents=True, exist_ok=True)
    write_json(step.dir / "key.json", step.key_parts)
    pending = [n for n in range(total) if not _part(step.dir, n).exists()]
    started = time.perf_counter()
    tasks = [(step.name, step.stage.config, nlp, step.shards[n], step.dir, n) for n in pending]
    results: Iterator[dict[str, Any]] = (
        executor.map(_run_shard, *zip(*tasks)) if executor and len(tasks) > 1 else (_run_shard(*t) for t in tasks)
    )
    for done, _ in enumerate(results, start=1):
        if progress:
            progress(step.name, total - len(pending) + done, total)
    stats: Counter[str] = Counter()
    warnings: list[str] = []
    for n in range(total):
        shard = read_json(_stats(step.dir, n))
        stats.update(shard["stats"])
        warnings += shard["warnings"]
    write_json(step.dir / "_done", {"stats": dict(stats), "shards": total})
    status = "ran" if len(pending) == total else "resumed"
    return StageReport(step.name, status, len(pending), total, dict(stats), warnings, time.perf_counter() - started)


_STAGES: dict[str, Stage] = {}  # per process: a stage (and its model) is built once per worker


def _run_shard(name: str, config: StageConfig, nlp: NlpConfig, shard: Any, out: Path, n: int) -> dict[str, Any]:
    cache_key = fingerprint([name, config.model_dump(mode="json"), nlp.model_dump(mode="json")])
    stage = _STAGES.get(cache_key)
    if stage is None:
        stage = _STAGES[cache_key] = stage_registry.get(name)(config, nlp)
    stage.stats.clear()
    stage.rejected.clear()
    stage.warnings.clear()
    items: Any = shard if isinstance(shard, list) else (Document.from_dict(r) for r in read_jsonl(shard))
    started = time.perf_counter()
    tmp_part = _part(out, n).with_suffix(".partial")
    write_jsonl(tmp_part, (doc.to_dict() for doc in stage.run(items)))
    write_jsonl(out / f"rejected-{n:05d}.jsonl", stage.rejected)
    result = {"stats": dict(stage.stats), "warnings": stage.warnings, "seconds": time.perf_counter() - started}
    write_json(_stats(out, n), result)
    tmp_part.replace(_part(out, n))  # last: the part file's presence means the shard is complete
    return result


def _publish(step: StagePlan, plans: list[StagePlan], settings: Settings) -> tuple[StageReport, Path]:
    assert isinstance(step.stage, Publish)
    upstream = plans[plans.index(step) - 1]
    started = time.perf_counter()
    target = step.stage.target(settings.run.out)
    existed = (target / "manifest.json").exists()
    docs = (Document.from_dict(r) for part in step.shards for r in read_jsonl(part))
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
    n_docs = read_json(upstream.dir / "_done")["stats"].get("out", 0)
    if not n_docs:
        raise BolcorpusError(f"{settings.run.raw}: no document got through the pipeline; nothing was published")
    entities = next((p.stage for p in plans if isinstance(p.stage, Entities)), None)
    path = step.stage.write(docs, settings.run.out, provenance, entities.kb if entities else None)
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
    stage_root = step.dir.parent
    previous = sorted(stage_root.glob("*/_done"), key=lambda p: p.stat().st_mtime)
    if not previous:
        return "never run"
    old = read_json(previous[-1].parent / "key.json")
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
            reasons.append(f"raw files changed ({', '.join(files)})")
        else:
            reasons.append(f"{key} changed")
    return "; ".join(reasons) or "output missing"


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


def _part(folder: Path, n: int) -> Path:
    return folder / f"part-{n:05d}.jsonl"


def _stats(folder: Path, n: int) -> Path:
    return folder / f"part-{n:05d}.stats.json"

