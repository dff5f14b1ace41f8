"""The transactional outbox: a task to run, written in the same transaction as the change that needs it."""
from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """One Celery task to publish. Committed with the write that asked for it, or not at all.

    `sent_at` is set once the broker accepted it; until then the relay keeps trying (`lease_until` keeps two
    relays from publishing the same row at once, and spaces out retries while the broker is down).
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="outbox_pending_idx",
                                condition=models.Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        state = f"sent {self.sent_at:%Y-%m-%d %H:%M:%S}" if self.sent_at else f"pending ({self.attempts} attempts)"
        return f"{self.task_name}{tuple(self.args)} {state}"
