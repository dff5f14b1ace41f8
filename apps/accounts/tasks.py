"""Account e-mail from Celery; the task only owns the retry policy."""
from __future__ import annotations

import smtplib

from celery import shared_task

from . import services


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=30, retry_backoff_max=3600,
             retry_jitter=True, max_retries=8, acks_late=True)
def send_invitation_email(user_id: int, engagement_name: str, inviter_name: str, role: str) -> bool:
    return services.invitation_email_send(user_id=user_id, engagement_name=engagement_name,
                                          inviter_name=inviter_name, role=role)
