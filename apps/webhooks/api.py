"""REST: the PMO's webhooks, their secrets (shown once), test pings and the delivery log."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.selectors import membership_or_404
from apps.core.api import ScopedViewSet, query_int

from . import selectors, services
from .models import Webhook
from .serializers import (
    DeliverySerializer,
    SecretSerializer,
    WebhookCreateSerializer,
    WebhookSerializer,
    WebhookUpdateSerializer,
    WebhookWithSecretSerializer,
)


class WebhookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Outgoing webhooks of an engagement (PMO only; other members see none)."""

    queryset = Webhook.objects.none()
    serializer_class = WebhookSerializer

    def get_queryset(self) -> QuerySet[Webhook]:
        engagement = query_int(self.request.query_params, "engagement") if self.action == "list" else None
        return selectors.webhook_list(scope=self.scope(engagement_id=engagement)).order_by("id")

    @extend_schema(parameters=[OpenApiParameter("engagement", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=WebhookCreateSerializer, responses={201: WebhookWithSecretSerializer})
    def create(self, request: Request) -> Response:
        serializer = WebhookCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = membership_or_404(user=request.user, engagement_id=data["engagement"])
        hook, secret = services.webhook_create(actor=request.user, engagement=membership.engagement, url=data["url"],
                                               events=data["events"], description=data["description"])
        return Response({**WebhookSerializer(hook).data, "secret": secret}, status=status.HTTP_201_CREATED,
                        headers={"Cache-Control": "no-store"})

    @extend_schema(request=WebhookUpdateSerializer, responses=WebhookSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        serializer = WebhookUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hook = services.webhook_update(actor=request.user, webhook=self.get_object(), **serializer.validated_data)
        return Response(WebhookSerializer(hook).data)

    @extend_schema(request=WebhookUpdateSerializer, responses=WebhookSerializer)
    def update(self, request: Request, pk: str) -> Response:
        return self.partial_update(request, pk)

    @extend_schema(request=None, responses=SecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str) -> Response:
        secret = services.webhook_rotate_secret(actor=request.user, webhook=self.get_object())
        return Response({"secret": secret}, headers={"Cache-Control": "no-store"})

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def ping(self, request: Request, pk: str) -> Response:
        delivery = services.webhook_ping(actor=request.user, webhook=self.get_object())
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        page = self.paginate_queryset(selectors.delivery_list(webhook=self.get_object()))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
