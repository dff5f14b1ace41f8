from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import COVER_NOTE_MAX, ApprovalSubmission, Signature


class SignatureSerializer(serializers.ModelSerializer):
    signer = serializers.CharField(source="signer_name", read_only=True)
    signer_id = serializers.IntegerField(read_only=True)
    organization = serializers.CharField(source="signer_organization", read_only=True)
    meaning_display = serializers.CharField(source="get_meaning_display", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    deliverable = serializers.IntegerField(source="version.deliverable_id", read_only=True)

    class Meta:
        model = Signature
        fields = ["id", "version", "version_number", "deliverable", "submission", "signer", "signer_id",
                  "organization", "meaning", "meaning_display", "comment", "signed_at", "content_sha256"]
        read_only_fields = fields


@extend_schema_field({"type": "string", "enum": ApprovalSubmission.Status.values,
                      "description": "pending, approved, changes_requested, rejected or withdrawn"})
class SubmissionStatusField(serializers.CharField):
    """An inline enum: a named component would collide with other apps' "status" enums."""


class SubmissionSerializer(serializers.ModelSerializer):
    approvers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    status = SubmissionStatusField(read_only=True)

    class Meta:
        model = ApprovalSubmission
        fields = ["id", "version", "policy", "status", "approvers", "submitted_by", "cover_note", "created_at",
                  "closed_at"]
        read_only_fields = fields


class SubmitSerializer(serializers.Serializer):
    approvers = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False,
                                      max_length=100, help_text="User ids of approvers of the version's engagement.")
    policy = serializers.ChoiceField(choices=ApprovalSubmission.Policy.choices, required=False,
                                     help_text="Defaults to the deliverable's approval policy.")
    cover_note = serializers.CharField(required=False, allow_blank=True, max_length=COVER_NOTE_MAX, default="",
                                       help_text="Shown to the approvers with the request and kept with it.")

    def validate_approvers(self, value: list[int]) -> list[int]:
        # Existence and role are checked by the service against the version's engagement, so an id
        # from another engagement reads exactly like a non-approver.
        return sorted(set(value))


class SignSerializer(serializers.Serializer):
    meaning = serializers.ChoiceField(choices=Signature.Meaning.choices)
    password = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, write_only=True,
                                     style={"input_type": "password"},
                                     help_text="Your password again: signing re-authenticates.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    items = serializers.ListField(child=serializers.CharField(max_length=5000), required=False, max_length=100,
                                  help_text="Checklist of changes (changes_requested); defaults to the comment's "
                                            "lines.")
