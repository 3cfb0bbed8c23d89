"""The repair evaluation harness: metrics, the damage simulator and the report."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bolcorpus.evaluate import damage as D
from bolcorpus.evaluate.metrics import Errors, char_errors, errors_removed, normalize, tokens, total, word_errors
from bolcorpus.evaluate.repair import (
    ABLATIONS,
    SYNTHETIC_FILES,
    ablation,
    changed_spans,
    clean_reference,
    format_report,
    load_repair_config,
    run_repair_evaluation,
)

ROOT = Path(__file__).resolve().parent.parent

PARAGRAPH = (
    "In October 1970 a general strike led by the Central Obrera Boliviana (COB) defeated a military coup. "
    "This movement was only possible after a period of organizing and building the unity of the workers, "
    "their unions and political organizations, and the political division and weakening of the Bolivian "
    "armed forces. Since November 1964, Bolivia had lived under a military dictatorship: General Barrientos "
    "led the coup that overthrew the MNR regime that had come to power after the 1952 revolution. The "
    "military-rightist officers of 1969-1970 feared the working-class militias, and the U.S. embassy "
    "watched the nationalization of Gulf Oil with alarm. Torres and the COB negotiated for months."
)

# --- metrics: hand-computed cases ----------------------------------------------------

CHAR_CASES = [
    # hypothesis, reference, edits, reference length
    ("the army", "the army", 0, 8),
    ("tbe army", "the army", 1, 8),  # one substitution
    ("T orres", "Torres", 1, 6),  # one insertion
    ("Torres", "T orres", 1, 7),  # one deletion
    ("arrny", "army", 2, 4),  # "rn" for "m": a substitution and an insertion
    ("the\narmy", "the army", 0, 8),  # a hard wrap is layout
    ("the   army ", " the army", 0, 8),  # so are whitespace runs and ends
    ("One.\n\nTwo.", "One. Two.", 1, 9),  # a spurious paragraph break is one substitution
    ("One.\n \n\nTwo.", "One.\n\nTwo.", 0, 9),  # a blank line with spaces is one paragraph break
    ("", "abc", 3, 3),
    ("abc", "", 3, 0),
]

WORD_CASES = [
    ("the army won", "the army won", 0, 3),
    ("the arrny won", "the army won", 1, 3),
    ("T orres won", "Torres won", 2, 2),  # a substitution and an insertion
    ("militaryrightist coup", "military-rightist coup", 1, 2),
    ("One.\n\nTwo.", "One. Two.", 1, 2),  # the paragraph break is a token
    ("One. Two.", "One.\n\nTwo.", 1, 3),
]


@pytest.mark.parametrize(("hyp", "ref", "edits", "length"), CHAR_CASES, ids=[repr(c[0]) for c in CHAR_CASES])
def test_char_errors(hyp: str, ref: str, edits: int, length: int) -> None:
    assert char_errors(hyp, ref) == Errors(edits, length)


@pytest.mark.parametrize(("hyp", "ref", "edits", "length"), WORD_CASES, ids=[repr(c[0]) for c in WORD_CASES])
def test_word_errors(hyp: str, ref: str, edits: int, length: int) -> None:
    assert word_errors(hyp, ref) == Errors(edits, length)


def test_rates_aggregate_as_micro_average() -> None:
    counts = [char_errors("tbe", "the"), char_errors("the army", "the army")]  # 1 of 3, 0 of 8
    assert total(counts) == Errors(1, 11)
    assert total(counts).rate == pytest.approx(1 / 11)
    assert Errors(0, 0).rate == 0.0


def test_normalize_keeps_paragraphs_as_one_token() -> None:
    assert normalize("  a\nb  \n\n\n c\td ") == "a b\nc d"
    assert tokens("a b\n\nc") == ["a", "b", "\n", "c"]
    assert tokens("\n\n") == []


def test_errors_removed() -> None:
    assert errors_removed(0.04, 0.01) == pytest.approx(0.75)
    assert errors_removed(0.04, 0.0) == 1.0
    assert errors_removed(0.01, 0.02) == pytest.approx(-1.0)  # repair made it worse
    assert math.isnan(errors_removed(0.0, 0.0))


# --- the damage simulator ----------------------------------------------------------------

DAMAGE_CASES = [
    # function, options, clean, damaged
    (D.lose_hyphens, {"rate": 1.0}, "military-rightist 1969-1970", "militaryrightist 19691970"),
    (D.lose_hyphens, {"rate": 1.0}, "a dash - here", "a dash - here"),
    (D.confuse_characters, {"rate": 1.0, "table": [("rn", "m", 1.0)]}, "government", "govemment"),
    (D.confuse_characters, {"rate": 1.0, "table": [("ss", ".5", 1.0)]}, "assist", "a.5ist"),
    (D.split_words, {"rate": 1.0, "first_letter": 1.0}, "Torres and U.S. aid", "T orres a nd U .S. a id"),
    (D.lowercase_acronyms, {"rate": 1.0}, "the MNR, COB, US and XNUMX in 1971", "the mnr, cob, US and XNUMX in 1971"),
    (D.space_punctuation, {"rate": 1.0}, "history: (1) it; so", "history : ( 1 ) it ; so"),
    (D.space_punctuation, {"rate": 1.0}, "10:30 and a:b", "10:30 and a:b"),  # inside tokens
    (D.double_periods, {"rate": 1.0}, "the MNR. Then", "the MNR.. Then"),
    (D.stray_mid_dots, {"rate": 1.0, "lone": 0.0}, "a threat", "a ·threat"),
    (D.insert_footnote_markers, {"rate": 1.0, "fused": 1.0}, "the MNR. COB,", "the MNRfootnote1. COBfootnote2,"),
    (D.insert_footnote_markers, {"rate": 1.0, "fused": 0.0}, "the MNR. Then", "the MNR. [1] Then"),
    (D.wrap_lines, {"width": 12, "hyphenate": 1.0, "joined": 0.0}, "the institution", "the institu-\ntion"),
    (D.wrap_lines, {"width": 12, "joined": 0.0}, "a working-class one", "a working-\nclass one"),
    (D.wrap_lines, {"width": 12, "hyphenate": 1.0, "joined": 0.0}, "the MNRfootnote1", "the\nMNRfootnote1"),
    (D.wrap_lines, {}, "One.\n\nTwo.", "One.\nTwo."),  # no blank lines on the page
]


@pytest.mark.parametrize(
    ("func", "options", "clean", "damaged"),
    DAMAGE_CASES,
    ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(DAMAGE_CASES)],
)
def test_damage_function(func: D.DamageFn, options: dict, clean: str, damaged: str) -> None:
    assert D.apply_damage(func, clean, **options) == damaged


@pytest.mark.parametrize("func", [f for _, f in D.DAMAGES if f is not D.wrap_lines])
def test_damage_at_rate_zero_changes_nothing(func: D.DamageFn) -> None:
    assert D.apply_damage(func, PARAGRAPH, rate=0.0) == PARAGRAPH


def test_damage_is_deterministic_per_seed() -> None:
    first = D.damage_text(PARAGRAPH, seed=1)
    assert D.damage_text(PARAGRAPH, seed=1) == first
    assert D.damage_text(PARAGRAPH, seed=2).text != first.text
    assert first.text != PARAGRAPH


def test_damage_is_of_the_kinds_claimed() -> None:
    damaged = D.damage_text(PARAGRAPH, seed=2)
    kinds = {d.kind for d in damaged.damage}
    assert {"confusion", "split_word", "hyphenation"} <= kinds
    assert "-\n" in damaged.text
    splits = [d for d in damaged.damage if d.kind == "split_word"]
    assert all(d.after.replace(" ", "") == d.before and d.after.count(" ") == 1 for d in splits)
    hyphenations = [d for d in damaged.damage if d.kind == "hyphenation"]
    assert all(d.after.replace("-\n", "") == d.before for d in hyphenations)
    seen = {d.kind for seed in range(5) for d in D.damage_text(PARAGRAPH, seed=seed).damage}
    assert seen == {name for name, _ in D.DAMAGES}


def test_damage_options_are_checked() -> None:
    with pytest.raises(ValueError, match="valid: confusion"):
        D.damage_text("Text.", options={"ocr": {"rate": 1.0}})
    undamaged = D.damage_text(PARAGRAPH, options={name: {"rate": 0.0} for name, _ in D.DAMAGES[:-1]})
    assert "~" not in undamaged.text and all(d.kind == "hyphenation" for d in undamaged.damage)


def test_default_rates_give_a_cer_of_3_to_6_percent() -> None:
    references = [clean_reference((ROOT / "raw" / name).read_text(encoding="utf-8")) for name in SYNTHETIC_FILES]
    rates = [total(char_errors(D.damage_text(r, seed=s).text, r) for r in references).rate for s in range(5)]
    assert 0.03 <= statistics.fmean(rates) <= 0.06


def test_damage_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "clean.txt"
    path.write_text(PARAGRAPH + "\n", encoding="utf-8")
    D.main([str(path), "--seed", "1"])
    assert capsys.readouterr().out == D.damage_text(PARAGRAPH + "\n", seed=1).text + "\n"


# --- the repair evaluation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reference"),
    [
        ("Title\n\nImage: A. Salis\n\n\nText.\n\nSee this link for all articles", "Title\n\nText."),
        ("the mnr and the cob, the prin; us aid, tell us", "the MNR and the COB, the PRIN; US aid, tell us"),
        ("When the mnrfootnote1 became", "When the MNR became"),
        ("a corn-cob, the mnrs, Thus", "a corn-cob, the mnrs, Thus"),  # only the exact tokens
    ],
)
def test_clean_reference(raw: str, reference: str) -> None:
    assert clean_reference(raw) == reference


def test_changed_spans_cover_whole_words() -> None:
    spans = changed_spans("the army of the MNR took power", "the arrny of the mnr took power", context=4)
    assert [(s.before, s.after, s.left, s.right) for s in spans] == [
        ("army", "arrny", "the ", " of "),
        ("MNR", "mnr", "the ", " too"),
    ]
    assert changed_spans("same", "same") == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny project: three clean texts, the real excerpt and the external set beside it."""
    root = tmp_path / "main"
    (root / "raw").mkdir(parents=True)
    clean = [
        "A title\n\nImage: André de Salis\n\n" + PARAGRAPH + "\n\nSee this link for all articles\n",
        "Torres was born of joint action with the working class. When the mnrfootnote1 became the instrument "
        "of power, the army was rebuilt.\n\nThe left could never have negotiated a deal with him.\n",
        "Between 1943 and 1946 mnr participation in the government allowed them to consolidate their "
        "support. The cob was formed, dependent on us aid.\n",
    ]
    for name, text in zip(SYNTHETIC_FILES, clean):
        (root / "raw" / name).write_text(text, encoding="utf-8")
    real = root / "benchmarks" / "repair" / "real"
    real.mkdir(parents=True)
    (real / "001_excerpt.raw.txt").write_text("history : ( 1 ) the nationalist\nrevolution of 1952 jn Bolivia.\n")
    (real / "001_excerpt.ref.txt").write_text("history: (1) the nationalist revolution of 1952 in Bolivia.\n")
    external = tmp_path / "shared" / "benchmarks" / "acl-tokenization-dev"
    external.mkdir(parents=True)
    (external / "corrupt.txt").write_text("Str ing Transformat ions are useful.\nA clean line.\n")
    (external / "correct.txt").write_text("String Transformations are useful.\nA clean line.\n")
    overproof = tmp_path / "shared" / "benchmarks" / "overproof-dev"
    overproof.mkdir(parents=True)
    for split in ("train", "dev"):
        pq.write_table(pa.table({
            "ocr_text": ["Tho walls ot tbo building\nwere de- cided.", "A clean line."],
            "ground_truth": ["The walls of the building\nwere de¬ cided.", "A clean line."],
        }), overproof / f"overproof-combined_{split}.parquet")
    return root


