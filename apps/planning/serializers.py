from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from apps.alignment.selectors import decisions_visible_to
from apps.core.api import ScopedPrimaryKeyRelatedField
from apps.deliverables.selectors import sections_visible_to
from apps.engagements.selectors import engagement_list, objective_list, workstream_list
from apps.inputs.selectors import inputs_visible_to

from .models import DeliverableDefinition, DeliveredDocument, PlanVersion, WorkItem, WorkItemLink
from .selectors import work_items_visible_to
from .services.plan import CODE_MAX, RATIONALE_MAX, TITLE_MAX


class WorkItemSerializer(serializers.ModelSerializer):
    objective_code = serializers.CharField(source="objective.code", read_only=True)
    workstream_name = serializers.CharField(source="workstream.name", read_only=True)
    depends_on = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = ["id", "engagement", "code", "title", "description", "objective", "objective_code", "workstream",
                  "workstream_name", "position", "planned_start", "planned_end", "status", "depends_on",
                  "created_at", "updated_at"]
        read_only_fields = fields

    def get_depends_on(self, obj: WorkItem) -> list[str]:
        return sorted(d.code for d in obj.depends_on.all())


class WorkItemCreateSerializer(serializers.Serializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)
    objective = ScopedPrimaryKeyRelatedField(scope=objective_list)
    workstream = ScopedPrimaryKeyRelatedField(scope=workstream_list)
    code = serializers.CharField(max_length=CODE_MAX)
    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()
    after = serializers.CharField(required=False, allow_null=True, default=None,
                                  help_text="code of the work item it follows in its objective; empty: first")
    depends_on = ScopedPrimaryKeyRelatedField(scope=work_items_visible_to, many=True, required=False, default=list)
    rationale = serializers.CharField(required=False, allow_blank=True, default="", max_length=RATIONALE_MAX)
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    decision = ScopedPrimaryKeyRelatedField(scope=decisions_visible_to, required=False, allow_null=True, default=None)


class WorkItemUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    status = serializers.ChoiceField(choices=WorkItem.Status.choices, required=False)
    workstream = ScopedPrimaryKeyRelatedField(scope=workstream_list, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        plan_fields = sorted(set(self.initial_data) & {"planned_start", "planned_end", "depends_on", "position",
                                                        "objective", "code"})
        if plan_fields:
            raise serializers.ValidationError({plan_fields[0]: [
                "Order, dates and dependencies change through POST /api/v1/engagements/{id}/plan/resequence/ "
                "(one change set with a rationale)."]})
        return attrs


class OperationSerializer(serializers.Serializer):
    """One operation of a change set; which fields matter depends on `op` (see the README)."""

    op = serializers.ChoiceField(choices=["add", "drop", "move", "reorder", "redate", "depend"])
    item = serializers.JSONField(required=False, help_text="code (or id) of the work item")
    code = serializers.CharField(required=False)
    title = serializers.CharField(required=False)
    objective = serializers.IntegerField(required=False)
    workstream = serializers.IntegerField(required=False)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    after = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    depends_on = serializers.ListField(child=serializers.JSONField(), required=False)
    order = serializers.ListField(child=serializers.JSONField(), required=False)


class ResequenceSerializer(serializers.Serializer):
    operations = serializers.ListField(child=OperationSerializer(), allow_empty=False, max_length=500,
                                       help_text="applied in order and checked together")
    rationale = serializers.CharField(max_length=RATIONALE_MAX)
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                                help_text='the plan version you changed; or send If-Match: "<n>"')
    decision = ScopedPrimaryKeyRelatedField(scope=decisions_visible_to, required=False, allow_null=True, default=None)


class PlanVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField()
    decision_ref = serializers.SerializerMethodField()

    class Meta:
        model = PlanVersion
        fields = ["id", "engagement", "number", "rationale", "decision", "decision_ref", "summary", "operations",
                  "snapshot", "created_by", "created_at"]
        read_only_fields = fields

    def get_decision_ref(self, obj: PlanVersion) -> str | None:
        return obj.decision.reference if obj.decision_id else None


class WorkItemLinkSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    target = serializers.CharField(source="target_label", read_only=True)

    class Meta:
        model = WorkItemLink
        fields = ["id", "work_item", "kind", "input", "decision", "section", "target", "is_suspect",
                  "suspect_reason", "suspect_since", "created_at"]
        read_only_fields = fields


class WorkItemLinkCreateSerializer(serializers.Serializer):
    work_item = ScopedPrimaryKeyRelatedField(scope=work_items_visible_to)
    input = ScopedPrimaryKeyRelatedField(scope=inputs_visible_to, required=False, allow_null=True, default=None)
    decision = ScopedPrimaryKeyRelatedField(scope=decisions_visible_to, required=False, allow_null=True, default=None)
    section = ScopedPrimaryKeyRelatedField(scope=sections_visible_to, required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if sum(attrs.get(k) is not None for k in ("input", "decision", "section")) != 1:
            raise serializers.ValidationError({"input": ["Give exactly one of input, decision, section."]})
        return attrs


class DeliveredDocumentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.StringRelatedField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DeliveredDocument
        fields = ["id", "definition", "original_name", "content_type", "size", "sha256", "uploaded_by",
                  "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj: DeliveredDocument) -> str:
        return reverse("planning:document", args=[obj.definition.work_item.engagement_id, obj.pk])


class DefinitionSerializer(serializers.ModelSerializer):
    documents = DeliveredDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = DeliverableDefinition
        fields = ["id", "work_item", "title", "description", "due_date", "documents", "created_at"]
        read_only_fields = fields


class DefinitionCreateSerializer(serializers.Serializer):
    work_item = ScopedPrimaryKeyRelatedField(scope=work_items_visible_to)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    due_date = serializers.DateField()


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
