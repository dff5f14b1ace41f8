"""Writing notifications: in-app rows first, e-mail handed to a task after commit.

Other apps call `notify(...)`; it never fails their transaction because a mail server is down,
since the mail goes out from a task enqueued only once the rows are committed.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError
from apps.core.jobs import enqueue_on_commit
from apps.core.scope import Scope

from .models import EmailPreference, Notification, NotificationKind
from .selectors import email_preferences_for

# The e-mail task, queued by its Celery name (tasks.py sits above services; apps.py registers it).
EMAIL_TASK = "apps.notifications.tasks.send_notification_email"


def _unique_recipients(recipients: Iterable[User | int]) -> list[int]:
    seen: dict[int, None] = {}
    for recipient in recipients:
        pk = getattr(recipient, "pk", recipient)
        if pk is not None:
            seen.setdefault(int(pk), None)
    return list(seen)


def email_disabled_user_ids(*, user_ids: Iterable[int], kind: str) -> set[int]:
    return set(EmailPreference.objects.filter(user_id__in=list(user_ids), kind=kind, enabled=False)
               .values_list("user_id", flat=True))


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User | int],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    engagement: object = None,
    dedupe_key: str = "",
) -> list[Notification]:
    """Create one in-app notification per recipient and e-mail those who have not turned it off.

    With a `dedupe_key`, a recipient who already has a notification with that key gets no second
    one (checked by the unique constraint, so concurrent callers cannot both create it).
    Returns the notifications actually created.
    """
    if kind not in NotificationKind.values:
        raise ApplicationError(f"Unknown notification kind {kind!r}.", field="kind")
    user_ids = _unique_recipients(recipients)
    if not user_ids:
        return []
    engagement_id = getattr(engagement, "pk", engagement)
    # Inactive accounts get nothing; ids that do not exist are dropped rather than failing the caller.
    user_ids = list(User.objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))
    if dedupe_key:
        existing = set(Notification.objects.filter(recipient_id__in=user_ids, dedupe_key=dedupe_key)
                       .values_list("recipient_id", flat=True))
        user_ids = [pk for pk in user_ids if pk not in existing]
    created: list[Notification] = []
    for user_id in user_ids:
        row = Notification(recipient_id=user_id, engagement_id=engagement_id, kind=kind, title=title[:300],
                           body=body[:5000], url=url[:500], dedupe_key=dedupe_key[:200])
        if dedupe_key:
            try:
                with transaction.atomic():  # a savepoint: a concurrent duplicate loses quietly
                    row.save()
            except IntegrityError:
                continue
        else:
            row.save()
        created.append(row)
    if not created:
        return []
    muted = email_disabled_user_ids(user_ids=[n.recipient_id for n in created], kind=kind)
    to_mail = [n.pk for n in created if n.recipient_id not in muted]
    for pk in to_mail:
        enqueue_on_commit(EMAIL_TASK, pk)
    return created


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise ApplicationError("That notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def email_preferences_set(*, user: User, enabled: dict[str, bool]) -> dict[str, bool]:
    """Turn e-mail on or off per kind for one user; audited because it changes what they receive."""
    changes: dict[str, list[bool]] = {}
    current = {p.kind: p for p in EmailPreference.objects.select_for_update().filter(user=user)}
    for kind, value in enabled.items():
        if kind not in NotificationKind.values:
            raise ApplicationError(f"Unknown notification kind {kind!r}.", field="kind")
        pref = current.get(kind)
        old = pref.enabled if pref else True
        if old == bool(value):
            continue
        changes[kind] = [old, bool(value)]
        if pref is None:
            EmailPreference.objects.create(user=user, kind=kind, enabled=bool(value))
        else:
            pref.enabled = bool(value)
            pref.save(update_fields=["enabled"])
    if changes:
        audit_log(actor=user, action="notifications.preferences.changed", target=user, changes=changes)
    return email_preferences_for(scope=Scope.of_user(user))
