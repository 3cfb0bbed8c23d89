"""``bolcorpus bench``: the pipeline's speed and memory at corpus scale, against bare spaCy.

:func:`build_corpus` cuts the bundled texts into article-sized documents and damages each
with the OCR simulator (:mod:`bolcorpus.evaluate.damage`) at one of four levels and its
own seed, until the corpus has the requested size: no two documents are the same text.
:func:`run_bench` then runs the pipeline on it into a fresh folder for each number of
workers (the runs with a pool first: with one worker, the models load in this process and
stay), and reports per stage the wall time, the corpus characters per second and the
peak memory (resident set of this process and its workers, summed, sampled every 50 ms);
and, on the same text in the same run, the reference: ``ftfy.fix_text`` and bare spaCy
(``nlp.pipe`` with the same model and all its components, one process).

>>> parse_size("2MB"), parse_size("500kB"), parse_size("1200")
(2000000, 500000, 1200)
"""

from __future__ import annotations

import inspect
import os
import re
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bolcorpus import runner
from bolcorpus.config import Settings
from bolcorpus.errors import BolcorpusError
from bolcorpus.evaluate.damage import DAMAGES, damage_text
from bolcorpus.stages.ingest import Ingest

LEVELS = {"none": 0.0, "light": 0.5, "default": 1.0, "heavy": 2.0}  # damage rates, times the simulator's
UNITS = {"": 1, "b": 1, "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000}
PAGE = os.sysconf("SC_PAGE_SIZE")


def parse_size(text: str) -> int:
    """Bytes in a size such as ``2MB`` or ``500kB`` (decimal units)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?[bB]?)\s*", text)
    if not m:
        raise BolcorpusError(f"size {text!r}: give a number of bytes with an optional unit, such as 2MB or 500kB")
    return int(float(m.group(1)) * UNITS[m.group(2).lower()])


def chunks(text: str, size: int) -> Iterator[str]:
    """Consecutive runs of whole lines of ``text`` of about ``size`` bytes.

    >>> [len(c) for c in chunks("aaaa\\nbbbb\\ncccc\\n", 8)]
    [9, 4]
    """
    lines, length = [], 0
    for line in text.splitlines():
        lines.append(line)
        length += len(line.encode()) + 1
        if length >= size:
            yield "\n".join(lines)
            lines, length = [], 0
    if any(line.strip() for line in lines):
        yield "\n".join(lines)


def build_corpus(source: Settings, folder: Path, *, size: int, doc_size: int,
                 documents: int | None = None) -> dict[str, Any]:
    """Write a damaged corpus of about ``size`` bytes (or of ``documents`` documents) into
    ``folder``: the texts and their ``manifest.yml``."""
    files, _, _ = Ingest.inputs(source.run.raw, source.stage_configs["ingest"])  # type: ignore[arg-type]
    pieces = [(f, piece) for f in files for piece in chunks(f.path.read_text(encoding="utf-8"), doc_size)]
    if not pieces:
        raise BolcorpusError(f"{source.run.raw}: no texts to build a benchmark corpus from")
    folder.mkdir(parents=True, exist_ok=True)
    entries, total, n = [], 0, 0
    while (n < documents) if documents else (total < size):
        raw_file, piece = pieces[n % len(pieces)]
        level = list(LEVELS)[n % len(LEVELS)]
        text = damage_text(piece, seed=n, options=damage_options(LEVELS[level])).text
        name = f"bench_{n:06d}.txt"
        (folder / name).write_text(text + "\n", encoding="utf-8")
        entry = dict(raw_file.entry or {})
        entries.append({**entry, "source_file": name, "title": f"{entry.get('title') or raw_file.path.stem} ({level})"})
        total += len(text.encode()) + 1
        n += 1
    (folder / "manifest.yml").write_text(yaml.safe_dump({"documents": entries}, allow_unicode=True), encoding="utf-8")
    return {"bytes": total, "documents": n, "levels": list(LEVELS)}


def damage_options(factor: float) -> dict[str, dict[str, float]]:
    """Simulator options scaling every damage rate (``rate``, ``comma_rate``, …) by ``factor`` (0: no damage)."""
    options = {}
    for name, func in DAMAGES:
        parameters = inspect.signature(func).parameters.values()
        rates = {p.name: p.default * factor for p in parameters if p.name.endswith("rate")}
        if rates:
            options[name] = rates
    if factor == 0:
        options["hyphenation"] = {"width": 10**9}  # no line wrapping either
    return options


class MemorySampler(threading.Thread):
    """Peak resident memory (MB) of this process and its descendants, per stage label.

    Which processes descend from this one is looked up once a second (it reads every
    process's ``/proc`` entry, about 8 ms), their memory every ``every`` seconds: a run with
    one worker shares this process, and its interpreter, with the sampler.
    """

    def __init__(self, every: float = 0.05, rescan: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.every, self.rescan, self.stage, self.peaks = every, rescan, "", {}  # type: ignore[var-annotated]
        self._stop_event = threading.Event()

    def run(self) -> None:
        pids, scanned = [os.getpid()], 0.0
        while not self._stop_event.wait(self.every):
            if time.monotonic() - scanned >= self.rescan:
                pids, scanned = _descendants(os.getpid()), time.monotonic()
            rss = sum(map(_rss, pids)) / 1e6
            self.peaks[self.stage] = max(self.peaks.get(self.stage, 0.0), rss)

    def stop(self) -> dict[str, float]:
        self._stop_event.set()
        self.join()
        return dict(self.peaks)


def run_bench(settings: Settings, corpus: Path, folder: Path, *, workers: list[int],
              reference: bool = True) -> dict[str, Any]:
    """Run the pipeline on ``corpus`` for each number of workers (and the reference)."""
    files = sorted(corpus.glob("*.txt"))
    chars = sum(len(p.read_text(encoding="utf-8")) for p in files)  # not kept: it would count as the runs' memory
    report: dict[str, Any] = {"characters": chars, "runs": []}
    runs = {}
    # Pools first: one worker runs in this process, which keeps its models after the run,
    # and they would count in a pool's memory.
    for n in sorted(set(workers), reverse=True):
        run_settings = settings.with_overrides(raw=corpus, out=folder / f"out-workers-{n}", workers=n)
        runs[n] = measure_run(run_settings, chars)
    report["runs"] = [runs[n] for n in workers]
    if reference:
        report["reference"] = bare_spacy(settings, [p.read_text(encoding="utf-8") for p in files])
        for run in report["runs"]:
            run["ratio_to_reference"] = run["seconds"] / report["reference"]["seconds"]
    return report


def measure_incremental(settings: Settings, corpus: Path, out: Path) -> dict[str, float]:
    """Seconds of ``bolcorpus run`` after adding, changing and removing one document of the
    corpus, each in a new process (model loading included) and published as a new version."""
    manifest_path = corpus / "manifest.yml"
    names = sorted(p.name for p in corpus.glob("*.txt"))
    new, changed, removed = "bench_added.txt", names[len(names) // 2], names[-1]

    def edit_manifest(add: str | None = None, drop: str | None = None) -> None:
        entries = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))["documents"]
        entries = [e for e in entries if e["source_file"] != drop] + ([{"source_file": add}] if add else [])
        manifest_path.write_text(yaml.safe_dump({"documents": entries}, allow_unicode=True), encoding="utf-8")

    def add() -> None:
        (corpus / new).write_text("The COB called a general strike against Banzer in La Paz.\n", encoding="utf-8")
        edit_manifest(add=new)

    def change() -> None:
        with (corpus / changed).open("a", encoding="utf-8") as f:
            f.write("Torres fell in August 1971.\n")

    def remove() -> None:
        (corpus / removed).unlink()
        edit_manifest(drop=removed)

    timings = {}
    for n, (what, edit) in enumerate([("add one document", add), ("change one document", change),
                                      ("remove one document", remove)], start=1):
        edit()
        command = [sys.executable, "-m", "bolcorpus.cli", "run", str(settings.pipeline), "--raw", str(corpus),
                   "--out", str(out), "--workers", str(settings.run.workers), "--version", f"0.1.{n}", "--quiet"]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        timings[what] = time.perf_counter() - started
        if done.returncode:
            raise BolcorpusError(f"bench: the rerun after '{what}' failed:\n{done.stderr}")
    return timings


def measure_run(settings: Settings, chars: int) -> dict[str, Any]:
    """One pipeline run: wall time, and per stage seconds, characters per second, peak MB;
    also the CPU seconds of the run (this process and its workers) and the load average
    before and after, which say how much other work shared the machine."""
    sampler = MemorySampler()
    sampler.start()

    def progress(stage: str, done: int, total: int) -> None:
        sampler.stage = stage

    load = os.getloadavg()[0]
    cpu = _cpu_seconds()
    started = time.perf_counter()
    result = runner.run(settings, progress)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    peaks = sampler.stop()
    stages = [{"stage": r.name, "status": r.status, "seconds": r.seconds, "documents": r.documents_run,
               "chars_per_s": chars / r.seconds if r.seconds else None, "peak_mb": peaks.get(r.name),
               "share": r.seconds / seconds} for r in result.stages]
    return {"workers": settings.run.workers, "seconds": seconds, "chars_per_s": chars / seconds,
            "peak_mb": max(peaks.values(), default=None), "cpu_seconds": cpu,
            "load_average": [load, os.getloadavg()[0]], "stages": stages}


def _cpu_seconds() -> float:
    """User and system CPU seconds of this process and of its children that have ended (a
    run's pool workers end with it)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare_spacy(settings: Settings, texts: list[str]) -> dict[str, Any]:
    """``ftfy.fix_text`` then ``nlp.pipe`` with every component of the model, on ``texts``."""
    import ftfy
    import spacy

    from bolcorpus.nlp import resolve_model

    started = time.perf_counter()
    nlp = spacy.load(resolve_model(settings.nlp.model)[0])
    load = time.perf_counter() - started
    started = time.perf_counter()
    fixed = [ftfy.fix_text(t) for t in texts]
    ftfy_seconds = time.perf_counter() - started
    with nlp.memory_zone():
        for _ in nlp.pipe(fixed, batch_size=settings.nlp.batch_size):
            pass
    seconds = time.perf_counter() - started
    chars = sum(len(t) for t in texts)
    return {"seconds": seconds, "ftfy_seconds": ftfy_seconds, "model_load_seconds": load,
            "chars_per_s": chars / seconds, "components": list(nlp.pipe_names)}


def format_report(corpus: dict[str, Any], report: dict[str, Any]) -> str:
    """The report as text: the corpus, the reference, and a table per run."""
    lines = [f"corpus: {corpus['bytes'] / 1e6:.2f} MB, {corpus['documents']} documents, "
             f"{report['characters']:,} characters (damage levels {', '.join(corpus['levels'])})"]
    ref = report.get("reference")
    if ref:
        lines.append(f"reference, ftfy + bare spaCy ({', '.join(ref['components'])}): {ref['seconds']:.1f} s, "
                     f"{ref['chars_per_s'] / 1e3:.1f} k chars/s (model load {ref['model_load_seconds']:.1f} s apart)")
    one = next((r for r in report["runs"] if r["workers"] == 1), None)
    for run in report["runs"]:
        head = (f"workers {run['workers']}: {run['seconds']:.1f} s end to end, "
                f"{run['chars_per_s'] / 1e3:.1f} k chars/s, {run['cpu_seconds']:.0f} CPU s, "
                f"load average {run['load_average'][0]:.1f} before, {run['load_average'][1]:.1f} after")
        if ref:
            head += f", {run['ratio_to_reference']:.2f}x the reference"
        if one and run is not one:
            head += f", {one['seconds'] / run['seconds']:.2f}x faster than 1 worker"
        if ref:
            repair = sum(s["seconds"] for s in run["stages"] if s["stage"] == "repair")
            head += f"; without repair, {(run['seconds'] - repair) / ref['seconds']:.2f}x"
        columns = f"  {'stage':<10} {'status':<9} {'seconds':>8} {'k chars/s':>10} {'share':>6} {'peak MB':>8}"
        lines += ["", head, columns]
        for s in run["stages"]:
            speed = f"{s['chars_per_s'] / 1e3:.1f}" if s["chars_per_s"] else "-"
            peak = f"{s['peak_mb']:.0f}" if s["peak_mb"] else "-"
            lines.append(f"  {s['stage']:<10} {s['status']:<9} {s['seconds']:>8.1f} {speed:>10} "
                         f"{s['share']:>6.1%} {peak:>8}")
    for change, seconds in report.get("incremental", {}).items():
        lines.append(f"incremental, {change}: {seconds:.1f} s")
    return "\n".join(lines)


def _descendants(root: int) -> list[int]:
    """Process ``root`` and all its descendants (Linux /proc).

    >>> _descendants(os.getpid())[0] == os.getpid()
    True
    """
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _rss(pid: int) -> int:
    """Resident bytes of process ``pid`` (0 once it has ended)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except OSError:
        return 0
