"""Notification reads: a user only ever sees their own."""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from apps.accounts.models import User

from .models import EmailPreference, Notification, NotificationKind


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user).select_related("engagement")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_get(*, user: User, notification_id: int) -> Notification:
    try:
        return notification_list(user=user).get(pk=notification_id)
    except Notification.DoesNotExist as exc:
        raise Http404("No such notification") from exc


def unread_count(*, user: User) -> int:
    return notification_list(user=user, unread_only=True).count()


def unread_count_for_request(request: HttpRequest) -> int:
    """The bell's number, counted once per request however many templates ask for it."""
    cached = getattr(request, "_concord_unread_count", None)
    if cached is None:
        cached = unread_count(user=request.user)
        request._concord_unread_count = cached  # type: ignore[attr-defined]
    return cached


def email_preferences_for(*, user: User) -> dict[str, bool]:
    prefs = dict(EmailPreference.objects.filter(user=user).values_list("kind", "enabled"))
    return {kind: prefs.get(kind, True) for kind in NotificationKind.values}
