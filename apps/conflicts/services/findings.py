"""A finding's lifecycle: open → acknowledged → in alignment → resolved, or dismissed with a reason.

Taken off its last live agenda undecided, a finding in alignment goes back to open or acknowledged.

Superseded is set by detection (the input got a new revision or was withdrawn), never by a person.
"""
from __future__ import annotations

from typing import Protocol

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts import policies
from apps.accounts.models import Membership, Role, User
from apps.accounts.policies import require_pmo
from apps.audit.models import AuditEvent
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.notifications.services import notify

from ..models import Finding


class Decision(Protocol):
    """What resolving needs of an alignment decision (alignment sits above conflicts: no import)."""

    pk: int
    engagement_id: int

REASON_MAX = 2000


def _membership(*, actor: User, finding: Finding) -> Membership | None:
    return policies.membership_of(user=actor, engagement_id=finding.engagement_id)


def _lock(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().get(pk=finding.pk)


def _require_actor(*, actor: User, finding: Finding) -> None:
    if not policies.may_act_on_finding(_membership(actor=actor, finding=finding), finding):
        raise PermissionDeniedError("Only the PMO or the two workstreams involved can act on this finding.")


def _require_pmo(*, actor: User, finding: Finding) -> None:
    require_pmo(actor=actor, engagement=finding.engagement)


def _set_status(finding: Finding, status: str, **extra: object) -> str:
    old = finding.status
    finding.status = status
    finding.status_changed_at = timezone.now()
    for name, value in extra.items():
        setattr(finding, name, value)
    finding.save(update_fields=["status", "status_changed_at", "updated_at", *extra])
    return old


def _refresh(target: Finding, source: Finding) -> Finding:
    for name in ("status", "status_changed_at", "dismissed_reason", "dismissed_by_id", "updated_at"):
        setattr(target, name, getattr(source, name))
    return target


@transaction.atomic
def finding_acknowledge(*, finding: Finding, actor: User) -> Finding:
    """Someone of the two workstreams (or the PMO) has seen it and agrees it needs alignment."""
    locked = _lock(finding)
    _require_actor(actor=actor, finding=locked)
    if locked.status != Finding.Status.OPEN:
        raise ApplicationError(f"{locked.reference} is {locked.get_status_display().lower()}; only open findings "
                               "can be acknowledged.")
    old = _set_status(locked, Finding.Status.ACKNOWLEDGED)
    audit_log(actor=actor, action="conflicts.finding.acknowledged", target=locked, engagement=locked.engagement_id,
              changes={"status": [old, locked.status]})
    _learn(locked, actor=actor, what="acknowledged")
    return _refresh(finding, locked)


@transaction.atomic
def finding_dismiss(*, finding: Finding, actor: User, reason: str) -> Finding:
    """A false positive. The reason is required; the fingerprint stays dismissed on every re-scan."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Say why this is a false positive.", field="reason")
    if len(reason) > REASON_MAX:
        raise ApplicationError(f"The reason is {len(reason)} characters; the limit is {REASON_MAX}.", field="reason")
    locked = _lock(finding)
    _require_actor(actor=actor, finding=locked)
    if not locked.is_awaiting:
        raise ApplicationError(f"{locked.reference} is {locked.get_status_display().lower()}; only open or "
                               "acknowledged findings can be dismissed.")
    old = _set_status(locked, Finding.Status.DISMISSED, dismissed_reason=reason, dismissed_by=actor)
    audit_log(actor=actor, action="conflicts.finding.dismissed", target=locked, engagement=locked.engagement_id,
              changes={"status": [old, locked.status], "reason": reason, "fingerprint": locked.fingerprint})
    _tell_both_sides(locked, actor=actor, reason=reason)
    _learn(locked, actor=actor, what="dismissed")
    return _refresh(finding, locked)


def _tell_both_sides(finding: Finding, *, actor: User, reason: str) -> None:
    """One lead alone may dismiss a finding between two workstreams: the leads of both (and the PMO, when a
    lead did it) hear who dismissed it and why, so the other side can object instead of finding out later."""
    memberships = list(Membership.objects.filter(engagement_id=finding.engagement_id).filter(
        Q(role=Role.LEAD, workstream_id__in=[finding.workstream_a_id, finding.workstream_b_id])
        | Q(role=Role.PMO)).values_list("user_id", "role"))
    actor_is_pmo = any(uid == actor.pk and role == Role.PMO for uid, role in memberships)
    recipients = {uid for uid, role in memberships
                  if uid != actor.pk and (role == Role.LEAD or not actor_is_pmo)}
    if not recipients:
        return
    who = actor.full_name or actor.email
    notify(recipients=recipients, kind="finding", engagement=finding.engagement_id,
           url=reverse("conflicts:finding", kwargs={"engagement_id": finding.engagement_id,
                                                     "finding_id": finding.pk}),
           title=f"{finding.reference} between {finding.workstream_a.name} and {finding.workstream_b.name} was "
                 f"dismissed by {who}",
           body=f"Reason given: {reason}", dedupe_key=f"conflicts.finding.{finding.pk}.dismissed")


def _learn(finding: Finding, *, actor: User, what: str) -> None:
    """A person's verdict on a detected finding is a label for the engagement's calibration."""
    if finding.origin != Finding.Origin.DETECTED:
        return
    from .feedback import calibration_refit  # feedback builds on this module

    calibration_refit(engagement_id=finding.engagement_id, actor=actor, reason=f"{finding.reference} {what}")


@transaction.atomic
def finding_mark_in_alignment(*, finding: Finding, actor: User) -> Finding:
    """Put on an alignment session's agenda (called by the alignment app): open/acknowledged → in alignment.

    Already in alignment: returned unchanged (a finding may sit on a second agenda).
    """
    locked = _lock(finding)
    _require_pmo(actor=actor, finding=locked)
    if locked.status == Finding.Status.IN_ALIGNMENT:
        return _refresh(finding, locked)
    if not locked.is_awaiting:
        raise ApplicationError(f"{locked.reference} is {locked.get_status_display().lower()}; only open or "
                               "acknowledged findings go to alignment.")
    old = _set_status(locked, Finding.Status.IN_ALIGNMENT)
    audit_log(actor=actor, action="conflicts.finding.in_alignment", target=locked, engagement=locked.engagement_id,
              changes={"status": [old, locked.status]})
    return _refresh(finding, locked)


def _status_before_alignment(finding: Finding) -> str:
    """The status the finding had when it last went to alignment, read from the audit event that recorded it.

    finding_mark_in_alignment records `{"status": [old, "in_alignment"]}`; that event is the one place the
    earlier status is kept, so no extra column has to mirror it. Without a readable record (rows written
    before this service, or by hand) acknowledged is the honest answer: a PMO has already looked at it.
    """
    event = (AuditEvent.objects.filter(action="conflicts.finding.in_alignment", target_type=Finding._meta.label,
                                       target_id=str(finding.pk))
             .order_by("-id").only("changes").first())
    status = (event.changes.get("status") if event and isinstance(event.changes, dict) else None) or []
    previous = status[0] if isinstance(status, list) and len(status) == 2 else None
    if previous in Finding.AWAITING_STATUSES:
        return previous
    return Finding.Status.ACKNOWLEDGED


@transaction.atomic
def finding_release_from_alignment(*, finding: Finding, actor: User) -> Finding:
    """Taken off its last agenda without a decision (called by the alignment app): back where it was.

    in alignment → open or acknowledged, whichever it was before it went to alignment. Any other status
    (resolved by a decision elsewhere, superseded or dismissed meanwhile) is left as it is: only the
    alignment step is undone. Whether the finding is still on another live agenda is the alignment app's
    question; it calls this only when it is not.
    """
    locked = _lock(finding)
    _require_pmo(actor=actor, finding=locked)
    if locked.status != Finding.Status.IN_ALIGNMENT:
        return _refresh(finding, locked)
    old = _set_status(locked, _status_before_alignment(locked))
    audit_log(actor=actor, action="conflicts.finding.released_from_alignment", target=locked,
              engagement=locked.engagement_id, changes={"status": [old, locked.status]})
    return _refresh(finding, locked)


@transaction.atomic
def finding_resolve(*, finding: Finding, actor: User, decision: Decision) -> Finding:
    """The PMO recorded a decision on it (called by the alignment app): → resolved, audited with the decision.

    Accepted from any state but resolved (a decision outranks a later supersede or dismissal);
    resolving again with the same decision is a no-op.
    """
    locked = _lock(finding)
    _require_pmo(actor=actor, finding=locked)
    if decision.engagement_id != locked.engagement_id:
        raise ApplicationError("That decision belongs to another engagement.", field="decision")
    if locked.status == Finding.Status.RESOLVED:
        return _refresh(finding, locked)
    old = _set_status(locked, Finding.Status.RESOLVED)
    audit_log(actor=actor, action="conflicts.finding.resolved", target=locked, engagement=locked.engagement_id,
              changes={"status": [old, locked.status], "decision": decision.pk,
                       "decision_ref": getattr(decision, "reference", f"D-{decision.pk}")})
    return _refresh(finding, locked)
