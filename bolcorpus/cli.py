"""The ``bolcorpus`` command line: run, publish, verify, status, repair, evaluate, train."""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from bolcorpus import runner
from bolcorpus.config import Settings, load_pipeline
from bolcorpus.document import Edit
from bolcorpus.errors import BolcorpusError
from bolcorpus.publishing.versions import Part
from bolcorpus.repair import RepairConfig, repair_text

app = typer.Typer(help="Repair, annotate and publish historical texts about Bolivian politics.",
                  no_args_is_help=True, add_completion=False)
out = Console(highlight=False, soft_wrap=True, markup=False)  # paths may hold "[...]"
err = Console(stderr=True, highlight=False, soft_wrap=True)

DEFAULT_PIPELINE = Path("pipelines/default.toml")
UNLINKED = "unlinked: "  # entities stage stats: "unlinked: <label> <name>" → count
PipelineArg = Annotated[Path, typer.Argument(help="Pipeline file.")]
RawOpt = Annotated[Path | None, typer.Option("--raw", help="Folder of raw texts (overrides the config).")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Folder for outputs (overrides the config).")]


VersionOpt = Annotated[str | None, typer.Option("--version", help="Dataset version to publish, such as 0.2.0.")]
BumpOpt = Annotated[Part | None, typer.Option("--bump", help="Publish as the next major, minor or patch version "
                                              "after the newest one published.")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", min=1, help="Parallel worker processes.")]
ExecutorOpt = Annotated[str | None, typer.Option("--executor", help="Where shards run: local (a process pool, "
                                                 "the default) or dask (pip install 'bolcorpus\\[dask]').")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786); "
                                                  "without it, --executor dask starts a local cluster.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display (there is none when stderr "
                                        "is not a terminal either).")]


@app.command("run")
def run_command(pipeline: PipelineArg = DEFAULT_PIPELINE, raw: RawOpt = None, out_dir: OutOpt = None,
                workers: WorkersOpt = None, executor: ExecutorOpt = None, scheduler: SchedulerOpt = None,
                version: VersionOpt = None, bump: BumpOpt = None, quiet: QuietOpt = False) -> None:
    """Run the whole pipeline and publish the dataset."""
    settings = _publish_settings(pipeline, raw, out_dir, workers, version, bump, executor, scheduler)
    _run_and_report(settings, quiet)


@app.command()
def publish(
    pipeline: PipelineArg = DEFAULT_PIPELINE, raw: RawOpt = None, out_dir: OutOpt = None,
    workers: WorkersOpt = None, executor: ExecutorOpt = None, scheduler: SchedulerOpt = None,
    version: VersionOpt = None, bump: BumpOpt = None, quiet: QuietOpt = False,
    push: Annotated[str | None, typer.Option("--push", help="Also upload the version to this Hugging Face Hub "
                                             "dataset repository (user/name) and tag it v<version>.")] = None,
    private: Annotated[bool, typer.Option("--private", help="Create the Hub repository as private.")] = False,
) -> None:
    """Publish a dataset version (running the stages that are not up to date), and push it to the Hub."""
    settings = _publish_settings(pipeline, raw, out_dir, workers, version, bump, executor, scheduler)
    published = _run_and_report(settings, quiet)
    if push and published is not None:
        from bolcorpus.publishing.hub import push as push_to_hub

        tag = _guard(lambda: push_to_hub(published, push, private=private))
        out.print(f"Pushed to the Hub: {push} at tag {tag}")


