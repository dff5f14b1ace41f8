"""People's judgements on pairs, and the per-engagement calibration they train.

- `finding_flag`: anyone of a concerned workstream (or the PMO) flags two statements as a conflict
  or merge candidate by hand: a manual finding, with the same lifecycle as detected ones.
- `related_pair_confirm` / `related_pair_dismiss`: the verdict on a "needs a look" pair.
- Each judgement (these, and dismissing or acknowledging a detected finding) is a labelled example;
  `calibration_refit` refits the engagement's thresholds (`engine.feedback.fit`) and appends a new
  Calibration row when they change. `calibration_reset` (PMO) goes back to the shipped default and
  ignores the judgements made before it. Every version stays in the history, every change is audited.
"""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts import policies
from apps.accounts.models import User
from apps.accounts.policies import require_pmo
from apps.audit.services import audit_log
from apps.conflicts.engine.feedback import DEFAULT, Example, fit
from apps.conflicts.engine.feedback import Calibration as EngineCalibration
from apps.core.errors import ApplicationError
from apps.core.hashing import canonical_json, sha256_text
from apps.engagements import numbering
from apps.engagements.models import Engagement
from apps.engagements.numbering import reference_numbers
from apps.inputs.models import Input

from ..models import Calibration, Finding, RelatedPair, RevisionStatement

DUPLICATE_KINDS = ("duplicate", "overlap")
CONFLICT_KINDS = tuple(k for k in Finding.Kind.values if k not in DUPLICATE_KINDS)  # "other" last
EXPLANATION_MAX = 2000
CONFIRMED_STATUSES = (Finding.Status.ACKNOWLEDGED, Finding.Status.IN_ALIGNMENT, Finding.Status.RESOLVED)


# --- calibration --------------------------------------------------------------------------------------------


def calibration_latest(*, engagement_id: int) -> Calibration | None:
    return Calibration.objects.filter(engagement_id=engagement_id).order_by("-id").first()


def calibration_current(*, engagement_id: int) -> EngineCalibration:
    row = calibration_latest(engagement_id=engagement_id)
    return EngineCalibration.from_dict(row.params) if row else DEFAULT


def calibration_examples(*, engagement_id: int) -> list[Example]:
    """The engagement's judged pairs since its last reset, as the engine's training examples."""
    row = calibration_latest(engagement_id=engagement_id)
    since = row.labels_since if row else None
    out: list[Example] = []
    findings = Finding.objects.filter(engagement_id=engagement_id, origin=Finding.Origin.DETECTED,
                                      similarity__isnull=False,
                                      status__in=(Finding.Status.DISMISSED, *CONFIRMED_STATUSES))
    if since:
        findings = findings.filter(status_changed_at__gte=since)
    for label, score, similarity, status, rule in findings.values_list("label", "score", "similarity", "status",
                                                                       "rule"):
        engine = ("neutral", 0.0) if rule == "calibrated" else (label, score)  # promoted by calibration
        out.append(Example(engine[0], engine[1], similarity, "neutral" if status == Finding.Status.DISMISSED
                           else label))
    pairs = RelatedPair.objects.filter(engagement_id=engagement_id, status__in=(
        RelatedPair.Status.CONFIRMED, RelatedPair.Status.DISMISSED))
    if since:
        pairs = pairs.filter(decided_at__gte=since)
    for engine_label, score, similarity, status, label in pairs.values_list(
            "engine_label", "engine_score", "similarity", "status", "finding__label"):
        truth = (label or "neutral") if status == RelatedPair.Status.CONFIRMED else "neutral"
        out.append(Example(engine_label, score, similarity, truth))
    return out


def calibration_refit(*, engagement_id: int, actor: User | None, reason: str) -> Calibration | None:
    """Refit to the current examples; a new version only if the thresholds change. Call inside a transaction."""
    examples = calibration_examples(engagement_id=engagement_id)
    latest = calibration_latest(engagement_id=engagement_id)
    params = fit(examples).as_dict()
    current = EngineCalibration.from_dict(latest.params).as_dict() if latest else DEFAULT.as_dict()
    if params == current:
        return None
    row = Calibration.objects.create(engagement_id=engagement_id, params=params, examples=len(examples),
                                     labels_since=latest.labels_since if latest else None, reason=reason[:200],
                                     created_by=actor)
    audit_log(actor=actor, action="conflicts.calibration.refitted", target=row, engagement=engagement_id,
              changes={"from": current, "to": params, "examples": len(examples), "why": reason[:200]})
    return row


