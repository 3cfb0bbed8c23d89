"""Repair: fix encoding and OCR damage, logging every edit against the raw text.

Besides the repaired text and its edits, each document's metadata gets
``footnotes`` (markers taken out of the running text, with where they stood),
``artefacts`` (damage no rule can repair, such as "XNUMX") and ``unresolved`` (tokens
that still look damaged: left alone because the evidence for a correction was weak, such
as "ma~", or a word the context rule would correct on evidence below its threshold) and
``damage`` (reference-free damage indicators of the raw and the repaired text).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from bolcorpus.document import Document, Edit
from bolcorpus.errors import BolcorpusError, ConfigError
from bolcorpus.repair import RepairConfig, build_rules, forget_corrections, repair
from bolcorpus.repair.channel import Channel
from bolcorpus.repair.context import doubtful_tokens
from bolcorpus.repair.indicators import damage_indicators
from bolcorpus.repair.lexicon import Lexicon
from bolcorpus.repair.patterns import JUNK_CHARS, SUSPECT_TOKEN_RE
from bolcorpus.stages.base import MapStage, replace

FOOTNOTE_RULE = "repair.footnotes"
CONTEXT_RULE = "repair.context.v1"
MEMO_LIMIT = 200_000  # words remembered (frequencies, verdicts, corrections): about 2 MB of damaged text


class Repair(MapStage):
    """Apply the configured repair rules to each document's raw text."""

    name = "repair"
    version = 4
    code = (*MapStage.code, "bolcorpus.repair")
    Config = RepairConfig  # type: ignore[assignment]  # the library config is the stage config
    config: RepairConfig

    @classmethod
    def check_config(cls, config: RepairConfig, path: Path) -> None:  # type: ignore[override]
        try:
            build_rules(config)
        except BolcorpusError as e:  # a bad option, or a rule name not registered
            raise ConfigError(f"{path}: {e}") from None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rules = build_rules(self.config)
        self._artefacts = {kind: re.compile(rx) for kind, rx in self.config.artefacts.items()}
        self._lexicon = Lexicon.from_files(self.config.lexicons)

    def fingerprint(self) -> dict[str, str]:
        files = [*self.config.lexicons, *([self.config.channel] if self.config.channel else [])]
        return {str(p.name): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    def forget(self) -> None:
        """Forget the words remembered so far once there are :data:`MEMO_LIMIT` of them; the
        word lists and the channel stay loaded.

        Unbounded, the memos grow with the corpus (about 100,000 words a MB of damaged
        text). Forgetting them after every shard would cost the stage a tenth of its speed,
        warming them again; at this limit a corpus of a few MB never pays it.
        """
        if self._lexicon.remembered() > MEMO_LIMIT:
            forget_corrections()

    def _doubtful(self, text: str) -> list[dict[str, Any]]:
        """Words the context rule would correct, but on evidence below its threshold."""
        if CONTEXT_RULE not in self.config.rules:
            return []
        options = self.config.options.get(CONTEXT_RULE, {})  # the rule's own: its doubts are the rule's
        channel = Channel.from_file(self.config.channel)
        return [
            {"text": d.token, "offset": d.start}
            for d in doubtful_tokens(text, lexicon=self._lexicon, channel=channel, **options)
        ]

    def transform(self, doc: Document) -> Document:
        result = repair(doc.raw_text, self._rules, max_passes=self.config.max_passes)
        self.stats["edits"] += len(result.edits)
        meta = {
            **doc.meta,
            "footnotes": footnote_markers(result.edits),
            "artefacts": [
                {"kind": kind, "text": m.group(), "offset": m.start()}
                for kind, rx in self._artefacts.items()
                for m in rx.finditer(result.text)
            ],
            "unresolved": sorted(
                unresolved_tokens(result.text) + self._doubtful(result.text), key=lambda t: t["offset"]
            ),
            "damage": [
                {"indicator": name, "raw": raw, "repaired": repaired}
                for (name, raw), repaired in zip(
                    damage_indicators(doc.raw_text, self._lexicon).items(),
                    damage_indicators(result.text, self._lexicon).values(),
                )
            ],
        }
        return replace(doc, text=result.text, edits=result.edits, meta=meta)


def footnote_markers(edits: list[Edit]) -> list[dict[str, Any]]:
    """The footnote markers the repair removed, with their offsets in raw and repaired text.

    >>> footnote_markers([Edit("repair.footnotes.v1", 10, 14, " [1]", "")])
    [{'marker': '[1]', 'raw_start': 11, 'offset': 10}]
    """
    markers, shift = [], 0
    for edit in edits:
        if FOOTNOTE_RULE in edit.rule:
            lead = len(edit.before) - len(edit.before.lstrip())
            markers.append({"marker": edit.before.strip(), "raw_start": edit.raw_start + lead,
                            "offset": edit.raw_start + shift})
        shift += len(edit.after) - (edit.raw_end - edit.raw_start)
    return markers


def unresolved_tokens(text: str) -> list[dict[str, Any]]:
    """Tokens that still hold OCR junk characters after repair ("ma~").

    >>> unresolved_tokens("the ma~ insisted")
    [{'text': 'ma~', 'offset': 4}]
    """
    return [
        {"text": m.group(), "offset": m.start()}
        for m in SUSPECT_TOKEN_RE.finditer(text)
        if any(ch in JUNK_CHARS for ch in m.group())
    ]
