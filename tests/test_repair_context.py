"""Correction in context: the OCR channel, the word model, the context and segmentation rules."""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bolcorpus.config import NlpConfig
from bolcorpus.document import Document
from bolcorpus.errors import BolcorpusError
from bolcorpus.repair import RepairConfig, apply_edits, repair_text
from bolcorpus.repair.channel import (
    ONE_CONFUSION,
    Channel,
    aligned_word_pairs,
    learn_channel,
    read_channel,
    train_channel,
    write_channel,
)
from bolcorpus.repair.context import correct_in_context, decide, doubtful_tokens
from bolcorpus.repair.language_model import WordModel
from bolcorpus.repair.lexicon import Lexicon
from bolcorpus.repair.rules import apply_rule, fix_punctuation_spacing, restore_lost_hyphens
from bolcorpus.repair.segmentation import resegment_words
from bolcorpus.stages.repair import Repair

ROOT = Path(__file__).resolve().parent.parent
CHANNEL = Channel.from_file(ROOT / "configs" / "lexicons" / "ocr_channel.tsv")
LEXICON = Lexicon.from_terms(["Torres", "Zavaleta", "Lechín", "MNR"])
context = partial(correct_in_context, lexicon=LEXICON, channel=CHANNEL)
segment = partial(resegment_words, lexicon=LEXICON)

# A damaged paragraph in the manner of 1940s newspaper OCR: the context rule sees the whole
# text, so the document's damage sets how readily it corrects.
DAMAGED = (
    "Tho foundation stone ot a now school was placed iu position. Tbe walls of tho building "
    "nro of brickwork, and tho exterior is of sufficient thtcknoss. It will bo opened at a "
    "later dato by tho Minister, who said the work was In the hands of local builders."
)

CONTEXT_CASES = [
    # (label, raw, the word, what it must become)
    ("real word tho", DAMAGED, "tho building", "the building"),
    ("non-word ot", DAMAGED, "stone ot a", "stone of a"),
    ("non-word iu", DAMAGED, "placed iu position", "placed in position"),
    ("case kept Tbe", DAMAGED, "Tbe walls", "The walls"),
    ("two confusions", DAMAGED, "sufficient thtcknoss", "sufficient thickness"),
    ("real word bo, by context", DAMAGED, "will bo opened", "will be opened"),
    ("capital I for i", DAMAGED, "was In the hands", "was in the hands"),
    ("a possessive's word", DAMAGED + " Tho eountry's mines are closed.", "eountry's", "country's"),
]


@pytest.mark.parametrize(("raw", "before", "after"), [c[1:] for c in CONTEXT_CASES], ids=[c[0] for c in CONTEXT_CASES])
def test_context_rule_corrects_in_context(raw: str, before: str, after: str) -> None:
    assert before in raw
    assert after in apply_rule(context, raw)


CLEAN = [
    # Clean text that must come out unchanged: rare words, names, acronyms, Spanish terms.
    "The tin miners of Catavi struck, and Torres met Lechín in La Paz with the COB and the MNR.",
    "Zavaleta wrote of the rosca, of dual power and of the Popular Assembly of 1971.",
    "It is a tho-rough study; the TEXTRACT system and LCTs were used, as Levelt (1989) said.",
    "In 1952 the revolution came. It was In Bolivia that the army split.",  # "In Bolivia": a name follows
]


@pytest.mark.parametrize("text", CLEAN)
def test_context_rule_leaves_clean_text_alone(text: str) -> None:
    assert apply_rule(context, text) == text


def test_context_rule_splits_words_run_together() -> None:
    text = "the number of phrases persentence is higher"
    assert apply_rule(context, text) == "the number of phrases per sentence is higher"


def test_context_rule_is_idempotent_and_its_edits_replay() -> None:
    config = RepairConfig(channel=ROOT / "configs" / "lexicons" / "ocr_channel.tsv")
    once = repair_text(DAMAGED, config)
    assert apply_edits(DAMAGED, once.edits) == once.text
    assert repair_text(once.text, config).text == once.text
    assert any(e.rule == "repair.context.v1" and e.before == "tho" and e.after == "the" for e in once.edits)


