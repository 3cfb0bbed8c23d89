"""Write the report of a published version: an index, an entities page and one page per document.

Documents are read and rendered one at a time, and only their counts are kept for the corpus
pages, so memory does not grow with the length of the texts.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bolcorpus.kb import KnowledgeBase
from bolcorpus.report import plots
from bolcorpus.report.data import DocRecord, Version, load_version
from bolcorpus.report.document import DocumentView, document_view
from bolcorpus.report.terms import key_terms, text_statistics, tokenized
from bolcorpus.stages.entities import NAME_LABELS

HERE = Path(__file__).parent
ASSETS = ("report.css", "report.js")
PER_DOCUMENT_BARS = 40  # up to this many documents, per-document plots have a bar each; beyond, a histogram
TOP = 20  # entities and targets in a plot, unlinked candidates in the table (×5)
LABELS = ("FAVOR", "AGAINST", "NONE")


@dataclass
class Corpus:
    """The corpus pages' counts, gathered document by document."""

    rows: list[dict[str, Any]] = field(default_factory=list)  # one per document, for the index table
    rules: Counter[str] = field(default_factory=Counter)
    edits: dict[str, int] = field(default_factory=dict)  # doc_id → edits
    damage_raw: Counter[str] = field(default_factory=Counter)
    damage_repaired: Counter[str] = field(default_factory=Counter)
    types: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (label, linked) → mentions
    mentions: Counter[str] = field(default_factory=Counter)  # entity_id → mentions
    documents: Counter[str] = field(default_factory=Counter)  # entity_id → documents
    unlinked: Counter[tuple[str, str]] = field(default_factory=Counter)  # (label, name) of a name not linked
    unlinked_docs: Counter[tuple[str, str]] = field(default_factory=Counter)
    stance: dict[str, Counter[str]] = field(default_factory=dict)  # target → label → records
    stance_docs: dict[str, Counter[str]] = field(default_factory=dict)  # doc_id → label → records
    words: int = 0


