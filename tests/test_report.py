"""The report (issue 14): pages, marks, escaping and the command, on a small hand-made version.

The version is published from hand-made documents, so no model runs here; the browser test
(``test_report_browser.py``) renders the report of the bundled corpus.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bolcorpus.cli import app
from bolcorpus.config import NlpConfig
from bolcorpus.document import Document, Edit, Entity, Sentence, Stance
from bolcorpus.kb import KBEntity, KnowledgeBase
from bolcorpus.repair.engine import apply_edits
from bolcorpus.report import build_report
from bolcorpus.stages.publish import Publish

pytestmark = pytest.mark.issue(14)
ATTACK = "<script>alert(1)</script>"
KB = KnowledgeBase([
    KBEntity(id="mnr", name="Movimiento Nacionalista Revolucionario", type="ORG", aliases=("MNR",),
             qid="Q1536452", description="Party of the 1952 revolution & <i>its</i> heirs."),
    KBEntity(id="juan_jose_torres", name="Juan José Torres", type="PERSON", description="President 1970–71."),
])


def hostile_document() -> Document:
    """A document whose text, title and authors hold HTML, with one edit, entities, stance, a flag."""
    raw = f"The mnr said {ATTACK} to the\nminers.\n\nTorres ma~ fell badly."
    wrap = raw.index("\n")
    edits = [Edit("repair.acronyms.v1", 4, 7, "mnr", "MNR"), Edit("repair.unwrap.v1", wrap, wrap + 1, "\n", " ")]
    text = apply_edits(raw, edits)
    second = text.index("Torres")
    return Document(
        id="d0", source_file="d0.txt", raw_text=raw, text=text, edits=edits,
        meta={"title": "<img src=x onerror=alert(2)>", "authors": ["A <b>bold</b> author"], "year": 1971,
              "language": "en", "unresolved": [{"text": "ma~", "offset": text.index("ma~")}],
              "damage": [{"indicator": "hard_line_wraps", "raw": 1, "repaired": 0}]},
        paragraphs=[(0, second - 2), (second, len(text))],
        sentences=[Sentence(0, second - 2, 0), Sentence(second, len(text), 1)],
        entities=[Entity(4, 7, "ORG", "MNR", "mnr", "kb"), Entity(second, second + 6, "PERSON", "Torres",
                                                                 "juan_jose_torres", "kb")],
        stance=[Stance(1, "TORRES", "AGAINST", 0.7, ["badly"]), Stance(0, "MNR", "NONE", 0.0)],
    )


def publish(out: Path, docs: list[Document] | None = None) -> Path:
    """Publish ``docs`` (the hostile document) as a version, all in the train split."""
    provenance = {"fingerprint": "f" * 64, "bolcorpus": "test", "spacy": "-", "model": "-", "pipeline": [],
                  "config": {}}
    config = Publish.Config(splits={"train": 1.0})
    return Publish(config, NlpConfig()).write(docs or [hostile_document()], out, provenance, KB)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return build_report(publish(tmp_path / "out"), tmp_path / "report", KB).parent


def test_every_text_is_escaped(report: Path) -> None:
    for page in report.rglob("*.html"):
        html = page.read_text()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html, page
        assert len(re.findall(r"<script\b", html)) == 1, page  # only the report's own script
    page = (report / "docs" / "d0.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&lt;i&gt;its&lt;/i&gt;" in (report / "entities.html").read_text()


def test_a_document_page_marks_edits_flags_entities_and_stance(report: Path) -> None:
    page = (report / "docs" / "d0.html").read_text()
    edits = re.findall(r'<mark class="edit"[^>]*data-rule="([^"]+)"[^>]*>([^<]*)</mark>', page)
    assert ("repair.acronyms.v1", "mnr") in edits and ("repair.acronyms.v1", "MNR") in edits  # raw, repaired
    assert ("repair.unwrap.v1", "\n") in edits and ("repair.unwrap.v1", " ") in edits
    assert 'title="repair.unwrap.v1: ⏎ → "' not in page and 'title="repair.unwrap.v1: ⏎ →  "' in page
    assert re.search(r'<mark class="flag"[^>]*>ma~</mark>', page)
    assert 'href="#kb-juan_jose_torres"' in page and 'id="kb-juan_jose_torres"' in page  # displaCy → record
    assert 'class="entity"' in page  # displaCy's markup
    assert "https://www.wikidata.org/wiki/Q1536452" in page
    assert '<mark class="evidence">badly</mark>' in page
    assert 'class="stance-bar"' in page and '<span class="against" style="flex-grow: 1">1</span>' in page


def test_the_corpus_pages_have_captioned_plots_filters_and_the_unlinked_names(report: Path) -> None:
    index = (report / "index.html").read_text()
    assert index.count("<svg") == index.count("<figcaption>") == 5
    assert 'href="docs/d0.html"' in index
    for field in ("search", "rules", "entities", "targets"):
        assert f'data-filter="{field}"' in index
    assert 'data-rules="repair.acronyms.v1 repair.unwrap.v1"' in index
    entities = (report / "entities.html").read_text()
    assert entities.count("<svg") == entities.count("<figcaption>") == 2
    assert 'id="kb-mnr"' in entities
    assert (report / "report.css").is_file() and (report / "report.js").is_file()
    assert not re.search(r'(src|href)="(https?:)?//', index.replace('href="https://www.wikidata.org', ""))


def test_report_command_writes_beside_datasets_and_refuses_a_folder_that_is_no_version(tmp_path: Path) -> None:
    version = publish(tmp_path / "out")
    runner = CliRunner()
    done = runner.invoke(app, ["report", str(version), "--kb", "configs/kb/entities.yml"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / "reports" / "bolcorpus" / "0.1.0" / "docs" / "d0.html").is_file()
    done = runner.invoke(app, ["report", str(tmp_path), "-o", str(tmp_path / "r")])
    assert done.exit_code == 2 and "no manifest.json" in done.output


@pytest.mark.parametrize(("marks", "start", "end", "expected"), [
    ([(1, 3)], 0, None, "a[bc]d"),
    ([(1, 3), (2, 4)], 0, None, "a[b][{c}]{d}"),  # overlapping marks are split so that tags nest
    ([(1, 4), (2, 3)], 0, None, "a[b][{c}][d]"),  # … and so is a mark around another
    ([(2, 2)], 0, None, "ab[]cd"),  # a point mark (a deletion)
    ([(2, 2)], 0, 2, "ab"),  # … belongs to the slice that starts at it
    ([(2, 2)], 2, 4, "[]cd"),
    ([(4, 4)], 2, 4, "cd[]"),  # at the very end of the text
    ([(1, 3)], 2, 4, "[c]d"),  # clipped to the slice
    ([], 0, None, "abcd"),
], ids=["one", "overlap", "nested", "point", "point-before", "point-after", "point-at-end", "clipped", "none"])
def test_markup_nests_clips_and_places_point_marks(marks, start, end, expected) -> None:
    from bolcorpus.report.marks import Mark, markup

    tags = ("[", "]"), ("{", "}")
    spans = [Mark(s, e, *tags[n % 2]) for n, (s, e) in enumerate(marks)]
    assert markup("abcd", spans, start, end) == expected


def test_markup_escapes_text_but_keeps_its_tags() -> None:
    from bolcorpus.report.marks import Mark, markup

    assert markup("<&>", [Mark(0, 3, "<b>", "</b>")]) == "<b>&lt;&amp;&gt;</b>"


def test_a_version_whose_rows_are_not_in_document_order_is_refused(tmp_path: Path) -> None:
    import dataclasses

    import pyarrow.parquet as pq

    from bolcorpus.errors import BolcorpusError

    docs = [hostile_document(), dataclasses.replace(hostile_document(), id="d1", source_file="d1.txt")]
    version = publish(tmp_path / "out", docs)
    path = version / "sentences" / "train-00000-of-00001.parquet"
    table = pq.read_table(path)
    pq.write_table(table.take(list(range(table.num_rows))[::-1]), path)  # d1's sentences first
    with pytest.raises(BolcorpusError, match="not in the order of its documents"):
        build_report(version, tmp_path / "report")
