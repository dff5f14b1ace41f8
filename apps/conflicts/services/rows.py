"""From engine output to the columns of a Finding or RelatedPair row: the pair's fingerprints and sides.

Below `detection`, `related` and `scan`, which all build rows with these (and so import them from here,
not from each other).
"""
from __future__ import annotations

from typing import Any

from apps.conflicts.engine import Statement, Verdict
from apps.core.hashing import canonical_json, sha256_text

from ..models import Finding

CONFLICT_KINDS = {"numeric", "exclusive_choice", "negation", "scope", "terminology", "priority", "process", "other"}
DUPLICATE_KINDS = {"duplicate", "overlap"}


def _side(st: Statement) -> tuple[int, str, int, int]:
    return (int(st.meta["input_id"]), st.meta["body_sha256"], st.start, st.end)


def fingerprints(*, engagement_id: int, a: Statement, b: Statement, kind: str) -> tuple[str, str]:
    """(fingerprint, pair key): sha256 over the engagement and both sides in canonical order (input id,
    revision body hash, statement span), the fingerprint with the kind as well."""
    sides = sorted([list(_side(a)), list(_side(b))])
    pair_key = sha256_text(canonical_json({"engagement": engagement_id, "sides": sides}))
    fingerprint = sha256_text(canonical_json({"engagement": engagement_id, "sides": sides, "kind": kind}))
    return fingerprint, pair_key


def finding_fields(*, engagement_id: int, a: Statement, b: Statement, verdict: Verdict) -> dict[str, Any]:
    """The Finding columns for one non-neutral verdict, with side A the canonically smaller side."""
    label = Finding.Label.CONFLICT if verdict.label == "conflict" else Finding.Label.DUPLICATE
    kind = verdict.kind
    if label == Finding.Label.CONFLICT and kind not in CONFLICT_KINDS:
        kind = Finding.Kind.OTHER
    if label == Finding.Label.DUPLICATE and kind not in DUPLICATE_KINDS:
        kind = Finding.Kind.OVERLAP
    values = list(verdict.values) if verdict.values else ["", ""]
    spans_a, spans_b = verdict.spans_a, verdict.spans_b
    if _side(b) < _side(a):
        a, b = b, a
        spans_a, spans_b = spans_b, spans_a
        values = list(reversed(values))
    fingerprint, pair_key = fingerprints(engagement_id=engagement_id, a=a, b=b, kind=kind)
    return {
        "engagement_id": engagement_id, "fingerprint": fingerprint, "pair_key": pair_key, "label": label,
        "kind": kind, "revision_a_id": int(a.meta["revision_id"]), "revision_b_id": int(b.meta["revision_id"]),
        "input_a_id": int(a.meta["input_id"]), "input_b_id": int(b.meta["input_id"]),
        "workstream_a_id": int(a.meta["workstream_id"]), "workstream_b_id": int(b.meta["workstream_id"]),
        "statement_a": a.text, "statement_b": b.text, "span_a": [a.start, a.end], "span_b": [b.start, b.end],
        "highlights": {"a": [list(s) for s in spans_a], "b": [list(s) for s in spans_b]},
        "values": [str(v) for v in values], "rule": (verdict.rule or "")[:80], "score": float(verdict.score),
        "explanation": verdict.explanation or "",
    }