def build_report(version_dir: Path, out: Path, kb: KnowledgeBase | None = None) -> Path:
    """Write the report of the version in ``version_dir`` into ``out``; returns its ``index.html``."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    version = load_version(version_dir, kb)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    common = {"name": version.name, "version": version.version, "folder": str(version_dir),
              "fingerprint": str(version.manifest.get("fingerprint", ""))}
    (out / "docs").mkdir(parents=True, exist_ok=True)
    for asset in ASSETS:
        shutil.copyfile(HERE / "static" / asset, out / asset)
    corpus = Corpus()
    page = env.get_template("document.html")
    for doc in version.docs():
        context = _document(doc, version, corpus)
        (out / "docs" / page_name(doc.id)).write_text(page.render(**common, **context, root="../"), encoding="utf-8")
    (out / "index.html").write_text(env.get_template("index.html").render(**common, **_index(corpus, version),
                                                                          root=""), encoding="utf-8")
    (out / "entities.html").write_text(env.get_template("entities.html").render(**common, **_entities(corpus, version),
                                                                                root=""), encoding="utf-8")
    return out / "index.html"


def default_output(version_dir: Path) -> Path:
    """Where the report of ``version_dir`` goes unless told: ``reports/<name>/<version>`` beside ``datasets/``.

    >>> default_output(Path("processed/datasets/bolcorpus/0.1.0")).as_posix()
    'processed/reports/bolcorpus/0.1.0'
    >>> default_output(Path("downloads/bolcorpus/0.1.0")).as_posix()  # elsewhere: under the working folder
    'reports/bolcorpus/0.1.0'
    """
    datasets = version_dir.parent.parent
    root = datasets.parent if datasets.name == "datasets" else Path()
    return root / "reports" / version_dir.parent.name / version_dir.name


def page_name(doc_id: str) -> str:
    """The file name of a document's page: its id, with anything but letters, digits, ``_.-`` replaced.

    >>> page_name("001_568351f05c11206d"), page_name("../a b")
    ('001_568351f05c11206d.html', '.._a_b.html')
    """
    return re.sub(r"[^\w.-]", "_", doc_id) + ".html"


def _document(doc: DocRecord, version: Version, corpus: Corpus) -> dict[str, Any]:
    """The page context of ``doc``; its counts go into ``corpus``."""
    view = document_view(doc)
    tokens = tokenized(doc.row["text"], [s["start"] for s in doc.sentences])
    terms, stats = key_terms(tokens), text_statistics(tokens)
    _count(corpus, doc, view, int(stats["words"]))
    title = doc.row.get("title") or doc.id
    authors = ", ".join(doc.row.get("authors") or [])
    names = [version.entities.get(i, {}).get("name", i) for i in view.linked]
    own = Counter({label: 0 for label in LABELS}) + sum(view.profile.values(), Counter())
    corpus.rows.append({
        "page": f"docs/{page_name(doc.id)}", "id": doc.id, "title": title, "authors": authors,
        "year": doc.row.get("year"), "words": stats["words"], "edits": len(doc.edits), "flagged": len(view.flagged),
        "n_entities": sum(view.linked.values()) + sum(view.unlinked.values()), "n_linked": sum(view.linked.values()),
        "stance": {label: own[label] for label in LABELS}, "terms": terms,
        "search": f"{title} {authors} {doc.id}".lower(), "rules": " ".join(sorted(_rules(view.rules))),
        "entities_key": "|" + "|".join([*view.linked, *names]).lower() + "|",
        "targets": " ".join(view.profile),
    })
    return {
        "title": title, "authors": authors, "doc_id": doc.id, "source_file": doc.row.get("source_file"),
        "publication": doc.row.get("publication"), "year": doc.row.get("year"), "language": doc.row.get("language"),
        "translated_from": doc.row.get("translated_from"), "stats": stats, "terms": terms,
        "n_edits": len(doc.edits), "rules": sorted(view.rules.items()), "rows": view.rows,
        "entities_html": view.entities_html, "flagged": view.flagged,
        "n_entities": sum(view.linked.values()) + sum(view.unlinked.values()), "n_linked": sum(view.linked.values()),
        "linked": [{**version.entities.get(i, {"entity_id": i, "name": i}), "entity_id": i, "mentions": n}
                   for i, n in view.linked.most_common()],
        "unlinked": view.unlinked.most_common(),
        "n_stance": sum(len(item["records"]) for item in view.stance),
        "profile": [(t, {label: c[label] for label in LABELS}) for t, c in view.profile.items()],
        "stance": view.stance,
    }


def _count(corpus: Corpus, doc: DocRecord, view: DocumentView, words: int) -> None:
    corpus.words += words
    corpus.rules.update(view.rules)
    corpus.edits[doc.id] = len(doc.edits)
    for item in doc.row.get("damage") or []:
        corpus.damage_raw[item["indicator"]] += item["raw"]
        corpus.damage_repaired[item["indicator"]] += item["repaired"]
    for s in doc.sentences:
        corpus.types.update((e["label"], bool(e["entity_id"])) for e in s["entities"])
    corpus.mentions.update(view.linked)
    corpus.documents.update(view.linked.keys())
    candidates = Counter({k: n for k, n in view.unlinked.items() if k[0] in NAME_LABELS})
    corpus.unlinked.update(candidates)
    corpus.unlinked_docs.update(candidates.keys())
    for target, counts in view.profile.items():
        corpus.stance.setdefault(target, Counter()).update(counts)
    corpus.stance_docs[doc.id] = sum(view.profile.values(), Counter())


def _rules(rules: Counter[str]) -> set[str]:
    """Rule names, a combined name ("a+b", one edit made by two rules) counting for each."""
    return {part for rule in rules for part in rule.split("+")}


def _index(corpus: Corpus, version: Version) -> dict[str, Any]:
    n_docs = len(corpus.rows)
    n_entities = sum(corpus.types.values())
    n_stance = sum(sum(c.values()) for c in corpus.stance.values())
    totals = [("documents", n_docs), ("words", corpus.words), ("edits", sum(corpus.rules.values())),
              ("flagged tokens", sum(r["flagged"] for r in corpus.rows)), ("entity mentions", n_entities),
              ("linked to the knowledge base", sum(corpus.mentions.values())), ("author's stance records", n_stance)]
    indicators = [k for k in corpus.damage_raw if k != "words"]
    targets = sorted(corpus.stance, key=lambda t: -sum(corpus.stance[t].values()))
    figures = [
        ("edits-per-rule", plots.bars(dict(corpus.rules), "edits (log scale)", log=True),
         "Edits per repair rule over the whole corpus. A rule name joined with + is one edit two rules made."),
        ("edits-per-document", *_per_document({d: float(n) for d, n in corpus.edits.items()}, "edits")),
        ("damage", plots.grouped(indicators, {"raw": [corpus.damage_raw[k] for k in indicators],
                                              "repaired": [corpus.damage_repaired[k] for k in indicators]}, "sites"),
         "Damage indicators counted on the raw text and on the repaired text (reference-free: they show what "
         "repair removed and what is left, not errors against a clean copy)."),
        ("stance-per-target", plots.stacked(targets, {label: [corpus.stance[t][label] for t in targets]
                                                      for label in LABELS}, "stance records",
                                            colours=plots.STANCE_COLOURS),
         "The authors' own stance toward each target: records labelled FAVOR, AGAINST and NONE."),
        ("stance-per-document", *_stance_per_document(corpus)),
    ]
    docs = sorted(corpus.rows, key=lambda row: row["id"])
    return {"totals": totals, "figures": figures, "docs": docs, "rules": sorted(_rules(corpus.rules)),
            "targets": sorted(corpus.stance),
            "entity_options": [(i, version.entities.get(i, {}).get("name", i)) for i in sorted(corpus.mentions)]}


def _per_document(values: dict[str, float], what: str) -> tuple[str, str]:
    if len(values) <= PER_DOCUMENT_BARS:
        return plots.bars(values, what), f"{what.capitalize()} in each document."
    return plots.histogram(list(values.values()), what), f"How many documents have how many {what}."


def _stance_per_document(corpus: Corpus) -> tuple[str, str]:
    counts = corpus.stance_docs
    ranked = sorted(counts, key=lambda d: (-counts[d]["FAVOR"] - counts[d]["AGAINST"], d))
    shown = ranked[:PER_DOCUMENT_BARS]
    svg = plots.stacked(shown, {label: [counts[d][label] for d in shown] for label in LABELS},
                        "stance records", colours=plots.STANCE_COLOURS)
    caption = "The authors' stance records in each document, all targets together."
    if len(ranked) > len(shown):
        caption += f" The {len(shown)} documents with the most FAVOR and AGAINST records of {len(ranked)}."
    return svg, caption


def _entities(corpus: Corpus, version: Version) -> dict[str, Any]:
    labels = sorted({label for label, _ in corpus.types}, key=lambda k: -corpus.types[k, True] - corpus.types[k, False])
    top = [i for i, _ in corpus.mentions.most_common(TOP)]
    n_mentions, n_linked = sum(corpus.types.values()), sum(corpus.mentions.values())
    figures = [
        ("entities-per-type", plots.stacked(labels, {"linked": [corpus.types[k, True] for k in labels],
                                                    "not linked": [corpus.types[k, False] for k in labels]},
                                            "mentions", colours={"linked": "#2980b9", "not linked": "#e67e22"}),
         "Entity mentions per OntoNotes label, linked to the knowledge base or not."),
        ("top-entities", plots.bars({version.entities.get(i, {}).get("name", i): corpus.mentions[i] for i in top},
                                    "mentions"),
         f"The {len(top)} most frequently mentioned knowledge-base entities."),
    ]
    records = [{**row, "mentions": corpus.mentions[i], "documents": corpus.documents[i],
                "search": " ".join([i, row.get("name", ""), row.get("type", ""), *row.get("aliases", [])]).lower()}
               for i, row in sorted(version.entities.items(), key=lambda kv: (-corpus.mentions[kv[0]], kv[0]))]
    unlinked = [{"label": label, "text": text, "mentions": n, "documents": corpus.unlinked_docs[label, text]}
                for (label, text), n in corpus.unlinked.most_common(TOP * 5)]
    return {"figures": figures, "records": records, "unlinked": unlinked, "n_mentions": n_mentions,
            "n_linked": n_linked, "linked_share": f"{n_linked / n_mentions:.0%}" if n_mentions else "none"}
