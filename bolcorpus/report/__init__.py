"""A static HTML report of a published dataset version: every repair, entity and stance, browsable.

``bolcorpus report`` writes ``index.html`` (statistics, plots and the documents, with filters),
``entities.html`` (frequencies, unlinked candidates, knowledge-base records) and one page per
document under ``docs/``. The pages open from the file system: no server, no network; the
stylesheet and script sit beside them.
"""

from bolcorpus.report.build import build_report

__all__ = ["build_report"]
