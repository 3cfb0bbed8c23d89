"""Stance toward the actors the texts argue about: targets, lexicon and the methods.

A method takes a parsed sentence and the mentions of each target in it and returns one
:class:`StanceRecord` per target (the author's stance, ``holder == ""``) plus records of
stances the sentence reports of others (``holder`` set). Methods are registered by name
(``stance.rules.v1``, ``stance.trained.v1``) and chosen in the ``[stance]`` config.
"""

from __future__ import annotations

from typing import NamedTuple

LABELS = ("FAVOR", "AGAINST", "NONE")


class StanceRecord(NamedTuple):
    """A stance toward ``target``: label, score in [-1, 1], the words that carry it, whose it is."""

    target: str
    label: str
    score: float
    evidence: list[str]
    holder: str = ""
