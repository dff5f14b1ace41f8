"""Shared model bases."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from .errors import ImmutableRecordError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SuspectModel(TimeStampedModel):
    """A row resting on a source that changed after it was made (a trace link, a decision): suspect until a
    person reviews it. The flag, why, and since when; services set and clear them, with an audit event."""

    SUSPECT_FIELDS = ("is_suspect", "suspect_reason", "suspect_since", "updated_at")
    REASON_MAX = 300

    is_suspect = models.BooleanField(default=False)
    suspect_reason = models.CharField(max_length=REASON_MAX, blank=True)
    suspect_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def mark_suspect(self, reason: str, *, at: datetime) -> None:
        self.is_suspect, self.suspect_reason, self.suspect_since = True, reason[: self.REASON_MAX], at

    def clear_suspect(self) -> str:
        """Unflag; returns the reason it was suspect for the audit event."""
        reason = self.suspect_reason
        self.is_suspect, self.suspect_reason, self.suspect_since = False, "", None
        return reason


class ImmutableQuerySet(models.QuerySet):
    """Bulk paths (`.update()`, `.delete()`) bypass `save()`, so they are closed too."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableRecordError(f"{self.model.__name__} rows are immutable")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError(f"{self.model.__name__} rows are immutable")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise ImmutableRecordError(f"{self.model.__name__} rows are immutable")


class ImmutableModel(models.Model):
    """A row that can be inserted once and never changed or deleted through the ORM.

    PostgreSQL triggers (see the audit app's migrations) close the raw-SQL path as well.
    """

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError(f"{type(self).__name__} #{self.pk} is immutable")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError(f"{type(self).__name__} #{self.pk} is immutable")
