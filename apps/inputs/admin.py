from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Input, InputRevision


@admin.register(InputRevision)
class InputRevisionAdmin(ReadOnlyAdmin):
    list_display = ["input", "number", "author", "created_at", "body_sha256"]


@admin.register(Input)
class InputAdmin(ReadOnlyAdmin):
    """Inputs change only through their services (revise, submit, withdraw), never in the admin."""

    list_display = ["id", "title", "engagement", "workstream", "status", "revision_count"]
    list_filter = ["status", "kind"]
