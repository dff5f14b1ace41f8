"""The engagement (tenant boundary), its objectives and workstreams."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel

DEFAULT_WORKSTREAMS = (("IT", "it"), ("Marketing", "marketing"), ("Data", "data"))


class Engagement(TimeStampedModel):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)
    client = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Objective(TimeStampedModel):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)

    class Meta:
        ordering = ["engagement_id", "code"]
        constraints = [models.UniqueConstraint(fields=["engagement", "code"], name="objective_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Workstream(TimeStampedModel):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="workstreams")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["engagement_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "slug"], name="workstream_slug_unique"),
            models.UniqueConstraint(fields=["engagement", "name"], name="workstream_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ReferenceCounter(models.Model):
    """The last reference number handed out in an engagement for one kind of record (IN-, F-, D-).

    References count per engagement (a customer's IN-3 is its third input, not the site's 9,412th row);
    the counter row is locked while a number is taken, so two writers never get the same one.
    """

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["engagement", "kind"], name="reference_counter_unique")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.last} of engagement {self.engagement_id}"
