"""The strategic PMO's plan of work: work items per objective, their versioned sequence, and what they deliver."""
from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import ImmutableModel, TimeStampedModel


class WorkItem(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="work_items")
    objective = models.ForeignKey("engagements.Objective", on_delete=models.PROTECT, related_name="work_items")
    workstream = models.ForeignKey("engagements.Workstream", on_delete=models.PROTECT, related_name="work_items")
    code = models.CharField(max_length=20)  # short and stable: plan diffs read "C dropped; G added after F"
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)
    position = models.PositiveIntegerField(default=0)  # place in its objective's sequence
    planned_start = models.DateField()
    planned_end = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependents")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["engagement_id", "objective_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "code"], name="workitem_code_unique"),
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("planned_start")),
                                   name="workitem_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_dropped(self) -> bool:
        return self.status == self.Status.DROPPED


class PlanVersion(ImmutableModel):
    """One change set of the plan (add, drop, re-order, re-date), frozen with the plan as it stood after it."""

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.PROTECT, related_name="plan_versions")
    number = models.PositiveIntegerField()
    rationale = models.TextField(max_length=5000)
    decision = models.ForeignKey("alignment.Decision", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="plan_versions")
    operations = models.JSONField(default=list)  # the operations as applied, with item ids resolved
    snapshot = models.JSONField(default=list)  # every active work item after the change (see engine.PlanItem)
    summary = models.TextField(blank=True)  # the diff from the previous version, in plain words
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["engagement_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["engagement", "number"], name="planversion_number_unique")]

    def __str__(self) -> str:
        return f"Plan v{self.number}"


class WorkItemLink(TimeStampedModel):
    """Work item → the input, decision or deliverable section it serves. Suspect once the work item is dropped."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="links")
    input = models.ForeignKey("inputs.Input", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="work_item_links")
    decision = models.ForeignKey("alignment.Decision", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="work_item_links")
    section = models.ForeignKey("deliverables.Section", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="work_item_links")
    is_suspect = models.BooleanField(default=False, db_index=True)
    suspect_reason = models.CharField(max_length=300, blank=True)
    suspect_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["work_item_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(input__isnull=False) & Q(decision__isnull=True) & Q(section__isnull=True))
                | (Q(input__isnull=True) & Q(decision__isnull=False) & Q(section__isnull=True))
                | (Q(input__isnull=True) & Q(decision__isnull=True) & Q(section__isnull=False)),
                name="workitemlink_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_item.code} → {self.target_label}"

    @property
    def kind(self) -> str:
        return "input" if self.input_id else "decision" if self.decision_id else "section"

    @property
    def target_label(self) -> str:
        if self.input_id:
            return f"{self.input.reference} {self.input.title}"
        if self.decision_id:
            return f"{self.decision.reference} {self.decision.get_outcome_display()}"
        return f"{self.section.deliverable.title}: {self.section.heading}"


class DeliverableDefinition(TimeStampedModel):
    """What a work item is expected to hand over, and by when (the administrative PMO's list)."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="definitions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    due_date = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["work_item_id", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


def _document_path(instance: DeliveredDocument, filename: str) -> str:
    # A random name: the client's file name never reaches the file system (no traversal, no clashes).
    suffix = PurePosixPath(filename).suffix.lower()
    engagement_id = instance.definition.work_item.engagement_id
    return f"planning/{engagement_id}/{uuid.uuid4().hex}{suffix}"


class DeliveredDocument(ImmutableModel):
    """One delivered file for a definition; a new upload adds a row, nothing is replaced."""

    definition = models.ForeignKey(DeliverableDefinition, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=_document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["definition_id", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

