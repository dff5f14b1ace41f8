"""Incremental check, and the full scan as a resumable plan of batches.

The full scan exists once, here: `ScanPlan` decides which pairs are classified, with which context
score, and splits the work into numbered batches that can run anywhere, in any order, any number of
times: batch k's result depends only on the statements and k, never on what ran before. The engine's
own `scan()` runs the batches in this process or in a forked pool; the Django service runs them as
Celery tasks across workers and commits each batch's result once.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import wordnet
from .choices import DEFAULT_CHOICE_SETS, ChoiceSet
from .classifier import Verdict, classify, load_model
from .index import StatementIndex
from .statements import Statement

logger = logging.getLogger(__name__)

CANDIDATE_LIMIT = 12  # incremental check: candidates per new statement
SCAN_LIMIT = 8  # full scan: candidates per statement (each pair is seen from both ends)
SCAN_BATCH = 200  # statements per batch of a full scan
MIN_CANDIDATE_SCORE = 0.1
PARALLEL_MIN = 3000  # below this many statements a forked pool costs more than it saves


@dataclass(frozen=True)
class Finding:
    """A classified pair. ``similarity`` is the pair's index score (context similarity)."""

    a: Statement
    b: Statement
    verdict: Verdict
    similarity: float = 0.0


def _never(a: Statement, b: Statement) -> bool:
    return False


def check(
    new: Sequence[Statement],
    index: StatementIndex,
    *,
    choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS,
    exclude: Callable[[Statement, Statement], bool] = _never,
    limit: int = CANDIDATE_LIMIT,
    related_min: float | None = None,
) -> list[Finding]:
    """Compare each new statement with its indexed candidates; non-neutral verdicts only.

    With ``related_min``, neutral verdicts of candidates at least that similar are returned too (the
    "needs a look" tier; callers tell them apart by ``verdict.label``).
    The index is not modified: add the new statements afterwards if they should be found later.
    Each finding has the new statement as ``a`` and the indexed one as ``b``.
    """
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    new_keys = {s.key for s in new}
    for st in new:
        for cand, score in index.candidates(st, limit=limit):
            if cand.key == st.key or score < MIN_CANDIDATE_SCORE:
                continue
            pair = (st.key, cand.key) if st.key <= cand.key else (cand.key, st.key)
            if pair in seen or (cand.key in new_keys):
                continue
            seen.add(pair)
            if exclude(st, cand):
                continue
            v = classify(st, cand, choice_sets=choice_sets, context_similarity=score)
            if v.label != "neutral" or (related_min is not None and score >= related_min):
                findings.append(Finding(st, cand, v, score))
    return findings


@dataclass
class BatchResult:
    """What one batch of a scan produced. ``rows`` are (lo, hi, finding) by statement position."""

    number: int
    start: int
    end: int
    rows: list[tuple[int, int, Finding]] = field(default_factory=list)
    related: list[tuple[int, int, Finding]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for _, _, f in self.rows]


