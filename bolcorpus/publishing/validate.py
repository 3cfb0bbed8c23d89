"""Check the rows of a dataset before it is published; invalid data is never published.

Each check names the config, the row and what is wrong, so a report says what and where.
The checks: offsets inside their texts, sentence and entity texts equal to the text their
offsets point at, stance evidence found in its sentence, edits that replay on the raw text,
labels in their label sets, unique ids, and every sentence's and edit's document present.

>>> v = Validator(stance_labels=("FAVOR", "AGAINST", "NONE"), entity_labels=("PERSON",))
>>> v.document({"doc_id": "d", "text": "Torres fell.", "raw_text": "Torres fell."})
>>> v.sentence({"doc_id": "d", "sentence_id": "d-0", "text": "Torres fell.", "start": 0, "end": 12,
...             "entities": [{"text": "Torres", "start": 0, "end": 6, "label": "ORG"}], "stance": []})
>>> v.problems
["sentences d-0: entity 'Torres' has label 'ORG', not one of PERSON"]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bolcorpus.errors import PublishError

MAX_LISTED = 20  # problems quoted in an error message; the count says how many more


class DatasetInvalid(PublishError):
    """The rows of a dataset broke a check; nothing was published."""


class Validator:
    """Collects the problems of the rows it is shown, config by config.

    Each document must be shown just before its sentences and edits, as the publish stage
    streams them: they are checked against its text, and only that one document's text is
    kept, so that memory does not grow with the corpus.
    """

    def __init__(self, *, stance_labels: Sequence[str], entity_labels: Sequence[str]) -> None:
        self.stance_labels = tuple(stance_labels)
        self.entity_labels = tuple(entity_labels)
        self.problems: list[str] = []
        self._doc_ids: set[str] = set()
        self._sentence_ids: set[str] = set()
        self._current: dict[str, Any] = {}  # the document row whose sentences and edits come next

    def document(self, row: dict[str, Any]) -> None:
        doc_id = row["doc_id"]
        if doc_id in self._doc_ids:
            self._fail(f"documents {doc_id}: doc_id is not unique")
        self._doc_ids.add(doc_id)
        self._current = row
        for kind in ("footnotes", "artefacts", "unresolved"):
            for item in row.get(kind) or []:
                if not 0 <= item["offset"] <= len(row["text"]):
                    self._fail(f"documents {doc_id}: {kind} offset {item['offset']} outside the text")

    def sentence(self, row: dict[str, Any]) -> None:
        where = f"sentences {row['sentence_id']}"
        if row["sentence_id"] in self._sentence_ids:
            self._fail(f"{where}: sentence_id is not unique")
        self._sentence_ids.add(row["sentence_id"])
        if row["doc_id"] != self._current.get("doc_id"):
            self._fail(f"{where}: its document {row['doc_id']!r} is not in the documents config")
            return
        text = self._current["text"]
        start, end = row["start"], row["end"]
        if not 0 <= start <= end <= len(text):
            self._fail(f"{where}: offsets {start}:{end} outside its document's text ({len(text)} characters)")
        elif text[start:end] != row["text"]:
            self._fail(f"{where}: text differs from documents.text[{start}:{end}]")
        for ent in row["entities"]:
            found = row["text"][ent["start"] : ent["end"]]
            if not 0 <= ent["start"] < ent["end"] <= len(row["text"]) or found != ent["text"]:
                self._fail(f"{where}: entity {ent['text']!r} at {ent['start']}:{ent['end']} points at {found!r}")
            if ent["label"] not in self.entity_labels:
                self._fail(f"{where}: entity {ent['text']!r} has label {ent['label']!r}, "
                           f"not one of {', '.join(self.entity_labels)}")
        for stance in row["stance"]:
            if stance["label"] not in self.stance_labels:
                self._fail(f"{where}: stance toward {stance['target']} has label {stance['label']!r}, "
                           f"not one of {', '.join(self.stance_labels)}")
            for words in stance["evidence"]:
                if words not in row["text"]:
                    self._fail(f"{where}: stance evidence {words!r} is not in the sentence")

    def edit(self, row: dict[str, Any]) -> None:
        if row["doc_id"] != self._current.get("doc_id"):
            self._fail(f"edits {row['doc_id']}: its document is not in the documents config")
            return
        raw = self._current["raw_text"]
        start, end = row["raw_start"], row["raw_end"]
        if not 0 <= start <= end <= len(raw) or raw[start:end] != row["before"]:
            self._fail(f"edits {row['doc_id']} {start}:{end}: `before` {row['before']!r} differs from the raw text")

    def check(self) -> None:
        """Raise :class:`DatasetInvalid` listing the problems, if there are any."""
        if self.problems:
            listed = "\n  ".join(self.problems[:MAX_LISTED])
            more = len(self.problems) - MAX_LISTED
            raise DatasetInvalid(
                f"the dataset is invalid, so nothing was published ({len(self.problems)} problems):\n  {listed}"
                + (f"\n  … and {more} more" if more > 0 else "")
                + "\nThese come from a stage's output, not from the raw texts: report them with the stage named."
            )

    def _fail(self, problem: str) -> None:
        self.problems.append(problem)
