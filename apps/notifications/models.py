"""In-app notifications and each user's e-mail preferences."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    FINDING = "finding", "New finding touching your workstream"
    SESSION_INVITE = "session_invite", "Invitation to an alignment session"
    POSITION_REQUESTED = "position_requested", "Position requested from your workstream"
    APPROVAL_REQUESTED = "approval_requested", "Version awaiting your approval"
    VERSION_DECIDED = "version_decided", "Decision on your version"
    INPUT_REQUEST = "input_request", "Input requested from your workstream"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    engagement = models.ForeignKey("engagements.Engagement", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, max_length=5000)
    url = models.CharField(max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=~models.Q(dedupe_key=""),
                                    name="notification_dedupe"),
        ]

    def __str__(self) -> str:
        return self.title


class EmailPreference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}={'on' if self.enabled else 'off'}"
