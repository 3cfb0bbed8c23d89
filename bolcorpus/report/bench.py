"""Time the report on a large synthetic version: ``python -m bolcorpus.report.bench [--docs 1000]``.

The synthetic version repeats the documents of a published one under new ids until it holds
``--docs`` documents (Parquet and manifest only: all the report reads), then the report of it
is written and timed. Compare the time with the pipeline's on the same text: the pipeline's
characters per second come from a run on the bundled corpus (see the README).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from bolcorpus.dataset import SCHEMAS
from bolcorpus.kb import load_kb
from bolcorpus.report.build import build_report
from bolcorpus.report.data import load_version

SPLIT_FILE = "train-00000-of-00001.parquet"


def synthetic_version(source: Path, folder: Path, n_docs: int) -> Path:
    """A version in ``folder`` with ``n_docs`` documents, copies of those of ``source`` under new ids."""
    version = load_version(source)
    configs = ("documents", "sentences", "edits")
    writers = {}
    for config in (*configs, "entities"):
        (folder / config).mkdir(parents=True, exist_ok=True)
        writers[config] = pq.ParquetWriter(folder / config / SPLIT_FILE, SCHEMAS[config])
    for n, doc in enumerate(islice(cycle(list(version.docs())), n_docs)):  # the source is small
        doc_id = f"{n:05d}_{doc.id}"
        rows = {"documents": [{**doc.row, "doc_id": doc_id, "source_file": f"{doc_id}.txt"}],
                "sentences": [{**s, "doc_id": doc_id, "sentence_id": f"{doc_id}-{s['index']:05d}"}
                              for s in doc.sentences],
                "edits": [{"doc_id": doc_id, "rule": e.rule, "raw_start": e.raw_start, "raw_end": e.raw_end,
                           "before": e.before, "after": e.after} for e in doc.edits]}
        for config in configs:
            writers[config].write_table(pa.Table.from_pylist(rows[config], schema=SCHEMAS[config]))
    entities = [{k: v for k, v in row.items() if k in SCHEMAS["entities"].names} for row in version.entities.values()]
    writers["entities"].write_table(pa.Table.from_pylist(entities, schema=SCHEMAS["entities"]))
    for writer in writers.values():
        writer.close()
    manifest = {"name": version.name, "version": version.version, "fingerprint": f"synthetic-{n_docs}"}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents in the synthetic version")
    parser.add_argument("--source", type=Path, default=Path("processed/datasets/bolcorpus/0.1.0"),
                        help="the published version whose documents are repeated")
    parser.add_argument("--kb", type=Path, default=Path("configs/kb/entities.yml"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        version = synthetic_version(args.source, Path(tmp) / "version", args.docs)
        chars = sum(len(d.row["text"]) for d in load_version(version).docs())
        started = time.perf_counter()
        build_report(version, Path(tmp) / "report", load_kb(args.kb))
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in (Path(tmp) / "report").rglob("*") if p.is_file())
    print(f"report of {args.docs} documents ({chars / 1e6:.1f} M characters): {seconds:.1f} s, "
          f"{chars / seconds / 1e3:.0f} k characters/s, {size / 1e6:.0f} MB written")


if __name__ == "__main__":
    main()
