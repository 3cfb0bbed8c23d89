"""The record that flows through every stage.

A :class:`Document` carries the raw text, the repaired text, the edits between them and
each stage's annotations. Stages return a new document (``dataclasses.replace``) rather
than mutating the one they were given, and never drop what an earlier stage added.

>>> doc = Document(id="d1", source_file="d1.txt", raw_text="Torres.", text="Torres.")
>>> Document.from_dict(doc.to_dict()) == doc
True
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(slots=True, frozen=True)
class Edit:
    """One change the repair stage made: ``raw_text[raw_start:raw_end]`` became ``after``."""

    rule: str
    raw_start: int
    raw_end: int
    before: str
    after: str


@dataclass(slots=True, frozen=True)
class Sentence:
    """A sentence as character offsets into the document's repaired ``text``."""

    start: int
    end: int
    paragraph: int


@dataclass(slots=True, frozen=True)
class Entity:
    """An entity mention; offsets are into the document's repaired ``text``."""

    start: int
    end: int
    label: str
    text: str
    entity_id: str | None = None
    source: str = "model"


@dataclass(slots=True, frozen=True)
class Stance:
    """The stance toward ``target`` expressed in sentence number ``sentence``."""

    sentence: int
    target: str
    label: str
    score: float
    evidence: list[str] = field(default_factory=list)
    holder: str = ""


@dataclass(slots=True)
class Document:
    """A document and everything the stages have found in it.

    ``meta`` holds the manifest metadata (title, authors, year, …), ingest facts
    (encoding, sha256) and ``warnings``; ``paragraphs`` are ``(start, end)`` offsets into
    ``text``. ``parse`` is internal: the segment stage's parse of the paragraphs
    (:func:`bolcorpus.nlp.pack_docs`), carried to the stance stage, which drops it; it is
    never published.
    """

    id: str
    source_file: str
    raw_text: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    stance: list[Stance] = field(default_factory=list)
    parse: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` reverses it.

        Written out by hand rather than with ``dataclasses.asdict``, which deep-copies
        every value and took a twentieth of a pipeline run; the lists and the top level of
        ``meta`` are new, the values inside ``meta`` are shared with the document. An empty
        ``parse`` is left out, so a record without one is the same as before it existed.
        """
        record: dict[str, Any] = {
            "id": self.id, "source_file": self.source_file, "raw_text": self.raw_text, "text": self.text,
            "meta": dict(self.meta),
            "edits": [_fields(e) for e in self.edits],
            "paragraphs": [tuple(p) for p in self.paragraphs],
            "sentences": [_fields(s) for s in self.sentences],
            "entities": [_fields(e) for e in self.entities],
            "stance": [{**_fields(s), "evidence": list(s.evidence)} for s in self.stance],
        }
        if self.parse:
            record["parse"] = self.parse
        return record

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild a document written by :meth:`to_dict`."""
        return cls(
            id=data["id"],
            source_file=data["source_file"],
            raw_text=data["raw_text"],
            text=data["text"],
            meta=data.get("meta", {}),
            edits=[Edit(**e) for e in data.get("edits", [])],
            paragraphs=[(s, e) for s, e in data.get("paragraphs", [])],
            sentences=[Sentence(**s) for s in data.get("sentences", [])],
            entities=[Entity(**e) for e in data.get("entities", [])],
            stance=[Stance(**s) for s in data.get("stance", [])],
            parse=data.get("parse", ""),
        )


def _fields(record: Edit | Sentence | Entity | Stance) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record)}
