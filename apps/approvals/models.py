"""Customer sign-off: submissions of a published version and signatures bound to its hash."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import ImmutableModel, TimeStampedModel

COVER_NOTE_MAX = 5000


class ApprovalSubmission(TimeStampedModel):
    class Policy(models.TextChoices):
        ALL = "all", "Every named approver"
        ANY = "any", "Any one approver"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    version = models.ForeignKey("deliverables.DeliverableVersion", on_delete=models.PROTECT,
                                related_name="submissions")
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="approval_submissions")
    policy = models.CharField(max_length=8, choices=Policy.choices, default=Policy.ALL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The PMO's word to the approvers: what changed, what to look at. Shown with the request and kept.
    cover_note = models.TextField(blank=True, max_length=COVER_NOTE_MAX)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def blocks_new_submission(self) -> bool:
        """A version awaiting approval, or approved, cannot be submitted again."""
        return self.is_pending or self.is_approved


class Signature(ImmutableModel):
    """An electronic signature (21 CFR Part 11 style): who, when (UTC), meaning, bound to the bytes' hash."""

    class Meaning(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        REJECTED = "rejected", "Rejected"

    submission = models.ForeignKey(ApprovalSubmission, on_delete=models.PROTECT, related_name="signatures")
    version = models.ForeignKey("deliverables.DeliverableVersion", on_delete=models.PROTECT,
                                related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures")
    signer_name = models.CharField(max_length=150)
    signer_organization = models.CharField(max_length=150)
    meaning = models.CharField(max_length=20, choices=Meaning.choices)
    comment = models.TextField(blank=True, max_length=20000)
    content_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["version", "signer"], name="signature_once_per_signer")]

    def __str__(self) -> str:
        return f"{self.signer_name}: {self.get_meaning_display()} {self.version}"


class SigningLock(models.Model):
    """Failed re-authentication counter per user; updated with F() so concurrent attempts all count."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signing_lock")
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(null=True, blank=True)  # first failure of the current window
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"signing lock of user #{self.user_id}: {self.failures} failures"


class ChangeRequestItem(TimeStampedModel):
    """One point of a change request, tracked until the PMO marks it addressed in a later version."""

    signature = models.ForeignKey(Signature, on_delete=models.PROTECT, related_name="change_items")
    section_heading = models.CharField(max_length=200, blank=True)
    text = models.TextField(max_length=5000)
    addressed_in = models.ForeignKey("deliverables.DeliverableVersion", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="addressed_items")
    addressed_note = models.TextField(blank=True, max_length=5000)
    addressed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["id"]


class SectionComment(TimeStampedModel):
    version = models.ForeignKey("deliverables.DeliverableVersion", on_delete=models.PROTECT, related_name="comments")
    section_heading = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=10000)

    class Meta:
        ordering = ["id"]