@app.command()
def report(
    version_dir: Annotated[Path | None, typer.Argument(
        help="A published version folder (default: the newest under <out>/datasets/<name>/).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Folder to write the report in "
                                                "(default: reports/<name>/<version> beside datasets/).")] = None,
    kb: Annotated[Path | None, typer.Option(help="Knowledge base for entity descriptions and Wikidata QIDs "
                                            "(default: the kb of the pipeline's entities stage).")] = None,
    pipeline: Annotated[Path, typer.Option(help="Pipeline whose output folder and knowledge base to use.")] = (
        DEFAULT_PIPELINE),
) -> None:
    """Write a static HTML report of a published version: edits, flags, entities, stance, plots."""
    import time

    from bolcorpus.kb import load_kb
    from bolcorpus.publishing.versions import published
    from bolcorpus.report.build import build_report, default_output

    settings = _guard(lambda: load_pipeline(pipeline)) if version_dir is None or pipeline.exists() else None
    if version_dir is None:
        assert settings is not None
        datasets = settings.run.out / "datasets" / settings.stage_configs["publish"].name  # type: ignore[attr-defined]
        versions = published(datasets)
        if not versions:
            err.print(f"[red]error:[/] no published version in {escape(str(datasets))}; run `bolcorpus run` first, "
                      "or give a version folder")
            raise typer.Exit(2)
        version_dir = datasets / versions[-1]
    kb_path = kb or (settings.stage_configs["entities"].kb if settings else None)  # type: ignore[attr-defined]
    started = time.perf_counter()
    index = _guard(lambda: build_report(version_dir, output or default_output(version_dir),
                                        load_kb(kb_path) if kb_path else None))
    out.print(f"Report written in {time.perf_counter() - started:.1f}s: {_shown(index)}; open it in a browser")


@app.command()
def verify(version_dir: Annotated[Path, typer.Argument(help="A published version folder.")]) -> None:
    """Check every file of a published version against the sha256 in its manifest."""
    from bolcorpus.publishing.verify import verify as verify_version

    problems = verify_version(version_dir)
    for problem in problems:
        err.print(f"[red]error:[/] {escape(problem)}")
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        err.print(f"{version_dir}: {count}; do not trust this copy — publish or download it again")
        raise typer.Exit(1)
    files = len(json.loads((version_dir / "manifest.json").read_text())["files"])
    out.print(f"{version_dir}: OK, {files} files match manifest.json")


def _run_and_report(settings: Settings, quiet: bool = False) -> Path | None:
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TextColumn("docs"),
                  RateColumn(), TimeRemainingColumn(), console=err, transient=True,
                  disable=quiet or not err.is_terminal) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        result = _guard(lambda: runner.run(settings, progress))
    for report in result.stages:
        counts = {k: v for k, v in report.stats.items() if not k.startswith(UNLINKED)}
        stats = ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        detail = f"{report.shards_run}/{report.shards} shards, {report.seconds:.1f}s" if report.shards_run else ""
        out.print(f"{report.name:<10} {report.status:<9} {detail:<22} {stats}")
        if report.parts_collected:
            out.print(f"{'':<10} removed {report.parts_collected} cached part(s) that no current document needs")
        for warning in report.warnings:
            err.print(f"[yellow]warning:[/] {escape(warning)}")
        unlinked = sorted(((v, k[len(UNLINKED) :]) for k, v in report.stats.items() if k.startswith(UNLINKED)),
                          key=lambda x: (-x[0], x[1]))
        if unlinked:
            names = ", ".join(f"{name} ({n})" for n, name in unlinked[:10])
            out.print(f"{'':<10} most frequent unlinked names (knowledge-base candidates): {names}")
    if not result.did_work:
        out.print("Nothing to do: every stage is up to date.")
    if result.published is not None:  # before the last line, which says where the version is
        from bolcorpus.report.build import default_output

        out.print(f"A browsable report of it: bolcorpus report {_shown(result.published)} writes "
                  f"{_shown(default_output(result.published) / 'index.html')}")
    out.print(f"Dataset published at {_shown(result.published)}")
    return result.published


