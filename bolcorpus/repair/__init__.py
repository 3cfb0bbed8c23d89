"""OCR and encoding repair with an edit log that maps every change back to the raw text.

>>> result = repair_text("The nationalist revo-\\nlution of 1952 was led by the MNR.")
>>> result.text
'The nationalist revolution of 1952 was led by the MNR.'
>>> [(e.rule, e.before, e.after) for e in result.edits][:1]
[('repair.dehyphenate.v1', '-\\n', '')]
"""

from __future__ import annotations

import inspect
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, create_model

from bolcorpus.config import StageConfig
from bolcorpus.errors import ConfigError
from bolcorpus.registry import rules as rule_registry
from bolcorpus.repair import channel, confusion, context, segmentation, tokens
from bolcorpus.repair import lexicon as lexicon_module
from bolcorpus.repair import rules as rules_module
from bolcorpus.repair.channel import Channel
from bolcorpus.repair.engine import Fix, RepairResult, Rule, apply_edits, raw_offset, repair
from bolcorpus.repair.lexicon import Lexicon

__all__ = ["Fix", "RepairConfig", "RepairResult", "apply_edits", "forget_corrections", "raw_offset", "repair_text"]


class RepairConfig(StageConfig):
    """Which repair rules run, in which order, with which options.

    ``rules``: registered rule names, applied in this order. ``options``: per-rule keyword
    arguments, e.g. ``{"repair.dehyphenate.v1": {"min_zipf": 2.5}}``. ``max_passes``: the
    rule sequence repeats until nothing changes, at most this many times. ``lexicons``:
    files of the corpus's own names and terms (``.txt``, one per line, or a knowledge-base
    ``.yml``), given to every rule that takes a ``lexicon``; English and Spanish words come
    from ``wordfreq``. ``channel``: a learned OCR channel table (``bolcorpus train
    repair-channel``) given to every rule that takes a ``channel``; without one, the
    hand-made confusions of :data:`~bolcorpus.repair.patterns.CONFUSIONS` alone.
    ``artefacts``: damage no rule can repair (kind → regular expression,
    such as machine-translation placeholders), flagged in the document's metadata.
    """

    rules: tuple[str, ...] = (
        "repair.newlines.v1",  # first: every later rule can rely on "\n"
        "repair.unicode.v1",  # encoding damage before any word lookup
        "repair.furniture.v1",  # whole lines, before lines are joined
        "repair.footnotes.v1",  # "mnrfootnote1" must be "mnr" before word rules see it
        "repair.dehyphenate.v1",  # needs the line ends that unwrapping removes
        "repair.unwrap.v1",
        "repair.punctuation.v1",  # ".t he" must lose its speck before words are merged
        "repair.numbers.v1",  # "l,00l" is a number before any word rule (and a late change would rerun them all)
        "repair.acronyms.v1",  # "cob" is the COB before the confusion model can call it "cab"
        "repair.split_words.v1",
        "repair.segmentation.v1",  # the spaces of a run of words around a fragment, by the word model
        "repair.context.v1",  # words in context first: the confusions rule reads "nnd" as "rind"
        "repair.confusions.v1",  # tokens with digits and junk; before lost hyphens, which would split "talcing"
        "repair.lost_hyphens.v1",
    )
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    lexicons: tuple[Path, ...] = ()
    channel: Path | None = None
    artefacts: dict[str, str] = Field(default_factory=lambda: {"mt_placeholder": r"\bXNUMX\b"})
    max_passes: int = Field(4, ge=1, le=20)


def build_rules(config: RepairConfig) -> list[tuple[str, Rule]]:
    """The configured rules as ``(name, callable)`` pairs, options bound and validated."""
    unused = set(config.options) - set(config.rules)
    if unused:
        raise ConfigError(f"[repair] options given for rules not in 'rules': {', '.join(sorted(unused))}")
    built = []
    for name in config.rules:
        func = rule_registry.get(name)
        options = _validate_options(name, func, config.options.get(name, {}))
        if "lexicon" in inspect.signature(func).parameters:
            options["lexicon"] = Lexicon.from_files(config.lexicons)
        if "channel" in inspect.signature(func).parameters:
            options["channel"] = Channel.from_file(config.channel)
        built.append((name, partial(func, **options) if options else func))
    return built


def repair_text(text: str, config: RepairConfig | None = None) -> RepairResult:
    """Repair ``text``; returns the repaired text and the edits that produce it from ``text``."""
    config = config or RepairConfig()
    key = config.model_dump_json()
    if key not in _BUILT:  # building validates options and loads lexicons: once per config
        _BUILT[key] = build_rules(config)
    return repair(text, _BUILT[key], max_passes=config.max_passes)


_BUILT: dict[str, list[tuple[str, Rule]]] = {}


def forget_corrections() -> None:
    """Forget every word decided and remembered in this process: its corrections, frequencies,
    segmentations and channel costs.

    A timing then starts as a fresh process does, and a long run's memos stop growing with
    its corpus. The word lists and indexes stay loaded.
    """
    lexicon_module.forget_all()
    for memo in (*channel.MEMOS, *confusion.MEMOS, *context.MEMOS, *lexicon_module.MEMOS, *rules_module.MEMOS,
                 *segmentation.MEMOS, *tokens.MEMOS):
        memo.cache_clear()


def _validate_options(name: str, func: Rule, options: dict[str, Any]) -> dict[str, Any]:
    params = {
        p.name: (p.annotation, p.default)
        for p in inspect.signature(func, eval_str=True).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in ("lexicon", "channel")
    }
    model = create_model(  # type: ignore[call-overload]
        f"{func.__name__}_options", __config__=StageConfig.model_config, **params
    )
    try:
        return model.model_validate(options).model_dump(exclude_unset=True)
    except ValidationError as e:
        problems = "; ".join(
            f"unknown option {'.'.join(map(str, err['loc']))!r} (allowed: {', '.join(params) or 'none'})"
            if err["type"] == "extra_forbidden"
            else f"{'.'.join(map(str, err['loc']))} = {err['input']!r}: {err['msg']}"
            for err in e.errors()
        )
        raise ConfigError(f"[repair] options for {name}: {problems}") from None
