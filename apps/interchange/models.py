"""Where imported inputs came from, and import jobs with their progress and report."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel


class InputSource(models.Model):
    """An input's identity in the system it was imported from: (source system, external id).

    Kept beside the input (one-to-one) rather than as columns on it, so typed inputs stay as they are;
    unique per engagement, which is what makes re-importing the same file change nothing.
    """

    input = models.OneToOneField("inputs.Input", on_delete=models.CASCADE, related_name="source")
    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="+")
    system = models.CharField(max_length=100)
    external_id = models.CharField(max_length=200)
    last_job = models.ForeignKey("ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["engagement", "system", "external_id"],
                                               name="input_source_unique")]

    def __str__(self) -> str:
        return f"{self.system}:{self.external_id}"


class ImportJob(TimeStampedModel):
    """One uploaded file on its way in: mapped, dry-run, then imported (in one transaction) by a worker."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded (choose columns, then preview)"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed: nothing imported"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"
        DOCX = "docx", "Word (DOCX)"
        REQIF = "reqif", "ReqIF"

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="import_jobs")
    workstream = models.ForeignKey("engagements.Workstream", on_delete=models.PROTECT, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=8, choices=Format.choices)
    content = models.BinaryField()  # the uploaded bytes, so the worker reads exactly what was previewed
    file_sha256 = models.CharField(max_length=64)
    source_system = models.CharField(max_length=100)
    mapping = models.JSONField(default=dict, blank=True)  # CSV/XLSX: field → column header
    submit = models.BooleanField(default=True)  # imported inputs are submitted (detection runs) or kept as drafts
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED, db_index=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)  # counts, per-record actions (capped), issues
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.file_name}"

    @property
    def reference(self) -> str:
        return f"IMP-{self.pk}"

    @property
    def is_configurable(self) -> bool:
        """Not started yet: its columns and options can still change, and it can be started (once)."""
        return self.status == self.Status.UPLOADED
