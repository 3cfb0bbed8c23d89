"""Key terms and text statistics of a document, with textacy, on spaCy's tokenizer alone.

No model runs here: tagging a thousand documents again would cost a large share of what the
pipeline cost, and the report must be cheap. YAKE (``textacy.extract.keyterms.yake``) needs
no part-of-speech tags, only tokens and sentences, and the published sentences give those.
Terms are kept as written (``normalize=None``) and at most two words long: longer YAKE terms
on untagged text are mostly phrases with a stop word inside ("Bolivia the working").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

TOP_TERMS = 8


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import spacy

    return spacy.blank("en")


def tokenized(text: str, sentence_starts: list[int]) -> Any:
    """A spaCy ``Doc`` of ``text`` with sentences starting at the given character offsets.

    >>> [s.text for s in tokenized("Torres fell. Banzer ruled.", [0, 13]).sents]
    ['Torres fell.', 'Banzer ruled.']
    """
    import numpy
    from spacy.attrs import IDX, SENT_START

    doc = _tokenizer().make_doc(text)
    offsets = doc.to_array([IDX])  # set in one go: setting is_sent_start token by token is quadratic
    starts = numpy.where(numpy.isin(offsets, sentence_starts), 1, -1).astype("uint64")
    if len(starts):
        starts[0] = 1
    return doc.from_array([SENT_START], starts.reshape(-1, 1))


def key_terms(doc: Any, topn: int = TOP_TERMS) -> list[str]:
    """The ``topn`` key terms of ``doc`` by YAKE.

    >>> doc = tokenized("The miners struck. The army shot the miners. The miners held Catavi.", [0, 19, 45])
    >>> key_terms(doc, topn=2)
    ['miners', 'Catavi']
    """
    from textacy.extract import keyterms

    if not any(not (t.is_stop or t.is_punct or t.is_space) for t in doc):
        return []
    return [term for term, _ in keyterms.yake(doc, normalize=None, ngrams=(1, 2), include_pos=None, topn=topn)]


def text_statistics(doc: Any) -> dict[str, float]:
    """Words and distinct words (``textacy.text_stats``), their ratio, words per sentence.

    >>> text_statistics(tokenized("Torres fell. Torres ruled.", [0, 13]))
    {'words': 4, 'unique_words': 3, 'ttr': 0.75, 'words_per_sentence': 2.0}
    """
    from textacy import text_stats

    words, unique = text_stats.n_words(doc), text_stats.n_unique_words(doc)
    sentences = text_stats.n_sents(doc)
    return {"words": words, "unique_words": unique, "ttr": round(unique / words, 3) if words else 0.0,
            "words_per_sentence": round(words / sentences, 1) if sentences else 0.0}
