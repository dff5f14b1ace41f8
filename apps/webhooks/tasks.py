"""Webhook delivery: the task calls the service once per attempt and owns the retry schedule."""
from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, name="webhooks.deliver", max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str:
    result = services.delivery_attempt(delivery_id=delivery_id)
    if result is None:
        return "skipped"
    if result.retry_in is not None and not self.request.is_eager:
        # Exponential backoff (services.backoff_seconds); the attempt count lives on the Delivery row,
        # so a redelivered or swept task never exceeds WEBHOOKS_MAX_ATTEMPTS.
        raise self.retry(countdown=result.retry_in)
    return result.delivery.status


@shared_task(name="webhooks.sweep")
def sweep_deliveries() -> int:
    """Re-queue pending deliveries whose retry task was lost (worker crash, broker restart)."""
    due = services.deliveries_due()
    for pk in due:
        deliver_webhook.delay(pk)
    return len(due)
