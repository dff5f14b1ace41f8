from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.alignment.selectors import decisions_visible_to
from apps.core.api import ScopedPrimaryKeyRelatedField
from apps.engagements.selectors import engagement_list, objective_list
from apps.inputs.selectors import revisions_visible_to

from .models import Deliverable, DeliverableVersion, Section, TraceLink
from .selectors import deliverables_visible_to, sections_visible_to
from .services import BODY_MAX, DESCRIPTION_MAX, HEADING_MAX, TITLE_MAX, link_target


class TraceLinkSerializer(serializers.ModelSerializer):
    target = serializers.SerializerMethodField()
    input = serializers.IntegerField(source="input_revision.input_id", read_only=True, allow_null=True)
    revision = serializers.IntegerField(source="input_revision.number", read_only=True, allow_null=True)

    class Meta:
        model = TraceLink
        fields = ["id", "section", "input_revision", "input", "revision", "decision", "decision_version",
                  "objective", "target", "is_suspect", "suspect_reason", "suspect_since", "created_at"]
        read_only_fields = fields

    def get_target(self, obj: TraceLink) -> str:
        return link_target(obj)


class SectionSerializer(serializers.ModelSerializer):
    trace_links = TraceLinkSerializer(many=True, read_only=True)
    updated_by = serializers.StringRelatedField()

    class Meta:
        model = Section
        fields = ["id", "deliverable", "order", "heading", "body", "revision", "source_decision", "updated_by",
                  "trace_links", "created_at", "updated_at"]
        read_only_fields = fields


class DeliverableSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField()
    sections = SectionSerializer(many=True, read_only=True)
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = Deliverable
        fields = ["id", "engagement", "title", "description", "approval_policy", "created_by", "sections",
                  "latest_version", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))  # null until the first version is published
    def get_latest_version(self, obj: Deliverable) -> int | None:
        numbers = [v.number for v in obj.versions.all()]
        return max(numbers) if numbers else None


class DeliverableCreateSerializer(serializers.Serializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)
    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")
    approval_policy = serializers.ChoiceField(choices=Deliverable.ApprovalPolicy.choices,
                                              default=Deliverable.ApprovalPolicy.ALL)


class DeliverableUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX, required=False)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True)
    approval_policy = serializers.ChoiceField(choices=Deliverable.ApprovalPolicy.choices, required=False)


class SectionCreateSerializer(serializers.Serializer):
    deliverable = ScopedPrimaryKeyRelatedField(scope=deliverables_visible_to)
    heading = serializers.CharField(max_length=HEADING_MAX)
    body = serializers.CharField(max_length=BODY_MAX, required=False, allow_blank=True, default="",
                                 trim_whitespace=False)


class SectionUpdateSerializer(serializers.Serializer):
    heading = serializers.CharField(max_length=HEADING_MAX, required=False)
    body = serializers.CharField(max_length=BODY_MAX, required=False, allow_blank=True, trim_whitespace=False)
    expected_revision = serializers.IntegerField(min_value=1, required=False,
                                                 help_text='The revision you edited; or send If-Match: "<n>".')


class SectionFromDecisionSerializer(serializers.Serializer):
    deliverable = ScopedPrimaryKeyRelatedField(scope=deliverables_visible_to)
    decision = ScopedPrimaryKeyRelatedField(scope=decisions_visible_to)
    heading = serializers.CharField(max_length=HEADING_MAX, required=False, allow_blank=True, default="")


class MoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=[("up", "up"), ("down", "down")])


class TraceLinkCreateSerializer(serializers.Serializer):
    section = ScopedPrimaryKeyRelatedField(scope=sections_visible_to)
    input_revision = ScopedPrimaryKeyRelatedField(scope=revisions_visible_to, required=False, allow_null=True,
                                                  default=None)
    decision = ScopedPrimaryKeyRelatedField(scope=decisions_visible_to, required=False, allow_null=True, default=None)
    objective = ScopedPrimaryKeyRelatedField(scope=objective_list, required=False,
                                             allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if sum(attrs.get(k) is not None for k in ("input_revision", "decision", "objective")) != 1:
            raise serializers.ValidationError({"input_revision": ["Give exactly one of input_revision, decision, "
                                                                  "objective."]})
        return attrs


class VersionListSerializer(serializers.ModelSerializer):
    published_by = serializers.StringRelatedField()
    suspect_link_count = serializers.SerializerMethodField()

    class Meta:
        model = DeliverableVersion
        fields = ["id", "deliverable", "number", "content_sha256", "published_by", "published_at",
                  "suspect_link_count"]
        read_only_fields = fields

    def get_suspect_link_count(self, obj: DeliverableVersion) -> int:
        return len(obj.suspect_links or [])


class VersionSerializer(VersionListSerializer):
    rendered_html = serializers.SerializerMethodField(help_text="The stored bytes, decoded as UTF-8 text.")

    class Meta(VersionListSerializer.Meta):
        fields = [*VersionListSerializer.Meta.fields, "rendered_html", "markdown_source", "sections",
                  "trace_manifest", "suspect_links"]
        read_only_fields = fields

    def get_rendered_html(self, obj: DeliverableVersion) -> str:
        return bytes(obj.rendered_html).decode("utf-8")


class SectionDiffSerializer(serializers.Serializer):
    state = serializers.CharField()
    old_heading = serializers.CharField()
    new_heading = serializers.CharField()
    unified = serializers.CharField()


class VersionCompareSerializer(serializers.Serializer):
    old = serializers.IntegerField()
    new = serializers.IntegerField()
    sections = SectionDiffSerializer(many=True)


class TraceRowSerializer(serializers.Serializer):
    objectives = serializers.ListField(child=serializers.CharField())
    input = serializers.DictField()
    traced_revisions = serializers.ListField(child=serializers.IntegerField())
    findings = serializers.ListField(child=serializers.DictField())
    decisions = serializers.ListField(child=serializers.DictField())
    sections = serializers.ListField(child=serializers.DictField())
    versions = serializers.ListField(child=serializers.DictField())
    status = serializers.CharField(help_text="traced, untraced or suspect")
