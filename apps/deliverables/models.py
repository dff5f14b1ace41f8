"""The one integrated deliverable: draft sections, trace links, frozen published versions."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import ImmutableModel, SuspectModel, TimeStampedModel


class Deliverable(TimeStampedModel):
    class ApprovalPolicy(models.TextChoices):
        ALL = "all", "Every named approver must approve"
        ANY = "any", "Any one approver is enough"

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="deliverables")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)
    approval_policy = models.CharField(max_length=8, choices=ApprovalPolicy.choices, default=ApprovalPolicy.ALL)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["engagement_id", "title"]

    def __str__(self) -> str:
        return self.title


class Section(TimeStampedModel):
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    heading = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=50000)
    revision = models.PositiveIntegerField(default=1)  # stale-edit guard, bumped on every body change
    source_decision = models.ForeignKey("alignment.Decision", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="sections")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["deliverable_id", "order", "id"]

    def __str__(self) -> str:
        return self.heading


class TraceLink(SuspectModel):
    """Section → exact input revision, decision, or objective it rests on."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="trace_links")
    input_revision = models.ForeignKey("inputs.InputRevision", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="trace_links")
    decision = models.ForeignKey("alignment.Decision", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="trace_links")
    objective = models.ForeignKey("engagements.Objective", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="trace_links")
    decision_version = models.PositiveIntegerField(null=True, blank=True)  # the decision version this link saw
    is_suspect = models.BooleanField(default=False, db_index=True)  # SuspectModel's flag, indexed: pages count them
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["section_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(input_revision__isnull=False) & Q(decision__isnull=True) & Q(objective__isnull=True))
                | (Q(input_revision__isnull=True) & Q(decision__isnull=False) & Q(objective__isnull=True))
                | (Q(input_revision__isnull=True) & Q(decision__isnull=True) & Q(objective__isnull=False)),
                name="tracelink_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = self.input_revision or self.decision or self.objective
        return f"{self.section} → {target}"


class DeliverableVersion(ImmutableModel):
    """A frozen, published version: the exact rendered bytes and their SHA-256."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    markdown_source = models.TextField()
    rendered_html = models.BinaryField()  # the stored bytes a signature is bound to
    content_sha256 = models.CharField(max_length=64)
    sections = models.JSONField(default=list)  # [{"heading", "body", "order", "section_id"}] for section diffs
    trace_manifest = models.JSONField(default=list)
    suspect_links = models.JSONField(default=list)  # links that were suspect when published
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deliverable_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["deliverable", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.deliverable} v{self.number}"
