"""The edit log: replaying edits on the raw text always gives the repaired text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bolcorpus import apply_edits, repair_text
from bolcorpus.repair.engine import Fix, raw_offset, repair

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "raw").glob("*.txt"))
OCR_TEXT = st.text(alphabet=st.sampled_from("ab cT.-\n\r~:,()5l1·’é\t"), max_size=200)


@st.composite
def rule_script(draw):
    """Rules that propose arbitrary (possibly overlapping) fixes, scripted per pass."""
    scripts = draw(st.lists(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 4), st.sampled_from(["", "x", "yz"])),
                                     max_size=5), min_size=1, max_size=4))
    rules = []
    for n, script in enumerate(scripts):
        def rule(text, script=script):
            return [Fix(min(s, len(text)), min(s + w, len(text)), r) for s, w, r in script]
        rules.append((f"r{n}", rule))
    return rules


@given(raw=st.text(alphabet="abc \n", max_size=40), rules=rule_script())
@settings(max_examples=300, deadline=None)
def test_replaying_edits_gives_the_repaired_text(raw: str, rules) -> None:
    result = repair(raw, rules, max_passes=3)
    assert apply_edits(raw, result.edits) == result.text
    assert all(a.raw_end <= b.raw_start for a, b in zip(result.edits, result.edits[1:]))
    assert all(raw[e.raw_start : e.raw_end] == e.before for e in result.edits)


@given(OCR_TEXT)
@settings(max_examples=200, deadline=None)
def test_default_repair_never_raises_replays_and_is_idempotent(text: str) -> None:
    result = repair_text(text)
    assert apply_edits(text, result.edits) == result.text
    assert repair_text(result.text).text == result.text


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_documents_replay_and_are_stable(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    result = repair_text(raw)
    assert apply_edits(raw, result.edits) == result.text
    assert repair_text(result.text).text == result.text


def test_raw_offset_maps_repaired_positions_back() -> None:
    raw = "the revo-\nlution of\n1952"
    result = repair_text(raw)
    start = result.text.index("1952")
    assert raw[raw_offset(result.edits, start) :] == "1952"


def test_a_rule_that_proposed_nothing_is_not_run_again_on_the_same_text() -> None:
    seen: list[tuple[str, str]] = []

    def logged(name, rule):  # type: ignore[no-untyped-def]
        def run(text: str) -> list[Fix]:
            seen.append((name, text))
            return list(rule(text))
        return run

    def drop_tilde(text: str) -> list[Fix]:
        return [Fix(i, i + 1, "") for i, c in enumerate(text) if c == "~"]

    def upper_x(text: str) -> list[Fix]:
        return [Fix(i, i + 1, "X") for i, c in enumerate(text) if c == "x"]

    result = repair("a~x", [("idle", logged("idle", lambda t: [])), ("tilde", logged("tilde", drop_tilde)),
                            ("upper", logged("upper", upper_x))])
    assert result.text == "aX"
    # Pass 1 runs all three. Pass 2 reruns the rules that changed the text or ran before its
    # last change, and stops there: nothing changed.
    assert seen == [("idle", "a~x"), ("tilde", "a~x"), ("upper", "ax"),
                    ("idle", "aX"), ("tilde", "aX"), ("upper", "aX")]
    seen.clear()
    repair("abc", [("idle", logged("idle", lambda t: [])), ("tilde", logged("tilde", drop_tilde))], max_passes=4)
    assert seen == [("idle", "abc"), ("tilde", "abc")]  # clean text: one pass
