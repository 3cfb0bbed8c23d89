"""Marked-up text: every character HTML-escaped, with marks (edits, flags, evidence) around spans.

>>> markup("a <b> c", [Mark(2, 5, '<mark class="x">', "</mark>")])
'a <mark class="x">&lt;b&gt;</mark> c'
>>> placed(Edit("r", 2, 5, "xyz", "Q"), 0)  # "abxyzfg" → "abQfg": the edit's span in the repaired text
(2, 3)
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from bolcorpus.document import Edit


class Mark(NamedTuple):
    """Tags to put around ``text[start:end]``; a mark with ``start == end`` stands at a point."""

    start: int
    end: int
    open: str
    close: str


def markup(text: str, marks: Sequence[Mark], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with ``marks`` (clipped to it) around their spans.

    A mark is split wherever another one starts or ends inside it, so the tags always nest
    (each piece carries the same attributes).
    """
    end = len(text) if end is None else end
    def kept(m: Mark) -> bool:  # a point mark on the boundary of two slices goes to the second
        if m.start == m.end:
            return start <= m.start < end or m.start == end == len(text)
        return m.start < end and m.end > start

    inside = sorted((Mark(max(start, m.start), min(end, m.end), m.open, m.close) for m in marks if kept(m)),
                    key=lambda m: (m.start, -m.end))
    cuts = sorted({start, end, *(m.start for m in inside), *(m.end for m in inside)})
    out: list[str] = []
    active: list[Mark] = []
    waiting = iter(inside)
    upcoming = next(waiting, None)
    for a, b in zip(cuts, cuts[1:] + [end]):  # a sweep: each mark is opened and dropped once
        active = [m for m in active if m.end > a]
        while upcoming is not None and upcoming.start <= a:
            if upcoming.start == upcoming.end:
                out.append(upcoming.open + upcoming.close)
            else:
                active.append(upcoming)
            upcoming = next(waiting, None)
        if a < b:
            out.extend(m.open for m in active)
            out.append(html.escape(text[a:b], quote=False))
            out.extend(m.close for m in reversed(active))
    return "".join(out)


def placed(edit: Edit, shift: int) -> tuple[int, int]:
    """The span of ``edit`` in the repaired text, given the length change of the edits before it."""
    start = edit.raw_start + shift
    return start, start + len(edit.after)


def edit_marks(edits: Iterable[Edit]) -> tuple[list[Mark], list[Mark]]:
    """The marks of ``edits`` in the raw and in the repaired text."""
    raw, repaired, shift = [], [], 0
    for edit in edits:
        tag = (f'<mark class="edit" tabindex="0" data-rule="{_attr(edit.rule)}" '
               f'data-before="{_attr(edit.before)}" data-after="{_attr(edit.after)}" '
               f'title="{_attr(edit.rule)}: {_attr(shown(edit.before))} → {_attr(shown(edit.after))}">')
        raw.append(Mark(edit.raw_start, edit.raw_end, tag, "</mark>"))
        repaired.append(Mark(*placed(edit, shift), tag, "</mark>"))
        shift += len(edit.after) - (edit.raw_end - edit.raw_start)
    return raw, repaired


def token_marks(tokens: Iterable[dict[str, object]], css: str, why: str) -> list[Mark]:
    """Marks for tokens given as ``{"text", "offset"}`` (a document's ``unresolved`` or ``artefacts``)."""
    marks = []
    for token in tokens:
        start = int(str(token["offset"]))
        label = f"{why}: {token.get('kind', '')}" if token.get("kind") else why
        marks.append(Mark(start, start + len(str(token["text"])), f'<mark class="{css}" title="{_attr(label)}">',
                          "</mark>"))
    return marks


def word_marks(text: str, words: Iterable[str], css: str) -> list[Mark]:
    """Marks on every whole-word occurrence of ``words`` in ``text`` (stance evidence).

    >>> [m[:2] for m in word_marks("a bold, bolder move", ["bold"], "ev")]
    [(2, 6)]
    """
    marks = []
    for word in sorted(set(words)):
        for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
            marks.append(Mark(m.start(), m.end(), f'<mark class="{css}">', "</mark>"))
    return sorted(marks)


def shown(text: str) -> str:
    """``text`` with line ends and tabs made visible, for a tooltip; the empty string as "∅".

    >>> shown("de-\\n"), shown("")
    ('de-⏎', '∅')
    """
    return text.replace("\n", "⏎").replace("\t", "⇥") if text else "∅"


def _attr(text: str) -> str:
    return html.escape(text, quote=True)
