"""Candidate generation: an inverted index over content words and choice-set markers.

A query walks the posting lists of its rarest terms first, skips terms that are too common to
discriminate (longer than ``max_postings``) and stops after ``budget`` postings, so its cost is
bounded by a constant instead of growing with the number of indexed statements.
"""

from __future__ import annotations

import heapq
from itertools import islice
import math
from collections.abc import Iterable, Sequence

from .analysis import analyse
from .choices import DEFAULT_CHOICE_SETS, ChoiceSet
from .classifier import _mentions
from .statements import Statement


class StatementIndex:
    def __init__(self, *, choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS,
                 max_postings: int = 1500, budget: int = 6000) -> None:
        self.choice_sets = tuple(choice_sets)
        self.max_postings = max_postings
        self.budget = budget
        self._docs: dict[int, Statement] = {}
        self._terms: dict[int, tuple[str, ...]] = {}
        self._postings: dict[str, dict[int, None]] = {}  # insertion-ordered sets
        self._by_key: dict[str, int] = {}
        self._next = 0
        self.last_touched = 0  # postings visited by the last candidates() call (for tests/bench)

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Statement | None:
        i = self._by_key.get(key)
        return self._docs.get(i) if i is not None else None

    def terms_of(self, statement: Statement) -> tuple[str, ...]:
        an = analyse(statement.text)
        terms = set(an.content)
        for m in _mentions(statement.text, self.choice_sets):
            terms.add(f"choice:{m.set_name}")
        for q in an.quantities:
            if q.role:
                terms.add(f"role:{q.role}")
        if an.definition:
            terms.add(f"def:{an.definition[0]}")
        return tuple(sorted(terms))

    def add(self, statements: Iterable[Statement]) -> None:
        for st in statements:
            if st.key in self._by_key:
                self.remove([st.key])
            i = self._next
            self._next += 1
            terms = self.terms_of(st)
            self._docs[i] = st
            self._terms[i] = terms
            self._by_key[st.key] = i
            for t in terms:
                self._postings.setdefault(t, {})[i] = None

    def remove(self, keys: Iterable[str]) -> None:
        for key in keys:
            i = self._by_key.pop(key, None)
            if i is None:
                continue
            self._docs.pop(i, None)
            for t in self._terms.pop(i, ()):
                plist = self._postings.get(t)
                if plist is not None:
                    plist.pop(i, None)
                    if not plist:
                        del self._postings[t]

    def _idf(self, df: int) -> float:
        return math.log(1.0 + (len(self._docs) + 1) / (df + 0.5))

    def candidates(self, statement: Statement, *, limit: int = 20) -> list[tuple[Statement, float]]:
        """Up to ``limit`` indexed statements most likely to relate to ``statement``, best first."""
        terms = self.terms_of(statement)
        self_id = self._by_key.get(statement.key)
        weighted = []
        for t in terms:
            plist = self._postings.get(t)
            df = len(plist) if plist else 0
            w = self._idf(df)
            if t.startswith("choice:") or t.startswith("def:") or t.startswith("role:"):
                w += 2.0
            weighted.append((w, df, t))
        if not weighted:
            return []
        q_norm = math.sqrt(sum(w * w for w, _, _ in weighted))
        weighted.sort(key=lambda x: (-x[0], x[2]))
        scores: dict[int, float] = {}
        touched = 0
        for w, df, t in weighted:
            if df == 0:
                continue
            if df > self.max_postings and not t.startswith("choice:"):
                continue
            plist = self._postings[t]
            # for huge marker lists only the most recent entries are walked
            ids = plist if df <= self.max_postings else islice(reversed(plist), self.max_postings)
            for i in ids:
                if i != self_id:
                    scores[i] = scores.get(i, 0.0) + w * w
            touched += min(df, self.max_postings)
            if touched >= self.budget:
                break
        self.last_touched = touched
        if not scores:
            return []
        best = heapq.nlargest(limit * 3, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        out = []
        for i, s in best:
            d_terms = self._terms[i]
            d_norm = math.sqrt(sum(self._weight_of(t) ** 2 for t in d_terms)) or 1.0
            out.append((self._docs[i], s / (q_norm * d_norm)))
        out.sort(key=lambda x: (-x[1], x[0].key))
        return out[:limit]

    def _weight_of(self, t: str) -> float:
        plist = self._postings.get(t)
        w = self._idf(len(plist) if plist else 0)
        if t.startswith(("choice:", "def:", "role:")):
            w += 2.0
        return w
