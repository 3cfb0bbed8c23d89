"""What a document's page shows: its text with edits and flags marked, entities, stance.

Each function returns HTML fragments in which every text is escaped; the page template
puts them in place.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bolcorpus.repair.engine import raw_offset
from bolcorpus.report.data import DocRecord, paragraph_spans
from bolcorpus.report.marks import edit_marks, markup, token_marks, word_marks

CONTEXT = 40  # characters shown either side of a flagged token
FLAGGED = "flagged: looks damaged, left alone because the evidence for a correction was weak"
ARTEFACT = "artefact: damage no rule can repair"


@dataclass
class DocumentView:
    """The fragments and facts of one document's page."""

    rows: list[tuple[str, str]]  # (raw, repaired) HTML of each paragraph, aligned
    entities_html: str  # displaCy's rendering of every paragraph
    linked: Counter[str]  # entity_id → mentions in the document
    unlinked: Counter[tuple[str, str]]  # (label, text) → mentions not linked to the knowledge base
    stance: list[dict[str, Any]]  # sentences with stance records: html, records, targets, labels
    profile: dict[str, Counter[str]]  # target → label → records (the author's own stance)
    flagged: list[str]  # HTML of each flagged token in its context
    rules: Counter[str]  # rule → edits


def document_view(doc: DocRecord) -> DocumentView:
    """Everything the page of ``doc`` shows, with its counts for the corpus pages."""
    text, raw = doc.row["text"], doc.row["raw_text"]
    raw_marks, text_marks = edit_marks(doc.edits)
    text_marks += token_marks(doc.row.get("unresolved") or [], "flag", FLAGGED)
    text_marks += token_marks(doc.row.get("artefacts") or [], "flag artefact", ARTEFACT)
    spans = paragraph_spans(text)
    starts = [s for s, _ in spans] + [len(text)]
    raw_starts = [0] + [raw_offset(doc.edits, s) for s in starts[1:-1]] + [len(raw)]
    rows = [(markup(raw, raw_marks, raw_starts[i], raw_starts[i + 1]),
             markup(text, text_marks, starts[i], starts[i + 1])) for i in range(len(spans))]
    entities = [{**e, "start": e["start"] + s["start"], "end": e["end"] + s["start"]}
                for s in doc.sentences for e in s["entities"]]
    return DocumentView(
        rows=rows,
        entities_html=render_entities(text, spans, entities),
        linked=Counter(e["entity_id"] for e in entities if e["entity_id"]),
        unlinked=Counter((e["label"], e["text"]) for e in entities if not e["entity_id"]),
        stance=stance_items(doc.sentences),
        profile=stance_profile(doc.sentences),
        flagged=[markup(text, token_marks([t], "flag", FLAGGED), max(0, int(t["offset"]) - CONTEXT),
                        min(len(text), int(t["offset"]) + len(t["text"]) + CONTEXT))
                 for t in doc.row.get("unresolved") or []],
        rules=Counter(e.rule for e in doc.edits),
    )


def render_entities(text: str, paragraphs: list[tuple[int, int]], entities: list[dict[str, Any]]) -> str:
    """displaCy's entity view of each paragraph; a linked entity's label links to its record (``#kb-<id>``).

    displaCy escapes the text but not the label or the link, so those are escaped here.

    >>> html = render_entities("Torres <b>", [(0, 10)], [{"start": 0, "end": 6, "label": "PERSON",
    ...                                                  "entity_id": "juan_jose_torres"}])
    >>> 'href="#kb-juan_jose_torres"' in html, "&lt;b&gt;" in html
    (True, True)
    """
    from spacy import displacy

    parts = []
    for start, end in paragraphs:
        ents = [{"start": e["start"] - start, "end": e["end"] - start, "label": html.escape(e["label"]),
                 "kb_id": html.escape(e["entity_id"] or ""), "kb_url": f"#kb-{html.escape(e['entity_id'] or '')}"}
                for e in entities if start <= e["start"] and e["end"] <= end]
        parts.append({"text": text[start:end], "ents": ents, "title": None})
    return str(displacy.render(parts, style="ent", manual=True, jupyter=False))


def stance_items(sentences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sentences with stance records, their evidence words marked."""
    items = []
    for s in sentences:
        if s["stance"]:
            evidence = [w for r in s["stance"] for w in r["evidence"]]
            items.append({"index": s["index"], "html": markup(s["text"], word_marks(s["text"], evidence, "evidence")),
                          "records": s["stance"],
                          "targets": " ".join(sorted({r["target"] for r in s["stance"]})),
                          "labels": " ".join(sorted({r["label"] for r in s["stance"]}))})
    return items


def stance_profile(sentences: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Target → label → number of the author's own stance records."""
    profile: dict[str, Counter[str]] = {}
    for s in sentences:
        for r in s["stance"]:
            if not r["holder"]:
                profile.setdefault(r["target"], Counter())[r["label"]] += 1
    return dict(sorted(profile.items()))
