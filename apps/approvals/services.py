"""Every write of the sign-off workflow: submit, withdraw, sign, comment, address change requests.

A signature is the heart of it (21 CFR Part 11 style): the signer types their password again, the
record names who, when (UTC) and what it means, and it stores the SHA-256 of the exact stored
bytes of the version, recomputed from the database at signing time.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from apps.accounts import policies
from apps.accounts.models import Membership, Role, User
from apps.accounts.policies import require_pmo
from apps.audit.models import AuditEvent
from apps.audit.services import audit_log, event_is_authentic
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.core.hashing import sha256_bytes
from apps.deliverables.models import DeliverableVersion
from apps.notifications.models import NotificationKind
from apps.notifications.services import notify

from . import hooks
from .models import COVER_NOTE_MAX, ApprovalSubmission, ChangeRequestItem, SectionComment, Signature, SigningLock

COMMENT_MAX = 20000
WHOLE_DOCUMENT = "(whole document)"
MAX_CHANGE_ITEMS = 100
CLOSING_MEANINGS = {
    Signature.Meaning.CHANGES_REQUESTED: ApprovalSubmission.Status.CHANGES_REQUESTED,
    Signature.Meaning.REJECTED: ApprovalSubmission.Status.REJECTED,
}


class ReauthenticationError(PermissionDeniedError):
    """The password typed to sign was missing or wrong; nothing was signed."""


class SigningLockedError(ApplicationError):
    status_code = 429

    def __init__(self, message: str, *, locked_until: datetime):
        super().__init__(message, extra={"locked_until": locked_until})
        self.locked_until = locked_until

    @property
    def retry_after(self) -> int:
        return max(1, int((self.locked_until - timezone.now()).total_seconds()) + 1)


class TamperedVersionError(ApplicationError):
    status_code = 409


# --- helpers -------------------------------------------------------------------------------

def _engagement_id(version: DeliverableVersion) -> int:
    return DeliverableVersion.objects.filter(pk=version.pk).values_list("deliverable__engagement_id", flat=True).get()


def version_label(version: DeliverableVersion) -> str:
    return f"v{version.number}"


def approval_url(version: DeliverableVersion, engagement_id: int) -> str:
    return reverse("approvals:version", kwargs={"engagement_id": engagement_id, "version_id": version.pk})


def stored_bytes_sha256(version_id: int) -> tuple[str, str]:
    """(hash recomputed from the stored bytes, hash recorded when published), read fresh from the database."""
    data, published = DeliverableVersion.objects.filter(pk=version_id).values_list(
        "rendered_html", "content_sha256").get()
    return sha256_bytes(bytes(data)), published


def _approver_membership(*, user: User, engagement_id: int) -> Membership | None:
    return (Membership.objects.select_related("organization")
            .filter(user=user, engagement_id=engagement_id, role=Role.APPROVER).first())


# --- submissions ---------------------------------------------------------------------------

@transaction.atomic
def approval_submit(
    *, actor: User, version: DeliverableVersion, approvers: Sequence[User], policy: str | None = None,
    cover_note: str = "",
) -> ApprovalSubmission:
    """The PMO asks named approvers of the engagement to sign one published version, with an optional cover note."""
    cover_note = (cover_note or "").strip()
    if len(cover_note) > COVER_NOTE_MAX:
        raise ApplicationError(f"The cover note is {len(cover_note)} characters; the limit is {COVER_NOTE_MAX}.",
                               field="cover_note")
    version = DeliverableVersion.objects.select_related("deliverable__engagement").get(pk=version.pk)
    engagement = version.deliverable.engagement
    require_pmo(actor=actor, engagement=engagement)
    policy = policy or version.deliverable.approval_policy
    if policy not in ApprovalSubmission.Policy.values:
        raise ApplicationError(f"Unknown policy {policy!r}; use 'all' or 'any'.", field="policy")
    approver_ids = sorted({getattr(a, "pk", a) for a in approvers})
    if not approver_ids:
        raise ApplicationError("Choose at least one approver.", field="approvers")
    allowed = set(Membership.objects.filter(engagement=engagement, role=Role.APPROVER, user__is_active=True,
                                            user_id__in=approver_ids).values_list("user_id", flat=True))
    if missing := [pk for pk in approver_ids if pk not in allowed]:
        raise ApplicationError(f"Not an approver of this engagement: user id(s) {', '.join(map(str, missing))}.",
                               field="approvers")
    # Lock the version's submissions so two PMOs submitting at once cannot open two.
    existing = list(ApprovalSubmission.objects.select_for_update().filter(version=version))
    if any(s.is_pending for s in existing):
        raise ApplicationError(f"{version_label(version)} is already awaiting approval; withdraw that request first.")
    if any(s.is_approved for s in existing):
        raise ApplicationError(f"{version_label(version)} is already approved.")
    already = set(Signature.objects.filter(version=version, signer_id__in=approver_ids)
                  .values_list("signer__full_name", flat=True))
    if already:
        raise ApplicationError(f"Already signed {version_label(version)}: {', '.join(sorted(already))}. "
                               "Publish a new version for them to sign.", field="approvers")
    newer = DeliverableVersion.objects.filter(deliverable_id=version.deliverable_id, number__gt=version.number)
    if newer.exists():
        raise ApplicationError(f"{version_label(version)} is not the latest version; submit the latest one.")
    submission = ApprovalSubmission.objects.create(version=version, policy=policy, submitted_by=actor,
                                                   cover_note=cover_note)
    submission.approvers.set(approver_ids)
    audit_log(actor=actor, action="approvals.submission.created", target=submission, engagement=engagement,
              changes={"version": version.pk, "number": version.number, "policy": policy,
                       "approvers": approver_ids, "content_sha256": version.content_sha256,
                       "cover_note": cover_note})
    # An older version still waiting is superseded: approvers should sign what is current.
    for old in ApprovalSubmission.objects.select_for_update().filter(
            version__deliverable_id=version.deliverable_id, status=ApprovalSubmission.Status.PENDING,
            version__number__lt=version.number):
        _close(old, ApprovalSubmission.Status.WITHDRAWN)
        audit_log(actor=actor, action="approvals.submission.withdrawn", target=old, engagement=engagement,
                  changes={"status": ["pending", "withdrawn"], "reason": f"superseded by {version_label(version)}"})
    notify(recipients=approver_ids, kind=NotificationKind.APPROVAL_REQUESTED,
           title=f"{version.deliverable.title} {version_label(version)} awaits your approval",
           body=f"{actor} asked you to review and sign {version.deliverable.title} {version_label(version)} "
                f"({'every named approver' if policy == 'all' else 'any one approver'} must approve)."
                + (f"\n\n{cover_note}" if cover_note else ""),
           url=approval_url(version, engagement.pk), engagement=engagement,
           dedupe_key=f"approval-requested:{submission.pk}")
    return submission


def _close(submission: ApprovalSubmission, status: str) -> None:
    submission.status = status
    submission.closed_at = timezone.now()
    submission.save(update_fields=["status", "closed_at", "updated_at"])


@transaction.atomic
def approval_withdraw(*, actor: User, submission: ApprovalSubmission, reason: str = "") -> ApprovalSubmission:
    """Withdraw a pending request. Signatures already given stay exactly as they are."""
    locked = ApprovalSubmission.objects.select_for_update().select_related(
        "version__deliverable__engagement").get(pk=submission.pk)
    engagement = locked.version.deliverable.engagement
    require_pmo(actor=actor, engagement=engagement)
    if locked.status != ApprovalSubmission.Status.PENDING:
        raise ApplicationError(f"Only a pending request can be withdrawn; this one is "
                               f"{locked.get_status_display().lower()}.")
    _close(locked, ApprovalSubmission.Status.WITHDRAWN)
    audit_log(actor=actor, action="approvals.submission.withdrawn", target=locked, engagement=engagement,
              changes={"status": ["pending", "withdrawn"], "reason": reason[:500]})
    submission.refresh_from_db()
    return submission


# --- re-authentication and lockout ----------------------------------------------------------

def _lock_row(user: User) -> SigningLock:
    SigningLock.objects.get_or_create(user=user)  # get_or_create survives a concurrent insert
    return SigningLock.objects.select_for_update().get(user=user)


def signing_locked_until(*, user: User, now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    until = SigningLock.objects.filter(user=user, locked_until__gt=now).values_list("locked_until", flat=True).first()
    return until


def _raise_locked(until: datetime, now: datetime) -> None:
    minutes = max(1, round((until - now).total_seconds() / 60))
    raise SigningLockedError(
        f"Signing is locked after repeated wrong passwords; try again in about {minutes} minute"
        f"{'s' if minutes != 1 else ''}. Nothing was signed.", locked_until=until)


def _count_failure(lock: SigningLock, *, user: User, now: datetime, engagement_id: int | None) -> SigningLock:
    """Count one failed attempt on the already locked row (the caller holds select_for_update)."""
    attempts = settings.SIGNING_LOCKOUT_ATTEMPTS
    window = timedelta(seconds=settings.SIGNING_LOCKOUT_SECONDS)
    expired = (lock.window_started_at is None or now - lock.window_started_at > window
               or (lock.locked_until is not None and lock.locked_until <= now))
    if expired:
        SigningLock.objects.filter(pk=lock.pk).update(failures=1, window_started_at=now, locked_until=None)
    else:
        SigningLock.objects.filter(pk=lock.pk).update(failures=F("failures") + 1)
    lock.refresh_from_db()
    if lock.failures >= attempts and lock.locked_until is None:
        until = now + timedelta(seconds=settings.SIGNING_LOCKOUT_SECONDS)
        SigningLock.objects.filter(pk=lock.pk).update(locked_until=until)
        lock.locked_until = until
        audit_log(actor=user, action="approvals.signing.locked", target=lock, engagement=engagement_id,
                  changes={"failures": lock.failures, "locked_until": until.isoformat()})
    return lock


def _failure_error(lock: SigningLock, now: datetime) -> ReauthenticationError:
    if lock.locked_until is not None:
        minutes = max(1, round((lock.locked_until - now).total_seconds() / 60))
        return ReauthenticationError(
            f"That password is not correct; nothing was signed. After {lock.failures} failed attempts signing "
            f"is locked for {minutes} minute{'s' if minutes != 1 else ''}.", field="password")
    left = max(0, settings.SIGNING_LOCKOUT_ATTEMPTS - lock.failures)
    return ReauthenticationError(
        f"That password is not correct; nothing was signed. {left} attempt{'s' if left != 1 else ''} left "
        "before signing is locked for a while.", field="password")


def signing_reauthenticate(*, user: User, password: str | None, engagement_id: int | None = None,
                           now: datetime | None = None) -> None:
    """Raise unless `password` is the user's current password and signing is not locked.

    The user's SigningLock row is locked (SELECT ... FOR UPDATE) BEFORE the password is checked
    and held until the outcome is counted, so concurrent attempts queue one behind the other and
    exactly SIGNING_LOCKOUT_ATTEMPTS wrong passwords are ever checked per window (checking first
    and locking afterwards let 30 concurrent guesses check 8). A failure is committed even though
    the caller's request fails, so this runs in its own transaction (never call it inside another).
    """
    given_now = now
    if until := signing_locked_until(user=user, now=given_now or timezone.now()):  # cheap early refusal
        _raise_locked(until, given_now or timezone.now())
    failure: ReauthenticationError | None = None
    with transaction.atomic():
        lock = _lock_row(user)
        now = given_now or timezone.now()  # read after waiting for the lock: the queue may have been long
        if lock.locked_until is not None and lock.locked_until > now:
            _raise_locked(lock.locked_until, now)
        if not password:
            _count_failure(lock, user=user, now=now, engagement_id=engagement_id)
            failure = ReauthenticationError(
                "Type your password to sign: signing asks for it again. Nothing was signed.", field="password")
        elif not user.check_password(password):
            failure = _failure_error(_count_failure(lock, user=user, now=now, engagement_id=engagement_id), now)
        elif lock.failures or lock.locked_until is not None or lock.window_started_at is not None:
            SigningLock.objects.filter(pk=lock.pk).update(failures=0, window_started_at=None, locked_until=None)
    if failure is not None:
        raise failure  # raised after the commit, so the counted failure stays counted


# --- signing -------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)]|\[\s?[xX]?\s?\])\s+")


def change_items_from_comment(comment: str) -> list[str]:
    """Each non-empty line of a change request is one checklist item (list markers dropped)."""
    items = []
    for line in (comment or "").splitlines():
        text = _BULLET.sub("", line).strip()
        if text:
            items.append(text)
    return items


def _section_of(text: str, headings: list[str]) -> tuple[str, str]:
    """'Security: use SSO' → ('Security', 'use SSO') when Security is a section of the version."""
    head, sep, rest = text.partition(":")
    if sep:
        for heading in headings:
            if head.strip().lower() == heading.strip().lower() and rest.strip():
                return heading, rest.strip()
    return "", text


def _validate_sign_input(*, meaning: str, comment: str, items: Sequence[str] | None) -> tuple[str, list[str]]:
    if meaning not in Signature.Meaning.values:
        raise ApplicationError("Choose approve, request changes or reject.", field="meaning")
    comment = (comment or "").replace("\r\n", "\n").strip()
    if len(comment) > COMMENT_MAX:
        raise ApplicationError(f"The comment is {len(comment)} characters; the limit is {COMMENT_MAX}.",
                               field="comment")
    checklist: list[str] = []
    if meaning == Signature.Meaning.CHANGES_REQUESTED:
        checklist = [i.strip() for i in (items or []) if i and i.strip()] or change_items_from_comment(comment)
        if not comment and not checklist:
            raise ApplicationError("Say what should change: a comment is required to request changes.",
                                   field="comment")
        if len(checklist) > MAX_CHANGE_ITEMS:
            raise ApplicationError(f"At most {MAX_CHANGE_ITEMS} change items per request.", field="comment")
        if not comment:
            comment = "\n".join(f"- {i}" for i in checklist)
    return comment, checklist


def signer_may_sign(*, membership: Membership | None, submission: ApprovalSubmission | None,
                    named_ids: set[int], signed_ids: set[int]) -> bool:
    """Whether the version page offers the signature form: the rule `_check_may_sign` enforces, read from
    what the page has already loaded (the current submission, its named approvers, the signatures)."""
    return (submission is not None and submission.is_pending and policies.is_approver(membership)
            and membership is not None and membership.user_id in named_ids and membership.user_id not in signed_ids)


def _check_may_sign(*, actor: User, version: DeliverableVersion, engagement_id: int) -> ApprovalSubmission:
    if _approver_membership(user=actor, engagement_id=engagement_id) is None:
        raise PermissionDeniedError("Only the engagement's approvers can sign a version.")
    submission = ApprovalSubmission.objects.filter(version=version, status=ApprovalSubmission.Status.PENDING).first()
    if submission is None:
        raise ApplicationError(f"{version_label(version)} is not awaiting approval, so it cannot be signed.")
    if not submission.approvers.filter(pk=actor.pk).exists():
        raise PermissionDeniedError(f"You are not one of the approvers named for {version_label(version)}.")
    if Signature.objects.filter(version=version, signer=actor).exists():
        raise ApplicationError(f"You already signed {version_label(version)}; a signature is given once.")
    return submission


def signature_create(
    *,
    actor: User,
    version: DeliverableVersion,
    meaning: str,
    password: str | None,
    comment: str = "",
    items: Sequence[str] | None = None,
) -> Signature:
    """Sign one version: re-authenticate, then record the signature bound to the stored bytes' hash.

    Order: who may sign and what was asked (nothing counted), then the lockout and password
    (a failure is counted and committed), then the signature in one transaction that re-checks
    everything under a row lock.
    """
    version = DeliverableVersion.objects.select_related("deliverable").get(pk=version.pk)
    engagement_id = version.deliverable.engagement_id
    comment, checklist = _validate_sign_input(meaning=meaning, comment=comment, items=items)
    _check_may_sign(actor=actor, version=version, engagement_id=engagement_id)
    signing_reauthenticate(user=actor, password=password, engagement_id=engagement_id)
    return _signature_record(actor=actor, version=version, meaning=meaning, comment=comment, checklist=checklist)


@transaction.atomic
def _signature_record(*, actor: User, version: DeliverableVersion, meaning: str, comment: str,
                      checklist: list[str]) -> Signature:
    engagement_id = version.deliverable.engagement_id
    submission = ApprovalSubmission.objects.select_for_update().filter(
        version=version, status=ApprovalSubmission.Status.PENDING).first()
    if submission is None:
        raise ApplicationError(f"{version_label(version)} is no longer awaiting approval; nothing was signed.")
    membership = _approver_membership(user=actor, engagement_id=engagement_id)
    if membership is None or not submission.approvers.filter(pk=actor.pk).exists():
        raise PermissionDeniedError(f"You are not one of the approvers named for {version_label(version)}.")
    actual, published = stored_bytes_sha256(version.pk)
    if actual != published:
        raise TamperedVersionError(
            f"The stored bytes of {version_label(version)} no longer match the hash recorded when it was "
            "published; signing refused. Tell the PMO.")
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                submission=submission, version=version, signer=actor,
                signer_name=actor.full_name or actor.email, signer_organization=membership.organization.name,
                meaning=meaning, comment=comment, content_sha256=actual, signed_at=timezone.now(),
            )
    except IntegrityError as exc:  # a concurrent second signature by the same person
        raise ApplicationError(f"You already signed {version_label(version)}; a signature is given once.") from exc
    headings = [s.get("heading", "") for s in (version.sections or []) if s.get("heading")]
    for text in checklist:
        heading, body = _section_of(text, headings)
        ChangeRequestItem.objects.create(signature=signature, section_heading=heading[:200], text=body[:5000])
    audit_log(actor=actor, action="approvals.signature.created", target=signature, engagement=engagement_id,
              changes={"version": version.pk, "number": version.number, "meaning": meaning,
                       "content_sha256": actual, "signer_organization": signature.signer_organization,
                       "change_items": len(checklist)})
    new_status = _decide(submission, meaning)
    if new_status is not None:
        _close(submission, new_status)
        audit_log(actor=actor, action="approvals.submission.decided", target=submission, engagement=engagement_id,
                  changes={"status": ["pending", new_status], "version": version.pk, "number": version.number})
        _notify_decision(submission=submission, version=version, signature=signature, status=new_status)
    hooks.signature_created(signature=signature)  # e.g. outgoing webhooks, written in this transaction
    return signature


def _decide(submission: ApprovalSubmission, meaning: str) -> str | None:
    if meaning in CLOSING_MEANINGS:
        return CLOSING_MEANINGS[meaning]
    if submission.policy == ApprovalSubmission.Policy.ANY:
        return ApprovalSubmission.Status.APPROVED
    named = set(submission.approvers.values_list("pk", flat=True))
    approved = set(Signature.objects.filter(version_id=submission.version_id, signer_id__in=named,
                                            meaning=Signature.Meaning.APPROVED).values_list("signer_id", flat=True))
    return ApprovalSubmission.Status.APPROVED if named <= approved else None


def _notify_decision(*, submission: ApprovalSubmission, version: DeliverableVersion, signature: Signature,
                     status: str) -> None:
    label = ApprovalSubmission.Status(status).label.lower()
    title = f"{version.deliverable.title} {version_label(version)}: {label}"
    body = f"{signature.signer_name} ({signature.signer_organization}) signed “{signature.get_meaning_display()}”."
    if signature.comment:
        body += f"\n\n{signature.comment[:1500]}"
    notify(recipients={submission.submitted_by_id, version.published_by_id}, kind=NotificationKind.VERSION_DECIDED,
           title=title, body=body, url=approval_url(version, version.deliverable.engagement_id),
           engagement=version.deliverable.engagement_id, dedupe_key=f"version-decided:{submission.pk}")


@dataclass(frozen=True)
class VerifyResult:
    signature_id: int
    ok: bool
    signed_sha256: str
    stored_sha256: str

    @property
    def message(self) -> str:
        if self.ok:
            return f"signature #{self.signature_id}: ok ({self.signed_sha256[:16]}…)"
        return (f"signature #{self.signature_id}: MISMATCH — signed {self.signed_sha256}, "
                f"stored bytes now hash to {self.stored_sha256}")


def signature_verify(*, signature: Signature) -> VerifyResult:
    """Recompute the hash of the version's stored bytes and compare it with what was signed."""
    actual, _published = stored_bytes_sha256(signature.version_id)
    return VerifyResult(signature.pk, actual == signature.content_sha256, signature.content_sha256, actual)


