"""The dataset card (``README.md``), generated from a publish run; never edit it by hand.

Its YAML front matter declares what ``datasets`` and the Hub read: the configs, their data
files per split, their features (label sets as ``ClassLabel``) and split sizes. The body
explains every field and gives statistics, provenance, licensing and citations. Nothing in
it depends on the time or the machine, so the same content always gives the same card.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import yaml

from bolcorpus.dataset import CLASS_LABELS, CONFIGS, SCHEMAS, STANCE_LABELS
from bolcorpus.publishing.tables import Written

DEFAULT_CONFIG = "sentences"
FIELD_DOCS = {
    "documents": {
        "doc_id": "stable id of the document (its raw file name without extension)",
        "source_file": "the raw file name",
        "title": "title, from the manifest (null when unknown)",
        "authors": "authors, from the manifest",
        "publication": "where it was published (null when unknown)",
        "year": "year of publication (null when unknown)",
        "language": "language of the text (ISO 639-1)",
        "translated_from": "original language when the text is a translation, else null",
        "text": "the repaired text; paragraphs separated by a blank line",
        "raw_text": "the text as it was in the raw file (decoded)",
        "n_edits": "number of repair edits (see the `edits` config)",
        "footnotes": "footnote markers taken out of the running text: `marker` and its `offset` in `text`",
        "artefacts": "damage no rule repairs, such as machine-translation placeholders: `kind`, `text`, `offset`",
        "unresolved": "tokens that still look damaged, left alone because the evidence was weak: `text`, `offset`",
        "damage": "reference-free damage indicators (`indicator`) counted in the `raw` and the `repaired` text",
        "stance_profile": "the author's stance labels counted per target in this document "
                          "(`target`, `favor`, `against`, `none`), to compare authors at a glance",
    },
    "sentences": {
        "doc_id": "the document",
        "sentence_id": "`<doc_id>-<index>`, unique",
        "index": "position of the sentence in the document, from 0",
        "paragraph": "position of its paragraph in the document, from 0",
        "text": "the sentence, equal to `documents.text[start:end]`",
        "start": "character offset of the sentence in the document's `text`",
        "end": "end offset (exclusive) in the document's `text`",
        "entities": "mentions: `text`, `start`/`end` (offsets within the sentence), OntoNotes `label` "
                    "(ClassLabel), `entity_id` (knowledge-base id, null when unlinked), `source` (what found it)",
        "stance": "per mentioned target: `target`, `label` (ClassLabel: FAVOR/AGAINST/NONE), `score` in [-1, 1], "
                  "`evidence` (the words that carry it), `holder` (empty: the author's own stance; else whose "
                  "stance the sentence reports)",
    },
    "entities": {
        "entity_id": "knowledge-base id",
        "name": "canonical name",
        "type": "OntoNotes type (ClassLabel)",
        "aliases": "surface forms",
        "n_mentions": "mentions in the corpus",
        "n_documents": "documents that mention it",
    },
    "edits": {
        "doc_id": "the document",
        "rule": "the repair rule(s) that made the edit (joined with `+` when rules overlapped)",
        "raw_start": "start offset in the document's `raw_text`",
        "raw_end": "end offset (exclusive) in `raw_text`",
        "before": "`raw_text[raw_start:raw_end]`",
        "after": "what replaced it; replaying all edits on `raw_text` gives `text`",
    },
}
LIMITATIONS = (
    "Repair is automatic. Damage it cannot tell from real words is left alone and flagged "
    "(`documents.unresolved`), and the damage indicators above show what is left.",
    "Entities come from spaCy's small English model plus the bolcorpus knowledge base; names missing "
    "from the knowledge base keep the model's label and are not linked.",
    "Stance labels are predicted, not annotated: the method is named in the resolved configuration "
    "(Provenance, `stance.method`), and "
    "`bolcorpus evaluate stance` measures it. Treat them as a rough guide, and check the `evidence`.",
    "The corpus is small and partisan by design: the authors argue for and against the actors.",
)


def render_card(name: str, version: str, written: Written, provenance: Mapping[str, Any],
                splits: Mapping[str, float], annotations_license: str) -> str:
    """The card's Markdown for a version whose tables are described by ``written``."""
    lines = ["---", yaml.safe_dump(front_matter(name, version, written, annotations_license),
                                   sort_keys=False, allow_unicode=True).rstrip(), "---", ""]
    lines += [
        f"# {name} {version}", "",
        "Historical texts about Bolivian politics (OCR'd 1970s magazine articles, machine "
        "translations), repaired, segmented into sentences, tagged with entities linked to a "
        "knowledge base, and with the authors' stance toward the actors they argue about: "
        "Torres, the army, the MNR, the COB, US imperialism and others. Generated by bolcorpus: "
        "every repair is logged in the `edits` config, and the raw text is kept beside the repaired one.", "",
        "## How to load", "",
        "No loading script and no network are needed:", "",
        "```python", *load_snippet(name, version), "```", "",
        "## Splits", "",
        "Every document, with all its sentences and edits, is in one split, chosen from the sha256 of "
        f"its `doc_id` with the ratios {_ratios(splits)}; a document keeps its split in every version "
        "published with these ratios. The `entities` config indexes the whole corpus, so it has a "
        "`train` split only. A split with no rows is left out of the configs.", "",
        "| config | " + " | ".join(splits) + " |", "| --- |" + " ---: |" * len(splits),
    ]
    lines += [f"| `{c}` | " + " | ".join(str(written.rows[c].get(s, 0)) for s in splits) + " |" for c in written.rows]
    lines += ["", "## Configs and fields", ""]
    for config, rows in written.rows.items():
        default = ", the default" if config == DEFAULT_CONFIG else ""
        lines += [f"### `{config}` ({sum(rows.values())} rows{default})", "", "| field | meaning |", "| --- | --- |"]
        lines += [f"| `{f}` | {doc} |" for f, doc in FIELD_DOCS[config].items()]
        lines.append("")
    lines += _statistics(written, splits)
    lines += _provenance(provenance)
    lines += ["## Known limitations", "", *(f"- {text}" for text in LIMITATIONS), ""]
    lines += _licensing(written, annotations_license)
    lines += _citation(name, version, written)
    return "\n".join(lines)


