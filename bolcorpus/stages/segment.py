"""Segment: paragraphs (blank-line separated) and spaCy sentences, as offsets into ``text``.

The paragraphs are parsed with every component but ``ner`` (tagger and lemmatizer too), and
the parse is kept in the document (``parse``) for the stance stage, which reads it instead of
parsing the sentences again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import attrgetter

from pydantic import Field

from bolcorpus.config import StageConfig
from bolcorpus.document import Document, Sentence
from bolcorpus.nlp import load_nlp, pack_docs, parse_components, pipe_spans, resolve_model
from bolcorpus.stages.base import Stage, replace

PARAGRAPH_RE = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph, paragraphs being separated by blank lines.

    >>> paragraph_spans("One.\\n\\nTwo, still\\ntwo.\\n")
    [(0, 4), (6, 21)]
    """
    spans = []
    for m in PARAGRAPH_RE.finditer(text):
        start, end = m.start(), m.end()
        chunk = m.group()
        start += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        if end > start:
            spans.append((start, end))
    return spans


class Segment(Stage):
    """Split each document into paragraphs and sentences with the spaCy parser; keep the parse."""

    name = "segment"
    version = 2
    code = (*Stage.code, "bolcorpus.nlp")

    class Config(StageConfig):
        """``min_sentence_chars``: shorter "sentences" (stray punctuation) join the one before."""

        min_sentence_chars: int = Field(2, ge=1)

    config: Config

    def fingerprint(self) -> dict[str, str]:
        return dict(zip(("model", "model_version"), resolve_model(self.nlp_config.model)))

    def process(self, items: Iterator[Document]) -> Iterator[Document]:
        nlp = load_nlp(self.nlp_config.model)
        docs = (replace(doc, paragraphs=paragraph_spans(doc.text)) for doc in items)
        batch_size = self.nlp_config.batch_size
        for doc, parsed in pipe_spans(nlp, docs, attrgetter("paragraphs"), batch_size=batch_size,
                                      only=parse_components(nlp)):
            sentences: list[Sentence] = []
            for index, ((para_start, _), spacy_doc) in enumerate(zip(doc.paragraphs, parsed)):
                for sent in spacy_doc.sents:
                    start, end = para_start + sent.start_char, para_start + sent.end_char
                    text = doc.text[start:end]
                    start += len(text) - len(text.lstrip())
                    end -= len(text) - len(text.rstrip())
                    if end - start < self.config.min_sentence_chars and sentences and sentences[-1].paragraph == index:
                        sentences[-1] = Sentence(sentences[-1].start, end, index)
                    elif end > start:
                        sentences.append(Sentence(start, end, index))
            self.stats["sentences"] += len(sentences)
            yield replace(doc, sentences=sentences, parse=pack_docs(parsed))