# --- comments and change requests ----------------------------------------------------------

@transaction.atomic
def section_comment_add(*, actor: User, version: DeliverableVersion, section_heading: str, body: str) -> SectionComment:
    version = DeliverableVersion.objects.select_related("deliverable").get(pk=version.pk)
    engagement_id = version.deliverable.engagement_id
    membership = Membership.objects.filter(user=actor, engagement_id=engagement_id).first()
    if not policies.may_comment(membership):
        raise PermissionDeniedError("Observers can read but not comment.")
    headings = [s.get("heading", "") for s in (version.sections or [])]
    section_heading = (section_heading or "").strip()
    if section_heading and section_heading not in headings:
        raise ApplicationError("That section is not part of this version.", field="section_heading")
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ApplicationError("Write a comment first.", field="body")
    if len(body) > 10000:
        raise ApplicationError(f"The comment is {len(body)} characters; the limit is 10000.", field="body")
    comment = SectionComment.objects.create(version=version, author=actor, body=body,
                                            section_heading=section_heading[:200] or WHOLE_DOCUMENT)
    audit_log(actor=actor, action="approvals.comment.created", target=comment, engagement=engagement_id,
              changes={"version": version.pk, "section": comment.section_heading})
    return comment


@transaction.atomic
def change_item_address(
    *, actor: User, item: ChangeRequestItem, version: DeliverableVersion | None, note: str = ""
) -> ChangeRequestItem:
    """The PMO marks a requested change as addressed in a later version (or reopens it with None)."""
    locked = ChangeRequestItem.objects.select_for_update().select_related(
        "signature__version__deliverable__engagement").get(pk=item.pk)
    signed = locked.signature.version
    engagement = signed.deliverable.engagement
    require_pmo(actor=actor, engagement=engagement)
    old = locked.addressed_in_id
    if version is not None and (version.deliverable_id != signed.deliverable_id or version.number <= signed.number):
        raise ApplicationError(f"Choose a version of {signed.deliverable.title} published after "
                               f"{version_label(signed)}.", field="version")
    locked.addressed_in = version
    locked.addressed_note = (note or "").strip()[:5000] if version is not None else ""
    locked.addressed_by = actor if version is not None else None
    locked.save(update_fields=["addressed_in", "addressed_note", "addressed_by", "updated_at"])
    audit_log(actor=actor, action="approvals.change_item.addressed" if version else "approvals.change_item.reopened",
              target=locked, engagement=engagement,
              changes={"addressed_in": [old, version.pk if version else None], "note": locked.addressed_note[:500]})
    item.refresh_from_db()
    return item


