"""Notification reads: a user only ever sees their own (`scope.user`; engagements do not widen it)."""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from apps.core.scope import Scope

from .models import EmailPreference, Notification, NotificationKind


def notification_list(*, scope: Scope, unread_only: bool = False) -> QuerySet[Notification]:
    if not scope.authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=scope.user).select_related("engagement")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_get(*, scope: Scope, notification_id: int) -> Notification:
    try:
        return notification_list(scope=scope).get(pk=notification_id)
    except Notification.DoesNotExist as exc:
        raise Http404("No such notification") from exc


def unread_count(*, scope: Scope) -> int:
    return notification_list(scope=scope, unread_only=True).count()


def unread_count_for_request(*, request: HttpRequest) -> int:
    """The bell's number, counted once per request however many templates ask for it."""
    cached = getattr(request, "_concord_unread_count", None)
    if cached is None:
        cached = unread_count(scope=Scope.of_user(request.user))
        request._concord_unread_count = cached  # type: ignore[attr-defined]
    return cached


def email_preferences_for(*, scope: Scope) -> dict[str, bool]:
    """The asker's own e-mail settings (services deciding whether to mail a recipient ask as that recipient)."""
    prefs = dict(EmailPreference.objects.filter(user=scope.user).values_list("kind", "enabled"))
    return {kind: prefs.get(kind, True) for kind in NotificationKind.values}
