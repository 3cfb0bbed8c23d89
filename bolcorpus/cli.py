"""The ``bolcorpus`` command line: run, status, repair."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from bolcorpus import runner
from bolcorpus.config import Settings, load_pipeline
from bolcorpus.document import Edit
from bolcorpus.errors import BolcorpusError
from bolcorpus.repair import RepairConfig, repair_text

app = typer.Typer(help="Repair, annotate and publish historical texts about Bolivian politics.",
                  no_args_is_help=True, add_completion=False)
out = Console(highlight=False, soft_wrap=True, markup=False)  # paths may hold "[...]"
err = Console(stderr=True, highlight=False, soft_wrap=True)

DEFAULT_PIPELINE = Path("pipelines/default.toml")
PipelineArg = Annotated[Path, typer.Argument(help="Pipeline file.")]
RawOpt = Annotated[Path | None, typer.Option("--raw", help="Folder of raw texts (overrides the config).")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Folder for outputs (overrides the config).")]


@app.command("run")
def run_command(
    pipeline: PipelineArg = DEFAULT_PIPELINE,
    raw: RawOpt = None,
    out_dir: OutOpt = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Parallel worker processes.")] = None,
    version: Annotated[str | None, typer.Option("--version", help="Dataset version to publish.")] = None,
) -> None:
    """Run the whole pipeline and publish the dataset."""
    settings = _settings(pipeline, raw, out_dir, workers)
    if version:
        settings = settings.with_stage("publish", version=version)
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("shards"), TimeElapsedColumn(), console=err, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        result = _guard(lambda: runner.run(settings, progress))
    for report in result.stages:
        stats = ", ".join(f"{k}={v}" for k, v in sorted(report.stats.items()))
        detail = f"{report.shards_run}/{report.shards} shards, {report.seconds:.1f}s" if report.shards_run else ""
        out.print(f"{report.name:<10} {report.status:<9} {detail:<22} {stats}")
        for warning in report.warnings:
            err.print(f"[yellow]warning:[/] {escape(warning)}")
    if not result.did_work:
        out.print("Nothing to do: every stage is up to date.")
    out.print(f"Dataset published at {_shown(result.published)}")


@app.command()
def status(pipeline: PipelineArg = DEFAULT_PIPELINE, raw: RawOpt = None, out_dir: OutOpt = None) -> None:
    """Say which stages are up to date, and why the others are not."""
    settings = _settings(pipeline, raw, out_dir, None)
    for name, fresh, why in _guard(lambda: runner.status(settings)):
        out.print(f"{name:<10} {'up to date' if fresh else 'stale':<10} {why}", style=None if fresh else "yellow")


@app.command()
def repair(
    files: Annotated[list[Path], typer.Argument(help="Text files to repair.", exists=True, dir_okay=False)],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="List every edit with its rule.")] = False,
    pipeline: Annotated[Path, typer.Option(help="Pipeline whose [repair] config to use.")] = DEFAULT_PIPELINE,
) -> None:
    """Print the repaired text of each file (or, with --explain, its edits)."""
    config = _repair_config(pipeline)
    chunks = []
    for path in files:
        raw = path.read_text(encoding="utf-8", errors="replace")
        result = _guard(lambda: repair_text(raw, config))  # noqa: B023 (called at once)
        chunks.append("\n".join(_explain(path, raw, result.edits)) if explain else result.text)
    text = "\n".join(chunks) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _shown(path: Path | None) -> str:
    """``path`` relative to the working directory when it is inside it."""
    if path is None:
        return "(nothing published)"
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _explain(path: Path, raw: str, edits: list[Edit]) -> list[str]:
    lines = [f"# {path}: {len(edits)} edits"]
    for e in edits:
        line = raw.count("\n", 0, e.raw_start) + 1
        col = e.raw_start - (raw.rfind("\n", 0, e.raw_start) + 1) + 1
        context = raw[max(0, e.raw_start - 20) : e.raw_end + 20].replace("\n", "⏎")
        lines.append(f"{line}:{col}\t{e.rule}\t{e.before!r} → {e.after!r}\t…{context}…")
    return lines


def _repair_config(pipeline: Path) -> RepairConfig:
    if pipeline == DEFAULT_PIPELINE and not pipeline.exists():
        return RepairConfig()
    settings = _guard(lambda: load_pipeline(pipeline))
    return settings.stage_configs.get("repair", RepairConfig())  # type: ignore[return-value]


def _settings(pipeline: Path, raw: Path | None, out_dir: Path | None, workers: int | None) -> Settings:
    settings = _guard(lambda: load_pipeline(pipeline))
    return settings.with_overrides(raw=raw, out=out_dir, workers=workers)


def _guard(call):  # type: ignore[no-untyped-def]
    """Run ``call``; a user error is printed without a traceback and exits with status 2."""
    try:
        return call()
    except BolcorpusError as e:
        err.print(f"[red]error:[/] {escape(str(e))}")
        raise typer.Exit(2) from None


if __name__ == "__main__":
    app()
