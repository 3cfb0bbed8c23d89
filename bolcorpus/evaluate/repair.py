"""Measure the repair stage: errors removed, harm done to clean text, and speed.

:func:`evaluate_repair` runs five measurements with :func:`bolcorpus.repair_text`, by
default with the default :class:`~bolcorpus.RepairConfig`:

- **synthetic**: clean corpus texts, damaged by :mod:`bolcorpus.evaluate.damage` with
  several seeds. It gives the character and word error rates (CER, WER) before and after
  repair, and the share of character errors removed, as the mean over seeds.
- **real**: the hand-corrected excerpt of ``raw/001`` (``benchmarks/repair/real/``).
- **external**: the ACL tokenization-repair development set, one paragraph per line. It
  is read from ``<root>/../shared/benchmarks/``, never copied into the repository, and
  skipped with a note when it is absent.
- **overproof train / dev**: real 1842–1954 newspaper OCR with its human correction,
  chunk by chunk (from ``<root>/../shared/benchmarks/overproof-dev/``, likewise), with
  whitespace folded as the data's README does. The channel is learned on train; dev is
  what the method is judged on.
- **clean-text change**: how much repair changes text that is already clean, and where.
- **throughput**: megabytes per second of ``repair_text`` on one core, beside
  ``ftfy.fix_text``.

``benchmarks/repair/README.md`` describes the data and the damage model.
:func:`run_repair_evaluation` returns the report as a plain dict, and
:func:`format_report` renders that dict as Markdown.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from bolcorpus.config import load_config
from bolcorpus.evaluate.damage import damage_text
from bolcorpus.evaluate.metrics import (
    NO_ERRORS,
    Errors,
    char_errors,
    collapse_whitespace,
    errors_removed,
    word_errors,
)
from bolcorpus.repair import RepairConfig, forget_corrections, repair_text
from bolcorpus.repair.channel import ONE_CONFUSION, SOFT_HYPHEN_RE

# --- data --------------------------------------------------------------------------
# Clean corpus texts for the synthetic and clean-text benchmarks. 000 prints acronyms in
# small capitals (lower case), which its reference restores (SMALL_CAPS_RE).
SYNTHETIC_FILES = ("003_5a5911ddee1fa91e.txt", "004_bb70c619f3096cf5.txt", "000_62261ae97035ac9e.txt")
SMALL_CAPS_FILES = frozenset({"000_62261ae97035ac9e.txt"})  # the clean-text measure repairs their reference
REAL_DIR = Path("benchmarks/repair/real")
REAL_FILES = ("001_excerpt.raw.txt", "001_excerpt.ref.txt")
EXTERNAL_DIR = Path("shared/benchmarks/acl-tokenization-dev")  # relative to the root's parent
EXTERNAL_FILES = ("corrupt.txt", "correct.txt")
OVERPROOF_DIR = Path("shared/benchmarks/overproof-dev")  # relative to the root's parent
OVERPROOF_FILE = "overproof-combined_{split}.parquet"

# Lines of web furniture, which are not part of the text (raw/003).
FURNITURE_RE = re.compile(r"^(?:Image: .*|See this link for all articles.*)$", re.M)
# A web footnote marker fused to a word: "mnrfootnote1" (raw/004).
FUSED_FOOTNOTE_RE = re.compile(r"(?<=[^\W\d_])footnote\d+\b")
# Small capitals read as lower case, restored only for these exact tokens (raw/000 has
# mnr, cob, prin and "us aid"). "us" is restored only before "aid": elsewhere it is the pronoun.
SMALL_CAPS_RE = re.compile(r"(?<![\w-])(?:mnr|cob|prin|us(?= aid\b))(?![\w-])")

SYNTHETIC_TARGET = 0.90  # share of character errors removed
REAL_TARGET = 0.90
EXTERNAL_TARGET = 0.40
OVERPROOF_TARGET = 0.30  # on dev
CLEAN_CHANGE_TARGET = 0.0005  # share of a clean text's characters that repair changes
THROUGHPUT_TARGET = 1.0  # MB/s
DAMAGED_THROUGHPUT_TARGET = 200.0  # kB/s, on text as damaged as Overproof
MAX_SPANS = 20  # changed spans listed in the report

Repairer = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class ChangedSpan:
    """A place where two texts differ: ``before`` became ``after``, with the text around it."""

    document: str
    before: str
    after: str
    left: str
    right: str


@dataclass(frozen=True, slots=True)
class Benchmark:
    """Errors against the reference before and after repair.

    For the synthetic benchmark each figure is the mean over seeds, and
    ``errors_removed_range`` is the lowest and highest seed.
    """

    name: str
    data: str  # what was measured, in a few words
    reference_chars: int
    cer_before: float
    cer_after: float
    wer_before: float
    wer_after: float
    errors_removed: float
    target: float | None = None  # the share of character errors removed that the repair must reach
    met: bool | None = None
    errors_removed_range: tuple[float, float] | None = None
    residual: list[ChangedSpan] = field(default_factory=list)  # where the repaired text still differs
    residual_of: str = ""  # which run ``residual`` comes from, such as "seed 0"
    units: int = 0  # documents, lines or chunks compared one by one
    worse: float = 0.0  # the share of them that repair made worse (more character errors)


@dataclass(frozen=True, slots=True)
class CleanChange:
    """What repair changes in clean text, beyond the repairs the clean text expects."""

    documents: tuple[str, ...]
    chars: int
    chars_changed: int
    share_changed: float
    target: float
    met: bool
    spans: list[ChangedSpan]
    spans_total: int


@dataclass(frozen=True, slots=True)
class Throughput:
    """Speed of ``repair_text`` and ``ftfy.fix_text`` on the same documents, best of ``runs``."""

    megabytes: float
    documents: int
    runs: int
    repair_mb_per_s: float
    ftfy_mb_per_s: float
    target: float
    met: bool
    damaged_kb_per_s: float | None = None  # Overproof dev, each chunk repaired once, from cold word caches
    damaged_target: float = DAMAGED_THROUGHPUT_TARGET


@dataclass(frozen=True, slots=True)
class RepairReport:
    """Everything :func:`evaluate_repair` measured. A part is None when its data is missing (see ``notes``)."""

    config: str
    synthetic: Benchmark | None
    real: Benchmark | None
    external: Benchmark | None
    overproof_train: Benchmark | None
    overproof_dev: Benchmark | None
    clean_change: CleanChange | None
    throughput: Throughput | None
    notes: list[str] = field(default_factory=list)


def clean_reference(text: str) -> str:
    """The reference for a clean corpus text, as one paragraph per line with blank lines between.

    Web-furniture lines go, a fused footnote marker goes, and small-caps acronyms are
    restored: "mnr", "cob" and "prin" always, and "us" only before "aid".

    >>> text = "Image: A. Salis\\n\\nthe mnrfootnote1 and us aid; tell us\\nEnd.\\n"
    >>> clean_reference(text + "See this link for all articles")
    'the MNR and US aid; tell us\\n\\nEnd.'
    """
    text = FURNITURE_RE.sub("", text)
    text = FUSED_FOOTNOTE_RE.sub("", text)
    text = SMALL_CAPS_RE.sub(lambda m: m.group().upper(), text)
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def evaluate_repair(
    root: Path,
    *,
    seeds: Sequence[int] = range(5),
    config: RepairConfig | None = None,
    config_name: str | None = None,
    throughput_bytes: int = 1_000_000,
    runs: int = 3,
) -> RepairReport:
    """Run every measurement on the project at ``root``.

    Args:
        seeds: damage seeds for the synthetic benchmark; figures are means over them.
        config: the repair config; the default :class:`~bolcorpus.RepairConfig` if None.
        config_name: how the report names the config.
        throughput_bytes: the documents are repeated until they hold at least this many
            bytes of UTF-8 for the throughput run.
        runs: throughput is the best of this many runs.
    """
    root = Path(root).resolve()  # the external benchmark is found beside it, in ../shared
    config = config or RepairConfig()

    def fix(text: str) -> str:
        return repair_text(text, config).text

    notes: list[str] = []
    clean = _read_all(root / "raw", SYNTHETIC_FILES, notes)
    real = _read_all(root / REAL_DIR, REAL_FILES, notes)
    external = _read_all(root.parent / EXTERNAL_DIR, EXTERNAL_FILES, notes)
    if external is not None and len(external[0].splitlines()) != len(external[1].splitlines()):
        notes.append(f"{root.parent / EXTERNAL_DIR}: corrupt.txt and correct.txt differ in line count; skipped")
        external = None
    overproof = {split: read_overproof(root, split, notes) for split in ("train", "dev")}
    corpus = [p.read_text(encoding="utf-8") for p in sorted((root / "raw").glob("*.txt"))]
    # Timed first, as a process that repairs a corpus would run: the other benchmarks' memos slow it.
    throughput = _throughput(corpus, fix, min_bytes=throughput_bytes, runs=runs, damaged=overproof) if corpus else None
    return RepairReport(
        config=config_name or ("default RepairConfig" if config == RepairConfig() else "custom RepairConfig"),
        synthetic=_synthetic(clean, seeds, fix) if clean else None,
        real=_real(real, fix) if real else None,
        external=_external(external, fix) if external else None,
        overproof_train=_overproof("train", overproof["train"], fix) if overproof["train"] else None,
        overproof_dev=_overproof("dev", overproof["dev"], fix, OVERPROOF_TARGET) if overproof["dev"] else None,
        clean_change=_clean_change(clean, fix) if clean else None,
        throughput=throughput,
        notes=notes,
    )


def read_overproof(root: Path, split: str, notes: list[str]) -> list[tuple[str, str]] | None:
    """``(ocr, reference)`` chunks of an Overproof split beside ``root``, or None with a note.

    The reference's soft hyphens ("im¬ proved") are joined, as the data's README says.
    """
    path = Path(root).resolve().parent / OVERPROOF_DIR / OVERPROOF_FILE.format(split=split)
    if not path.is_file():
        notes.append(f"skipped: missing {path}")
        return None
    import pyarrow.parquet as pq

    rows = pq.read_table(path, columns=["ocr_text", "ground_truth"]).to_pylist()
    return [(r["ocr_text"], SOFT_HYPHEN_RE.sub("", r["ground_truth"])) for r in rows]


def run_repair_evaluation(
    root: Path,
    *,
    seed: int = 0,
    seeds: int = 5,
    config: RepairConfig | None = None,
    config_name: str | None = None,
    throughput_bytes: int = 1_000_000,
) -> dict[str, Any]:
    """:func:`evaluate_repair` with the damage seeds ``seed .. seed + seeds - 1``, as a plain dict."""
    report = evaluate_repair(
        root, seeds=range(seed, seed + seeds), config=config, config_name=config_name,
        throughput_bytes=throughput_bytes,
    )
    return asdict(report)


def format_report(report: RepairReport | Mapping[str, Any]) -> str:
    """Render a report (or its dict from :func:`run_repair_evaluation`) as Markdown.

    >>> print(format_report({"config": "default RepairConfig", "synthetic": None, "real": None,
    ...     "external": None, "clean_change": None, "throughput": None, "notes": ["no data"]}))
    ## Repair evaluation (default RepairConfig)
    <BLANKLINE>
    Notes:
    <BLANKLINE>
    - no data
    """
    r = asdict(report) if isinstance(report, RepairReport) else report
    out = [f"## Repair evaluation ({r['config']})", ""]
    benchmarks = [b for b in (r["synthetic"], r["real"], r["external"], r.get("overproof_train"),
                                r.get("overproof_dev")) if b]
    if benchmarks:
        out += [
            "| benchmark | data | ref. chars | CER before | CER after | WER before | WER after "
            "| char. errors removed | units made worse | target | met |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for b in benchmarks:
            removed = _pct(b["errors_removed"], 1)
            if b.get("errors_removed_range"):
                low, high = b["errors_removed_range"]
                removed += f" ({_pct(low, 1)} to {_pct(high, 1)})"
            target = f"≥ {_pct(b['target'], 0)}" if b.get("target") is not None else "–"
            out.append(
                f"| {b['name']} | {b['data']} | {b['reference_chars']:,} | {_pct(b['cer_before'])} "
                f"| {_pct(b['cer_after'])} | {_pct(b['wer_before'])} | {_pct(b['wer_after'])} | {removed} "
                f"| {_worse(b)} | {target} | {_met(b.get('met'))} |"
            )
        out.append("")
    c, t = r["clean_change"], r["throughput"]
    if c or t:
        out += ["| measure | data | result | target | met |", "| --- | --- | ---: | ---: | --- |"]
        if c:
            out.append(
                f"| clean-text change | {', '.join(c['documents'])} ({c['chars']:,} chars) "
                f"| {_pct(c['share_changed'], 3)} ({c['chars_changed']} chars, {c['spans_total']} spans) "
                f"| ≤ {_pct(c['target'], 2)} | {_met(c['met'])} |"
            )
        if t:
            out.append(
                f"| throughput | {t['megabytes']:.2f} MB in {t['documents']} documents, best of {t['runs']} "
                f"| repair {t['repair_mb_per_s']:.3f} MB/s (ftfy.fix_text {t['ftfy_mb_per_s']:.2f} MB/s) "
                f"| ≥ {t['target']:g} MB/s | {_met(t['met'])} |"
            )
            if t.get("damaged_kb_per_s") is not None:
                out.append(
                    f"| throughput, damaged text | Overproof dev, each chunk once | {t['damaged_kb_per_s']:.0f} kB/s "
                    f"| ≥ {t['damaged_target']:g} kB/s | {_met(t['damaged_kb_per_s'] >= t['damaged_target'])} |"
                )
        out.append("")
    if c and c["spans"]:
        out += [f"What repair changes in clean text (first {len(c['spans'])} of {c['spans_total']}):", ""]
        out += _span_lines(c["spans"])
        out.append("")
    for b in benchmarks:
        if b.get("residual"):
            of = f" of {b['residual_of']}" if b.get("residual_of") else ""
            out += [f"Where the repaired {b['name']} text still differs from the reference (first "
                    f"{len(b['residual'])}{of}; reference → repaired):", ""]
            out += _span_lines(b["residual"])
            out.append("")
    if r["notes"]:
        out += ["Notes:", ""] + [f"- {note}" for note in r["notes"]] + [""]
    return "\n".join(out).rstrip("\n")


CONTEXT_RULE = "repair.context.v1"
SEGMENTATION_RULE = "repair.segmentation.v1"
CONFUSIONS_RULE = "repair.confusions.v1"
Variant = Callable[[RepairConfig], RepairConfig]


def _without_rule(rule: str, *, reset: tuple[str, str] | None = None) -> Variant:
    """The config without ``rule`` (and its options); ``reset`` drops one option of another rule."""
    def variant(config: RepairConfig) -> RepairConfig:
        options = {k: v for k, v in config.options.items() if k != rule}
        if reset and reset[0] in options:
            options[reset[0]] = {k: v for k, v in options[reset[0]].items() if k != reset[1]}
        return config.model_copy(update={"rules": tuple(r for r in config.rules if r != rule), "options": options})
    return variant


def _context_options(*, rules: tuple[str, ...] = (CONTEXT_RULE,), **changed: Any) -> Variant:
    """The config with some options of the context rule (or of ``rules``) changed."""
    def variant(config: RepairConfig) -> RepairConfig:
        merged = {**config.options, **{r: {**config.options.get(r, {}), **changed} for r in rules if r in config.rules}}
        return config.model_copy(update={"options": merged})
    return variant


ABLATIONS: dict[str, tuple[str, Variant]] = {  # name: (what is left out, the config without it)
    "full": ("nothing", lambda config: config),
    # Without the context rule the confusions rule takes words of letters back, as before it.
    "no context rule": (f"{CONTEXT_RULE} (the confusions rule then takes words of letters too)",
                        _without_rule(CONTEXT_RULE, reset=(CONFUSIONS_RULE, "plain_words"))),
    "no bigrams": ("the bigram model (unigrams alone)", _context_options(use_bigrams=False)),
    "no document model": ("the document's own names", _context_options(use_document=False)),
    "one-confusion search": (f"candidates of non-words past about one confusion (a budget of {ONE_CONFUSION})",
                             _context_options(budget=ONE_CONFUSION)),
    "no splits": ("splitting run-together words (context rule)", _context_options(split_words=False)),
    "no damaged-text mode": ("questioning common real words, rare fragments and hyphenated pieces in damaged text",
                             _context_options(rules=(CONTEXT_RULE, SEGMENTATION_RULE), damaged_rate=1.0)),
    "no garbled joins": ("joining fragments into a word one confusion garbled (segmentation rule)",
                         _context_options(rules=(SEGMENTATION_RULE,), garbled_joins=False)),
    "no segmentation rule": (SEGMENTATION_RULE, _without_rule(SEGMENTATION_RULE)),
    "hand channel": ("the learned channel (hand-made confusions only)",
                     lambda config: config.model_copy(update={"channel": None})),
}


def ablation(root: Path, config: RepairConfig, *, seeds: Sequence[int] = (0,)) -> list[dict[str, Any]]:
    """Character errors removed by ``config`` with each part of correction in context left out in turn.

    Measured on Overproof dev, ACL dev, the synthetic benchmark (``seeds``) and the real
    excerpt; a benchmark whose data is missing is left out of the rows.
    """
    root = Path(root).resolve()
    notes: list[str] = []
    overproof = read_overproof(root, "dev", notes)
    acl = _read_all(root.parent / EXTERNAL_DIR, EXTERNAL_FILES, notes)
    clean = _read_all(root / "raw", SYNTHETIC_FILES, notes)
    real = _read_all(root / REAL_DIR, REAL_FILES, notes)
    rows = []
    for name, (left_out, make) in ABLATIONS.items():
        variant = make(config)

        def fix(text: str, variant: RepairConfig = variant) -> str:
            return repair_text(text, variant).text

        row: dict[str, Any] = {"variant": name, "left_out": left_out}
        if overproof:
            row["overproof dev"] = _overproof("dev", overproof, fix).errors_removed
        if acl:
            row["ACL dev"] = _external(acl, fix).errors_removed
        if clean:
            row["synthetic"] = _synthetic(clean, seeds, fix).errors_removed
        if real:
            row["real"] = _real(real, fix).errors_removed
        rows.append(row)
    return rows


def format_ablation(rows: list[dict[str, Any]]) -> str:
    """The ablation rows as a Markdown table of character errors removed.

    >>> print(format_ablation([{"variant": "full", "left_out": "nothing", "ACL dev": 0.25}]))
    | variant | left out | ACL dev |
    | --- | --- | ---: |
    | full | nothing | 25.0 % |
    """
    columns = [c for c in rows[0] if c not in ("variant", "left_out")] if rows else []
    out = ["| variant | left out | " + " | ".join(columns) + " |",
           "| --- | --- | " + " | ".join("---:" for _ in columns) + " |"]
    out += [f"| {r['variant']} | {r['left_out']} | " + " | ".join(_pct(r[c], 1) for c in columns) + " |" for r in rows]
    return "\n".join(out)


def changed_spans(before: str, after: str, *, document: str = "", context: int = 30, gap: int = 3) -> list[ChangedSpan]:
    """Where ``after`` differs from ``before``, widened to whole words, with ``context`` characters around.

    Differences less than ``gap`` characters apart are one span.

    >>> [(s.before, s.after) for s in changed_spans("the army of the MNR", "the arrny of the mnr")]
    [('army', 'arrny'), ('MNR', 'mnr')]
    """
    spans: list[list[int]] = []  # [a_start, a_end, b_start, b_end]
    ops = Levenshtein.opcodes(before, after)
    for k, op in enumerate(ops):
        if op.tag == "equal":
            continue
        a1, a2, b1, b2 = op.src_start, op.src_end, op.dest_start, op.dest_end
        low = ops[k - 1].src_start if k and ops[k - 1].tag == "equal" else a1
        high = ops[k + 1].src_end if k + 1 < len(ops) and ops[k + 1].tag == "equal" else a2
        while a1 > low and not before[a1 - 1].isspace():  # inside an equal run, so b moves with a
            a1, b1 = a1 - 1, b1 - 1
        while a2 < high and not before[a2].isspace():
            a2, b2 = a2 + 1, b2 + 1
        if spans and a1 - spans[-1][1] < gap:
            spans[-1][1:4:2] = [max(spans[-1][1], a2), max(spans[-1][3], b2)]
        else:
            spans.append([a1, a2, b1, b2])
    return [
        ChangedSpan(document, before[a1:a2], after[b1:b2], before[max(0, a1 - context) : a1], before[a2 : a2 + context])
        for a1, a2, b1, b2 in spans
    ]


def load_repair_config(path: Path) -> RepairConfig:
    """The validated ``[repair]`` table of a config file such as ``configs/default.toml``."""
    config = load_config(path, stages=("repair",)).stage_configs["repair"]
    if not isinstance(config, RepairConfig):  # the repair stage's Config is RepairConfig
        raise TypeError(f"{path}: [repair] loaded as {type(config).__name__}, not RepairConfig")
    return config


# --- measurements --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Counts:
    """Edit counts of the damaged and the repaired text against the reference."""

    chars_before: Errors = NO_ERRORS
    chars_after: Errors = NO_ERRORS
    words_before: Errors = NO_ERRORS
    words_after: Errors = NO_ERRORS

    def add(self, damaged: str, repaired: str, reference: str) -> _Counts:
        return _Counts(
            self.chars_before + char_errors(damaged, reference),
            self.chars_after + char_errors(repaired, reference),
            self.words_before + word_errors(damaged, reference),
            self.words_after + word_errors(repaired, reference),
        )

    @property
    def removed(self) -> float:
        return errors_removed(self.chars_before.rate, self.chars_after.rate)


def _synthetic(clean: tuple[str, ...], seeds: Sequence[int], fix: Repairer) -> Benchmark:
    references = [clean_reference(text) for text in clean]
    per_seed: list[_Counts] = []
    residual: list[ChangedSpan] = []  # of the first seed
    for seed in seeds:
        counts = _Counts()
        for name, reference in zip(SYNTHETIC_FILES, references):
            damaged = damage_text(reference, seed=seed).text
            repaired = fix(damaged)
            counts = counts.add(damaged, repaired, reference)
            if not per_seed:
                expected, got = collapse_whitespace(reference), collapse_whitespace(repaired)
                residual += changed_spans(expected, got, document=name[:3])
        per_seed.append(counts)
    removed = [c.removed for c in per_seed]
    seed_list = list(seeds)
    seed_text = f"seeds {seed_list[0]}–{seed_list[-1]}" if len(seed_list) > 1 else f"seed {seed_list[0]}"
    return _benchmark(
        "synthetic",
        f"raw/{', '.join(name[:3] for name in SYNTHETIC_FILES)} damaged, {seed_text}, mean",
        per_seed,
        SYNTHETIC_TARGET,
        errors_removed_range=(min(removed), max(removed)),
        residual=residual[:MAX_SPANS],
        residual_of=f"seed {seed_list[0]}",
    )


def _real(files: tuple[str, ...], fix: Repairer) -> Benchmark:
    raw, reference = files
    repaired = fix(raw)
    residual = changed_spans(collapse_whitespace(reference), collapse_whitespace(repaired), document="001")
    return _benchmark(
        "real", "raw/001 excerpt, hand-corrected", [_Counts().add(raw, repaired, reference)], REAL_TARGET,
        residual=residual[:MAX_SPANS],
    )


def _external(files: tuple[str, ...], fix: Repairer) -> Benchmark:
    corrupt, correct = (text.splitlines() for text in files)
    counts, worse = _compare(list(zip(corrupt, correct)), fix)
    return _benchmark("external", f"ACL tokenization-repair dev, {len(correct)} lines", [counts], EXTERNAL_TARGET,
                      units=len(correct), worse=worse)


def _overproof(split: str, chunks: list[tuple[str, str]], fix: Repairer, target: float | None = None) -> Benchmark:
    """Overproof as its README measures it: whitespace folded (its reference keeps the OCR's line
    breaks, where repair makes paragraphs)."""
    counts, worse = _compare(chunks, fix, fold=True)
    return _benchmark(f"overproof {split}", f"Overproof {split}, {len(chunks)} chunks", [counts], target,
                      units=len(chunks), worse=worse)


def _compare(pairs: list[tuple[str, str]], fix: Repairer, *, fold: bool = False) -> tuple[_Counts, float]:
    """Summed counts over ``(damaged, reference)`` units, and the share of units repair made worse.

    With ``fold``, every whitespace run counts as one space (paragraph breaks too).
    """
    counts, worse = _Counts(), 0
    for damaged, reference in pairs:
        repaired = fix(damaged)
        if fold:
            damaged, repaired, reference = map(collapse_whitespace, (damaged, repaired, reference))
        counts = counts.add(damaged, repaired, reference)
        worse += char_errors(repaired, reference).edits > char_errors(damaged, reference).edits
    return counts, worse / max(1, len(pairs))


def _benchmark(
    name: str, data: str, counts: list[_Counts], target: float | None, **extra: Any
) -> Benchmark:
    removed = statistics.fmean(c.removed for c in counts)
    return Benchmark(
        name=name,
        data=data,
        reference_chars=counts[0].chars_before.length,
        cer_before=statistics.fmean(c.chars_before.rate for c in counts),
        cer_after=statistics.fmean(c.chars_after.rate for c in counts),
        wer_before=statistics.fmean(c.words_before.rate for c in counts),
        wer_after=statistics.fmean(c.words_after.rate for c in counts),
        errors_removed=removed,
        target=target,
        met=None if target is None or math.isnan(removed) else removed >= target,
        **extra,
    )


def _clean_change(clean: tuple[str, ...], fix: Repairer) -> CleanChange:
    """Repair clean texts; count the characters where the result differs from the expected text.

    The input is the corpus file as it is, except for 000, whose input is its reference.
    A small-caps text's acronyms would be repaired, not harmed. The expected text is the
    reference, so the removal of furniture lines and of the fused footnote marker, and
    acronym restoration, are expected repairs and do not count as changes. Whitespace runs
    become one space on both sides, so layout (unwrapping, paragraph breaks) is not counted.
    """
    names = tuple(name[:3] for name in SYNTHETIC_FILES)
    chars = changed = 0
    spans: list[ChangedSpan] = []
    for file, name, text in zip(SYNTHETIC_FILES, names, clean):
        reference = clean_reference(text)
        given = reference if file in SMALL_CAPS_FILES else text
        expected, repaired = collapse_whitespace(reference), collapse_whitespace(fix(given))
        chars += len(expected)
        changed += Levenshtein.distance(expected, repaired)
        spans += changed_spans(expected, repaired, document=name)
    share = changed / max(chars, 1)
    return CleanChange(
        documents=names, chars=chars, chars_changed=changed, share_changed=share, target=CLEAN_CHANGE_TARGET,
        met=share <= CLEAN_CHANGE_TARGET, spans=spans[:MAX_SPANS], spans_total=len(spans),
    )


def _throughput(
    corpus: list[str], fix: Repairer, *, min_bytes: int, runs: int,
    damaged: Mapping[str, list[tuple[str, str]] | None] | None = None,
) -> Throughput:
    """Time ``fix`` and ``ftfy.fix_text`` per document over the corpus repeated to ``min_bytes``.

    Each document is repaired on its own, as the pipeline does: the corpus is a list of
    documents, not one long string. Warm-up calls first load the word lists and the
    spelling index, which happens once per process and is not counted. On damaged text (Overproof dev) each
    chunk is repaired once, after every cached correction has been forgotten.
    """
    import ftfy

    size = sum(len(text.encode("utf-8")) for text in corpus)
    documents = corpus * max(1, math.ceil(min_bytes / max(size, 1)))
    megabytes = size * (len(documents) // len(corpus)) / 1e6
    fix(corpus[0])
    if damaged and (train := damaged.get("train")):
        fix(train[0][0])  # damaged text also loads the spelling index, once per process
    speed = megabytes / _best_time(fix, documents, runs)
    damaged_speed = None
    if damaged and (chunks := damaged.get("dev")):
        forget_corrections()
        dev = [text for text, _ in chunks]
        damaged_speed = sum(len(t.encode("utf-8")) for t in dev) / 1e3 / _best_time(fix, dev, 1)
    return Throughput(
        megabytes=megabytes,
        documents=len(documents),
        runs=runs,
        repair_mb_per_s=speed,
        ftfy_mb_per_s=megabytes / _best_time(ftfy.fix_text, documents, runs),
        target=THROUGHPUT_TARGET,
        met=speed >= THROUGHPUT_TARGET,
        damaged_kb_per_s=damaged_speed,
    )


def _best_time(func: Callable[[str], str], documents: list[str], runs: int) -> float:
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        for text in documents:
            func(text)
        best = min(best, time.perf_counter() - start)
    return max(best, 1e-9)


def _read_all(folder: Path, names: Iterable[str], notes: list[str]) -> tuple[str, ...] | None:
    """The files' texts, or None with a note when any is missing."""
    paths = [folder / name for name in names]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        notes.append(f"skipped: missing {', '.join(missing)}")
        return None
    return tuple(p.read_text(encoding="utf-8") for p in paths)


def _pct(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value * 100:.{digits}f} %"


def _worse(b: Mapping[str, Any]) -> str:
    """"6.0 % of 50": the share of units repair made worse, where units were compared one by one."""
    return f"{_pct(b['worse'], 1)} of {b['units']}" if b.get("units") else "–"


def _met(value: bool | None) -> str:
    return "–" if value is None else ("yes" if value else "**no**")


def _span_lines(spans: Iterable[Mapping[str, str]]) -> list[str]:
    def show(s: str) -> str:
        return s.replace("`", "'") or "∅"

    return [
        f"{i}. {s['document']}: `…{show(s['left'])}«{show(s['before'])} → {show(s['after'])}»{show(s['right'])}…`"
        for i, s in enumerate(spans, 1)
    ]

