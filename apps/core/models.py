"""Shared model bases."""
from __future__ import annotations

from typing import Any

from django.db import models

from .errors import ImmutableRecordError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


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
