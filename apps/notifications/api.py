from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import ScopedViewSet

from . import selectors, services
from .models import Notification
from .serializers import NotificationSerializer, ReadAllSerializer


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The asking user's own notifications; anyone else's read as 404."""

    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        unread = self.action == "list" and self.request.query_params.get("unread") in ("1", "true")
        return selectors.notification_list(scope=self.scope(), unread_only=unread)

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="only unread ones")])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = services.notification_mark_read(user=request.user, notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notification_mark_all_read(user=request.user)})