@transaction.atomic
def calibration_reset(*, engagement: Engagement, actor: User) -> Calibration:
    """PMO: back to the shipped default; judgements made before now no longer count (history is kept)."""
    require_pmo(actor=actor, engagement=engagement)
    latest = calibration_latest(engagement_id=engagement.pk)
    row = Calibration.objects.create(engagement=engagement, params=DEFAULT.as_dict(), examples=0,
                                     labels_since=timezone.now(), reason="Reset to the shipped default",
                                     created_by=actor)
    audit_log(actor=actor, action="conflicts.calibration.reset", target=row, engagement=engagement.pk,
              changes={"from": latest.params if latest else DEFAULT.as_dict(), "to": row.params})
    return row


# --- judgements ---------------------------------------------------------------------------------------------


def _require_concerned(*, actor: User, target: Any) -> None:
    """The finding rule, for a related pair or a pair about to be flagged (same engagement/workstream fields)."""
    membership = policies.membership_of(user=actor, engagement_id=target.engagement_id)
    policies.require(policies.may_act_on_finding(membership, target),
                     "Only the PMO or the two workstreams involved can judge this pair.")


def _clean_judgement(*, label: str, kind: str, explanation: str) -> tuple[str, str, str]:
    if label not in (Finding.Label.CONFLICT, Finding.Label.DUPLICATE):
        raise ApplicationError("Choose conflict or merge candidate.", field="label")
    kinds = CONFLICT_KINDS if label == Finding.Label.CONFLICT else DUPLICATE_KINDS
    kind = kind or kinds[-1]
    if kind not in kinds:
        raise ApplicationError(f"A {label} has one of these kinds: {', '.join(kinds)}.", field="kind")
    explanation = (explanation or "").strip()
    if not explanation:
        raise ApplicationError("Say in one sentence why these two statements clash or repeat each other.",
                               field="explanation")
    if len(explanation) > EXPLANATION_MAX:
        raise ApplicationError(f"Keep the explanation under {EXPLANATION_MAX} characters.", field="explanation")
    return label, kind, explanation


def _manual_finding(*, fields: dict[str, Any], label: str, kind: str, explanation: str, actor: User) -> Finding:
    finding = Finding(**fields, label=label, kind=kind, explanation=explanation, origin=Finding.Origin.MANUAL,
                      created_by=actor, rule="manual", score=1.0, values=["", ""],
                      highlights={"a": [[0, len(fields["statement_a"])]], "b": [[0, len(fields["statement_b"])]]},
                      status_changed_at=timezone.now())
    # unique like a detected finding's: one finding per statement pair (pair_key), whoever made it
    finding.fingerprint = sha256_text(canonical_json({"pair": finding.pair_key, "kind": kind, "manual": True}))
    finding.number = reference_numbers(engagement_id=finding.engagement_id, kind=numbering.FINDING)
    finding.save()
    return finding


def _pair_fields(pair: RelatedPair) -> dict[str, Any]:
    names = ("engagement_id", "pair_key", "revision_a_id", "revision_b_id", "input_a_id", "input_b_id",
             "workstream_a_id", "workstream_b_id", "statement_a", "statement_b", "span_a", "span_b")
    return {n: getattr(pair, n) for n in names}


def _current(*, input_ids: tuple[int, int], revision_ids: tuple[int, int]) -> bool:
    found = set(Input.objects.filter(pk__in=input_ids, status=Input.Status.SUBMITTED,
                                     current_revision_id__in=revision_ids).values_list("pk", flat=True))
    return found == set(input_ids)


@transaction.atomic
def related_pair_confirm(*, pair: RelatedPair, actor: User, label: str, kind: str = "",
                         explanation: str = "") -> Finding:
    """A "needs a look" pair is a real conflict or merge candidate: it becomes a manual finding."""
    locked = RelatedPair.objects.select_for_update().get(pk=pair.pk)
    _require_concerned(actor=actor, target=locked)
    label, kind, explanation = _clean_judgement(label=label, kind=kind, explanation=explanation)
    if locked.status != RelatedPair.Status.OPEN:
        raise ApplicationError(f"{locked.reference} is {locked.get_status_display().lower()}; only pairs that need "
                               "a look can be confirmed.")
    if not _current(input_ids=(locked.input_a_id, locked.input_b_id),
                    revision_ids=(locked.revision_a_id, locked.revision_b_id)):
        raise ApplicationError("One of the two inputs has changed since; look at its current text.")
    existing = Finding.objects.filter(pair_key=locked.pair_key).first()
    if existing is not None:
        raise ApplicationError(f"This pair is already {existing.reference}.")
    finding = _manual_finding(fields=_pair_fields(locked), label=label, kind=kind, explanation=explanation,
                              actor=actor)
    locked.status, locked.finding, locked.decided_by, locked.decided_at = (
        RelatedPair.Status.CONFIRMED, finding, actor, timezone.now())
    locked.reason = explanation
    locked.save()
    audit_log(actor=actor, action="conflicts.related_pair.confirmed", target=locked, engagement=locked.engagement_id,
              changes={"finding": finding.reference, "label": label, "kind": kind, "explanation": explanation})
    audit_log(actor=actor, action="conflicts.finding.flagged", target=finding, engagement=finding.engagement_id,
              changes={"label": label, "kind": kind, "from": locked.reference, "explanation": explanation})
    calibration_refit(engagement_id=locked.engagement_id, actor=actor, reason=f"{locked.reference} confirmed")
    pair.status, pair.finding_id = locked.status, finding.pk
    return finding