class RateColumn(ProgressColumn):
    """Documents per second of a stage, once there is a measure."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} docs/s" if task.speed else "", style="progress.data.speed")


def _publish_settings(pipeline: Path, raw: Path | None, out_dir: Path | None, workers: int | None,
                      version: str | None, bump: Part | None, executor: str | None = None,
                      scheduler: str | None = None) -> Settings:
    if version and bump:
        err.print("[red]error:[/] give --version or --bump, not both")
        raise typer.Exit(2)
    settings = _settings(pipeline, raw, out_dir, workers, executor=executor, scheduler=scheduler)
    if version:
        settings = _guard(lambda: _with_version(settings, version))
    if bump:
        settings = _guard(lambda: runner.with_bumped_version(settings, bump))
    return settings


def _with_version(settings: Settings, version: str) -> Settings:
    try:
        return settings.with_stage("publish", version=version)
    except ValidationError:
        raise BolcorpusError(f"--version {version!r}: not a semantic version; give one such as 0.2.0") from None


@app.command()
def status(pipeline: PipelineArg = DEFAULT_PIPELINE, raw: RawOpt = None, out_dir: OutOpt = None) -> None:
    """Say which stages are up to date, and why the others are not."""
    settings = _settings(pipeline, raw, out_dir, None)
    for name, fresh, why in _guard(lambda: runner.status(settings)):
        out.print(f"{name:<10} {'up to date' if fresh else 'stale':<10} {why}", style=None if fresh else "yellow")


@app.command()
def bench(
    size: Annotated[str, typer.Option(help="Corpus size to build, such as 2MB or 500kB.")] = "2MB",
    doc_size: Annotated[str, typer.Option(help="About how large each document is.")] = "8kB",
    documents: Annotated[int | None, typer.Option(min=1, help="Build this many documents (instead of --size).")] = None,
    workers: Annotated[list[int], typer.Option("--workers", min=1, help="Workers of a run; repeat the option "
                                               "to compare (--workers 1 --workers 2).")] = [1],  # noqa: B006
    pipeline: PipelineArg = DEFAULT_PIPELINE,
    reference: Annotated[bool, typer.Option(help="Also time ftfy + bare spaCy on the same text.")] = True,
    incremental: Annotated[bool, typer.Option(help="Then time reruns after adding, changing and removing "
                                              "one document (on the first run's output).")] = False,
    keep: Annotated[Path | None, typer.Option(help="Build and run in this folder and keep it "
                                              "(default: a temporary folder, removed).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Build a damaged corpus of the bundled texts; time the pipeline per stage against bare spaCy."""
    import shutil
    import tempfile

    from bolcorpus.bench import build_corpus, format_report, measure_incremental, parse_size, run_bench

    settings = _settings(pipeline, None, None, None)
    folder = keep or Path(tempfile.mkdtemp(prefix="bolcorpus-bench-"))
    try:
        corpus = _guard(lambda: build_corpus(settings, folder / "raw", size=parse_size(size),
                                             doc_size=parse_size(doc_size), documents=documents))
        err.print(f"bench: {corpus['documents']} documents, {corpus['bytes'] / 1e6:.2f} MB in {folder / 'raw'}")
        report = run_bench(settings, folder / "raw", folder, workers=workers, reference=reference)
        if incremental:
            first = report["runs"][0]
            out_dir = folder / f"out-workers-{first['workers']}"
            changes = measure_incremental(settings.with_overrides(workers=first["workers"]), folder / "raw", out_dir)
            report["incremental"] = {"full run": first["seconds"], **changes}
        report["corpus"] = corpus
        sys.stdout.write((json.dumps(report, indent=2) if as_json else format_report(corpus, report)) + "\n")
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


