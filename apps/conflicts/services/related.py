"""The second tier ("related across workstreams — needs a look") and how engine output is sorted into tiers.

A classified pair goes, through the engagement's calibration (`engine.feedback.tier`), to a finding,
to this tier, or nowhere. Related pairs are stored once per statement pair (the same pair key as
findings); a pair that already is a finding is never also a related pair. A statement keeps at most
`CONFLICTS_RELATED_PER_STATEMENT` (3) open related pairs, its most similar ones (`related_cap`): the
tier is a short list to look at, not every pair of shared words (a full scan of 10,000 synthetic
inputs produced 88,000 of them before the cap).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from apps.conflicts.engine import Finding as EngineFinding
from apps.conflicts.engine.classifier import Verdict
from apps.conflicts.engine.feedback import Calibration, tier

from ..models import DetectionRun, Finding, RelatedPair
from .finding_inserts import chunks
from .rows import _side, finding_fields, fingerprints


def related_fields(*, engagement_id: int, found: EngineFinding) -> dict[str, Any]:
    """The RelatedPair columns for a pair, side A the canonically smaller side (as for findings)."""
    a, b = found.a, found.b
    if _side(b) < _side(a):
        a, b = b, a
    _, pair_key = fingerprints(engagement_id=engagement_id, a=a, b=b, kind="")
    v = found.verdict
    return {
        "engagement_id": engagement_id, "pair_key": pair_key,
        "revision_a_id": int(a.meta["revision_id"]), "revision_b_id": int(b.meta["revision_id"]),
        "input_a_id": int(a.meta["input_id"]), "input_b_id": int(b.meta["input_id"]),
        "workstream_a_id": int(a.meta["workstream_id"]), "workstream_b_id": int(b.meta["workstream_id"]),
        "statement_a": a.text, "statement_b": b.text, "span_a": [a.start, a.end], "span_b": [b.start, b.end],
        "similarity": round(float(found.similarity), 4), "engine_label": v.label, "engine_kind": v.kind or "",
        "engine_score": float(v.score),
    }


def _promoted(found: EngineFinding, label: str) -> Verdict:
    """A neutral pair the engagement's calibration promotes to a finding: say why, plainly."""
    a_ws, b_ws = found.a.meta.get("workstream", "one workstream"), found.b.meta.get("workstream", "another")
    what = "conflicts" if label == "conflict" else "merge candidates"
    return Verdict(label, "other" if label == "conflict" else "overlap", round(found.similarity, 3), "calibrated",
                   f"{a_ws} and {b_ws} say closely related things (similarity {found.similarity:.2f}); pairs this "
                   f"similar were confirmed as {what} in this engagement.",
                   (found.a.text, found.b.text), ((0, len(found.a.text)),), ((0, len(found.b.text)),))


def sort_tiers(*, engagement_id: int, found: Sequence[EngineFinding], cal: Calibration
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(Finding columns, RelatedPair columns) for classified pairs, by the engagement's calibration."""
    findings, related = [], []
    for f in found:
        where = tier(cal, label=f.verdict.label, score=f.verdict.score, similarity=f.similarity)
        if where in ("conflict", "duplicate"):
            verdict = f.verdict if f.verdict.label == where else _promoted(f, where)
            findings.append({**finding_fields(engagement_id=engagement_id, a=f.a, b=f.b, verdict=verdict),
                             "similarity": round(float(f.similarity), 4)})
        elif where == "related":
            related.append(related_fields(engagement_id=engagement_id, found=f))
    return findings, related


def related_upsert(*, run: DetectionRun | None, rows: Sequence[dict[str, Any]]) -> int:
    """Insert the related pairs not seen before; a pair that is (or was) a finding or a related pair is
    left alone, so a dismissed one stays dismissed. Returns how many were new."""
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:
        by_key.setdefault(row["pair_key"], row)
    if not by_key:
        return 0
    known: set[str] = set()
    for part in chunks(list(by_key)):
        known.update(Finding.objects.filter(pair_key__in=part).values_list("pair_key", flat=True))
        known.update(RelatedPair.objects.filter(pair_key__in=part).values_list("pair_key", flat=True))
    fresh = [RelatedPair(**row, run=run) for key, row in by_key.items() if key not in known]
    RelatedPair.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)  # a racing insert is skipped
    return len(fresh)


def related_per_statement() -> int:
    return max(1, int(getattr(settings, "CONFLICTS_RELATED_PER_STATEMENT", 3)))


def related_cap(*, engagement_id: int, input_ids: Iterable[int] | None = None, per_statement: int | None = None
                ) -> int:
    """Keep at most `per_statement` open related pairs per statement, the most similar ones; delete the rest.

    Best first (similarity, then pair key, so the outcome depends only on the pairs, never on the order
    batches committed in): a pair stays if both of its statements still have room. With `input_ids`, only
    the open pairs touching those inputs are weighed (an incremental check passes the new input and its
    partners, so every pair of every statement it touches is counted). Dismissed, confirmed and superseded
    pairs are judgements and history: never touched, never counted. Returns how many pairs were removed.
    """
    k = related_per_statement() if per_statement is None else max(1, per_statement)
    qs = RelatedPair.objects.filter(engagement_id=engagement_id, status=RelatedPair.Status.OPEN)
    if input_ids is not None:
        ids = sorted(set(input_ids))
        if not ids:
            return 0
        qs = qs.filter(Q(input_a_id__in=ids) | Q(input_b_id__in=ids))
    rows = list(qs.values_list("pk", "pair_key", "similarity", "revision_a_id", "span_a", "revision_b_id", "span_b"))
    rows.sort(key=lambda r: (-r[2], r[1]))
    kept: Counter[tuple[Any, ...]] = Counter()
    drop = []
    for pk, _key, _sim, rev_a, span_a, rev_b, span_b in rows:
        a, b = (rev_a, *span_a), (rev_b, *span_b)
        if kept[a] < k and kept[b] < k:
            kept[a] += 1
            kept[b] += 1
        else:
            drop.append(pk)
    for part in chunks(drop):
        RelatedPair.objects.filter(pk__in=part, status=RelatedPair.Status.OPEN).delete()
    return len(drop)


def related_count(*, run_id: int) -> int:
    """The run's related pairs still standing (after the cap)."""
    return RelatedPair.objects.filter(run_id=run_id).count()


def related_supersede(*, input_id: int) -> int:
    """The input changed: its open related pairs no longer describe current text."""
    return RelatedPair.objects.filter(Q(input_a_id=input_id) | Q(input_b_id=input_id),
                                      status=RelatedPair.Status.OPEN).update(
        status=RelatedPair.Status.SUPERSEDED, updated_at=timezone.now())
