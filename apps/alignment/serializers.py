from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import User
from apps.accounts.selectors import colleagues_of
from apps.conflicts.selectors import findings_visible_to
from apps.core.api import ScopedPrimaryKeyRelatedField
from apps.engagements.selectors import engagement_list, workstream_list
from apps.inputs.selectors import inputs_visible_to

from .models import AgendaItem, AlignmentSession, Decision, DecisionRevision, Position
from .selectors import agenda_items_visible_to
from .services import MINUTES_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name", "email"]
        read_only_fields = fields


class PositionSerializer(serializers.ModelSerializer):
    workstream_name = serializers.CharField(source="workstream.name", read_only=True)
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = Position
        fields = ["id", "agenda_item", "workstream", "workstream_name", "stance", "reason", "recorded_by",
                  "created_at", "updated_at"]
        read_only_fields = fields


class SourceRevisionSerializer(serializers.Serializer):
    """The shape of one entry of Decision.source_revisions (documentation only)."""

    input = serializers.IntegerField()
    ref = serializers.CharField()
    revision = serializers.IntegerField()
    body_sha256 = serializers.CharField()


class DecisionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    session = serializers.IntegerField(source="agenda_item.session_id", read_only=True)
    finding = serializers.IntegerField(source="agenda_item.finding_id", read_only=True, allow_null=True)
    decided_by = serializers.StringRelatedField()
    owner = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    source_revisions = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "reference", "engagement", "session", "agenda_item", "finding", "outcome", "rationale",
                  "adopted_input", "merged_text", "due_date", "owner", "decided_by", "version", "source_revisions",
                  "is_suspect", "suspect_reason", "suspect_since", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(SourceRevisionSerializer(many=True))
    def get_source_revisions(self, obj: Decision) -> list[dict[str, Any]]:
        return [{"input": r.input_id, "ref": r.input.reference, "revision": r.number, "body_sha256": r.body_sha256}
                for r in obj.source_revisions.all()]


class DecisionRevisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = DecisionRevision
        fields = ["version", "outcome", "rationale", "adopted_input", "merged_text", "due_date", "owner",
                  "decided_by", "source_revision_ids", "created_at"]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer):
    positions = PositionSerializer(many=True, read_only=True)
    decision = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ["id", "session", "order", "finding", "input", "title", "notes", "positions", "decision",
                  "created_at"]
        read_only_fields = fields

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, obj: AgendaItem) -> dict[str, Any] | None:
        try:
            decision = obj.decision
        except Decision.DoesNotExist:
            return None
        return DecisionSerializer(decision).data


@extend_schema_field({"type": "string", "description": "planned → in_progress → concluded"})
class SessionStatusField(serializers.CharField):
    """Described, not enumerated, in the schema: an enum named "status" collides with other apps' enums."""


class SessionSerializer(serializers.ModelSerializer):
    participants = PersonSerializer(many=True, read_only=True)
    status = SessionStatusField(read_only=True)
    created_by = serializers.StringRelatedField()

    class Meta:
        model = AlignmentSession
        fields = ["id", "engagement", "title", "scheduled_at", "status", "participants", "minutes",
                  "minutes_revision", "created_by", "started_at", "concluded_at", "created_at", "updated_at"]
        read_only_fields = fields


class SessionDetailSerializer(SessionSerializer):
    agenda_items = AgendaItemSerializer(many=True, read_only=True)

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "agenda_items"]
        read_only_fields = fields


class SessionCreateSerializer(serializers.Serializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)
    title = serializers.CharField(max_length=TITLE_MAX)
    scheduled_at = serializers.DateTimeField()
    participants = ScopedPrimaryKeyRelatedField(scope=colleagues_of, many=True, required=False, default=list)
    findings = ScopedPrimaryKeyRelatedField(scope=findings_visible_to, many=True, required=False, default=list)
    inputs = ScopedPrimaryKeyRelatedField(scope=inputs_visible_to, many=True, required=False, default=list)


class SessionUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX, required=False)
    scheduled_at = serializers.DateTimeField(required=False)
    participants = ScopedPrimaryKeyRelatedField(scope=colleagues_of, many=True, required=False)


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(max_length=MINUTES_MAX, allow_blank=True, trim_whitespace=False)
    expected_revision = serializers.IntegerField(min_value=0, help_text="The minutes_revision you edited.")


class AgendaAddSerializer(serializers.Serializer):
    findings = ScopedPrimaryKeyRelatedField(scope=findings_visible_to, many=True, required=False, default=list)
    inputs = ScopedPrimaryKeyRelatedField(scope=inputs_visible_to, many=True, required=False, default=list)
    workstream_a = ScopedPrimaryKeyRelatedField(scope=workstream_list, required=False,
                                                help_text="With workstream_b: every open conflict between the two.")
    workstream_b = ScopedPrimaryKeyRelatedField(scope=workstream_list, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        pair = [attrs.get("workstream_a"), attrs.get("workstream_b")]
        if any(pair) and not all(pair):
            raise serializers.ValidationError({"workstream_b": ["Give both workstreams."]})
        if not attrs["findings"] and not attrs["inputs"] and not all(pair):
            raise serializers.ValidationError({"findings": ["Give findings, inputs, or two workstreams."]})
        return attrs


class PositionWriteSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Position.Stance.choices)
    reason = serializers.CharField(max_length=REASON_MAX)


class PositionCreateSerializer(PositionWriteSerializer):
    agenda_item = ScopedPrimaryKeyRelatedField(scope=agenda_items_visible_to)


class DecisionWriteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    rationale = serializers.CharField(max_length=TEXT_MAX)
    adopted_input = ScopedPrimaryKeyRelatedField(scope=inputs_visible_to, required=False, allow_null=True, default=None)
    merged_text = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="",
                                        trim_whitespace=False)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    owner = ScopedPrimaryKeyRelatedField(scope=colleagues_of, required=False, allow_null=True, default=None)


class DecisionCreateSerializer(DecisionWriteSerializer):
    agenda_item = ScopedPrimaryKeyRelatedField(scope=agenda_items_visible_to)


class DecisionReviseSerializer(DecisionWriteSerializer):
    expected_version = serializers.IntegerField(min_value=1, required=False,
                                                help_text='The version you revised; or send If-Match: "<n>".')


class RecordSerializer(serializers.Serializer):
    markdown = serializers.CharField()
