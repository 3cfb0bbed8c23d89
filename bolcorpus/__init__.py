"""bolcorpus: repair, annotate and publish damaged historical texts about Bolivian politics.

The library in three calls:

>>> import bolcorpus
>>> bolcorpus.repair_text("the Mouimiento  Nacionalista insti-\\ntutional").text
'the Mouimiento  Nacionalista institutional'

``bolcorpus.run("pipelines/default.toml")`` runs a whole pipeline and publishes the
dataset; ``bolcorpus.load_domain_nlp()`` gives spaCy's pipeline with the domain entity
components (knowledge-base patterns and linking), ``bolcorpus.load_nlp()`` the plain one.
"""

from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path  # noqa: E402

from bolcorpus.config import Settings, load_pipeline  # noqa: E402
from bolcorpus.document import Document, Edit  # noqa: E402
from bolcorpus.ner import load_domain_nlp  # noqa: E402
from bolcorpus.nlp import load_nlp  # noqa: E402
from bolcorpus.repair import RepairConfig, RepairResult, apply_edits, repair_text  # noqa: E402

__all__ = [
    "Document", "Edit", "RepairConfig", "RepairResult", "Settings", "__version__", "apply_edits",
    "load_domain_nlp", "load_nlp", "load_pipeline", "repair_text", "run",
]


def run(
    pipeline: str | Path = "pipelines/default.toml",
    *,
    raw: str | Path | None = None,
    out: str | Path | None = None,
    workers: int | None = None,
) -> Path | None:
    """Run a pipeline file (overriding its raw/out folders or workers); returns the dataset folder."""
    from bolcorpus import runner

    settings = load_pipeline(pipeline).with_overrides(
        raw=Path(raw) if raw else None, out=Path(out) if out else None, workers=workers
    )
    return runner.run(settings).published
