"""The transparent stance method: lexicon words attached to the target through the parse.

For each mention of a target, the evaluative words (``configs/stance/lexicon.tsv``) that
the dependency parse ties to it are summed:

- words modifying the mention ("the *fascist* Banzer", "the officers who *betrayed*…"), or
  inside it where they describe rather than name it ("a military *dictatorship*");
- the predicate of which it is the subject ("Ovando … could *massacre*", "Torres had a
  *confused* record"), with the predicate's adverbs ("*savagely* repressed");
- the noun it is the possessor, compound or "of"/"by"/"between" complement of ("the Barrientos
  *dictatorship*", "the *betrayal* of the MNR", "massacred by the army", "an *unholy* alliance
  between the ruling class and the Stalinists");
- for a passive subject, what it is made into or tied to and the circumstances of its conduct
  ("transformed into a *bureaucratically manipulated* body", "after a *heroic* resistance the
  miners were overwhelmed"), but not the verb of harm done to it;
- the same for a person's pronouns, where the sentence names no other person ("*his*
  violently repressive measures");
- a negation on the word or its governing verb flips the polarity ("not only" does not), and
  so does a word of lack or failure that governs it ("*incapable* of an effective resistance");
- distancing markers ("so-called", "confidently expected", "ironically") and scare quotes
  count as criticism of whoever they are said of; a quoted word loses its own polarity (the
  "*progressive*" period).

Harm done to a target (it is the object or passive subject of "massacre") is not counted:
the guidelines make victims NONE unless praised. Evaluative words elsewhere in the
sentence count with ``clause_weight``, except those attached to another target mentioned
there (its evaluation, not this one's: "the army *savagely repressed* the miners").
Capitalised words are names, not evaluation ("the *Popular* Forces"); a hyphenated term
is matched whole ("*anti-popular*").

A sentence where another actor takes a stance toward the target, as the subject of a verb
or noun of support or opposition ("the miners *denounced* Torres", "*rallied to* the MNR",
"a campaign of *support for* the miners", "*refused to recognise* him"), also yields a
record with that actor as ``holder``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, NamedTuple

from bolcorpus.stance import StanceRecord
from bolcorpus.stance.lexicon import NEGATORS, StanceLexicon

SUBJECTS = frozenset({"nsubj", "csubj"})
SHIFTERS = frozenset({"lack", "fail", "unable", "incapable", "absence"})  # GUIDELINES §7: reverse what they govern
SHIFTER_REACH = 4  # ancestors up to "incapable" in "incapable of mobilizing an effective resistance"
NOT_ONLY = frozenset({"only", "just", "merely", "simply"})  # "had not only murdered": an addition, not a negation
SCARE_QUOTE_WEIGHT = -1.0  # a word or two in quotation marks, said of an actor: distance, irony
# GUIDELINES 6.9: distancing markers, said of whoever claims or expects (not "even": mostly an intensifier)
DISTANCING = frozenset({"supposed", "supposedly", "alleged", "allegedly", "pretended", "ironically",
                        "actually", "confidently"})
QUOTES = frozenset({'"', "“", "”", "‘", "’", "'"})
PREDICATES = frozenset({"dobj", "attr", "acomp", "oprd", "xcomp", "ccomp", "advcl", "prep", "pobj", "npadvmod"})
MODIFIERS = frozenset({"amod", "compound", "appos", "acl", "relcl", "nmod", "advmod", "nummod", "poss"})
HEAD_NOUN_DEPS = frozenset({"poss", "compound", "nmod", "amod"})
# Words by which one actor takes a stance toward another ("the miners denounced Torres"); with a
# preposition, the one the other actor hangs from ("rallied to the MNR", "a campaign of support for").
REPORTING = {
    "support": 1.0, "favour": 1.0, "favor": 1.0, "welcome": 1.0, "defend": 1.0, "back": 1.0, "praise": 1.0,
    "endorse": 1.0, "applaud": 1.0, "hail": 1.0, "acclaim": 1.0, "admire": 1.0, "trust": 1.0, "champion": 1.0,
    "recognise": 1.0, "recognize": 1.0, "line behind": 1.0, "rally to": 1.0, "rally behind": 1.0,
    "call for": 1.0, "side with": 1.0, "ally with": 1.0, "vote for": 1.0, "campaign for": 1.0,
    "support for": 1.0, "sympathy for": 1.0, "loyalty to": 1.0,
    "denounce": -1.0, "criticise": -1.0, "criticize": -1.0, "oppose": -1.0, "accuse": -1.0, "repudiate": -1.0,
    "distrust": -1.0, "reject": -1.0, "condemn": -1.0, "attack": -1.0, "resist": -1.0, "fight": -1.0,
    "combat": -1.0, "fear": -1.0, "hate": -1.0, "despise": -1.0, "mistrust": -1.0, "blame": -1.0,
    "boycott": -1.0, "object to": -1.0, "protest against": -1.0, "fight against": -1.0, "turn against": -1.0,
    "campaign against": -1.0, "struggle against": -1.0, "hatred of": -1.0, "hostility to": -1.0,
    "opposition to": -1.0, "attack on": -1.0,
}
REFUSING = frozenset({"refuse", "fail", "decline"})  # "refused to recognise": the stance reversed
PRONOUNS = frozenset({"he", "his", "him", "himself"})
CLIMBED = frozenset({"prep", "pobj", "dobj", "attr", "compound", "conj", "appos", "poss"})  # object to clause verb


class Hit(NamedTuple):
    """A lexicon term (or distancing mark) in a sentence: signed weight, text, token indices."""

    weight: float
    text: str
    tokens: range


Hits = dict[int, Hit]  # by the index of the term's root


class RuleMethod:
    """Dependency-attached lexicon scoring (``stance.rules.v1``)."""

    name = "stance.rules.v1"

    def __init__(self, lexicon: StanceLexicon, *, threshold: float = 0.75, clause_weight: float = 0.3) -> None:
        self.lexicon = lexicon
        self.threshold = threshold
        self.clause_weight = clause_weight

    def predict(self, sent: Any, mentions: dict[str, list[Any]], holders: dict[str, list[Any]] | None = None
                ) -> list[StanceRecord]:
        """Records for each target of ``mentions`` (token spans in ``sent``)."""
        hits = self.hits(sent)
        holders = holders or mentions
        records = []
        for target, spans in mentions.items():
            others = [span for other, other_spans in holders.items() if other != target for span in other_spans]
            score, evidence = self.score(sent, spans, hits, others)
            records.append(StanceRecord(target, self.label(score), round(math.tanh(score / 2), 4), evidence))
            records += self.reported(target, spans, holders)
        return records

    def label(self, score: float) -> str:
        return "FAVOR" if score >= self.threshold else "AGAINST" if score <= -self.threshold else "NONE"

    def hits(self, sent: Any) -> Hits:
        """Each lexicon term, scare quote and distancing marker of the sentence, by the index of
        its root, with its weight signed and negation applied."""
        found: Hits = {}
        tokens = list(sent)
        lemmas, lowers = [t.lemma_ for t in tokens], [t.lower_ for t in tokens]
        covered = 0  # the tokens before this are part of a term already found
        for n, token in enumerate(tokens):
            if n < covered or not (self.lexicon.may_begin(lemmas[n]) or self.lexicon.may_begin(lowers[n])):
                continue
            for size in range(min(self.lexicon.max_words, len(tokens) - n), 0, -1):
                words = tokens[n : n + size]
                weight = self.lexicon.weight(" ".join(lemmas[n : n + size]))
                if weight is None:  # "clear-sighted": the lemmas of a compound may not be its words'
                    weight = self.lexicon.weight(" ".join(lowers[n : n + size]))
                if weight is not None and all(_named(t) for t in words):
                    break  # "the Popular Assembly", "the ultra Right": a name, not an evaluation
                if weight is not None:
                    # "not heroic", "anti-popular" (a term without "anti"), "incapable of an effective resistance"
                    if (_negated(token) or _prefixed(token, "anti")) != _shifted(token):
                        weight = -weight
                    term = sent.doc[token.i : token.i + size]  # kept at its root: "co-opting" at "opting"
                    found[term.root.i] = Hit(weight, term.text, range(term.start, term.end))
                    covered = n + size
                    break
        for start, end in _scare_quotes(tokens):  # the "progressive" period: irony cancels the word's own polarity
            quoted = range(tokens[start].i, tokens[end - 1].i + 1)
            for i in [i for i, hit in found.items() if set(hit.tokens) & set(quoted)]:
                del found[i]
            found[quoted.start] = Hit(SCARE_QUOTE_WEIGHT, sent.doc[quoted.start : quoted.stop].text, quoted)
        for token in tokens:  # "the POR *confidently* expected", "*so-called*": the author keeps a distance
            if token.lower_ in DISTANCING:
                marker = sent.doc[token.i : token.i + 1]
            elif token.lower_ == "called" and _prefixed(token, "so"):
                marker = sent.doc[token.i - 2 : token.i + 1]
            else:
                continue
            found.setdefault(token.i, Hit(SCARE_QUOTE_WEIGHT, marker.text, range(marker.start, marker.end)))
        return found

    def score(self, sent: Any, spans: list[Any], hits: Hits, others: list[Any] | None = None
              ) -> tuple[float, list[str]]:
        """The summed polarity of the words attached to the mentions, and those words; the words
        attached to ``others`` (other actors' mentions) are their evaluation, not counted."""
        total, evidence = 0.0, []
        for i, where in sorted(placed(sent, spans, hits, others or []).items()):
            if where == "other":
                continue
            factor = 1.0 if where == "attached" else self.clause_weight
            total += factor * hits[i].weight
            if where == "attached" or abs(factor * hits[i].weight) >= self.threshold:
                evidence.append(hits[i].text)
        return total, evidence

    def reported(self, target: str, spans: list[Any], holders: dict[str, list[Any]]) -> list[StanceRecord]:
        """Stances toward ``target`` that the sentence attributes to another mentioned actor."""
        records = []
        for span in spans:
            taken = _stance_taken(mention_head(span))
            if taken is None:
                continue
            verb, polarity, word = taken
            for holder, holder_spans in holders.items():
                if holder != target and any(s.i in {t.i for h in holder_spans for t in h} for s in _subjects(verb)):
                    label = "FAVOR" if polarity > 0 else "AGAINST"
                    records.append(StanceRecord(target, label, polarity, [word.text], holder))
        return records


def attached_tokens(span: Any) -> Iterable[Any]:
    """Tokens whose evaluation is said of the mention (see the module docstring)."""
    head = mention_head(span)
    for child in span.root.children:
        if child.dep_ in MODIFIERS and child not in span:
            yield from child.subtree
    gov = head.head
    if head.dep_ in SUBJECTS and gov is not head:
        yield gov
        for child in gov.children:
            if child.dep_ in PREDICATES or child.dep_ in ("advmod", "neg"):
                yield from child.subtree
    elif head.dep_ == "nsubjpass":  # what it is made into or tied to, the circumstances of its conduct
        for child in gov.children:  # (not the harm done to it, nor its agent: GUIDELINES 6.3)
            if child.dep_ in ("oprd", "attr", "xcomp") or (child.dep_ == "prep" and child.lower_ != "by"):
                yield from child.subtree
    elif head.dep_ in HEAD_NOUN_DEPS and gov.pos_ in ("NOUN", "PROPN"):
        yield gov
        yield from (c for c in gov.children if c.dep_ in ("amod", "compound"))
    elif head.dep_ == "pobj" and gov.lower_ in ("of", "by", "between", "among"):
        owner = gov.head
        while gov.lower_ == "by" and owner.dep_ == "pobj" and owner.head.lower_ == "of":  # "the repression of
            owner = owner.head.head  # the miners by the army": the agent of the repression, not of the miners
        yield owner
        yield from (c for c in owner.children if c.dep_ in ("amod", "advmod"))


def placed(sent: Any, spans: list[Any], hits: Hits, others: Iterable[Any] = ()) -> dict[int, str]:
    """Where each hit stands toward the mentions ``spans``: ``"attached"`` (said of them, a
    person's pronouns included), ``"other"`` (said of one of ``others``, another target's
    mentions) or ``"sentence"``; the hits not said of them at all (:func:`not_of`) are left out."""
    spans = with_pronouns(sent, spans)
    unsaid = not_of(spans, hits)
    attached = _reach(spans)
    theirs = _reach(others) - attached
    return {i: "attached" if i in attached else "other" if i in theirs else "sentence" for i in hits if i not in unsaid}


def _reach(spans: Iterable[Any]) -> set[int]:
    """The indices of the mentions' tokens and of the tokens attached to them."""
    return {t.i for span in spans for t in (*span, *attached_tokens(span))}


def with_pronouns(sent: Any, spans: list[Any]) -> list[Any]:
    """The mentions of a person, with the pronouns of ``sent`` that can only be theirs: the
    sentence names no other person ("Barrientos destroyed …, *his* violently repressive
    measures …")."""
    people = {e.kb_id_ or e.text for e in sent.ents if e.label_ == "PERSON"}
    if len(people) != 1 or spans[0].root.ent_type_ != "PERSON":
        return spans
    return [*spans, *(sent.doc[t.i : t.i + 1] for t in sent if t.lower_ in PRONOUNS)]


def not_of(spans: list[Any], hits: Hits) -> set[int]:
    """The hits that do not evaluate the mentions: inside a mention that is only a name
    ("gorilas", "imperialism"), or a term the mention is part of ("*anti-working class*
    movements" is said of the movements).

    In a longer mention the evaluative words describe the target ("a military
    *dictatorship*", "the *coup-mongering* military"); capitalised names are no hits at all
    (see :meth:`RuleMethod.hits`).
    """
    inside = {t.i for span in spans for t in span}
    names = {t.i for span in spans if sum(t.is_alpha and not t.is_stop for t in span) < 2 for t in span}
    return {i for i, hit in hits.items() if i in names or (inside & set(hit.tokens) and not set(hit.tokens) <= inside)}


def mention_head(span: Any) -> Any:
    """The token that stands for the mention in its clause: its root, or the first conjunct
    it is coordinated with ("Torres and Ovando betrayed": "Torres" for both)."""
    head = span.root
    while head.dep_ == "conj" and head.head.pos_ in ("PROPN", "NOUN"):
        head = head.head
    return head


def _stance_taken(head: Any) -> tuple[Any, float, Any] | None:
    """``(verb, polarity, word)``: the word by which the subject of ``verb`` takes a stance
    toward ``head`` ("denounced Torres", "lining up behind Torres", "a campaign of support for
    the miners", "refused to recognise him"), climbing from the mention to its clause's verb."""
    found: tuple[float, Any] | None = None
    child = head
    while child.dep_ in CLIMBED and child.head is not child:
        token = child.head
        key = f"{token.lemma_.lower()} {child.lower_}" if child.dep_ == "prep" else token.lemma_.lower()
        if found is None and key in REPORTING and child.dep_ in ("prep", "dobj", "attr"):
            negated = _negated(token) or (token.dep_ == "xcomp" and token.head.lemma_.lower() in REFUSING)
            found = (-REPORTING[key] if negated else REPORTING[key], token)
        if token.pos_ in ("VERB", "AUX"):
            return (token, *found) if found else None
        child = token
    return None


def _subjects(verb: Any) -> list[Any]:
    """The subjects of ``verb``, or of the verb it completes ("began to attack")."""
    while True:
        subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
        if subjects or verb.dep_ not in ("xcomp", "conj") or verb.head is verb:
            return subjects
        verb = verb.head


def _named(token: Any) -> bool:
    """A proper noun, or a capitalised word inside the sentence (a name's part in this prose)."""
    return token.pos_ == "PROPN" or (token.text[:1].isupper() and token.i > token.sent.start)


def _prefixed(token: Any, prefix: str) -> bool:
    """ "anti-popular", "so-called": ``prefix`` "-" before the word (three tokens in spaCy's tokenization)."""
    return token.i >= 2 and token.nbor(-1).text == "-" and token.nbor(-2).lower_ == prefix


def _scare_quotes(tokens: list[Any]) -> Iterable[tuple[int, int]]:
    """Positions of one or two words standing alone between quotation marks."""
    for n, token in enumerate(tokens):
        if token.text in QUOTES:
            for size in (1, 2):
                end = n + 1 + size
                if end < len(tokens) and tokens[end].text in QUOTES and all(t.is_alpha for t in tokens[n + 1 : end]):
                    yield n + 1, end
                    break


def _negated(token: Any) -> bool:
    """A negation on the word or on its head, or a negator among the three words before it."""
    marked = [c for c in (*token.children, *token.head.children) if c.dep_ == "neg"]
    before = [t for t in token.doc[max(token.i - 3, token.sent.start) : token.i] if t.lower_ in NEGATORS]
    return any(_negates(t) for t in marked + before)


def _shifted(token: Any) -> bool:
    """Said under a word of lack or failure: "*lacking* a popular base", "*incapable* of an effective resistance"."""
    ancestors = list(token.ancestors)[:SHIFTER_REACH]
    return any(a.lemma_.lower() in SHIFTERS for a in ancestors)


def _negates(negator: Any) -> bool:
    """False for "not only" / "not just" (and the like), which add rather than negate.

    >>> import spacy
    >>> doc = spacy.blank("en")("not heroic but not only brave")
    >>> [_negates(t) for t in doc if t.lower_ == "not"]
    [True, False]
    """
    return negator.i + 1 >= len(negator.doc) or negator.nbor(1).lower_ not in NOT_ONLY
