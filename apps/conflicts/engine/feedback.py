"""A small per-engagement calibration layer over the engine's verdicts, learned from people's judgements.

The engine decides conflict / duplicate / neutral with a score, and the scan knows each pair's
similarity (the index score). An engagement's PMO and leads then judge pairs: confirm or dismiss a
"needs a look" pair, dismiss a finding as a false positive, acknowledge one. Those judgements are
labelled examples, and four thresholds are refitted to them:

- ``demote``: a conflict (duplicate) verdict scoring below this is shown in the second tier instead
  of as a finding (people keep dismissing that rule's weak calls here);
- ``promote``: a neutral pair at least this similar becomes a finding of that label (people keep
  confirming such pairs here);
- ``related_min``: how similar a neutral pair must be to be shown as "needs a look".

Each threshold moves only when that agrees with at least MIN_GAIN more examples than before (ties
keep the shipped default), so one dismissal cannot swing it. Pure functions, no Django.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

Tier = Literal["conflict", "duplicate", "related", "none"]
LABELS = ("conflict", "duplicate")
OFF = 1.01  # a similarity/score threshold above any reachable value: the rule never fires
MIN_GAIN = 2  # examples a threshold move must newly get right: one judgement alone never moves one


@dataclass(frozen=True)
class Calibration:
    related_min: float = 0.3
    demote: dict[str, float] = field(default_factory=lambda: {"conflict": 0.0, "duplicate": 0.0})
    promote: dict[str, float] = field(default_factory=lambda: {"conflict": OFF, "duplicate": OFF})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Calibration:
        base = cls()
        if not data:
            return base
        return cls(related_min=float(data.get("related_min", base.related_min)),
                   demote={**base.demote, **{k: float(v) for k, v in (data.get("demote") or {}).items()}},
                   promote={**base.promote, **{k: float(v) for k, v in (data.get("promote") or {}).items()}})


DEFAULT = Calibration()


@dataclass(frozen=True)
class Example:
    """One judged pair: what the engine said (label, score), how similar the pair is, what people said."""

    engine_label: str  # conflict | duplicate | neutral
    engine_score: float
    similarity: float
    truth: str  # conflict | duplicate | neutral


def tier(cal: Calibration, *, label: str, score: float, similarity: float) -> Tier:
    """Where a classified pair goes: a finding of that label, the "needs a look" tier, or nowhere."""
    if label in LABELS:
        return "related" if score < cal.demote.get(label, 0.0) else label  # type: ignore[return-value]
    # the more similar promotion first: duplicates are usually more similar than conflicts
    for name in sorted(LABELS, key=lambda n: -cal.promote.get(n, OFF)):
        if similarity >= cal.promote.get(name, OFF):
            return name  # type: ignore[return-value]
    return "related" if similarity >= cal.related_min else "none"


def predicted(cal: Calibration, ex: Example) -> str:
    t = tier(cal, label=ex.engine_label, score=ex.engine_score, similarity=ex.similarity)
    return t if t in LABELS else "neutral"


def agreement(cal: Calibration, examples: Sequence[Example]) -> int:
    return sum(predicted(cal, ex) == ex.truth for ex in examples)


def _cuts(values: Iterable[float]) -> list[float]:
    """Thresholds worth trying: midpoints between neighbouring observed values, and the ends."""
    vs = sorted({round(v, 4) for v in values})
    return [vs[0] - 1e-4] + [(x + y) / 2 for x, y in zip(vs, vs[1:], strict=False)] + [vs[-1] + 1e-4] if vs else []


def fit(examples: Sequence[Example], base: Calibration = DEFAULT) -> Calibration:
    """Refit the thresholds to the examples by coordinate ascent on agreement; ties keep the base value."""
    cal = base
    if not examples:
        return cal
    for _ in range(2):  # the thresholds interact a little; two sweeps settle them
        for label in LABELS:
            scores = [ex.engine_score for ex in examples if ex.engine_label == label]
            if scores:
                cal = _best(cal, examples, [base.demote.get(label, 0.0), *_cuts(scores)],
                            lambda c, v, label=label: replace(c, demote={**c.demote, label: max(0.0, v)}))
            sims = [ex.similarity for ex in examples if ex.engine_label == "neutral"]
            if sims:
                cal = _best(cal, examples, [base.promote.get(label, OFF), *_cuts(sims)],
                            lambda c, v, label=label: replace(c, promote={**c.promote, label: v}))
    # the second tier: raise its floor past a run of dismissed low-similarity pairs, never past a confirmed one
    shown = [ex for ex in examples if ex.engine_label == "neutral" and ex.similarity >= base.related_min]
    confirmed = [ex.similarity for ex in shown if ex.truth in LABELS]
    dismissed = sorted(ex.similarity for ex in shown if ex.truth == "neutral")
    ceiling = min(confirmed) if confirmed else OFF
    below = [s for s in dismissed if s < ceiling]
    if len(below) >= 5:
        cal = replace(cal, related_min=round(min(ceiling, below[-1] + 0.01), 4))
    return cal


def _best(cal: Calibration, examples: Sequence[Example], values: Sequence[float], make) -> Calibration:  # noqa: ANN001
    start = agreement(cal, examples)
    best, best_score = cal, start
    for v in values:
        trial = make(cal, round(v, 4))
        s = agreement(trial, examples)
        if s > best_score:
            best, best_score = trial, s
    return best if best_score - start >= MIN_GAIN else cal
