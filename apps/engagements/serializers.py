from __future__ import annotations

from rest_framework import serializers

from apps.accounts.models import Invitation, Membership, Organization, Role
from apps.core.api import ScopedPrimaryKeyRelatedField

from .models import Engagement, Objective, Workstream
from .selectors import engagement_list, workstream_list


class WorkstreamSerializer(serializers.ModelSerializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)

    class Meta:
        model = Workstream
        fields = ["id", "engagement", "name", "slug", "description", "created_at"]
        read_only_fields = ["id", "slug", "created_at"]


class ObjectiveSerializer(serializers.ModelSerializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)

    class Meta:
        model = Objective
        fields = ["id", "engagement", "code", "title", "description", "created_at"]
        read_only_fields = ["id", "created_at"]


class EngagementSerializer(serializers.ModelSerializer):
    workstreams = WorkstreamSerializer(many=True, read_only=True)
    objectives = ObjectiveSerializer(many=True, read_only=True)
    my_role = serializers.SerializerMethodField()
    organization = serializers.CharField(
        write_only=True, max_length=150, help_text="Your organization's name (created if new)."
    )

    class Meta:
        model = Engagement
        fields = ["id", "name", "description", "created_at", "workstreams", "objectives", "my_role", "organization"]
        read_only_fields = ["id", "created_at"]

    def get_my_role(self, obj: Engagement) -> str | None:
        user = self.context["request"].user
        for membership in obj.memberships.all():
            if membership.user_id == user.pk:
                return membership.role
        return None


class EngagementUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Engagement
        fields = ["name", "description"]


class MembershipSerializer(serializers.ModelSerializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name", max_length=150, required=False, allow_blank=True)
    organization = serializers.CharField(source="organization.name", max_length=150)
    workstream = ScopedPrimaryKeyRelatedField(
        scope=workstream_list, required=False, allow_null=True
    )
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "engagement", "email", "full_name", "organization", "role", "workstream", "created_at"]
        read_only_fields = ["id", "created_at"]


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its PMO and its invitee see it: what the inviter typed, never the account's details."""

    engagement_name = serializers.CharField(source="engagement.name", read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True)
    invited_by = serializers.CharField(source="invited_by.get_full_name", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "engagement", "engagement_name", "email", "organization", "role", "workstream", "status",
                  "invited_by", "created_at", "responded_at"]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    engagement = ScopedPrimaryKeyRelatedField(scope=engagement_list)
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="",
                                      help_text="Used only if the address has no account yet.")
    organization = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    workstream = ScopedPrimaryKeyRelatedField(scope=workstream_list, required=False,
                                              allow_null=True, default=None)


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]
