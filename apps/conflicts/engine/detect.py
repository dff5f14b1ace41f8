"""Incremental check and full scan over an index of statements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .choices import DEFAULT_CHOICE_SETS, ChoiceSet
from .classifier import Verdict, classify
from .index import StatementIndex
from .statements import Statement

CANDIDATE_LIMIT = 12
MIN_CANDIDATE_SCORE = 0.08


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
            v = classify(st, cand, choice_sets=choice_sets)
            if v.label != "neutral":
                findings.append(Finding(st, cand, v))
    return findings


def scan(
    statements: Sequence[Statement],
    *,
    choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS,
    exclude: Callable[[Statement, Statement], bool] = _never,
    limit: int = CANDIDATE_LIMIT,
) -> list[Finding]:
    """All findings among ``statements``: each unordered pair at most once, in input order.

    ``a`` is always the statement that comes first in ``statements``.
    """
    index = StatementIndex(choice_sets=choice_sets)
    order: dict[str, int] = {}
    for st in statements:
        order.setdefault(st.key, len(order))
    index.add(statements)
    done: set[tuple[int, int]] = set()
    findings: list[tuple[int, int, Finding]] = []
    for st in statements:
        i = order[st.key]
        for cand, score in index.candidates(st, limit=limit):
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
            v = classify(first, second, choice_sets=choice_sets)
            if v.label != "neutral":
                findings.append((lo, hi, Finding(first, second, v)))
    findings.sort(key=lambda t: (t[0], t[1]))
    return [f for _, _, f in findings]
