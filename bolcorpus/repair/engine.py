"""Apply repair rules to a text while logging every edit in raw-text coordinates.

The current text is kept as a list of pieces: a *copy* piece is an untouched slice of the
raw text, an *edit* piece is replacement text together with the raw span it replaced and
the rules that produced it. A rule only proposes :class:`Fix` es on the current text; the
engine splices them in. A fix that reaches into an earlier edit absorbs it, so the final
edits never overlap and replaying them on the raw text gives the repaired text exactly.

>>> def drop_tildes(text):
...     return [Fix(i, i + 1, "") for i, c in enumerate(text) if c == "~"]
>>> result = repair("assistanc~e", [("demo.tilde", drop_tildes)])
>>> result.text, result.edits
('assistance', [Edit(rule='demo.tilde', raw_start=9, raw_end=10, before='~', after='')])
>>> apply_edits("assistanc~e", result.edits)
'assistance'
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from bolcorpus.document import Edit


class Fix(NamedTuple):
    """A proposed change to the current text: ``text[start:end]`` becomes ``replacement``."""

    start: int
    end: int
    replacement: str


class RepairResult(NamedTuple):
    """The repaired text and the edits that turn the raw text into it."""

    text: str
    edits: list[Edit]


Rule = Callable[[str], Iterable[Fix]]


class _Span(NamedTuple):
    """A fix aligned to piece boundaries, with the rules that made it."""

    start: int
    end: int
    replacement: str
    rules: tuple[str, ...]


class _Piece(NamedTuple):
    raw_start: int
    raw_end: int
    text: str
    rules: tuple[str, ...]  # empty for a copy of the raw text


def repair(raw: str, rules: Sequence[tuple[str, Rule]], *, max_passes: int = 4) -> RepairResult:
    """Run ``rules`` in order, repeating the sequence until a pass changes nothing.

    Looping to a fixed point is what makes repair idempotent; ``max_passes`` bounds it.
    Rules are pure functions of the text, so a rule that proposed nothing is not run again
    until the text changes.
    """
    pieces = [_Piece(0, len(raw), raw, ())] if raw else []
    version = 0  # how many times the text has changed
    idle_at: dict[str, int] = {}  # rule → the version of the text on which it last proposed nothing
    text = raw  # one string per version: rules that memoise on the text see the same object
    for _ in range(max_passes):
        changed = False
        for name, rule in rules:
            if idle_at.get(name) == version:  # rules are pure: the same text, again nothing
                continue
            fixes = _clean(rule(text), text)
            if fixes:
                pieces = _splice(pieces, fixes, name, raw)
                text = "".join(p.text for p in pieces)
                changed = True
                version += 1
            else:
                idle_at[name] = version
        if not changed:
            break
    edits = [
        Edit("+".join(p.rules), p.raw_start, p.raw_end, raw[p.raw_start : p.raw_end], p.text)
        for p in pieces
        if p.rules
    ]
    return RepairResult(text, edits)


def apply_edits(raw: str, edits: Iterable[Edit]) -> str:
    """Replay ``edits`` (sorted, non-overlapping, as :func:`repair` returns them) on ``raw``."""
    out, pos = [], 0
    for edit in edits:
        out.append(raw[pos : edit.raw_start])
        out.append(edit.after)
        pos = edit.raw_end
    out.append(raw[pos:])
    return "".join(out)


def raw_offset(edits: Sequence[Edit], pos: int) -> int:
    """Map an offset in the repaired text to the raw text.

    An offset inside an edit's replacement maps to the start of the raw span it replaced.

    >>> raw_offset([Edit("r", 2, 5, "xyz", "Q")], 4)  # "abQfg" from "abxyzfg"
    6
    """
    shift = 0
    for edit in edits:
        new_start = edit.raw_start + shift
        if pos < new_start:
            break
        if pos < new_start + len(edit.after):
            return edit.raw_start
        shift += len(edit.after) - (edit.raw_end - edit.raw_start)
    return pos - shift


def _clean(fixes: Iterable[Fix], text: str) -> list[Fix]:
    """Sort fixes, drop no-ops and any fix overlapping an earlier one."""
    out: list[Fix] = []
    for fix in sorted(fixes):
        if text[fix.start : fix.end] == fix.replacement:
            continue
        if out and (fix.start < out[-1].end or (fix.start == out[-1].start == out[-1].end == fix.end)):
            continue
        out.append(fix)
    return out


def _splice(pieces: list[_Piece], fixes: list[Fix], rule: str, raw: str) -> list[_Piece]:
    starts = _starts(pieces)
    spans = _align_to_edits(pieces, starts, fixes, rule)
    pieces, starts = _split_copies(pieces, starts, spans)
    out: list[_Piece] = []
    j = 0
    for start, end, replacement, rules in spans:
        while j < len(pieces) and (starts[j] < start or (starts[j] == start and not pieces[j].text)):
            _append(out, pieces[j])
            j += 1
        covered = []
        while j < len(pieces) and starts[j] < end:
            covered.append(pieces[j])
            j += 1
        raw_start = covered[0].raw_start if covered else (out[-1].raw_end if out else 0)
        raw_end = covered[-1].raw_end if covered else raw_start
        merged = tuple(dict.fromkeys([r for p in covered for r in p.rules] + list(rules)))
        if replacement == raw[raw_start:raw_end]:
            if replacement:
                _append(out, _Piece(raw_start, raw_end, replacement, ()))
        elif replacement or raw_end > raw_start:
            out.append(_Piece(raw_start, raw_end, replacement, merged))
    for piece in pieces[j:]:
        _append(out, piece)
    return out


def _starts(pieces: Sequence[_Piece]) -> list[int]:
    starts, pos = [], 0
    for piece in pieces:
        starts.append(pos)
        pos += len(piece.text)
    return starts


def _align_to_edits(pieces: list[_Piece], starts: list[int], fixes: list[Fix], rule: str) -> list[_Span]:
    """Widen fixes that cut into an edit piece to cover it whole, merging any that then overlap."""
    text = "".join(p.text for p in pieces)

    def widen(pos: int, left: bool) -> int:
        i = bisect_right(starts, pos) - 1
        if i < 0 or not pieces[i].rules or not starts[i] < pos < starts[i] + len(pieces[i].text):
            return pos
        return starts[i] if left else starts[i] + len(pieces[i].text)

    groups: list[list] = []  # [start, end, [fixes]]
    for fix in fixes:
        start, end = widen(fix.start, True), widen(fix.end, False)
        if groups and start < groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], end)
            groups[-1][2].append(fix)
        else:
            groups.append([start, end, [fix]])
    aligned: list[_Span] = []
    for start, end, members in groups:
        parts, pos = [], start
        for fix in members:
            parts.append(text[pos : fix.start])
            parts.append(fix.replacement)
            pos = fix.end
        parts.append(text[pos:end])
        aligned.append(_Span(start, end, "".join(parts), (rule,)))
    return aligned


def _split_copies(pieces: list[_Piece], starts: list[int], spans: list[_Span]) -> tuple[list[_Piece], list[int]]:
    """Split copy pieces so that every span boundary falls on a piece boundary.

    The cuts are made right to left, each in the piece found by bisection, so that a
    long text with few fixes is not walked piece by piece.
    """
    out, out_starts = list(pieces), list(starts)
    for cut in sorted({pos for span in spans for pos in (span.start, span.end)}, reverse=True):
        i = bisect_right(out_starts, cut) - 1
        if i < 0:
            continue
        piece, start = out[i], out_starts[i]
        if piece.rules or not start < cut < start + len(piece.text):
            continue
        middle = piece.raw_start + (cut - start)
        out[i : i + 1] = [_Piece(piece.raw_start, middle, piece.text[: cut - start], ()),
                          _Piece(middle, piece.raw_end, piece.text[cut - start :], ())]
        out_starts[i + 1 : i + 1] = [cut]
    return out, out_starts


def _append(out: list[_Piece], piece: _Piece) -> None:
    """Append, merging a copy piece into a preceding copy piece that it continues."""
    if out and not piece.rules and not out[-1].rules and out[-1].raw_end == piece.raw_start:
        last = out[-1]
        out[-1] = _Piece(last.raw_start, piece.raw_end, last.text + piece.text, ())
    else:
        out.append(piece)
