"""What detection produced: findings (conflicts and merge candidates), runs, choice sets."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel


class ChoiceSet(TimeStampedModel):
    """Mutually exclusive options an engagement adds to the built-in catalogue (e.g. CDN vendors)."""

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="choice_sets")
    name = models.CharField(max_length=80)
    # [["aws", "amazon web services"], ["azure", "microsoft azure"]]: each option with its synonyms
    options = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["engagement_id", "name"]
        constraints = [models.UniqueConstraint(fields=["engagement", "name"], name="choiceset_name_unique")]

    def __str__(self) -> str:
        return self.name


class DetectionRun(TimeStampedModel):
    class Scope(models.TextChoices):
        INCREMENTAL = "incremental", "Incremental check"
        FULL = "full", "Full scan"
        NIGHTLY = "nightly", "Nightly scan"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="detection_runs")
    scope = models.CharField(max_length=16, choices=Scope.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    trigger_revision = models.ForeignKey(
        "inputs.InputRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    findings_new = models.PositiveIntegerField(default=0)
    findings_seen = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    # "indexing" while the statement index is built, "checking" while pairs are classified
    phase = models.CharField(max_length=16, blank=True)
    # sha256 of the statements (and choice sets) a full scan covers: a redelivered scan resumes from
    # `done` only when it still sees exactly the same data, otherwise it starts again from zero
    snapshot = models.CharField(max_length=64, blank=True)
    # a full scan's plan: `batch_count` batches of `batch_size` statements, committed in any order
    # (one ScanBatch row each); the run finishes when the last of them commits
    batch_count = models.PositiveIntegerField(default=0)
    batch_size = models.PositiveIntegerField(default=0)
    related_new = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))


class Finding(TimeStampedModel):
    """A conflict or merge candidate between two statements of two input revisions.

    `fingerprint` (the two revisions' hashes, the statement spans and the kind) is unique, so
    re-running a scan or a worker dying half-way never duplicates or loses a finding.
    """

    class Label(models.TextChoices):
        CONFLICT = "conflict", "Conflict"
        DUPLICATE = "duplicate", "Merge candidate"

    class Kind(models.TextChoices):
        NUMERIC = "numeric", "Numeric"
        EXCLUSIVE_CHOICE = "exclusive_choice", "Exclusive choice"
        NEGATION = "negation", "Negation / modality"
        SCOPE = "scope", "Scope / quantifier"
        TERMINOLOGY = "terminology", "Terminology"
        PRIORITY = "priority", "Priority"
        # an approval step one side requires and the other skips, or one thing owned by two teams
        PROCESS = "process", "Process / ownership"
        OTHER = "other", "Other"
        DUPLICATE = "duplicate", "Duplicate"
        OVERLAP = "overlap", "Overlap"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        IN_ALIGNMENT = "in_alignment", "In alignment"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed (false positive)"
        SUPERSEDED = "superseded", "Superseded by a newer revision"

    # The two "open" sets, defined once. Awaiting: nobody has taken it up yet, so it may be acknowledged,
    # put on an agenda, dismissed, or superseded by a new revision.
    AWAITING_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED)
    # Unresolved: awaiting, or on an alignment agenda; what lists and dashboards count as open.
    UNRESOLVED_STATUSES = (*AWAITING_STATUSES, Status.IN_ALIGNMENT)

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="findings")
    fingerprint = models.CharField(max_length=64, unique=True)
    # The same two sides without the kind: one finding per statement pair, whichever rule fires on a
    # later scan (a dismissed pair stays dismissed even if it is classified differently next time).
    pair_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    label = models.CharField(max_length=16, choices=Label.choices, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    revision_a = models.ForeignKey("inputs.InputRevision", on_delete=models.PROTECT, related_name="+")
    revision_b = models.ForeignKey("inputs.InputRevision", on_delete=models.PROTECT, related_name="+")
    input_a = models.ForeignKey("inputs.Input", on_delete=models.CASCADE, related_name="findings_as_a")
    input_b = models.ForeignKey("inputs.Input", on_delete=models.CASCADE, related_name="findings_as_b")
    workstream_a = models.ForeignKey("engagements.Workstream", on_delete=models.PROTECT, related_name="+")
    workstream_b = models.ForeignKey("engagements.Workstream", on_delete=models.PROTECT, related_name="+")
    statement_a = models.TextField()
    statement_b = models.TextField()
    span_a = models.JSONField(default=list)  # [start, end] of the statement within revision_a.body
    span_b = models.JSONField(default=list)
    highlights = models.JSONField(default=dict)  # {"a": [[s, e], ...], "b": [...]} within the statements
    values = models.JSONField(default=list)  # the clashing values, e.g. ["at least 24 months", "within 90 days"]
    rule = models.CharField(max_length=80)
    score = models.FloatField()
    explanation = models.TextField()
    dismissed_reason = models.TextField(blank=True)
    # Who dismissed it: shown beside the reason, so the other workstream sees whose call it was.
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(DetectionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")

    class Origin(models.TextChoices):
        DETECTED = "detected", "Detected"
        MANUAL = "manual", "Flagged by hand"

    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.DETECTED)
    # the pair's index similarity when detection classified it (calibration reads it); None for manual flags
    similarity = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # F-<number>: counted per engagement (apps.engagements.numbering), given right after the insert
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-score", "-id"]
        indexes = [
            models.Index(fields=["engagement", "label", "status"]),
            models.Index(fields=["engagement", "workstream_a", "workstream_b"]),
        ]
        constraints = [models.UniqueConstraint(fields=["engagement", "number"], name="finding_number_unique")]

    def __str__(self) -> str:
        return f"{self.get_label_display()} {self.reference}: {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"F-{self.number or self.pk}"

    @property
    def is_awaiting(self) -> bool:
        return self.status in self.AWAITING_STATUSES

    @property
    def is_unacknowledged(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_dismissed(self) -> bool:
        return self.status == self.Status.DISMISSED


class RevisionStatement(models.Model):
    """One statement of an input revision with its span in the revision body: what detection compares.

    Derived from the immutable revision text, so it is written once per revision and never edited;
    the statements of an engagement's *current submitted* revisions are its detection corpus.
    """

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="+")
    input = models.ForeignKey("inputs.Input", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey("inputs.InputRevision", on_delete=models.CASCADE, related_name="statements")
    workstream = models.ForeignKey("engagements.Workstream", on_delete=models.CASCADE, related_name="+")
    ordinal = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["revision_id", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["revision", "ordinal"], name="statement_ordinal_unique")]
        indexes = [models.Index(fields=["engagement", "input"])]

    def __str__(self) -> str:
        return self.text[:80]


class ScanBatch(models.Model):
    """One committed batch of a full scan: its findings were written in the same transaction.

    Unique per (run, number): a batch delivered twice (a worker died after committing, a run
    re-dispatched on recovery) finds its row and writes nothing the second time.
    """

    run = models.ForeignKey(DetectionRun, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    findings_new = models.PositiveIntegerField(default=0)
    related_new = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)  # host:pid of the process that committed it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run_id", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="scanbatch_run_number_unique")]

    def __str__(self) -> str:
        return f"run {self.run_id} batch {self.number}"


class RelatedPair(TimeStampedModel):
    """The second tier: two statements of different workstreams that detection found related but was
    not sure about ("related across workstreams — needs a look"). People confirm one (it becomes a
    manual finding) or dismiss it; both judgements are labels for the engagement's calibration."""

    class Status(models.TextChoices):
        OPEN = "open", "Needs a look"
        CONFIRMED = "confirmed", "Confirmed as a finding"
        DISMISSED = "dismissed", "Dismissed (unrelated)"
        SUPERSEDED = "superseded", "Superseded by a newer revision"

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="related_pairs")
    pair_key = models.CharField(max_length=64, unique=True)  # the same key as Finding.pair_key
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    revision_a = models.ForeignKey("inputs.InputRevision", on_delete=models.PROTECT, related_name="+")
    revision_b = models.ForeignKey("inputs.InputRevision", on_delete=models.PROTECT, related_name="+")
    input_a = models.ForeignKey("inputs.Input", on_delete=models.CASCADE, related_name="+")
    input_b = models.ForeignKey("inputs.Input", on_delete=models.CASCADE, related_name="+")
    workstream_a = models.ForeignKey("engagements.Workstream", on_delete=models.PROTECT, related_name="+")
    workstream_b = models.ForeignKey("engagements.Workstream", on_delete=models.PROTECT, related_name="+")
    statement_a = models.TextField()
    statement_b = models.TextField()
    span_a = models.JSONField(default=list)
    span_b = models.JSONField(default=list)
    similarity = models.FloatField()
    # what the engine said: "neutral", or a weak conflict/duplicate the calibration moved to this tier
    engine_label = models.CharField(max_length=16, default="neutral")
    engine_kind = models.CharField(max_length=20, blank=True)
    engine_score = models.FloatField(default=0.0)
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    run = models.ForeignKey(DetectionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-similarity", "-id"]
        indexes = [models.Index(fields=["engagement", "status"])]

    def __str__(self) -> str:
        return f"R-{self.pk}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk}"


class Calibration(models.Model):
    """One version of an engagement's detection calibration (append-only: the newest row is current).

    `params` is `engine.feedback.Calibration.as_dict()`; a reset appends the shipped default with
    `labels_since` = now, so judgements made before the reset no longer count.
    """

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="calibrations")
    params = models.JSONField(default=dict)
    examples = models.PositiveIntegerField(default=0)
    labels_since = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"calibration #{self.pk} of engagement {self.engagement_id}"
