from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers

from .models import ImportJob
from .progress import progress_get
from .readers.tabular import FIELDS


class ImportJobSerializer(serializers.ModelSerializer):
    workstream = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.StringRelatedField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["id", "engagement", "workstream", "created_by", "file_name", "file_format", "file_sha256",
                  "source_system", "mapping", "submit", "status", "total", "processed", "progress", "report",
                  "created_at", "started_at", "finished_at"]
        read_only_fields = fields

    def get_progress(self, job: ImportJob) -> dict[str, int]:
        """Live while running (read from Redis, since the import's transaction is still open)."""
        if job.status == ImportJob.Status.RUNNING and (live := progress_get(job.pk)) is not None:
            return {"processed": live[0], "total": live[1]}
        return {"processed": job.processed, "total": job.total}


class MappingField(serializers.JSONField):
    """field → column header; sent as a JSON object (or a JSON string in multipart forms)."""

    def to_internal_value(self, data: Any) -> dict[str, str]:
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else {}
            except ValueError as exc:
                raise serializers.ValidationError("Send the mapping as a JSON object.") from exc
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise serializers.ValidationError("Send the mapping as a JSON object of field → column name.")
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise serializers.ValidationError(f"Unknown field(s) {', '.join(unknown)}; use {', '.join(FIELDS)}.")
        return data


class ImportCreateSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(min_value=1)
    workstream = serializers.CharField(max_length=100, help_text="workstream id or slug")
    file = serializers.FileField()
    source_system = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    mapping = MappingField(required=False, default=dict)
    submit = serializers.BooleanField(required=False, default=True)
    dry_run = serializers.BooleanField(required=False, default=False)