def test_weak_evidence_is_flagged_not_changed() -> None:
    text = "We saw tho house on the hill."
    (tho,) = decide(text, lexicon=LEXICON, channel=CHANNEL)  # "the", on the evidence of one sentence
    above = tho.margin + 0.5  # a threshold this correction does not reach
    assert apply_rule(partial(context, threshold=above), text) == text
    assert [d.token for d in doubtful_tokens(text, lexicon=LEXICON, channel=CHANNEL, threshold=above)] == ["tho"]
    assert doubtful_tokens(text, lexicon=LEXICON, channel=CHANNEL, threshold=tho.margin) == []  # reached: no doubt
    # The repair stage leaves it and lists it among the document's unresolved tokens, where it stands.
    config = RepairConfig(rules=("repair.context.v1",), channel=ROOT / "configs" / "lexicons" / "ocr_channel.tsv",
                          options={"repair.context.v1": {"threshold": above}})
    (out,) = Repair(config, NlpConfig()).run([Document(id="d", source_file="d.txt", raw_text=text, text=text)])
    assert out.text == text and out.meta["unresolved"] == [{"text": "tho", "offset": text.index("tho")}]


def test_a_garbled_copy_of_a_name_the_document_repeats_becomes_that_name() -> None:
    text = ("Mr. Coveny spoke first. The council thanked Mr. Coveny, and Mr. Coveny replied. "
            "Later Mr. Covony left the hall with Mr. Barden.")
    assert "Later Mr. Coveny left the hall with Mr. Barden." in apply_rule(context, text)
    no_document = partial(context, use_document=False)
    assert "Mr. Covony left" in apply_rule(no_document, text)


def test_bigrams_prefer_the_word_that_fits_its_neighbours() -> None:
    model = WordModel.default(LEXICON)
    assert model.logp("be", "will", "built") > model.logp("he", "will", "built")
    assert model.logp("he", "said", "was") > model.logp("be", "said", "was")
    assert model.pmi("of", "the") > 0 > model.pmi("the", "of")


def test_channel_is_learned_from_aligned_words(tmp_path: Path) -> None:
    pairs = list(aligned_word_pairs("Tho walls ot tbo building, nro", "The walls of the building, are"))
    assert pairs == [("Tho", "The"), ("walls", "walls"), ("ot", "of"), ("tbo", "the"), ("building", "building"),
                     ("nro", "are")]
    rows = learn_channel(pairs, min_count=1)
    by_pair = {(p, m): (n, cost) for p, m, n, cost in rows}
    assert by_pair["o", "e"][0] == 2  # "Tho" and "nro"; in "tbo" it is one confusion with its neighbour
    assert by_pair["bo", "he"][0] == 1
    assert by_pair["o", "e"][1] == pytest.approx(-math.log10(2 / 3))  # 2 of the 3 e's of the meant words
    path = tmp_path / "channel.tsv"
    write_channel(rows, path, source="a test")
    assert read_channel(path) == [(p, m, n, round(c, 3)) for p, m, n, c in rows]
    learned = Channel.from_file(path)
    assert learned.cost("tho", "the") < Channel.from_file(None).cost("tho", "the")


def test_train_channel_reads_parquet_and_says_what_is_wrong(tmp_path: Path) -> None:
    data = tmp_path / "train.parquet"
    pq.write_table(pa.table({"ocr_text": ["Tho walls ot tbo build- ing"] * 3,
                             "ground_truth": ["The walls of the build¬ ing"] * 3}), data)
    rows, pairs = train_channel(data, tmp_path / "out.tsv")
    assert pairs == 12 and rows >= 2  # "build¬ ing" is joined: "build-" and "ing" align with nothing
    with pytest.raises(BolcorpusError, match="no such file"):
        train_channel(tmp_path / "missing.parquet", tmp_path / "out.tsv")
    pq.write_table(pa.table({"text": ["x"]}), tmp_path / "bad.parquet")
    with pytest.raises(BolcorpusError, match="ocr_text and ground_truth"):
        train_channel(tmp_path / "bad.parquet", tmp_path / "out.tsv")


