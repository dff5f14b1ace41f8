"""Alignment sessions: agendas of findings and inputs, workstream positions, PMO decisions."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import ImmutableModel, SuspectModel, TimeStampedModel


class AlignmentSession(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        CONCLUDED = "concluded", "Concluded"

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    scheduled_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED, db_index=True)
    minutes = models.TextField(blank=True, max_length=50000)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="alignment_sessions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    minutes_revision = models.PositiveIntegerField(default=0)  # stale-edit guard for minutes
    minutes_updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-scheduled_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_in_progress(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def is_concluded(self) -> bool:
        return self.status == self.Status.CONCLUDED


class AgendaItem(TimeStampedModel):
    session = models.ForeignKey(AlignmentSession, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField(default=0)
    finding = models.ForeignKey("conflicts.Finding", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="agenda_items")
    input = models.ForeignKey("inputs.Input", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="agenda_items")
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True, max_length=20000)

    class Meta:
        ordering = ["session_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(finding__isnull=False) & Q(input__isnull=True))
                | (Q(finding__isnull=True) & Q(input__isnull=False)),
                name="agenda_item_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Position(TimeStampedModel):
    class Stance(models.TextChoices):
        AGREE = "agree", "Agree"
        OBJECT = "object", "Object"
        ABSTAIN = "abstain", "Abstain"

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="positions")
    workstream = models.ForeignKey("engagements.Workstream", on_delete=models.PROTECT, related_name="positions")
    stance = models.CharField(max_length=8, choices=Stance.choices)
    reason = models.TextField(max_length=5000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["agenda_item_id", "workstream_id"]
        constraints = [models.UniqueConstraint(fields=["agenda_item", "workstream"], name="position_one_per_ws")]

    def __str__(self) -> str:
        return f"{self.workstream}: {self.get_stance_display()}"


class Decision(SuspectModel):
    class Outcome(models.TextChoices):
        ADOPT = "adopt", "Adopt one side"
        MERGE = "merge", "Merge"
        DEFER = "defer", "Defer"
        ESCALATE = "escalate", "Escalate to the customer"
        REJECT = "reject", "Reject"

    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rationale = models.TextField(max_length=20000)
    adopted_input = models.ForeignKey("inputs.Input", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    merged_text = models.TextField(blank=True, max_length=20000)
    due_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)  # bumped on revision; trace links remember the one they saw
    # The input revisions the decision rested on; when one gets a newer revision the decision is suspect.
    source_revisions = models.ManyToManyField("inputs.InputRevision", blank=True, related_name="decisions")
    # D-<number>: counted per engagement (apps.engagements.numbering), not the table's id
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["engagement", "number"], name="decision_number_unique")]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_outcome_display()}"

    @property
    def reference(self) -> str:
        return f"D-{self.number or self.pk}"

    @property
    def is_open_follow_up(self) -> bool:
        return self.outcome in (self.Outcome.DEFER, self.Outcome.ESCALATE)


class DecisionRevision(ImmutableModel):
    """Each version of a decision as it was recorded; revising a decision appends one, never edits."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Decision.Outcome.choices)
    rationale = models.TextField(max_length=20000)
    adopted_input = models.ForeignKey("inputs.Input", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    merged_text = models.TextField(blank=True, max_length=20000)
    due_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source_revision_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision_id", "version"]
        constraints = [models.UniqueConstraint(fields=["decision", "version"], name="decision_revision_unique")]

    def __str__(self) -> str:
        return f"{self.decision.reference} v{self.version}"