class ScanPlan:
    """All findings among ``statements``, as numbered batches of statement positions.

    Pair (i, j), i < j, is classified exactly once: by i if j is among i's candidates (with i's
    score), otherwise by j. A statement's candidate list is computed on demand and memoised, so a
    batch run alone, again, or after a crash decides exactly what it would have decided in one
    uninterrupted pass. ``related_min``: neutral pairs at least that similar are kept as ``related``.
    """

    def __init__(
        self,
        statements: Sequence[Statement],
        *,
        choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS,
        exclude: Callable[[Statement, Statement], bool] = _never,
        limit: int = SCAN_LIMIT,
        batch_size: int = SCAN_BATCH,
        related_min: float | None = None,
        index: StatementIndex | None = None,
    ) -> None:
        unique: dict[str, Statement] = {}
        for st in statements:
            unique.setdefault(st.key, st)
        self.statements: list[Statement] = list(unique.values())
        self.choice_sets = tuple(choice_sets)
        self.exclude = exclude
        self.limit = limit
        self.batch_size = max(1, int(batch_size))
        self.related_min = related_min
        self._index = index  # built on first use: planning a scan needs only the statements
        self.order = {st.key: i for i, st in enumerate(self.statements)}
        self._memo: dict[int, dict[int, float]] = {}

    def __len__(self) -> int:
        return len(self.statements)

    @property
    def index(self) -> StatementIndex:
        if self._index is None:
            index = StatementIndex(choice_sets=self.choice_sets)
            index.add(self.statements)
            self._index = index
        return self._index

    @property
    def batch_count(self) -> int:
        return -(-len(self.statements) // self.batch_size)

    def bounds(self, number: int) -> tuple[int, int]:
        if not 0 <= number < self.batch_count:
            raise IndexError(f"batch {number} is not in this plan of {self.batch_count}")
        start = number * self.batch_size
        return start, min(len(self.statements), start + self.batch_size)

    def candidates(self, i: int) -> dict[int, float]:
        got = self._memo.get(i)
        if got is None:
            got = {}
            for cand, score in self.index.candidates(self.statements[i], limit=self.limit):
                j = self.order.get(cand.key)
                if j is not None and j != i and score >= MIN_CANDIDATE_SCORE:
                    got.setdefault(j, score)
            self._memo[i] = got
        return got

    def pairs_of(self, i: int) -> list[tuple[int, int, float]]:
        out = []
        for j, score in self.candidates(i).items():
            if j > i:
                out.append((i, j, score))
            elif i not in self.candidates(j):
                out.append((j, i, score))
        return out

    def run_batch(self, number: int) -> BatchResult:
        """Classify the pairs statements of batch ``number`` decide; one bad pair is an error, not a crash."""
        start, end = self.bounds(number)
        result = BatchResult(number, start, end)
        for i in range(start, end):
            for lo, hi, score in sorted(self.pairs_of(i)):
                a, b = self.statements[lo], self.statements[hi]
                if self.exclude(a, b):
                    continue
                try:
                    v = classify(a, b, choice_sets=self.choice_sets, context_similarity=score)
                except Exception as exc:  # noqa: BLE001 - one bad pair must not sink the scan
                    logger.exception("classify failed for %s / %s", a.key, b.key)
                    result.errors.append(f"{a.key}/{b.key}: {type(exc).__name__}: {exc}"[:300])
                    continue
                if v.label != "neutral":
                    result.rows.append((lo, hi, Finding(a, b, v, score)))
                elif self.related_min is not None and score >= self.related_min:
                    result.related.append((lo, hi, Finding(a, b, v, score)))
        return result


def scan(
    statements: Sequence[Statement],
    *,
    choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS,
    exclude: Callable[[Statement, Statement], bool] = _never,
    limit: int = SCAN_LIMIT,
    workers: int | None = None,
) -> list[Finding]:
    """All findings among ``statements``: each unordered pair at most once, in input order.

    ``a`` is always the statement that comes first in ``statements``. Large scans run the plan's
    batches in a forked pool (``workers``, default: the CPU count) where the platform allows it;
    the result is identical either way.
    """
    plan = ScanPlan(statements, choice_sets=choice_sets, exclude=exclude, limit=limit)
    results = run_plan(plan, workers=workers)
    rows = sorted(((lo, hi), f) for r in results for lo, hi, f in r.rows)
    return [f for _, f in rows]


_PLAN: ScanPlan | None = None


def _run_forked(number: int) -> BatchResult:
    assert _PLAN is not None
    return _PLAN.run_batch(number)


def run_plan(plan: ScanPlan, *, workers: int | None = None) -> list[BatchResult]:
    """Every batch of ``plan``, in this process or (large plans) in a forked pool that shares the index."""
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    numbers = range(plan.batch_count)
    if n_workers > 1 and len(plan) >= PARALLEL_MIN and "fork" in mp.get_all_start_methods():
        global _PLAN
        _PLAN = plan
        plan.index  # noqa: B018 - build it here, once, for every forked worker
        wordnet.available()  # load lazily loaded data once here, so the forked workers share it
        load_model()
        try:
            with mp.get_context("fork").Pool(n_workers) as pool:
                return pool.map(_run_forked, numbers, chunksize=1)
        finally:
            _PLAN = None
    return [plan.run_batch(k) for k in numbers]
