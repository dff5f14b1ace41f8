from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import STALE_RESPONSES, ScopedViewSet, if_match, query_int, stale_response
from apps.core.diff import unified_diff
from apps.core.errors import StaleRevisionError

from . import requests as input_requests
from . import selectors, services
from .models import Input, InputRequest
from .serializers import (
    DiffSerializer,
    InputCreateSerializer,
    InputDetailsSerializer,
    InputRequestSerializer,
    InputReviseSerializer,
    InputSerializer,
    RevisionSerializer,
    WithdrawSerializer,
)

FILTER_PARAMS = [
    OpenApiParameter("engagement", int), OpenApiParameter("workstream", str, description="id or slug"),
    OpenApiParameter("kind", str), OpenApiParameter("status", str), OpenApiParameter("priority", str),
    OpenApiParameter("tag", str), OpenApiParameter("q", str, description="text search in title and body"),
    OpenApiParameter("objective", int),
]


def _etag(item: Input) -> str:
    return f'"{item.revision_count}"'




class InputViewSet(mixins.ListModelMixin, ScopedViewSet):
    queryset = Input.objects.none()  # for the schema generator; requests use get_queryset()
    serializer_class = InputSerializer

    def get_queryset(self) -> QuerySet[Input]:
        filters = self.request.query_params if self.action == "list" else {}
        engagement = None
        if self.action == "list":  # ids in the query string: anything but ASCII digits is a 400 naming it
            engagement = query_int(filters, "engagement", noun="an engagement id")
            query_int(filters, "objective", noun="an objective id")
        return selectors.input_list(scope=self.scope(engagement_id=engagement), filters=filters).prefetch_related(
            "objectives"
        ).order_by("-updated_at", "-id")

    @extend_schema(parameters=FILTER_PARAMS)
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        return Response(InputSerializer(item).data, headers={"ETag": _etag(item)})

    @extend_schema(request=InputCreateSerializer, responses={201: InputSerializer})
    def create(self, request: Request) -> Response:
        serializer = InputCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        item = services.input_create(actor=request.user, **serializer.validated_data)
        item = self.get_queryset().get(pk=item.pk)
        return Response(InputSerializer(item).data, status=status.HTTP_201_CREATED, headers={"ETag": _etag(item)})

    @extend_schema(request=InputDetailsSerializer, responses=InputSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        serializer = InputDetailsSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.input_update_details(actor=request.user, input=item, **serializer.validated_data)
        return Response(InputSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=InputDetailsSerializer, responses=InputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        return self.partial_update(request, pk)

    @extend_schema(
        request=InputReviseSerializer,
        responses={201: InputSerializer, **STALE_RESPONSES},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str) -> Response:
        """Save new text as the next revision. Stale: 412 with If-Match, 409 with expected_revision."""
        item = self.get_object()
        serializer = InputReviseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        header = if_match(request)
        expected = header if header is not None else serializer.validated_data.get("expected_revision")
        try:
            services.input_revise(actor=request.user, input=item, title=serializer.validated_data["title"],
                                  body=serializer.validated_data["body"], expected_revision=expected)
        except StaleRevisionError as exc:
            return stale_response(exc, header=header is not None)
        item = self.get_queryset().get(pk=pk)
        return Response(InputSerializer(item).data, status=status.HTTP_201_CREATED, headers={"ETag": _etag(item)})

    @extend_schema(request=None, responses=InputSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        services.input_submit(actor=request.user, input=self.get_object())
        return Response(InputSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=WithdrawSerializer, responses=InputSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.input_withdraw(actor=request.user, input=self.get_object(), **serializer.validated_data)
        return Response(InputSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not a page
    def revisions(self, request: Request, pk: str) -> Response:
        return Response(RevisionSerializer(selectors.revision_list(input=self.get_object()), many=True).data)

    @extend_schema(
        responses=DiffSerializer,
        parameters=[OpenApiParameter("old", int, required=True), OpenApiParameter("new", int, required=True)],
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        try:
            old_n, new_n = int(request.query_params["old"]), int(request.query_params["new"])
        except (KeyError, ValueError) as exc:
            raise ValidationError({"old": ["Give two revision numbers: ?old=1&new=2."]}) from exc
        old = selectors.revision_get(input=item, number=old_n)
        new = selectors.revision_get(input=item, number=new_n)
        text = unified_diff(old.body, new.body, old_label=f"r{old_n}", new_label=f"r{new_n}")
        return Response({"old": old_n, "new": new_n, "unified": text})


class InputRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = InputRequest.objects.none()  # for the schema generator; requests use get_queryset()
    serializer_class = InputRequestSerializer
    filterset_fields = ["engagement", "status"]

    def get_queryset(self) -> QuerySet[InputRequest]:
        return input_requests.input_request_list(scope=self.scope()).prefetch_related("answers").order_by(
            "due_date", "id")

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = input_requests.input_request_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=created.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=InputRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        input_requests.input_request_close(actor=request.user, request=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)