def front_matter(name: str, version: str, written: Written, annotations_license: str) -> dict[str, Any]:
    """The YAML header: configs with their files, features and split sizes."""
    configs = [c for c in CONFIGS if c in written.rows]
    return {
        "pretty_name": f"{name} {version}",
        "language": ["en"],
        "license": "other",
        "license_name": "source-texts-rights-reserved-annotations-" + _slug(annotations_license),
        "license_link": "README.md",  # its Licensing section, per document
        "annotations_creators": ["machine-generated"],
        "language_creators": ["found"],
        "multilinguality": ["monolingual"],
        "source_datasets": ["original"],
        "task_categories": ["token-classification", "text-classification"],
        "tags": ["ocr-post-correction", "named-entity-linking", "stance-detection", "history", "bolivia"],
        "size_categories": [_size_category(sum(written.rows.get("sentences", {}).values()))],
        "configs": [
            {"config_name": c, "data_files": [{"split": s, "path": f"{c}/{s}-*.parquet"} for s in written.rows[c]],
             **({"default": True} if c == DEFAULT_CONFIG else {})}
            for c in configs
        ],
        "dataset_info": [
            {"config_name": c, "features": features(c)._to_yaml_list(),
             "splits": [{"name": s, "num_bytes": written.bytes[c][s], "num_examples": n}
                        for s, n in written.rows[c].items()],
             "download_size": sum(written.bytes[c].values()), "dataset_size": sum(written.bytes[c].values())}
            for c in configs
        ],
    }


def features(config: str) -> Any:
    """The ``datasets.Features`` of ``config``: its Arrow schema, with label sets as ``ClassLabel``."""
    from datasets import ClassLabel, Features, List

    feats = Features.from_arrow_schema(SCHEMAS[config])
    for (cfg, path), names in CLASS_LABELS.items():
        if cfg != config:
            continue
        if len(path) == 1:
            feats[path[0]] = ClassLabel(names=list(names))
        else:
            inner = feats[path[0]].feature
            inner[path[1]] = ClassLabel(names=list(names))
            feats[path[0]] = List(inner)
    return feats


def load_snippet(name: str, version: str) -> list[str]:
    """Python that loads this version from the folder holding it (a test runs it there)."""
    return [
        "from datasets import load_dataset",
        "",
        f'path = "{name}/{version}"  # run from the folder that holds {name}/; or use the Hub repo id',
        'sentences = load_dataset(path, "sentences")  # a DatasetDict of the splits',
        'documents = load_dataset(path, "documents", split="train")',
        'label = sentences["train"].features["stance"].feature["label"]  # a ClassLabel',
        'for row in sentences["train"].filter(lambda r: len(r["stance"]) > 0).select(range(3)):',
        '    print(row["text"][:80], [(s["target"], label.int2str(s["label"])) for s in row["stance"]])',
    ]


