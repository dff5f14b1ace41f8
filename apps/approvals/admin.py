from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import ApprovalSubmission, ChangeRequestItem, SectionComment, Signature, SigningLock


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    """Signatures are visible to staff but can never be added, changed or deleted here."""

    list_display = ["id", "signed_at", "signer_name", "signer_organization", "meaning", "version", "content_sha256"]
    list_filter = ["meaning"]
    search_fields = ["signer_name", "signer_organization", "content_sha256"]


@admin.register(ApprovalSubmission)
class ApprovalSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["id", "version", "policy", "status", "submitted_by", "created_at", "closed_at"]
    list_filter = ["status", "policy"]


@admin.register(ChangeRequestItem)
class ChangeRequestItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "signature", "section_heading", "addressed_in"]


@admin.register(SectionComment)
class SectionCommentAdmin(ReadOnlyAdmin):
    list_display = ["id", "version", "section_heading", "author", "created_at"]


@admin.register(SigningLock)
class SigningLockAdmin(ReadOnlyAdmin):
    list_display = ["user", "failures", "window_started_at", "locked_until"]
