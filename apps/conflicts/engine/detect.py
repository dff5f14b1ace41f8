"""Incremental check and full scan over an index of statements."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import wordnet
from .choices import DEFAULT_CHOICE_SETS, ChoiceSet
from .classifier import Verdict, classify
from .index import StatementIndex
from .statements import Statement

CANDIDATE_LIMIT = 12  # incremental check: candidates per new statement
SCAN_LIMIT = 8  # full scan: candidates per statement (each pair is seen from both ends)
MIN_CANDIDATE_SCORE = 0.1


@dataclass(frozen=True)
class Finding:
    a: Statement
    b: Statement
    verdict: Verdict


def _never(a: Statement, b: Statement) -> bool:
    return False


def check(
    new: Sequence[Statement],
    index: StatementIndex,
    *,
    choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS,
    exclude: Callable[[Statement, Statement], bool] = _never,
    limit: int = CANDIDATE_LIMIT,
) -> list[Finding]:
    """Compare each new statement with its indexed candidates; non-neutral verdicts only.

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
            if v.label != "neutral":
                findings.append(Finding(st, cand, v))
    return findings


def scan(
    statements: Sequence[Statement],
    *,
    choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS,
    exclude: Callable[[Statement, Statement], bool] = _never,
    limit: int = SCAN_LIMIT,
    workers: int | None = None,
) -> list[Finding]:
    """All findings among ``statements``: each unordered pair at most once, in input order.

    ``a`` is always the statement that comes first in ``statements``. Large scans fan out over
    forked worker processes (``workers``, default: the CPU count) where the platform allows it;
    the result is identical either way.
    """
    index = StatementIndex(choice_sets=choice_sets)
    order: dict[str, int] = {}
    for st in statements:
        order.setdefault(st.key, len(order))
    index.add(statements)
    ctx = {"statements": statements, "index": index, "order": order, "choice_sets": choice_sets,
           "exclude": exclude, "limit": limit}
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers > 1 and len(statements) >= PARALLEL_MIN and "fork" in mp.get_all_start_methods():
        global _CTX
        _CTX = ctx
        wordnet.available()  # load the WordNet files once here, so the forked workers share them
        try:
            with mp.get_context("fork").Pool(n_workers) as pool:
                parts = pool.map(_scan_part, [(k, n_workers) for k in range(n_workers)])
        finally:
            _CTX = None
        merged: dict[tuple[int, int], Verdict] = {}
        for part in parts:
            for lo, hi, v in part:
                merged.setdefault((lo, hi), v)
        rows = sorted(merged.items())
    else:
        rows = [((lo, hi), v) for lo, hi, v in _scan_slice(ctx, 0, 1)]
        rows.sort(key=lambda r: r[0])
    firsts = list(dict.fromkeys(st.key for st in statements))
    by_key = {st.key: st for st in statements}
    return [Finding(by_key[firsts[lo]], by_key[firsts[hi]], v) for (lo, hi), v in rows]


PARALLEL_MIN = 3000
_CTX: dict | None = None


def _scan_part(args: tuple[int, int]) -> list[tuple[int, int, Verdict]]:
    assert _CTX is not None
    return _scan_slice(_CTX, *args)


def _scan_slice(ctx: dict, part: int, parts: int) -> list[tuple[int, int, Verdict]]:
    statements: Sequence[Statement] = ctx["statements"]
    index: StatementIndex = ctx["index"]
    order: dict[str, int] = ctx["order"]
    exclude = ctx["exclude"]
    done: set[tuple[int, int]] = set()
    out: list[tuple[int, int, Verdict]] = []
    for pos, st in enumerate(statements):
        if pos % parts != part:
            continue
        i = order[st.key]
        for cand, score in index.candidates(st, limit=ctx["limit"]):
            j = order.get(cand.key)
            if j is None or j == i or score < MIN_CANDIDATE_SCORE:
                continue
            lo, hi = (i, j) if i < j else (j, i)
            if (lo, hi) in done:
                continue
            done.add((lo, hi))
            first, second = (st, cand) if i < j else (cand, st)
            if exclude(first, second):
                continue
            v = classify(first, second, choice_sets=ctx["choice_sets"], context_similarity=score)
            if v.label != "neutral":
                out.append((lo, hi, v))
    return out
