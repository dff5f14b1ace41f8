"""Account e-mail from Celery; the task only owns the retry policy."""
from __future__ import annotations

import smtplib

from celery import shared_task

from . import services


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=30, retry_backoff_max=3600,
             retry_jitter=True, max_retries=8, acks_late=True)
def send_invitation_email(invitation_id: int) -> bool:
    return services.invitation_email_send(invitation_id=invitation_id)