# --- integrity of published versions and signatures ------------------------------------------

@dataclass
class IntegrityReport:
    versions: int = 0
    signatures: int = 0
    problems: list[str] = field(default_factory=list)
    ok_lines: list[str] = field(default_factory=list)


def _audit_record(*, target_type: str, target_id: int, action: str) -> AuditEvent | None:
    return (AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id), action=action)
            .order_by("id").first())


def _check_against_audit(report: IntegrityReport, label: str, event: AuditEvent | None, expected: str) -> bool:
    if event is None:
        report.problems.append(f"{label}: no audit event records it (the log was cut, or the row was forged)")
        return False
    if not event_is_authentic(event):
        report.problems.append(f"{label}: its audit event #{event.pk} was altered (HMAC does not hold)")
        return False
    recorded = (event.changes or {}).get("content_sha256")
    if recorded != expected:
        report.problems.append(f"{label}: the audit log recorded {recorded}, the database now says {expected}")
        return False
    return True


def integrity_check_versions() -> IntegrityReport:
    """Every published version, signed or not, and every signature (see the signatures_verify command)."""
    report = IntegrityReport()
    versions = DeliverableVersion.objects.select_related("deliverable").order_by("id").only(
        "id", "number", "content_sha256", "deliverable__title")
    for version in versions.iterator(chunk_size=200):
        report.versions += 1
        actual, recorded = stored_bytes_sha256(version.pk)
        label = f"{version.deliverable.title} v{version.number} (version #{version.pk})"
        good = True
        if actual != recorded:
            report.problems.append(f"{label}: stored bytes hash to {actual}, published as {recorded}")
            good = False
        good &= _check_against_audit(report, label, _audit_record(
            target_type="deliverables.DeliverableVersion", target_id=version.pk,
            action="deliverables.version.published"), recorded)
        if good:
            report.ok_lines.append(f"{label}: {actual[:16]}…")
        for signature in Signature.objects.filter(version_id=version.pk).order_by("id"):
            report.signatures += 1
            slabel = (f"signature #{signature.pk} by {signature.signer_name} ({signature.get_meaning_display()}) "
                      f"on {label}")
            sgood = True
            if signature.content_sha256 != actual:
                report.problems.append(
                    f"{slabel}: signed {signature.content_sha256}, stored bytes now hash to {actual}")
                sgood = False
            sgood &= _check_against_audit(report, slabel, _audit_record(
                target_type="approvals.Signature", target_id=signature.pk, action="approvals.signature.created"),
                signature.content_sha256)
            if sgood:
                report.ok_lines.append(slabel)
    return report
