"""Inputs logged by workstreams and their immutable, hashed revisions."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import ImmutableModel, TimeStampedModel

TITLE_MAX = 200
BODY_MAX = 20000


class Tag(models.Model):
    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["engagement", "name"], name="tag_name_unique")]

    def __str__(self) -> str:
        return self.name


class Input(TimeStampedModel):
    class Kind(models.TextChoices):
        REQUIREMENT = "requirement", "Requirement"
        VIEWPOINT = "viewpoint", "Viewpoint"
        CONSTRAINT = "constraint", "Constraint"
        ASSUMPTION = "assumption", "Assumption"
        RISK = "risk", "Risk"
        DEFINITION = "definition", "Definition"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Priority(models.TextChoices):
        MUST = "must", "Must have"
        SHOULD = "should", "Should have"
        COULD = "could", "Could have"
        WONT = "wont", "Won't have (out of scope)"

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="inputs")
    workstream = models.ForeignKey("engagements.Workstream", on_delete=models.PROTECT, related_name="inputs")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REQUIREMENT)
    title = models.CharField(max_length=TITLE_MAX)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.SHOULD)
    tags = models.ManyToManyField(Tag, blank=True, related_name="inputs")
    objectives = models.ManyToManyField("engagements.Objective", blank=True, related_name="inputs")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inputs")
    current_revision = models.OneToOneField(
        "InputRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision_count = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers_request = models.ForeignKey(
        "InputRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )


    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["engagement", "status"]),
            models.Index(fields=["engagement", "workstream", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def reference(self) -> str:
        return f"IN-{self.pk}"


class InputRevision(ImmutableModel):
    input = models.ForeignKey(Input, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(max_length=BODY_MAX)
    body_sha256 = models.CharField(max_length=64, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["input_id", "number"]
        constraints = [models.UniqueConstraint(fields=["input", "number"], name="revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.input.reference} r{self.number}"


class InputRequest(TimeStampedModel):
    """The PMO asks workstreams for their input on a topic by a due date."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="input_requests")
    topic = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10000)
    due_date = models.DateField()
    workstreams = models.ManyToManyField("engagements.Workstream", related_name="input_requests")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["status", "due_date", "id"]

    def __str__(self) -> str:
        return self.topic

    @property
    def reference(self) -> str:
        return f"RQ-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
