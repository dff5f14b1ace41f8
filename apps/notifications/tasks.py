"""E-mail for notifications, sent from Celery with retries; the task only owns the retry policy."""
from __future__ import annotations

import smtplib

from celery import shared_task

from . import delivery


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, OSError),  # SMTP refusals, DNS, connection resets, timeouts
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def send_notification_email(self, notification_id: int) -> bool:
    return delivery.notification_email_send(notification_id=notification_id)
