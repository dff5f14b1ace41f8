from __future__ import annotations

from rest_framework import serializers

from .models import Delivery, Event, Webhook


class WebhookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Webhook
        fields = ["id", "engagement", "url", "description", "events", "is_active", "secret_hint", "secret_rotated_at",
                  "created_at", "updated_at"]
        read_only_fields = fields


class WebhookWithSecretSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="The signing secret. Shown only in this response: store it now.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookCreateSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(min_value=1)
    url = serializers.CharField(max_length=500)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices), allow_empty=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WebhookUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices), required=False,
                                   allow_empty=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField()


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["id", "event_id", "event", "status", "attempts", "next_attempt_at", "last_attempt_at",
                  "response_status", "response_excerpt", "error", "delivered_at", "created_at", "payload"]
        read_only_fields = fields
