"""The corpus pages' plots, as inline SVG from matplotlib's SVG backend (no pyplot, no display, no global state).

Text stays text in the SVG (``svg.fonttype = "none"``): smaller files, searchable labels, and
the page's font. Ids are salted with a constant, so the same data gives the same bytes.

>>> svg = bars({"repair.unwrap.v1": 435, "repair.acronyms.v1": 19}, "edits")
>>> svg.startswith("<svg") and "repair.unwrap.v1" in svg
True
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

STANCE_COLOURS = {"FAVOR": "#2e8b57", "AGAINST": "#c0392b", "NONE": "#b8b8b8"}
RC: dict[Any, Any] = {"svg.fonttype": "none", "svg.hashsalt": "bolcorpus", "font.size": 9, "axes.spines.top": False,
      "axes.spines.right": False}
ROW = 0.24  # inches per bar


def bars(counts: Mapping[str, float], xlabel: str, *, log: bool = False) -> str:
    """Horizontal bars, largest first, each labelled with its value."""
    labels = sorted(counts, key=lambda k: (-counts[k], k))
    return stacked(labels, {xlabel: [counts[k] for k in labels]}, xlabel, log=log, legend=False)


def grouped(labels: Sequence[str], series: Mapping[str, Sequence[float]], xlabel: str) -> str:
    """Horizontal bars of several series side by side per label (damage before and after repair)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(RC):
        fig = Figure(figsize=(6.4, 0.6 + ROW * len(labels) * len(series) * 0.8))
        ax = fig.add_subplot()
        height = 0.8 / len(series)
        for n, (name, values) in enumerate(series.items()):
            ys = [i + n * height for i in range(len(labels))]
            drawn = ax.barh(ys, values, height=height, label=name, color=("#8e44ad", "#27ae60", "#2980b9")[n % 3])
            ax.bar_label(drawn, padding=2, fontsize=7)
        ax.set_yticks([i + height * (len(series) - 1) / 2 for i in range(len(labels))], labels)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.legend(frameon=False, loc="lower right")
        return _svg(fig)


def stacked(labels: Sequence[str], series: Mapping[str, Sequence[float]], xlabel: str, *,
            log: bool = False, legend: bool = True, colours: Mapping[str, str] | None = None) -> str:
    """Horizontal bars with the series stacked (stance: FAVOR, AGAINST, NONE per target)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(RC):
        fig = Figure(figsize=(6.4, 0.7 + ROW * max(1, len(labels))))
        ax = fig.add_subplot()
        left = [0.0] * len(labels)
        for name, values in series.items():
            colour = (colours or {}).get(name, "#2980b9")
            drawn = ax.barh(list(range(len(labels))), values, left=left, label=name, color=colour)
            if not legend:
                ax.bar_label(drawn, padding=2, fontsize=7)
            left = [a + b for a, b in zip(left, values)]
        ax.set_yticks(list(range(len(labels))), labels)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        if log:
            ax.set_xscale("log")
        if legend:
            ax.legend(frameon=False, loc="lower right", ncols=len(series))
        return _svg(fig)


def histogram(values: Sequence[float], xlabel: str) -> str:
    """How many documents have each amount of something (edits per document, for many documents)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(RC):
        fig = Figure(figsize=(6.4, 2.6))
        ax = fig.add_subplot()
        ax.hist(values, bins=min(40, max(5, len(set(values)))), color="#2980b9")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("documents")
        return _svg(fig)


def _svg(fig: object) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})  # type: ignore[attr-defined]
    text = buffer.getvalue()
    return text[text.index("<svg"):]