SEGMENT_CASES = [
    ("the Str ing Transformat ions were", "the String Transformations were"),
    ("in the descr ip t ion of it", "in the description of it"),
    ("a pre sen tat i ons of", "a presentations of"),
    ("it may be a new per cent", "it may be a new per cent"),  # words that are words stay apart
    ("the altempt failed", "the altempt failed"),  # a lone garbled word is not cut into rare words
    ("the MNR and FSTMB were", "the MNR and FSTMB were"),
]


@pytest.mark.parametrize(("raw", "expected"), SEGMENT_CASES, ids=[c[0] for c in SEGMENT_CASES])
def test_segmentation(raw: str, expected: str) -> None:
    assert apply_rule(segment, raw) == expected


@pytest.mark.parametrize(("rule", "raw", "expected"), [
    (fix_punctuation_spacing, "the represent ations . If so", "the represent ations. If so"),
    (fix_punctuation_spacing, "the description .", "the description."),
    (fix_punctuation_spacing, "Wait ... and see", "Wait ... and see"),
    (fix_punctuation_spacing, "the | populace ' and • the ^ man ¦ said", "the populace and the man said"),
    (fix_punctuation_spacing, "the pat ient ' s mother, ~ x, « Viva »", "the pat ient ' s mother, ~ x, « Viva »"),
    (partial(restore_lost_hyphens, lexicon=Lexicon()),  # in a damaged text ("tbe", "cnsis"): a space was lost
     "it was consideredagainst us; tbe cnsis jn the militaryrightist coup",
     "it was consideredagainst us; tbe cnsis jn the military-rightist coup"),
])
def test_spacing_and_hyphen_rules(rule, raw: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert apply_rule(rule, raw) == expected


def test_damaged_text_questions_common_real_words_and_rare_fragments() -> None:
    lexicon, channel = Lexicon(), Channel([("b", "h", 50, 1.05), ("l", "t", 50, 1.4)])
    damaged = "Tbe rnen bad been directed al the a ction of tbe off icers, tbe strilce wns lost."
    rule = partial(correct_in_context, lexicon=lexicon, channel=channel)
    fixed = apply_rule(rule, damaged)
    assert "had been" in fixed and "directed at the" in fixed
    assert "bad been" in apply_rule(partial(rule, damaged_rate=1.0), damaged)  # the same text, not questioned
    clean = "For a long time the bad weather had been a problem, and he sat al fresco."
    assert apply_rule(rule, clean) == clean  # a clean text keeps its common words
    segment = partial(resegment_words, lexicon=lexicon)
    assert "action of the officers" in apply_rule(segment, damaged.replace("tbe", "the"))
    assert "a ction" in apply_rule(partial(segment, damaged_rate=1.0), damaged.replace("tbe", "the"))


def test_a_long_word_garbled_three_times_is_read_within_the_channel_budget() -> None:
    text = DAMAGED + " The lncrcaso in wages was large."
    assert "The increase in wages" in apply_rule(context, text)
    assert "The lncrcaso in wages" in apply_rule(partial(context, budget=ONE_CONFUSION), text)  # one confusion


def test_a_speck_at_the_end_of_a_word_is_read_by_the_channel() -> None:
    channel = Channel([("»", "s", 27, 2.65), ("b", "h", 50, 1.05)])
    rule = partial(correct_in_context, lexicon=Lexicon(), channel=channel)
    fixed = apply_rule(rule, "Tbe miner» of tbe Andes wns closed.")
    assert fixed.startswith("The miner") and "»" not in fixed


def test_fragments_join_into_a_word_one_confusion_garbled_and_context_reads_it() -> None:
    damaged = ("A regime for lh e interests of tbe miners, in a chil y room, said J C Torres, who came last "
               "yeer with simi lai men in tho w aj of war.")
    joined = apply_rule(partial(resegment_words, lexicon=LEXICON, channel=CHANNEL, damaged_rate=0.0), damaged)
    assert "for lhe interests" in joined and "a chily room" in joined and "tho waj of" in joined
    assert "J C Torres" in joined and "simi lai" in joined  # initials, and no piece short enough
    assert apply_rule(partial(resegment_words, lexicon=LEXICON, damaged_rate=0.0), damaged) == damaged
    repaired = repair_text(damaged, RepairConfig(channel=ROOT / "configs" / "lexicons" / "ocr_channel.tsv")).text
    assert "for the interests" in repaired and "a chilly room" in repaired and "in the way of war" in repaired


def test_a_hyphen_inside_one_garbled_word_goes_but_compounds_and_hyphenations_stay() -> None:
    damaged = ("With oil he could rnas-sacre tbe guerrillas in a powerful alt-empt to seize powcr; the "
               "co-opting of leaders and a cal-culation of left-wing votes.")
    fixed = apply_rule(context, damaged)
    assert "could massacre the guerrillas" in fixed and "powerful attempt" in fixed
    assert "co-opting" in fixed and "cal-culation" in fixed and "left-wing" in fixed


def test_the_one_garbled_piece_of_a_hyphenated_word_is_read_but_broken_words_keep_their_pieces() -> None:
    damaged = DAMAGED + (" Tho miners of Goulburn-strcet wcre forty-thrco in tbe left-wlng unions; an appro-priate"
                         " num-ber of tbe foundatlon-stona.")
    fixed = apply_rule(context, damaged)
    assert "Goulburn-street were forty-three in the left-wing unions" in fixed
    assert "appro-priate num-ber" in fixed  # pieces of a word broken at a line end: "number" is a word
    assert "foundatlon-stona" in fixed  # two garbled pieces: no piece to read the other by
    assert "Goulburn-strcet" in apply_rule(partial(context, damaged_rate=1.0), damaged)  # not in a clean text


def test_in_a_damaged_text_a_word_joins_a_neighbour_that_it_makes_a_word_with() -> None:
    damaged = DAMAGED + " Tho miners were in the build ing and the un usual strike went on for a long time."
    joined = apply_rule(segment, damaged)
    assert "in the building and the unusual strike went on for a long time" in joined
    assert "build ing and the un usual" in apply_rule(partial(segment, damaged_rate=1.0), damaged)


def test_a_junk_character_is_read_as_a_letter_in_a_split_and_in_a_name() -> None:
    damaged = DAMAGED + " Tho Government of ther~dical Colonel sat in P~z, whero tho army had root~din tho city."
    configs = ROOT / "configs"
    domain = Lexicon.from_files([configs / "lexicons" / "domain.txt", configs / "kb" / "entities.yml"])
    fixed = apply_rule(partial(correct_in_context, lexicon=domain, channel=CHANNEL), damaged)
    assert "of the radical Colonel" in fixed and "in Paz, where" in fixed and "had rooted in the city" in fixed


def test_a_colon_at_a_word_edge_is_read_as_a_letter_only_where_the_word_fits_worse() -> None:
    # The channel's r→":" (the hand table's) in a damaged text; a colon that is
    # punctuation stays, as does a lone letter's ("N: which").
    damaged = "Tbe plan fo: the army was tbe othe: side of a :egime tbat he wrote of as follows: the men."
    fixed = apply_rule(context, damaged)
    assert "plan for the army" in fixed and "the other side" in fixed and "a regime" in fixed
    assert "as follows: the men" in fixed
    clean = "They asked for two things: the vote and the land. N: which one?"
    assert apply_rule(context, clean) == clean


def test_forget_corrections_empties_every_memo_and_changes_no_result() -> None:
    from bolcorpus.repair import _BUILT, channel, forget_corrections, segmentation, tokens

    config = RepairConfig()
    text = "Tho walls ot tbo building wero de- cided by tbe a ction of tbe council, l,00l in all."
    first = repair_text(text, config)
    built = [rule for rules in _BUILT.values() for _, rule in rules]
    lexicons = [rule.keywords["lexicon"] for rule in built if "lexicon" in getattr(rule, "keywords", {})]
    assert any(lex.corrections for lex in lexicons) and tokens.type_counts.cache_info().currsize
    forget_corrections()
    assert not any(lex.corrections or lex._zipf or lex._known for lex in lexicons)
    assert all(m.cache_info().currsize == 0 for m in (*channel.MEMOS, *segmentation.MEMOS, *tokens.MEMOS))
    assert repair_text(text, config) == first
