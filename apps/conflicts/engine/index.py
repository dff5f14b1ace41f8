"""Candidate generation: an inverted index over content words and choice-set markers.

A query walks the posting lists of its rarest terms first, skips terms that are too common to
discriminate (longer than ``max_postings``) and stops after ``budget`` postings, so its cost is
bounded by a constant instead of growing with the number of indexed statements.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from itertools import islice

from .analysis import analyse
from .choices import DEFAULT_CHOICE_SETS, ChoiceSet, matcher_for
from .ko.dispatch import index_terms
from .statements import Statement


class StatementIndex:
    def __init__(self, *, choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS,
                 max_postings: int = 400, budget: int = 1000) -> None:
        self.choice_sets = tuple(choice_sets)
        self._matcher = matcher_for(choice_sets)  # type: ignore[arg-type]
        self.max_postings = max_postings
        self.budget = budget
        self._docs: dict[int, Statement] = {}
        self._terms: dict[int, tuple[str, ...]] = {}
        self._postings: dict[str, dict[int, None]] = {}  # insertion-ordered sets
        self._by_key: dict[str, int] = {}
        self._norms: dict[int, float] = {}
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
        ko = index_terms(statement.text, self.choice_sets)  # Korean statements: lemmas + English concepts
        if ko is not None:
            return ko
        an = analyse(statement.text)
        terms = set(an.content)
        for m in self._matcher.mentions(statement.text):
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
            # norm frozen at insertion time: close enough as the collection grows, and O(1) to use
            self._norms[i] = math.sqrt(sum(self._weight(t, len(self._postings[t])) ** 2 for t in terms)) or 1.0

    def remove(self, keys: Iterable[str]) -> None:
        for key in keys:
            i = self._by_key.pop(key, None)
            if i is None:
                continue
            self._docs.pop(i, None)
            self._norms.pop(i, None)
            for t in self._terms.pop(i, ()):
                plist = self._postings.get(t)
                if plist is not None:
                    plist.pop(i, None)
                    if not plist:
                        del self._postings[t]

    def _idf(self, df: int) -> float:
        return math.log(1.0 + (len(self._docs) + 1) / (df + 0.5))

    def _weight(self, t: str, df: int) -> float:
        w = self._idf(df)
        if t.startswith(("choice:", "def:", "role:")):
            w += 2.0
        return w

    def candidates(self, statement: Statement, *, limit: int = 20) -> list[tuple[Statement, float]]:
        """Up to ``limit`` indexed statements most likely to relate to ``statement``, best first.

        Score: cosine of rarity-weighted term vectors, accumulated over the rarest terms' postings.
        """
        terms = self.terms_of(statement)
        self_id = self._by_key.get(statement.key)
        weighted = []
        for t in terms:
            plist = self._postings.get(t)
            df = len(plist) if plist else 0
            weighted.append((self._weight(t, df), df, t))
        if not weighted:
            return []
        q_norm = math.sqrt(sum(w * w for w, _, _ in weighted))
        weighted.sort(key=lambda x: (-x[0], x[2]))
        scores: dict[int, float] = {}
        touched = 0
        for w, df, t in weighted:
            if df == 0:
                continue
            plist = self._postings[t]
            if df > self.max_postings:
                if not t.startswith("choice:"):
                    continue  # too common to discriminate
                ids = islice(reversed(plist), self.max_postings // 4)  # recent mentions only
                touched += self.max_postings // 4
            else:
                ids = plist
                touched += df
            ww = w * w
            get = scores.get
            for i in ids:
                scores[i] = get(i, 0.0) + ww
            if touched >= self.budget:
                break
        if not scores:
            # every term is common: fall back to the most recent postings of the two rarest terms
            for w, df, t in sorted((x for x in weighted if x[1]), key=lambda x: (x[1], x[2]))[:2]:
                ww = w * w
                for i in islice(reversed(self._postings[t]), self.max_postings // 2):
                    scores[i] = scores.get(i, 0.0) + ww
                touched += min(df, self.max_postings // 2)
        scores.pop(self_id, None)
        self.last_touched = touched
        if not scores:
            return []
        norms = self._norms
        best = heapq.nlargest(limit * 2, [(sc / norms[i], -i) for i, sc in scores.items()])
        # exact cosine (current rarity weights) for the short list; a term's weight is computed once per
        # query (the short list shares most of its terms), with the same arithmetic as `_weight`
        qw = {t: w for w, _, t in weighted}
        term_w = dict(qw)
        postings = self._postings
        weight = self._weight
        out = []
        for _, ni in best:
            i = -ni
            d_norm = 0.0
            dot = 0.0
            for t in self._terms[i]:
                w = term_w.get(t)
                if w is None:
                    w = term_w[t] = weight(t, len(postings[t]))
                d_norm += w * w
                q = qw.get(t)
                if q is not None:
                    dot += q * w
            out.append((self._docs[i], min(1.0, dot / (q_norm * math.sqrt(d_norm or 1.0)))))
        out.sort(key=lambda x: (-x[1], x[0].key))
        return out[:limit]
