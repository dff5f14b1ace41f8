"""Sending a notification by e-mail: what the Celery task runs (services enqueue it, this module sends).

Kept apart from services.py so the task can import it without importing the module that enqueues
the task (no services ↔ tasks cycle).
"""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from apps.core.scope import Scope

from .models import Notification
from .selectors import email_preferences_for


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification by e-mail unless it was already sent; True when a mail went out.

    The row is claimed with a conditional UPDATE after the mail is accepted, so a retried or
    duplicated task never marks twice; a crash between send and mark can at worst resend once.
    """
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return False
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        return False
    if not email_preferences_for(scope=Scope.of_user(recipient)).get(notification.kind, True):
        return False
    lines = [notification.body] if notification.body else []
    if notification.url:
        base = settings.CONCORD_BASE_URL
        lines.append(f"Open it in Concord: {base}{notification.url}")
    lines.append("")
    lines.append("You receive this because of your e-mail settings in Concord (Notifications → E-mail settings).")
    # A subject is one header line; a title holding a line break (older rows, any caller) must not lose the mail.
    subject = " ".join(f"[Concord] {notification.title}".split())
    EmailMessage(subject=subject, body="\n\n".join(lines),
                 from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient.email]).send(fail_silently=False)
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True
