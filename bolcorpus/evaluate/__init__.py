"""Evaluation harnesses: measured figures for what each stage claims.

- :mod:`bolcorpus.evaluate.metrics`: character and word error rates, and the share of
  errors removed.
- :mod:`bolcorpus.evaluate.damage`: a seeded simulator of 1970s-magazine OCR damage
  (``python -m bolcorpus.evaluate.damage FILE --seed 1``).
- :mod:`bolcorpus.evaluate.repair`: the repair benchmarks (synthetic, real, external,
  clean-text change, throughput) and their Markdown report
  (``python -m bolcorpus.evaluate.repair``).

Only the metrics are imported here. The other two modules run with ``python -m``, and
importing them from the package would make Python warn when it runs them.

>>> from bolcorpus.evaluate import cer
>>> cer("T orres", "Torres")
0.16666666666666666
"""

from __future__ import annotations

from bolcorpus.evaluate.metrics import Errors, cer, char_errors, errors_removed, normalize, wer, word_errors

__all__ = ["Errors", "cer", "char_errors", "errors_removed", "normalize", "wer", "word_errors"]
