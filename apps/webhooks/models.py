"""Outgoing webhooks of an engagement and the log of every delivery attempt."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel


class Event(models.TextChoices):
    FINDING_OPENED = "finding.opened", "Finding opened"
    DECISION_RECORDED = "decision.recorded", "Decision recorded"
    VERSION_PUBLISHED = "version.published", "Version published"
    VERSION_SIGNED = "version.signed", "Version signed"


PING = "ping"  # a test delivery sent on demand; not subscribable


class Webhook(TimeStampedModel):
    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)  # a subset of Event.values
    # The signing secret, encrypted with Fernet (see crypto.py): the server must read it back to sign,
    # so it cannot be hashed like a password. Shown in clear once, at creation or rotation.
    secret_encrypted = models.TextField()
    secret_hint = models.CharField(max_length=16)  # first characters, to tell secrets apart
    is_active = models.BooleanField(default=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["engagement_id", "id"]

    def __str__(self) -> str:
        return self.url

    @property
    def reference(self) -> str:
        return f"WH-{self.pk}"


class Delivery(TimeStampedModel):
    """One event for one webhook, with its attempts. Written in the transaction of the change it reports."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Gave up"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)  # receivers de-duplicate on this
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=1000, blank=True)
    error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["webhook", "event_id"], name="delivery_event_unique")]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook}"
