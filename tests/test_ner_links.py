"""Knowledge-base aliases must not link common words or other people and places (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bolcorpus.evaluate.foreign import format_foreign_report, run_foreign_evaluation, score_sample

# (text, mention, expected id): the alias belongs to someone or something else, or is a word.
FALSE_LINKS = [
    ("The steamer passed through Torres Strait to Port Darwin.", "Torres", None),
    ("Juan Torres, a farmer of Miranda, was fined ten shillings.", "Torres", None),
    ("Wounded: Ptes Alfred Brooks, Martin Brazil George Burgess, Norman Butcher.", "Brazil", None),
    ("He was fined for stealing a cob of maize.", "cob", None),
    ("Fishing near Europe, he lost a cob of maize.", "cob", None),  # Europe is the world's, not the subject's
    ("The cargo of French wines,ELN,qvxtre:nos was sunk.", "ELN", None),
    ("The ore came from the British Aluminum company.", "British", None),
    ("Boats left British Columbia for the Roman Catholic Church mission.", "British", None),
    ("The Army marched on Paris and the Church protested.", "Army", None),  # not a text on Bolivia
    ("Steamers crossed the Gulf to Port Augusta.", "Gulf", None),
    ("Marshal Sucre won the battle of Ayacucho.", "Sucre", None),  # the man, not the city
    ("Mrs Castro of Sydney won the prize.", "Castro", None),
    # a one-word surname alone: other people and places share it ("Paz", "Torres", "Banzer" outside Bolivia)
    ("The students of Salamanca marched to the cathedral.", "Salamanca", None),
    ("Mr. Busch said the brewery would reopen in St. Louis.", "Busch", None),
    ("The schooner Banzer reached Sydney with timber.", "Banzer", None),
    ("Among the passengers were ELN Harris and two children.", "ELN", None),  # initials or OCR debris
    ("Wool and gold went down from the mining districts of Victoria.", "mining districts", None),
]
# What the same rules must keep: titles, sentence starts, acronyms, another KB name beside it.
TRUE_LINKS = [
    ("General Torres met Ovando's officers in La Paz.", "Torres", "juan_jose_torres"),
    ("Generals Ovando and Rogélio Miranda retreat.", "Ovando", "alfredo_ovando_candia"),
    ("When Torres fell, Banzer took power.", "Torres", "juan_jose_torres"),  # two of the subject vouch
    ("Salamanca outlawed the unions and the Chaco War went on.", "Salamanca", "daniel_salamanca"),
    ("The ELN took up arms against Banzer.", "ELN", "eln"),
    ("The death of Rene Barrientos U.S. businessmen welcomed.", "U.S.", "united_states"),
    ("Lechin and the cob called a general strike.", "cob", "cob"),
    ("The COB, the MNR's rival, struck.", "COB", "cob"),
    ("On the other hand the Trotskyist Revolutionary Workers' Party (POR) grew.", "Trotskyist", "trotskyists"),
    ('"Long live Socialist Bolivia; death to the fascist coup!"', "Bolivia", "bolivia"),
    ("In Bolivia the Army and the Church backed Banzer.", "Army", "bolivian_army"),
    ("Bolivia's government nationalized Gulf oil.", "Gulf", "gulf_oil"),  # an ORG although the model says LOC
    ("In Bolivia the workers of La Paz and the mining districts fought.", "mining districts", "mining_districts"),
    ("The miners remembered the Catavi massacre of May 1949.", "Catavi massacre", "catavi_massacre_1949"),
    ("LATIN AMERICA AND THE REVOLUTION", "LATIN AMERICA", "latin_america"),
    ("In July, a military coup led by Carcia Meza seized power.", "Carcia Meza", "luis_garcia_meza"),
]
# (text, entities expected among the output): spans and labels by the guidelines' rules.
SPANS = [
    ("In 1936 a General Strike was called; the strike failed.", [("1936", "DATE")], ["Strike"]),
    ("Between 1943 and 1946 the MNR governed Bolivia.", [("1943", "DATE"), ("1946", "DATE"), ("MNR", "ORG")],
     ["Between 1943 and 1946"]),
    ("The miners remembered the Catavi massacre.", [("Catavi massacre", "EVENT")], ["Catavi"]),
    ("General Torres entered the town.", [("Torres", "PERSON")], []),  # unlinked alone, still a person
]


def _links(text: str) -> dict[str, str]:
    from bolcorpus.ner import load_domain_nlp

    return {e.text: e.kb_id_ for e in load_domain_nlp()(text).ents if e.kb_id_}


@pytest.mark.slow
@pytest.mark.issue(15)
@pytest.mark.parametrize(("text", "mention", "expected"), FALSE_LINKS,
                         ids=[f"{m}: {t[:30]}" for t, m, _ in FALSE_LINKS])
def test_alias_does_not_link_a_word_or_another_referent(text: str, mention: str, expected: None) -> None:
    assert _links(text).get(mention) == expected


@pytest.mark.slow
@pytest.mark.parametrize(("text", "mention", "expected"), TRUE_LINKS,
                         ids=[f"{m}: {t[:30]}" for t, m, _ in TRUE_LINKS])
def test_alias_still_links_beside_titles_and_other_names(text: str, mention: str, expected: str) -> None:
    assert _links(text).get(mention) == expected


@pytest.mark.slow
@pytest.mark.issue(15)
@pytest.mark.parametrize(("text", "present", "absent"), SPANS, ids=[t[:30] for t, _, _ in SPANS])
def test_spans_follow_the_guidelines(text: str, present: list[tuple[str, str]], absent: list[str]) -> None:
    from bolcorpus.ner import load_domain_nlp

    ents = [(e.text, e.label_) for e in load_domain_nlp()(text).ents]
    assert set(present) <= set(ents) and not {t for t, _ in ents} & set(absent)


@pytest.mark.issue(15)
def test_sample_scores_the_current_output_of_judged_spans() -> None:
    judged = [{"doc": "d", "start": 0, "end": 6, "gold_label": "PERSON", "gold_entity_id": "juan_jose_torres"},
              {"doc": "d", "start": 10, "end": 16, "gold_label": None, "gold_entity_id": None}]
    output = {("d", 0, 6): ("PERSON", "juan_jose_torres")}  # the second span is no longer output
    assert score_sample(judged, output) == {"judged": 2, "output": 1, "correct": 1, "links": 1, "correct_links": 1}


def test_foreign_evaluation_says_it_skipped_without_the_data(tmp_path: Path) -> None:
    report = run_foreign_evaluation(tmp_path / "project", tmp_path / "project" / "configs" / "default.toml")
    assert report["notes"][0].startswith("skipped: missing") and "skipped" in format_foreign_report(report)