def _statistics(written: Written, splits: Mapping[str, float]) -> list[str]:
    stats = written.stats
    lines = ["## Statistics", "", "| | " + " | ".join(splits) + " | all |", "| --- |" + " ---: |" * (len(splits) + 1)]
    for what in ("documents", "sentences", "words"):
        values = [stats.per_split[what, s] for s in splits]
        lines.append(f"| {what} | " + " | ".join(map(str, values)) + f" | {sum(values)} |")
    lines += ["", f"Entity mentions per type ({stats.linked} of {stats.entity_types.total()} linked to the "
              "knowledge base):", "", "| type | mentions |", "| --- | ---: |"]
    lines += [f"| {label} | {n} |" for label, n in sorted(stats.entity_types.items(), key=lambda x: (-x[1], x[0]))]
    lines += ["", "The authors' stance per target, in sentences that mention it (besides these, "
              f"{stats.reported} records give the stance a sentence reports of someone else, with `holder` set):",
              "", "| target | FAVOR | AGAINST | NONE |", "| --- | ---: | ---: | ---: |"]
    for target in sorted({t for t, _ in stats.stance}):
        lines.append(f"| {target} | " + " | ".join(str(stats.stance[target, label]) for label in STANCE_LABELS) + " |")
    lines += ["", "Repair edits per rule:", "", "| rule | edits |", "| --- | ---: |"]
    lines += [f"| `{rule}` | {n} |" for rule, n in stats.edit_rules.most_common()]
    lines += ["", "Damage indicators (reference-free counts of the signs of OCR damage) before and after repair:", "",
              "| indicator | raw text | repaired text |", "| --- | ---: | ---: |"]
    lines += [f"| {name.replace('_', ' ')} | {n} | {stats.damage_repaired[name]} |"
              for name, n in stats.damage_raw.items()]
    return [*lines, ""]


def _provenance(provenance: Mapping[str, Any]) -> list[str]:
    lines = ["## Provenance", "",
             f"- bolcorpus {provenance['bolcorpus']}, spaCy {provenance['spacy']}, model {provenance['model']}",
             f"- pipeline: {' → '.join(provenance['pipeline'])}",
             f"- content fingerprint (inputs, resolved configuration, code and model versions): "
             f"`{provenance['fingerprint']}`",
             "- `manifest.json` lists the sha256 of every file of this version; "
             "`bolcorpus verify <this folder>` checks them", "",
             "| source file | sha256 |", "| --- | --- |"]
    lines += [f"| {f} | `{h}` |" for f, h in provenance["inputs"].items()]
    lines += ["", "The resolved pipeline configuration:", "", "```json",
              json.dumps(provenance["config"], indent=2, sort_keys=True), "```", ""]
    return lines


def _licensing(written: Written, annotations_license: str) -> list[str]:
    lines = ["## Licensing", "",
             "The source texts are not ours: each belongs to its publisher or author, as listed below, "
             "and is included for research and criticism only. Ask the rights holder before any other "
             "use. The annotations (repairs, segmentation, entities, stance) are released under "
             f"{annotations_license}.",
             "", "| document | rights holder | source |", "| --- | --- | --- |"]
    for doc_id, src in written.sources.items():
        holder = src.get("rights") or src.get("license") or _holder(src)
        lines.append(f"| `{doc_id}` | {holder} | {src.get('url') or 'not known'} |")
    return [*lines, ""]


def _holder(src: Mapping[str, Any]) -> str:
    who = src.get("publication") or ", ".join(src.get("authors") or []) or "unknown (not in the manifest)"
    year = f" {src['year']}" if src.get("year") else ""
    return f"© {who}{year}, all rights reserved"


def _citation(name: str, version: str, written: Written) -> list[str]:
    lines = ["## Citation", "", "The dataset:", "", "```bibtex",
             f"@misc{{{name}_{version.replace('.', '_')},",
             f"  title = {{{{{name}}}: repaired and annotated texts about Bolivian politics, version {version}}},",
             "  author = {{bolcorpus contributors}},",
             f"  version = {{{version}}},",
             "  note = {Generated by bolcorpus; see the provenance section of the dataset card},",
             "}", "```", "", "The source articles:", "", "```bibtex"]
    for doc_id, src in written.sources.items():
        lines += _bibtex_source(doc_id, src)
    return [*lines, "```", ""]


def _bibtex_source(doc_id: str, src: Mapping[str, Any]) -> list[str]:
    authors = src.get("authors") or []
    corporate = [a for a in authors if a == src.get("publication")]  # an institution as author
    names = " and ".join(f"{{{a}}}" if a in corporate else a for a in authors)
    fields = {"author": names, "title": src.get("title"), "journal": src.get("publication"),
              "number": src.get("issue"), "year": src.get("year"), "url": src.get("url"),
              "note": f"bolcorpus document {doc_id}"
              + (f", translated from {src['translated_from']}" if src.get("translated_from") else "")}
    kind = "article" if src.get("publication") else "misc"
    lines = [f"@{kind}{{{re.sub(r'[^A-Za-z0-9_]', '_', doc_id)},"]
    lines += [f"  {k} = {{{v}}}," for k, v in fields.items() if v]
    return [*lines, "}"]


def _ratios(splits: Mapping[str, float]) -> str:
    return ", ".join(f"{name} {share:g}" for name, share in splits.items())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")


def _size_category(n: int) -> str:
    return "n<1K" if n < 1_000 else "1K<n<10K" if n < 10_000 else "10K<n<100K" if n < 100_000 else "n>100K"