evaluate_app = typer.Typer(help="Measure a stage against references (see benchmarks/).", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")


@evaluate_app.command("repair")
def evaluate_repair_command(
    config: Annotated[Path, typer.Option(help="Config file whose [repair] table is measured.")] = Path(
        "configs/default.toml"
    ),
    builtin: Annotated[bool, typer.Option("--builtin", help="Measure RepairConfig(), not a config file.")] = False,
    root: Annotated[Path, typer.Option(help="The project folder (raw/, benchmarks/).")] = Path("."),
    seed: Annotated[int, typer.Option(help="First damage seed of the synthetic benchmark.")] = 0,
    seeds: Annotated[int, typer.Option(min=1, help="Number of damage seeds.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ablation: Annotated[bool, typer.Option("--ablation", help="Instead: errors removed with each part of the "
                                           "context rule left out in turn.")] = False,
) -> None:
    """Character and word error rates before and after repair, clean-text change, throughput."""
    from bolcorpus.evaluate import repair as evaluation
    from bolcorpus.evaluate.repair import format_report, load_repair_config, run_repair_evaluation

    repair_config = None if builtin else _guard(lambda: load_repair_config(config))
    if ablation:
        rows = evaluation.ablation(root, repair_config or RepairConfig(), seeds=range(seed, seed + seeds))
        sys.stdout.write((json.dumps(rows, indent=2) if as_json else evaluation.format_ablation(rows)) + "\n")
        return
    name = "RepairConfig()" if builtin else f"[repair] of {config}"
    report = run_repair_evaluation(root, seed=seed, seeds=seeds, config=repair_config, config_name=name)
    sys.stdout.write((json.dumps(report, indent=2, ensure_ascii=False) if as_json else format_report(report)) + "\n")


@evaluate_app.command("entities")
def evaluate_entities_command(
    kb: Annotated[Path, typer.Option(help="The knowledge base of the stage measured.")] = Path(
        "configs/kb/entities.yml"
    ),
    root: Annotated[Path, typer.Option(help="The project folder (benchmarks/).")] = Path("."),
    gold: Annotated[Path, typer.Option(help="Annotated sentences, JSON lines, relative to --root "
                                       "(benchmarks/entities/GUIDELINES.md).")] = Path("benchmarks/entities/dev.jsonl"),
    published: Annotated[Path | None, typer.Option(help="Instead: score this published version's sentences "
                                                   "(processed/datasets/bolcorpus/<version>) on the annotated "
                                                   "sentences it holds verbatim.")] = None,
    foreign: Annotated[bool, typer.Option("--foreign", help="Instead: the stage of configs/default.toml on "
                                          "Overproof dev (../shared), its links per entity id and the judged "
                                          "sample scored again.")] = False,
) -> None:
    """Precision, recall and F1 per label (exact span and label) and linking accuracy, model vs stage,
    with 95 % bootstrap intervals and the stage's wrong links."""
    if foreign:
        from bolcorpus.evaluate.foreign import format_foreign_report, run_foreign_evaluation

        report = _guard(lambda: run_foreign_evaluation(root, root / "configs" / "default.toml"))
        sys.stdout.write(format_foreign_report(report) + "\n")
        return
    from bolcorpus.evaluate.entities import format_entity_report, run_entity_evaluation, spacy_predictor

    if published:
        from bolcorpus.evaluate.published import run_published_evaluation

        sys.stdout.write(format_entity_report(_guard(lambda: run_published_evaluation(root, published, gold))) + "\n")
        return
    from bolcorpus.ner import load_domain_nlp
    from bolcorpus.nlp import load_nlp

    systems = {"spaCy model alone": spacy_predictor(load_nlp()),
               "bolcorpus entities stage": spacy_predictor(_guard(lambda: load_domain_nlp(kb)))}
    sys.stdout.write(format_entity_report(_guard(lambda: run_entity_evaluation(root, systems, gold))) + "\n")


StanceConfigOpt = Annotated[Path, typer.Option(
    "--config", help="Config file whose [stance] (and [entities]) tables are used.")]
GoldOpt = Annotated[Path, typer.Option(help="Annotated pairs, JSON lines (benchmarks/stance/GUIDELINES.md).")]


@evaluate_app.command("stance")
def evaluate_stance_command(
    config: StanceConfigOpt = Path("configs/default.toml"),
    gold: GoldOpt = Path("benchmarks/stance/dev.jsonl"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """F_avg (mean F1 of FAVOR and AGAINST) and accuracy, per target and overall, of both methods.

    On the annotations the classifier was trained on, the trained method is cross-validated by
    document; on any other annotations, the configured classifier is scored as it is.
    """
    from bolcorpus.evaluate.stance import evaluate_stance, format_stance_report

    report = _guard(lambda: evaluate_stance(config, gold))
    sys.stdout.write((json.dumps(report, indent=2) if as_json else format_stance_report(report)) + "\n")


@evaluate_app.command("stance-agreement")
def stance_agreement_command(
    first: Annotated[Path, typer.Argument(help="One annotator's pairs (JSON lines).")],
    second: Annotated[Path, typer.Argument(help="Another annotator's labels of the same pair ids.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Inter-annotator agreement on the pairs two files share: F_avg, observed agreement, kappa."""
    from bolcorpus.evaluate.stance import compare_annotations, format_agreement_report

    report = _guard(lambda: compare_annotations(first, second))
    sys.stdout.write((json.dumps(report, indent=2) if as_json else format_agreement_report(report)) + "\n")


train_app = typer.Typer(help="Train a stage's model from its annotated data.", no_args_is_help=True)
app.add_typer(train_app, name="train")


@train_app.command("stance")
def train_stance_command(
    config: StanceConfigOpt = Path("configs/default.toml"),
    gold: GoldOpt = Path("benchmarks/stance/dev.jsonl"),
) -> None:
    """Train the stance classifier on annotated pairs into the config's [stance] classifier."""
    from bolcorpus.evaluate.stance import train_classifier

    model, out = _guard(lambda: train_classifier(config, gold))
    sys.stdout.write(f"Trained on {gold}: {len(model.weights)} features, classes "
                     + ", ".join(model.classes) + f"; written to {out}\n")


@train_app.command("repair-channel")
def train_repair_channel_command(
    data: Annotated[Path, typer.Option(help="Parquet of OCR text and its correction (columns ocr_text, "
                                       "ground_truth).")] = Path(
        "../shared/benchmarks/overproof-dev/overproof-combined_train.parquet"
    ),
    out_file: Annotated[Path, typer.Option("--out", help="The channel table to write.")] = Path(
        "configs/lexicons/ocr_channel.tsv"
    ),
) -> None:
    """Learn the OCR channel (confusion costs) of the [repair] context rule from corrected OCR."""
    from bolcorpus.repair.channel import train_channel

    rows, pairs = _guard(lambda: train_channel(data, out_file))
    sys.stdout.write(f"Learned {rows} confusions from {pairs:,} aligned word pairs of {data}; written to {out_file}\n")


@app.command()
def repair(
    files: Annotated[list[Path], typer.Argument(help="Text files to repair.", exists=True, dir_okay=False)],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="List every edit with its rule.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show a unified diff of raw and repaired text.")] = False,
    pipeline: Annotated[Path, typer.Option(help="Pipeline whose [repair] config to use.")] = DEFAULT_PIPELINE,
) -> None:
    """Print the repaired text of each file (or, with --explain, its edits; with --diff, a diff)."""
    config = _repair_config(pipeline)
    chunks = []
    for path in files:
        raw = path.read_text(encoding="utf-8", errors="replace")
        result = _guard(lambda: repair_text(raw, config))  # noqa: B023 (called at once)
        if explain:
            chunks.append("\n".join(_explain(path, raw, result.edits)))
        elif diff:
            chunks.append(_diff(path, raw, result.text))
        else:
            chunks.append(result.text)
    text = "\n".join(chunks) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _diff(path: Path, raw: str, repaired: str) -> str:
    """A unified diff of the sentences, line wraps ignored (``--explain`` lists those too)."""

    def chunks(text: str) -> list[str]:
        return [c for c in re.split(r"(?<=[.;:!?])\s+", " ".join(text.split())) if c]

    lines = difflib.unified_diff(chunks(raw), chunks(repaired), f"{path} (raw)", f"{path} (repaired)", lineterm="")
    return "\n".join(lines)


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


def _settings(pipeline: Path, raw: Path | None, out_dir: Path | None, workers: int | None,
              **run: str | None) -> Settings:
    settings = _guard(lambda: load_pipeline(pipeline))
    return _guard(lambda: settings.with_overrides(raw=raw, out=out_dir, workers=workers, **run))


def _guard(call):  # type: ignore[no-untyped-def]
    """Run ``call``; a user error is printed without a traceback and exits with status 2."""
    try:
        return call()
    except BolcorpusError as e:
        err.print(f"[red]error:[/] {escape(str(e))}")
        raise typer.Exit(2) from None


if __name__ == "__main__":
    app()
