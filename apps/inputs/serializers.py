from __future__ import annotations

from rest_framework import serializers

from apps.core.api import ScopedPrimaryKeyRelatedField
from apps.engagements.selectors import engagement_list, objective_list, workstream_list

from .models import BODY_MAX, TITLE_MAX, Input, InputRequest, InputRevision
from .requests import input_request_list


class RevisionSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = InputRevision
        fields = ["number", "title", "body", "body_sha256", "author", "created_at"]
        read_only_fields = fields


class InputSerializer(serializers.ModelSerializer):
    """Read shape. Workflow-owned fields (status, workstream, author, revisions) are read-only
    everywhere: they change only through the explicit actions."""

    workstream_name = serializers.CharField(source="workstream.name", read_only=True)
    author = serializers.StringRelatedField()
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    body = serializers.CharField(source="current_revision.body", read_only=True)
    body_sha256 = serializers.CharField(source="current_revision.body_sha256", read_only=True)
    revision = serializers.IntegerField(source="revision_count", read_only=True)
    reference = serializers.CharField(read_only=True, help_text="IN-<number>, counted per engagement.")

    class Meta:
        model = Input
        fields = [
            "id", "reference", "engagement", "workstream", "workstream_name", "kind", "title", "body", "body_sha256",
            "status",
            "priority", "tags", "objectives", "author", "revision", "created_at", "updated_at", "submitted_at",
            "answers_request",
        ]
        read_only_fields = fields


class InputCreateSerializer(serializers.Serializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)
    workstream = ScopedPrimaryKeyRelatedField(scope=workstream_list)
    kind = serializers.ChoiceField(choices=Input.Kind.choices)
    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=BODY_MAX, trim_whitespace=False)
    priority = serializers.ChoiceField(choices=Input.Priority.choices, default=Input.Priority.SHOULD)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)
    objectives = ScopedPrimaryKeyRelatedField(
        scope=objective_list, many=True, required=False, default=list
    )
    submit = serializers.BooleanField(default=False, help_text="Submit right away instead of saving a draft.")
    answers_request = ScopedPrimaryKeyRelatedField(
        scope=input_request_list, required=False, allow_null=True, default=None,
        help_text="The input request this input answers.",
    )


class InputDetailsSerializer(serializers.Serializer):
    """PATCH/PUT body: only metadata. Unknown or workflow-owned fields are rejected, not ignored."""

    kind = serializers.ChoiceField(choices=Input.Kind.choices, required=False)
    priority = serializers.ChoiceField(choices=Input.Priority.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    objectives = ScopedPrimaryKeyRelatedField(scope=objective_list, many=True, required=False)

    def validate(self, attrs: dict) -> dict:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: ["This field cannot be changed here; use the input's actions (revise, submit, "
                        "withdraw)." if name in WORKFLOW_FIELDS else "Unknown field."] for name in unknown}
            )
        return attrs


WORKFLOW_FIELDS = {"status", "workstream", "author", "revision", "revision_count", "engagement", "title", "body",
                   "current_revision", "body_sha256", "submitted_at"}


class InputReviseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=BODY_MAX, trim_whitespace=False)
    expected_revision = serializers.IntegerField(
        required=False, min_value=1, help_text="The revision you edited; or send it as If-Match: \"<n>\"."
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DiffSerializer(serializers.Serializer):
    old = serializers.IntegerField()
    new = serializers.IntegerField()
    unified = serializers.CharField()


class InputRequestSerializer(serializers.ModelSerializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)
    workstreams = ScopedPrimaryKeyRelatedField(scope=workstream_list, many=True)
    answered_workstreams = serializers.SerializerMethodField()

    class Meta:
        model = InputRequest
        fields = ["id", "engagement", "topic", "description", "due_date", "workstreams", "status",
                  "answered_workstreams", "created_at"]
        read_only_fields = ["id", "status", "created_at"]

    def get_answered_workstreams(self, obj: InputRequest) -> list[int]:
        return sorted({a.workstream_id for a in obj.answers.all() if a.is_submitted})
