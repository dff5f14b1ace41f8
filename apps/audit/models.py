"""Append-only record of every state change, in one keyed hash chain per engagement."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import ImmutableModel

GLOBAL_CHAIN = "global"


def chain_name(engagement_id: int | None) -> str:
    """Events of one engagement form one chain (writers in different engagements never wait for each
    other); account-level events (API tokens, …) form the global chain."""
    return f"engagement:{engagement_id}" if engagement_id is not None else GLOBAL_CHAIN


class AuditEvent(ImmutableModel):
    engagement = models.ForeignKey(
        "engagements.Engagement", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)  # namespaced: inputs.input.revised
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=255)
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)
    # Position in its engagement's chain (1, 2, …), the previous event's hash, and this event's
    # HMAC-SHA256 under the key named by key_id (see apps.audit.keys).
    seq = models.PositiveBigIntegerField(default=0)
    key_id = models.CharField(max_length=32, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["engagement", "id"]), models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_repr}"

    @property
    def chain(self) -> str:
        return chain_name(self.engagement_id)


class AuditChainHead(models.Model):
    """One row per chain, locked while appending so concurrent writers cannot fork it.

    It remembers how long the chain is and where it ends, under its own HMAC: cutting events off the end
    (or the whole log) shows as a head that the remaining events do not reach."""

    chain = models.CharField(max_length=40, unique=True)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.PositiveBigIntegerField(default=0)
    key_id = models.CharField(max_length=32, default="")
    mac = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"audit chain {self.chain} ({self.count} events)"
