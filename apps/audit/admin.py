from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "action", "target_repr", "actor", "engagement"]
    list_filter = ["action"]
    search_fields = ["target_repr", "action"]