def test_run_repair_evaluation_on_a_tiny_project(project: Path) -> None:
    config = load_repair_config(ROOT / "configs" / "default.toml")
    report = run_repair_evaluation(project, seeds=2, throughput_bytes=5_000, config=config)
    assert set(report) == {"config", "synthetic", "real", "external", "overproof_train", "overproof_dev",
                           "clean_change", "throughput", "notes"}
    assert report["notes"] == []
    for name in ("synthetic", "real", "external", "overproof_train", "overproof_dev"):
        bench = report[name]
        assert {"cer_before", "cer_after", "wer_before", "wer_after", "errors_removed", "target", "met"} <= set(bench)
        assert 0.0 < bench["cer_before"] < 1.0 and 0.0 <= bench["cer_after"] < 1.0
        assert bench["errors_removed"] == pytest.approx(1 - bench["cer_after"] / bench["cer_before"], abs=0.2)
    assert report["synthetic"]["target"] == report["real"]["target"] == 0.90
    assert report["external"]["target"] == 0.40 and report["overproof_dev"]["target"] == 0.30
    # The soft hyphen of the ground truth is joined, so "de- cided" repaired to "decided" is right;
    # whitespace is folded, so the paragraph repair makes of the short lines is no error.
    assert report["overproof_dev"]["cer_after"] == 0.0 and report["overproof_dev"]["worse"] == 0.0
    assert report["overproof_dev"]["units"] == 2
    low, high = report["synthetic"]["errors_removed_range"]
    assert low <= report["synthetic"]["errors_removed"] <= high
    assert report["external"]["data"].endswith("2 lines")
    change = report["clean_change"]
    assert change["chars"] > 0 and 0.0 <= change["share_changed"] == change["chars_changed"] / change["chars"]
    speed = report["throughput"]
    assert speed["megabytes"] >= 0.005 and speed["repair_mb_per_s"] > 0 and speed["ftfy_mb_per_s"] > 0
    assert speed["damaged_kb_per_s"] > 0
    text = format_report(report)
    assert "| synthetic |" in text and "| real |" in text and "| external |" in text
    assert "| clean-text change |" in text and "| throughput |" in text and "| overproof dev |" in text


