"""The OCR channel: how likely a scanner prints one word as another, learned from corrected OCR.

A channel table lists confusions ``printed → meant`` with a cost, the negative log10 of
the chance that the meant characters are printed so (``o → e`` 1.1: one "e" in thirteen
comes out as "o" in 19th-century newspaper OCR). :func:`learn_channel` estimates it from
OCR text aligned with its correction (``bolcorpus train repair-channel``); the hand-made
:data:`~bolcorpus.repair.patterns.CONFUSIONS` of this corpus are merged in, scaled to the
same units. Any other edit costs :data:`EDIT_COST`.

>>> channel = Channel([("o", "e", 2074, 1.1)])
>>> channel.cost("tho", "the") < channel.cost("tho", "two")
True
>>> {"the", "tho"} <= channel.words("tho", 1.1, Lexicon())
True
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bolcorpus.errors import BolcorpusError
from bolcorpus.repair.confusion import ConfusionTable, ocr_cost
from bolcorpus.repair.lexicon import Lexicon
from bolcorpus.repair.patterns import CONFUSIONS

EDIT_COST = 3.5  # log10: an edit the table does not list (about one in 3,000 characters)
HAND_SCALE = 3.5  # the hand-made table's costs are in units of a plain edit (1.0)
VARIANT_MAX_COST = 3.0  # confusions cheap enough to generate candidates from
ONE_CONFUSION = 2.6  # a budget of about one confusion (or two of the cheapest: "o" for "e")
MIN_COUNT = 3  # a confusion seen fewer times is noise
WORD_RE = re.compile(r"[^\W\d_]+")
EDGE_PUNCT = ".,;:!?\"'()[]“”‘’"
SOFT_HYPHEN_RE = re.compile(r"¬\s+")  # a corrected text's line-break hyphen: the word is joined
Row = tuple[str, str, int, float]  # printed, meant, times seen, cost


class Channel:
    """Confusion costs in log10 units, indexed for :func:`~bolcorpus.repair.confusion.ocr_cost`."""

    def __init__(self, rows: Iterable[Row]) -> None:
        costs: dict[tuple[str, str], float] = {}
        for printed, meant, _, cost in rows:
            costs[printed, meant] = min(cost, costs.get((printed, meant), math.inf))
        for printed, meant, cost in CONFUSIONS:
            if printed != meant:
                costs[printed, meant] = min(cost * HAND_SCALE, costs.get((printed, meant), math.inf))
        self.costs = costs
        self.table = ConfusionTable.of((printed, meant, cost) for (printed, meant), cost in sorted(costs.items()))
        self._cheap: dict[str, list[tuple[str, float]]] = defaultdict(list)  # printed → (meant, cost)
        for (printed, meant), cost in sorted(costs.items(), key=lambda item: item[1]):
            if cost <= VARIANT_MAX_COST:
                self._cheap[printed].append((meant, cost))
        self._longest = max(map(len, self._cheap), default=0)
        self._at: dict[str, tuple[tuple[int, str, float], ...]] = {}  # memo of :meth:`_confusions_at`

    @classmethod
    def from_file(cls, path: Path | None) -> Channel:
        """The learned table at ``path`` (TSV from :func:`write_channel`), or the hand table alone."""
        return _load(Path(path) if path else None)

    def cost(self, observed: str, candidate: str, *, limit: float = 12.0) -> float:
        """log10 cost of ``candidate`` printed as ``observed`` (case-folded)."""
        return _cost(self, observed.lower(), candidate.lower(), limit)

    def words(self, observed: str, budget: float, lexicon: Lexicon) -> frozenset[str]:
        """The dictionary words that ``observed`` (lower case) is with confusions undone that cost
        at most ``budget`` together, each at most :data:`VARIANT_MAX_COST`.

        The printed letters are read left to right, each as printed or as the meant letters
        of a confusion, and a reading is followed only while what it has made so far begins
        some dictionary word. Cheap confusions go further: a budget of 5.2 undoes two
        confusions of 2.6 or four of "o" for "e".

        >>> channel = Channel([("o", "e", 9, 1.1)])
        >>> [sorted(channel.words("govornmont", budget, Lexicon())) for budget in (1.1, 2.2)]
        [[], ['government']]
        """
        return _words(self, observed, budget, lexicon)

    def _confusions_at(self, window: str) -> tuple[tuple[int, str, float], ...]:
        """The cheap confusions whose printed letters begin ``window``: (how many letters, meant,
        cost), cheapest first.

        >>> Channel([("rn", "m", 9, 0.7), ("r", "n", 9, 1.8)])._confusions_at("rne")[:2]
        ((2, 'm', 0.7), (1, 'n', 1.75))
        """
        found = self._at.get(window)
        if found is None:
            confusions = [(n, meant, cost) for n in range(1, len(window) + 1)
                          for meant, cost in self._cheap.get(window[:n], ())]
            found = self._at[window] = tuple(sorted(confusions, key=lambda confusion: confusion[2]))
        return found


def learn_channel(pairs: Iterable[tuple[str, str]], *, min_count: int = MIN_COUNT) -> list[Row]:
    """Estimate confusion costs from ``(printed, meant)`` word pairs.

    Each pair is aligned character by character; a run of differing characters, with one
    neighbour where a side is empty, is one confusion. Its cost is ``-log10(times seen /
    times the meant characters occur in the meant words)``.

    >>> rows = learn_channel([("tho", "the")] * 3 + [("the", "the")] * 3)
    >>> rows[0][:3], round(rows[0][3], 2)
    (('o', 'e', 3), 0.3)
    """
    seen: Counter[tuple[str, str]] = Counter()
    chances: Counter[str] = Counter()
    for printed, meant in pairs:
        printed, meant = printed.lower(), meant.lower()
        for n in (1, 2):
            chances.update(meant[i : i + n] for i in range(len(meant) - n + 1))
        if printed != meant:
            seen.update(_confusions(printed, meant))
    rows = [(p, m, n, -math.log10(n / chances[m])) for (p, m), n in seen.items() if n >= min_count and chances[m]]
    return sorted(rows, key=lambda row: (row[3], row[0], row[1]))


def aligned_word_pairs(printed: str, meant: str, *, max_distance: int = 2) -> Iterator[tuple[str, str]]:
    """Word pairs of an OCR text and its correction that align one to one.

    Punctuation at the word edges goes; pairs more than ``max_distance`` edits apart are
    alignment noise and are left out. Words that are equal come too: they count how often
    each character was printed right.

    >>> list(aligned_word_pairs("Tho walls ot tbo", "The walls of the"))
    [('Tho', 'The'), ('walls', 'walls'), ('ot', 'of'), ('tbo', 'the')]
    """
    a, b = printed.split(), meant.split()
    for op in Levenshtein.opcodes(a, b):
        if op.tag not in ("equal", "replace") or op.src_end - op.src_start != op.dest_end - op.dest_start:
            continue
        for p, m in zip(a[op.src_start : op.src_end], b[op.dest_start : op.dest_end]):
            p, m = p.strip(EDGE_PUNCT), m.strip(EDGE_PUNCT)
            if WORD_RE.fullmatch(m) and p and Levenshtein.distance(p.lower(), m.lower()) <= max_distance:
                yield p, m


def train_channel(data: Path, out: Path) -> tuple[int, int]:
    """Learn a channel from a Parquet file of ``ocr_text`` and ``ground_truth`` and write it to ``out``.

    The ground truth's soft hyphens (``¬`` and the space after it) are joined first.
    Returns the number of confusions and of aligned word pairs.
    """
    import pyarrow.parquet as pq

    if not Path(data).is_file():
        raise BolcorpusError(f"{data}: no such file; give --data a Parquet file with ocr_text and ground_truth columns")
    try:
        rows = pq.read_table(data, columns=["ocr_text", "ground_truth"]).to_pylist()
    except (KeyError, ValueError, OSError) as e:
        raise BolcorpusError(f"{data}: cannot read ocr_text and ground_truth columns ({e})") from None
    pairs = [p for r in rows for p in aligned_word_pairs(r["ocr_text"], SOFT_HYPHEN_RE.sub("", r["ground_truth"]))]
    learned = learn_channel(pairs)
    write_channel(learned, out, source=Path(data).name)
    return len(learned), len(pairs)


def write_channel(rows: Iterable[Row], path: Path, *, source: str) -> None:
    """Write a channel table as TSV with a header naming its ``source``."""
    with Path(path).open("w", encoding="utf-8", newline="") as f:
        f.write(f"# OCR channel learned by `bolcorpus train repair-channel` from {source}\n")
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(["printed", "meant", "count", "cost"])
        writer.writerows((p, m, n, f"{c:.3f}") for p, m, n, c in rows)


def read_channel(path: Path) -> list[Row]:
    """The rows of a channel table written by :func:`write_channel`."""
    lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [(r["printed"], r["meant"], int(r["count"]), float(r["cost"])) for r in reader]


def _confusions(printed: str, meant: str) -> Iterator[tuple[str, str]]:
    blocks: list[list[int]] = []  # [meant start, meant end, printed start, printed end]
    for op in Levenshtein.opcodes(meant, printed):
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    for i1, i2, j1, j2 in blocks:
        if i1 == i2 or j1 == j2:  # an insertion or deletion is taken with a neighbour
            if i1 and j1:
                i1, j1 = i1 - 1, j1 - 1
            else:
                i2, j2 = i2 + 1, j2 + 1
        if i2 - i1 <= 2 and j2 - j1 <= 3:
            yield printed[j1:j2], meant[i1:i2]


@lru_cache(maxsize=8)
def _load(path: Path | None) -> Channel:
    return Channel(read_channel(path) if path else ())


@lru_cache(maxsize=262_144)
def _cost(channel: Channel, observed: str, candidate: str, limit: float) -> float:
    return ocr_cost(observed, candidate, limit=limit, table=channel.table, edit=EDIT_COST)


@lru_cache(maxsize=65_536)
def _words(channel: Channel, observed: str, budget: float, lexicon: Lexicon) -> frozenset[str]:
    dictionary, prefixes = lexicon.dictionary(), lexicon.prefixes()
    # at each letter, the confusions that may have printed it
    undo = [channel._confusions_at(observed[i : i + channel._longest]) for i in range(len(observed))]
    found = set()
    paths = [("", 0, budget)]  # (what is made, where the rest of ``observed`` begins, cost left)
    seen: dict[tuple[str, int], float] = {}  # the most cost left with which a path was taken
    while paths:
        made, start, left = paths.pop()
        head = made
        for i in range(start, len(observed)):  # read on as printed, undoing a confusion at any letter
            for n, meant, cost in undo[i]:
                if cost > left:
                    break
                path = (head + meant, i + n)
                if path[0] in prefixes and seen.get(path, -1.0) < left - cost:
                    seen[path] = left - cost
                    paths.append((*path, left - cost))
            head += observed[i]
            if head not in prefixes:
                break
        else:
            if head in dictionary:
                found.add(head)
    return frozenset(found)


MEMOS = (_cost, _words)  # per-word memos: bolcorpus.repair.forget_corrections clears them