@transaction.atomic
def related_pair_dismiss(*, pair: RelatedPair, actor: User, reason: str = "") -> RelatedPair:
    """Not a conflict, not a duplicate: the pair leaves the second tier and stays out of it."""
    locked = RelatedPair.objects.select_for_update().get(pk=pair.pk)
    _require_concerned(actor=actor, target=locked)
    if locked.status != RelatedPair.Status.OPEN:
        raise ApplicationError(f"{locked.reference} is {locked.get_status_display().lower()}; only pairs that need "
                               "a look can be dismissed.")
    locked.status, locked.decided_by, locked.decided_at = RelatedPair.Status.DISMISSED, actor, timezone.now()
    locked.reason = (reason or "").strip()[:EXPLANATION_MAX]
    locked.save()
    audit_log(actor=actor, action="conflicts.related_pair.dismissed", target=locked, engagement=locked.engagement_id,
              changes={"reason": locked.reason})
    calibration_refit(engagement_id=locked.engagement_id, actor=actor, reason=f"{locked.reference} dismissed")
    return locked


@transaction.atomic
def finding_flag(*, engagement: Engagement, actor: User, statement_a_id: int, statement_b_id: int, label: str,
                 kind: str = "", explanation: str = "") -> Finding:
    """Flag two current statements of two inputs as a conflict or merge candidate by hand."""
    label, kind, explanation = _clean_judgement(label=label, kind=kind, explanation=explanation)
    rows = {r.pk: r for r in RevisionStatement.objects.filter(
        pk__in=[statement_a_id, statement_b_id], engagement=engagement, input__status=Input.Status.SUBMITTED,
        revision_id=F("input__current_revision_id")).select_related("revision")}
    if statement_a_id not in rows or statement_b_id not in rows:
        raise ApplicationError("Pick two statements of current, submitted inputs of this engagement.",
                               field="statement_b")
    a, b = rows[statement_a_id], rows[statement_b_id]
    if a.input_id == b.input_id:
        raise ApplicationError("Pick statements of two different inputs.", field="statement_b")
    if (b.input_id, b.revision.body_sha256, b.start, b.end) < (a.input_id, a.revision.body_sha256, a.start, a.end):
        a, b = b, a
    sides = [[a.input_id, a.revision.body_sha256, a.start, a.end], [b.input_id, b.revision.body_sha256, b.start, b.end]]
    pair_key = sha256_text(canonical_json({"engagement": engagement.pk, "sides": sides}))
    fields = {"engagement_id": engagement.pk, "pair_key": pair_key, "revision_a_id": a.revision_id,
              "revision_b_id": b.revision_id, "input_a_id": a.input_id, "input_b_id": b.input_id,
              "workstream_a_id": a.workstream_id, "workstream_b_id": b.workstream_id, "statement_a": a.text,
              "statement_b": b.text, "span_a": [a.start, a.end], "span_b": [b.start, b.end]}
    probe = RelatedPair(**fields)
    _require_concerned(actor=actor, target=probe)
    existing = Finding.objects.filter(pair_key=pair_key).first()
    if existing is not None:
        raise ApplicationError(f"This pair is already {existing.reference} ({existing.get_status_display().lower()}).")
    pair = RelatedPair.objects.select_for_update().filter(pair_key=pair_key, status=RelatedPair.Status.OPEN).first()
    if pair is not None:
        return related_pair_confirm(pair=pair, actor=actor, label=label, kind=kind, explanation=explanation)
    finding = _manual_finding(fields=fields, label=label, kind=kind, explanation=explanation, actor=actor)
    audit_log(actor=actor, action="conflicts.finding.flagged", target=finding, engagement=engagement.pk,
              changes={"label": label, "kind": kind, "explanation": explanation,
                       "statements": [statement_a_id, statement_b_id]})
    return finding