def test_missing_data_is_skipped_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "main" / "raw").mkdir(parents=True)
    report = run_repair_evaluation(tmp_path / "main", seeds=1, throughput_bytes=1_000)
    assert report["synthetic"] is report["real"] is report["external"] is report["throughput"] is None
    assert report["overproof_train"] is report["overproof_dev"] is None
    assert len(report["notes"]) == 5 and all(note.startswith("skipped: missing") for note in report["notes"])
    assert "Notes:" in format_report(report)


def test_ablation_leaves_out_one_part_at_a_time(project: Path) -> None:
    config = load_repair_config(ROOT / "configs" / "default.toml")
    rows = {r["variant"]: r for r in ablation(project, config, seeds=(0,))}
    assert set(rows) == set(ABLATIONS)
    full = run_repair_evaluation(project, seeds=1, throughput_bytes=1_000, config=config)
    assert rows["full"]["overproof dev"] == pytest.approx(full["overproof_dev"]["errors_removed"])
    # The tiny Overproof chunk is fixed in context ("Tho walls ot tbo"): without the rule it is not.
    assert rows["no context rule"]["overproof dev"] < rows["full"]["overproof dev"]
    without = ABLATIONS["no context rule"][1](config)
    assert "repair.context.v1" not in without.rules and "plain_words" not in without.options["repair.confusions.v1"]
    assert ABLATIONS["hand channel"][1](config).channel is None
    undamaged = ABLATIONS["no damaged-text mode"][1](config).options
    assert undamaged["repair.context.v1"]["damaged_rate"] == undamaged["repair.segmentation.v1"]["damaged_rate"] == 1.0
