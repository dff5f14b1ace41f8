from __future__ import annotations

from rest_framework import serializers

from apps.core.api import ScopedPrimaryKeyRelatedField
from apps.engagements.selectors import engagement_list

from .models import Calibration, ChoiceSet, DetectionRun, Finding, RelatedPair, RevisionStatement
from .services.choice_sets import NAME_MAX
from .services.feedback import EXPLANATION_MAX
from .services.findings import REASON_MAX


class FindingSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    workstream_a_name = serializers.CharField(source="workstream_a.name", read_only=True)
    workstream_b_name = serializers.CharField(source="workstream_b.name", read_only=True)
    revision_a_number = serializers.IntegerField(source="revision_a.number", read_only=True)
    revision_b_number = serializers.IntegerField(source="revision_b.number", read_only=True)
    revision_a_sha256 = serializers.CharField(source="revision_a.body_sha256", read_only=True)
    revision_b_sha256 = serializers.CharField(source="revision_b.body_sha256", read_only=True)
    span_a = serializers.ListField(child=serializers.IntegerField(), read_only=True,
                                   help_text="[start, end] of statement A in revision A's body")
    span_b = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    highlights = serializers.DictField(child=serializers.ListField(child=serializers.ListField(
        child=serializers.IntegerField())), read_only=True,
        help_text='{"a": [[start, end], ...], "b": [...]}: the clashing parts within each statement')
    values = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id", "reference", "engagement", "label", "kind", "status", "score", "rule", "explanation", "values",
            "statement_a", "statement_b", "span_a", "span_b", "highlights",
            "input_a", "input_b", "revision_a_number", "revision_b_number", "revision_a_sha256", "revision_b_sha256",
            "workstream_a", "workstream_a_name", "workstream_b", "workstream_b_name",
            "fingerprint", "dismissed_reason", "dismissed_by",
            "run", "created_at", "status_changed_at", "origin", "similarity",
            "created_by",
        ]
        read_only_fields = fields


class DismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, help_text="Why this is a false positive (required).")


class DetectionRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    errors = serializers.ListField(child=serializers.CharField(), read_only=True)
    trigger_input = serializers.IntegerField(source="trigger_revision.input_id", read_only=True, allow_null=True)
    trigger_revision_number = serializers.IntegerField(source="trigger_revision.number", read_only=True,
                                                       allow_null=True)

    class Meta:
        model = DetectionRun
        fields = ["id", "engagement", "scope", "status", "phase", "total", "done", "percent", "findings_new",
                  "findings_seen", "related_new", "batch_count", "batch_size",
                  "errors", "trigger_input", "trigger_revision_number", "triggered_by",
                  "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class DetectionRunCreateSerializer(serializers.Serializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)


class ChoiceSetSerializer(serializers.ModelSerializer):
    options = serializers.ListField(child=serializers.ListField(child=serializers.CharField()), read_only=True)

    class Meta:
        model = ChoiceSet
        fields = ["id", "engagement", "name", "options", "created_by", "created_at"]
        read_only_fields = fields


class ChoiceSetCreateSerializer(serializers.Serializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)
    name = serializers.CharField(max_length=NAME_MAX)
    options = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(max_length=60), min_length=1, max_length=12),
        min_length=2, max_length=30,
        help_text='Each option with its synonyms: [["akamai"], ["fastly"], ["cloudfront", "amazon cloudfront"]]',
    )


class InputDetectionSerializer(serializers.Serializer):
    """Which languages an input's current text is in and whether conflict detection could check all of it."""

    input = serializers.IntegerField()
    languages = serializers.ListField(child=serializers.CharField(), help_text="'en', 'ko', or 'other'")
    supported_languages = serializers.ListField(child=serializers.CharField())
    fully_checked = serializers.BooleanField()
    unchecked_statements = serializers.ListField(child=serializers.CharField())
    notice = serializers.CharField(allow_blank=True)


class RelatedPairSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    workstream_a_name = serializers.CharField(source="workstream_a.name", read_only=True)
    workstream_b_name = serializers.CharField(source="workstream_b.name", read_only=True)
    span_a = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    span_b = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = RelatedPair
        fields = ["id", "reference", "engagement", "status", "similarity", "engine_label", "engine_kind",
                  "engine_score", "statement_a", "statement_b", "span_a", "span_b", "input_a", "input_b",
                  "revision_a", "revision_b", "workstream_a", "workstream_a_name", "workstream_b",
                  "workstream_b_name", "finding", "decided_by", "decided_at", "reason", "run", "created_at"]
        read_only_fields = fields


class JudgementSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=Finding.Label.choices)
    # a plain string (checked by the service against the label): a second enum named "kind" beside the
    # finding's would collide in the schema
    kind = serializers.CharField(required=False, allow_blank=True, default="", max_length=20,
                                 help_text="conflict: numeric, exclusive_choice, negation, scope, terminology, "
                                           "priority, process, other (default); merge candidate: duplicate, "
                                           "overlap (default)")
    explanation = serializers.CharField(max_length=EXPLANATION_MAX,
                                        help_text="One sentence a PMO can read aloud: why the two clash or repeat.")


class RelatedDismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=EXPLANATION_MAX, required=False, allow_blank=True, default="")


class FlagSerializer(JudgementSerializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)
    statement_a = serializers.IntegerField(help_text="id of a statement (GET /statements/) of a current input")
    statement_b = serializers.IntegerField(help_text="id of a statement of another input")


class StatementSerializer(serializers.ModelSerializer):
    input_reference = serializers.CharField(source="input.reference", read_only=True)
    workstream_name = serializers.CharField(source="workstream.name", read_only=True)

    class Meta:
        model = RevisionStatement
        fields = ["id", "engagement", "input", "input_reference", "revision", "workstream", "workstream_name",
                  "ordinal", "start", "end", "text"]
        read_only_fields = fields


class CalibrationSerializer(serializers.ModelSerializer):
    params = serializers.DictField(read_only=True, help_text="related_min, demote {conflict, duplicate}, "
                                                             "promote {conflict, duplicate}")

    class Meta:
        model = Calibration
        fields = ["id", "engagement", "params", "examples", "labels_since", "reason", "created_by", "created_at"]
        read_only_fields = fields


class CalibrationResetSerializer(serializers.Serializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)
