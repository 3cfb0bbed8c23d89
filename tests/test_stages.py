"""Each stage on its own, and the Stage contract checked once with a toy stage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bolcorpus.config import NlpConfig
from bolcorpus.document import Document, Entity
from bolcorpus.registry import rules, stages
from bolcorpus.stages.base import MapStage, replace
from bolcorpus.stages.entities import Entities
from bolcorpus.stages.repair import Repair
from bolcorpus.stages.segment import Segment, paragraph_spans
from bolcorpus.stages.stance import StanceStage

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "configs"


def doc(text: str, **fields) -> Document:
    return Document(id="d", source_file="d.txt", raw_text=text, text=text, **fields)


class Shout(MapStage):
    name = "shout"

    def transform(self, d: Document) -> Document:
        if "boom" in d.text:
            raise ValueError("cannot shout boom")
        return replace(d, text=d.text.upper())


def test_stage_contract_counts_keeps_metadata_and_rejects_with_reason() -> None:
    stage = Shout(Shout.Config(), NlpConfig())
    docs = [doc("viva", meta={"year": 1971}), doc("boom")]
    out = list(stage.run(docs))
    assert [d.text for d in out] == ["VIVA"] and out[0].meta == {"year": 1971}
    assert docs[0].text == "viva"  # the input record is not mutated
    assert dict(stage.stats) == {"in": 2, "out": 1, "dropped_error": 1}
    assert stage.rejected[0]["meta"]["drop_reason"] == "error"
    assert "shout failed (ValueError: cannot shout boom)" in stage.warnings[0]


def test_registry_snapshot() -> None:
    assert stages.names() == ["entities", "ingest", "publish", "repair", "segment", "stance"]
    assert rules.names() == [
        "repair.acronyms.v1", "repair.confusions.v1", "repair.context.v1", "repair.dehyphenate.v1",
        "repair.footnotes.v1", "repair.furniture.v1", "repair.lost_hyphens.v1", "repair.newlines.v1",
        "repair.numbers.v1", "repair.punctuation.v1", "repair.segmentation.v1", "repair.split_words.v1",
        "repair.unicode.v1", "repair.unwrap.v1",
    ]


def test_repair_stage_keeps_raw_text_and_logs_edits() -> None:
    (out,) = Repair(Repair.Config(), NlpConfig()).run([doc("the revo-\nlution of\n1952")])
    assert out.raw_text == "the revo-\nlution of\n1952"
    assert out.text == "the revolution of\n\n1952"
    assert [e.rule for e in out.edits] == ["repair.dehyphenate.v1", "repair.unwrap.v1"]


def test_paragraph_spans() -> None:
    assert paragraph_spans("") == []
    assert paragraph_spans("\n\nOne\n\n\n  Two\n") == [(2, 5), (10, 13)]


@pytest.mark.slow
def test_segment_stage_gives_sentences_inside_paragraphs() -> None:
    text = "General Torres took power in 1970. The workers backed him.\n\nBanzer overthrew him."
    (out,) = Segment(Segment.Config(), NlpConfig()).run([doc(text)])
    assert [text[s.start : s.end] for s in out.sentences] == [
        "General Torres took power in 1970.", "The workers backed him.", "Banzer overthrew him."]
    assert [s.paragraph for s in out.sentences] == [0, 0, 1]


@pytest.mark.slow
def test_entities_stage_links_mentions_with_titles_possessives_and_context(tmp_path: Path) -> None:
    (tmp_path / "kb.yml").write_text(
        "- {id: torres, name: Juan José Torres, type: PERSON, aliases: [General Torres, Torres]}\n"
        "- {id: paz_estenssoro, name: Víctor Paz Estenssoro, type: PERSON, aliases: [Paz Estenssoro],"
        " ambiguous_aliases: [Paz]}\n"
        "- {id: la_paz, name: La Paz, type: GPE}\n"
    )
    text = "General Torres entered La Paz in October 1970. Paz Estenssoro's men fled; Paz did not."
    stage = Entities(Entities.Config(kb=tmp_path / "kb.yml"), NlpConfig())
    (out,) = stage.run([doc(text)])
    found = [(e.text, e.label, e.entity_id, e.source) for e in out.entities]
    assert ("Torres", "PERSON", "torres", "kb") in found  # title outside the span
    assert ("La Paz", "GPE", "la_paz", "kb") in found  # the model says FAC
    assert ("Paz Estenssoro", "PERSON", "paz_estenssoro", "kb") in found  # possessive outside
    assert ("October 1970", "DATE", None, "model") in found
    assert ("Paz", "PERSON", "paz_estenssoro", "model+kb") in found  # resolved by the full mention
    assert all(text[e.start : e.end] == e.text for e in out.entities)


def rule_stance(tmp_path: Path, targets: str, lexicon: dict[str, tuple[int, float]], text: str,
                people: tuple[str, ...] = ()) -> Document:
    """``text`` segmented and tagged by the rule method with these targets (YAML) and lexicon;
    ``people``: the names the entities stage found as PERSON."""
    (tmp_path / "t.yml").write_text(targets)
    rows = "".join(f"{term}\t{polarity}\t{weight}\t\n" for term, (polarity, weight) in lexicon.items())
    (tmp_path / "l.tsv").write_text("term\tpolarity\tweight\tnote\n" + rows)
    config = StanceStage.Config(method="stance.rules.v1", targets=tmp_path / "t.yml", lexicon=tmp_path / "l.tsv")
    entities = [Entity(m.start(), m.end(), "PERSON", name) for name in people for m in re.finditer(name, text)]
    (segmented,) = Segment(Segment.Config(), NlpConfig()).run([doc(text, entities=entities)])
    (out,) = StanceStage(config, NlpConfig()).run([segmented])
    return out


MNR = "MNR:\n  aliases: [MNR]\n"


@pytest.mark.slow
def test_stance_rules_attach_evaluation_through_the_parse(tmp_path: Path) -> None:
    targets = MNR + "MILITARY:\n  aliases: [the army]\nWORKERS:\n  aliases: [the miners]\n"
    text = "The MNR betrayed the revolution. The army was not heroic. The army massacred the miners. The MNR met."
    out = rule_stance(tmp_path, targets, {"betray": (-1, 1.5), "heroic": (1, 1.0), "massacre": (-1, 2.0)}, text)
    records = {(s.sentence, s.target): (s.label, s.evidence) for s in out.stance if not s.holder}
    assert records[(0, "MNR")] == ("AGAINST", ["betrayed"])  # the subject of "betray"
    assert records[(1, "MILITARY")][0] == "AGAINST"  # "not heroic"
    assert records[(2, "MILITARY")][0] == "AGAINST" and records[(2, "WORKERS")][0] == "NONE"  # victims are NONE
    assert records[(3, "MNR")] == ("NONE", [])
    assert out.meta["stance_profile"]["MNR"] == {"AGAINST": 1, "NONE": 1}


ARMY = "MILITARY:\n  aliases: [the army]\n"
RULE_CASES = [  # (label, targets, lexicon, text, expected (label, evidence) per sentence)
    ("agent-of-event-noun-and-not-only", ARMY, {"repression": (-1, 1.5), "murder": (-1, 2.0)},
     "The repression of the miners by the army began. The army had not only murdered the miners.",
     [("AGAINST", ["repression"]), ("AGAINST", ["murdered"])]),
    ("lack-or-failure-reverses", MNR, {"effective": (1, 1.0)},
     "The MNR was incapable of mobilizing an effective resistance. The MNR mobilized an effective resistance.",
     [("AGAINST", ["effective"]), ("FAVOR", ["effective"])]),
    ("distancing-markers-criticise", MNR, {"betray": (-1, 2.0)},
     "The MNR confidently expected a victory. The MNR expected a victory. The so-called MNR left met.",
     [("AGAINST", ["confidently"]), ("NONE", []), ("AGAINST", ["so-called"])]),
    ("scare-quotes-and-anti-criticise", MNR, {"popular": (1, 1.0)},
     'The "nationalism" of the MNR gave way. The MNR adopted anti-popular measures.',
     [("AGAINST", ["nationalism"]), ("AGAINST", ["popular"])]),
    ("scare-quotes-cancel-praise", MNR, {"progressive": (1, 1.0)},
     'The "progressive" period of the MNR ended. The progressive period of the MNR ended.',
     [("AGAINST", ["progressive"]), ("FAVOR", ["progressive"])]),
    ("passive-subject-praised-not-harmed", MNR, {"heroic": (1, 1.5), "massacre": (-1, 1.0), "brutal": (-1, 1.0)},
     "After a heroic resistance the MNR was defeated. The MNR was massacred by brutal troops.",
     [("FAVOR", ["heroic"]), ("NONE", [])]),
    ("between-an-alliance", ARMY, {"unholy": (-1, 2.0)},
     "He fell to an unholy alliance between the landowners and the army.",
     [("AGAINST", ["unholy"])]),
    ("hyphenated-terms-whole", MNR, {"anti-popular": (-1, 1.5), "popular": (1, 0.5), "co-opt": (-1, 1.0)},
     "The MNR adopted anti-popular measures. The MNR succeeded in co-opting the leaders.",
     [("AGAINST", ["anti-popular"]), ("AGAINST", ["co-opting"])]),
    ("describing-words-inside-a-mention", "MILITARY:\n  aliases: [military dictatorship, gorilas]\n",
     {"dictatorship": (-1, 1.0), "gorila": (-1, 1.0)},
     "Bolivia lived under a military dictatorship. The gorilas met.",
     [("AGAINST", ["dictatorship"]), ("NONE", [])]),
    ("a-term-around-the-mention-is-said-of-another", "WORKERS:\n  aliases: [working class]\n",
     {"anti-working class": (-1, 1.5)}, "The universities joined anti-working class movements.", [("NONE", [])]),
    ("capitalised-names-not-evaluation", "COB:\n  aliases: [the COB]\n", {"popular": (1, 1.0)},
     "Then the COB presented the Mandate of the Popular Forces. Then the COB presented a popular mandate.",
     [("NONE", []), ("FAVOR", ["popular"])]),
    ("another-targets-evaluation-not-counted", ARMY + "WORKERS:\n  aliases: [the miners]\n",
     {"savagely": (-1, 1.5), "repress": (-1, 1.5), "massacre": (-1, 2.0)},
     "The army savagely repressed and massacred the miners.",
     [("AGAINST", ["savagely", "repressed"]), ("NONE", [])]),
]


@pytest.mark.slow
@pytest.mark.parametrize("targets, lexicon, text, expected", [c[1:] for c in RULE_CASES],
                         ids=[c[0] for c in RULE_CASES])
def test_stance_rules_cases(tmp_path: Path, targets: str, lexicon: dict, text: str, expected: list) -> None:
    out = rule_stance(tmp_path, targets, lexicon, text)
    assert [(s.label, s.evidence) for s in out.stance] == expected


@pytest.mark.slow
@pytest.mark.parametrize(("people", "expected"), [
    (("Barrientos",), ("AGAINST", ["brutal"])),  # "his": the one person the sentence names
    (("Barrientos", "Lechin"), ("NONE", [])),  # "his" could be Lechin's
])
def test_stance_rules_read_a_persons_pronouns(tmp_path: Path, people: tuple, expected: tuple) -> None:
    out = rule_stance(tmp_path, "BARRIENTOS:\n  aliases: [Barrientos]\n", {"brutal": (-1, 1.5)},
                      "Barrientos met Lechin, and his brutal measures followed.", people)
    assert [(s.label, s.evidence) for s in out.stance] == [expected]


@pytest.mark.slow
def test_a_target_word_naming_an_event_is_no_mention(tmp_path: Path) -> None:
    text = "A military coup ousted them. The military ousted them. The Barrientos coup came."
    out = rule_stance(tmp_path, "MILITARY:\n  aliases: [military]\nBARRIENTOS:\n  aliases: [Barrientos]\n", {}, text)
    assert [(s.sentence, s.target) for s in out.stance] == [(1, "MILITARY")]


@pytest.mark.slow
def test_stance_records_reported_stance_with_its_holder(tmp_path: Path) -> None:
    out = rule_stance(tmp_path, "TORRES:\n  aliases: [Torres]\nWORKERS:\n  aliases: [the miners]\n",
                      {"betray": (-1, 1.5)}, "The miners denounced Torres.")
    assert ("TORRES", "AGAINST", "WORKERS") in {(s.target, s.label, s.holder) for s in out.stance}
    assert ("TORRES", "NONE", "") in {(s.target, s.label, s.holder) for s in out.stance}


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected"), [
    ("The miners were lining up behind Torres.", ("TORRES", "FAVOR", "WORKERS", ["lining"])),
    ("Torres launched a campaign of support for the miners.", ("WORKERS", "FAVOR", "TORRES", ["support"])),
    ("The miners refused to recognise Torres.", ("TORRES", "AGAINST", "WORKERS", ["recognise"])),
    ("The miners did not trust Torres.", ("TORRES", "AGAINST", "WORKERS", ["trust"])),
])
def test_reported_stance_through_prepositions_nouns_and_refusals(tmp_path: Path, text: str,
                                                                  expected: tuple) -> None:
    out = rule_stance(tmp_path, "TORRES:\n  aliases: [Torres]\nWORKERS:\n  aliases: [the miners]\n", {}, text)
    assert [(s.target, s.label, s.holder, s.evidence) for s in out.stance if s.holder] == [expected]


@pytest.mark.slow
def test_trained_stance_method_runs_with_the_shipped_classifier() -> None:
    stage = StanceStage(StanceStage.Config(targets=CONFIGS / "stance" / "targets.yml",
                                           lexicon=CONFIGS / "stance" / "lexicon.tsv",
                                           classifier=CONFIGS / "stance" / "classifier.json"), NlpConfig())
    text = "The savage repression of the miners by the army was a betrayal. The heroic miners defended the revolution."
    (out,) = stage.run(Segment(Segment.Config(), NlpConfig()).run([doc(text)]))
    labels = {(s.sentence, s.target): (s.label, s.evidence) for s in out.stance if not s.holder}
    assert labels[(0, "MILITARY")] == ("AGAINST", ["savage", "repression"])  # the words said of the army
    assert labels[(1, "WORKERS")] == ("FAVOR", ["heroic", "defended"])


@pytest.mark.slow
@pytest.mark.issue(13)
def test_stance_reads_the_segment_stages_parse_or_parses_the_paragraphs_the_same() -> None:
    stage = StanceStage(StanceStage.Config(targets=CONFIGS / "stance" / "targets.yml",
                                           lexicon=CONFIGS / "stance" / "lexicon.tsv",
                                           classifier=CONFIGS / "stance" / "classifier.json"), NlpConfig())
    text = ("The workers had no illusions. It was this army that turned against them, and the generals "
            "betrayed the revolution.\n\nThe heroic miners defended it. The army savagely repressed the miners.")
    (segmented,) = Segment(Segment.Config(), NlpConfig()).run([doc(text)])
    assert segmented.parse and "parse" in segmented.to_dict()
    (kept,) = stage.run([segmented])
    (parsed_here,) = stage.run([replace(segmented, parse="")])  # an older cache: no parse kept
    assert kept == parsed_here and len(kept.stance) >= 4
    assert kept.parse == "" and "parse" not in kept.to_dict()  # never published
    # the target sentences of both paragraphs, cut from their paragraph's parse
    assert {(s.sentence, s.target) for s in kept.stance if not s.holder} >= {(1, "MILITARY"), (2, "WORKERS")}


@pytest.mark.parametrize(("text", "mentioned"), [
    ("It was this army that turned against them.", {"MILITARY": ["army"]}),
    ("That same army and its generals had murdered Che Guevara.", {"MILITARY": ["army"]}),
    ("American imperialism and the Stalinists", {"US": ["American imperialism"], "COMMUNISTS": ["the Stalinists"]}),
])
def test_the_shipped_targets_find_descriptive_mentions(text: str, mentioned: dict) -> None:
    from bolcorpus.stance.targets import find_mentions, load_targets

    found = find_mentions(text, [], load_targets(CONFIGS / "stance" / "targets.yml"))
    assert {target: [text[s:e] for s, e in spans] for target, spans in found.items()} == mentioned


@pytest.mark.issue(13)
def test_repair_stage_forgets_its_memos_past_a_limit_and_repairs_the_same_after(monkeypatch) -> None:
    from bolcorpus.config import load_pipeline
    from bolcorpus.stages import repair as repair_stage

    stage = Repair(load_pipeline(ROOT / "pipelines" / "default.toml").stage_configs["repair"], NlpConfig())
    damaged = doc("Tbe governmemt of the MNR callcd a strikc in La Paz.")
    (first,) = stage.run([damaged])
    remembered = dict(stage._lexicon.corrections)
    stage.forget()  # below the limit: kept
    assert remembered and stage._lexicon.corrections == remembered
    monkeypatch.setattr(repair_stage, "MEMO_LIMIT", 0)
    stage.forget()
    assert stage._lexicon.remembered() == 0  # frequencies and verdicts too, not only corrections
    (again,) = stage.run([damaged])
    assert again == first
