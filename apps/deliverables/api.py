"""REST resources for deliverables, sections, trace links, versions and the traceability matrix."""
from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import STALE_RESPONSES, ScopedViewSet, if_match, query_int, stale_response
from apps.core.diff import unified_diff
from apps.core.errors import StaleRevisionError
from apps.engagements.models import Engagement
from apps.engagements.selectors import engagement_list

from . import selectors, services, trace
from .compare import compare_sections
from .models import Deliverable, DeliverableVersion, Section, TraceLink
from .serializers import (
    DeliverableCreateSerializer,
    DeliverableSerializer,
    DeliverableUpdateSerializer,
    MoveSerializer,
    SectionCreateSerializer,
    SectionFromDecisionSerializer,
    SectionSerializer,
    SectionUpdateSerializer,
    TraceLinkCreateSerializer,
    TraceLinkSerializer,
    TraceRowSerializer,
    VersionCompareSerializer,
    VersionListSerializer,
    VersionSerializer,
)


def _sections_prefetch() -> Prefetch:
    return Prefetch("sections", queryset=Section.objects.select_related("updated_by").prefetch_related(
        Prefetch("trace_links", queryset=selectors.trace_links_queryset())).order_by("order", "id"))


class DeliverableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = DeliverableSerializer

    def get_queryset(self) -> QuerySet[Deliverable]:
        engagement = query_int(self.request.query_params, "engagement") if self.action == "list" else None
        qs = selectors.deliverables_visible_to(scope=self.scope(engagement_id=engagement))
        return qs.select_related("created_by").prefetch_related(_sections_prefetch(), "versions").order_by("id")

    @extend_schema(parameters=[OpenApiParameter("engagement", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DeliverableCreateSerializer, responses={201: DeliverableSerializer})
    def create(self, request: Request) -> Response:
        serializer = DeliverableCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        deliverable = services.deliverable_create(actor=request.user, **serializer.validated_data)
        return Response(DeliverableSerializer(self.get_queryset().get(pk=deliverable.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=DeliverableUpdateSerializer, responses=DeliverableSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        serializer = DeliverableUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.deliverable_update(actor=request.user, deliverable=self.get_object(), **serializer.validated_data)
        return Response(DeliverableSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=None, responses={201: VersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Freeze the draft as the next version: stored HTML bytes, their SHA-256 and the trace manifest."""
        version = services.version_publish(deliverable=self.get_object(), actor=request.user)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=SectionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not a page
    def sections(self, request: Request, pk: str) -> Response:
        deliverable = self.get_object()
        return Response(SectionSerializer(deliverable.sections.all(), many=True).data)


class SectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SectionSerializer

    def get_queryset(self) -> QuerySet[Section]:
        qs = selectors.section_list(scope=self.scope())
        if self.action == "list" and (deliverable := query_int(self.request.query_params, "deliverable")) is not None:
            qs = qs.filter(deliverable_id=deliverable)
        return qs.order_by("deliverable_id", "order", "id")

    @extend_schema(parameters=[OpenApiParameter("deliverable", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, pk: str) -> Response:
        section = self.get_object()
        return Response(SectionSerializer(section).data, headers={"ETag": f'"{section.revision}"'})

    @extend_schema(request=SectionCreateSerializer, responses={201: SectionSerializer})
    def create(self, request: Request) -> Response:
        serializer = SectionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        section = services.section_create(actor=request.user, **serializer.validated_data)
        return Response(SectionSerializer(self.get_queryset().get(pk=section.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=SectionUpdateSerializer, responses={200: SectionSerializer, **STALE_RESPONSES},
                   parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)])
    def partial_update(self, request: Request, pk: str) -> Response:
        """Edit heading/body. Stale: 412 with If-Match, 409 with expected_revision; nothing is overwritten."""
        section = self.get_object()
        serializer = SectionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        header = if_match(request)
        expected = header if header is not None else data.get("expected_revision")
        try:
            services.section_update(actor=request.user, section=section, heading=data.get("heading", section.heading),
                                    body=data.get("body", section.body), expected_revision=expected)
        except StaleRevisionError as exc:
            return stale_response(exc, header=header is not None)
        section = self.get_queryset().get(pk=pk)
        return Response(SectionSerializer(section).data, headers={"ETag": f'"{section.revision}"'})

    @extend_schema(request=SectionUpdateSerializer, responses={200: SectionSerializer, **STALE_RESPONSES})
    def update(self, request: Request, pk: str) -> Response:
        return self.partial_update(request, pk)

    def destroy(self, request: Request, pk: str) -> Response:
        services.section_delete(actor=request.user, section=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MoveSerializer, responses=SectionSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.section_move(actor=request.user, section=self.get_object(), **serializer.validated_data)
        return Response(SectionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=SectionFromDecisionSerializer, responses={201: SectionSerializer})
    @action(detail=False, methods=["post"], url_path="from-decision")
    def from_decision(self, request: Request) -> Response:
        """A section that starts with a merge/adopt decision's text and traces to it and its source revisions."""
        serializer = SectionFromDecisionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        section = services.section_create_from_decision(actor=request.user, **serializer.validated_data)
        return Response(SectionSerializer(self.get_queryset().get(pk=section.pk)).data,
                        status=status.HTTP_201_CREATED)


class TraceLinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = TraceLinkSerializer

    def get_queryset(self) -> QuerySet[TraceLink]:
        qs = selectors.tracelink_list(scope=self.scope())
        if self.action == "list":
            if (section := query_int(self.request.query_params, "section")) is not None:
                qs = qs.filter(section_id=section)
            if (deliverable := query_int(self.request.query_params, "deliverable")) is not None:
                qs = qs.filter(section__deliverable_id=deliverable)
            if self.request.query_params.get("suspect") in ("1", "true"):
                qs = qs.filter(is_suspect=True)
        return qs.order_by("section_id", "id")

    @extend_schema(parameters=[OpenApiParameter("section", int), OpenApiParameter("deliverable", int),
                               OpenApiParameter("suspect", bool)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TraceLinkCreateSerializer, responses={201: TraceLinkSerializer})
    def create(self, request: Request) -> Response:
        serializer = TraceLinkCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        link = services.tracelink_add(actor=request.user, **serializer.validated_data)
        return Response(TraceLinkSerializer(self.get_queryset().get(pk=link.pk)).data,
                        status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk: str) -> Response:
        services.tracelink_remove(actor=request.user, link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=TraceLinkSerializer)
    @action(detail=True, methods=["post"], url_path="clear-suspect")
    def clear_suspect(self, request: Request, pk: str) -> Response:
        """After review: re-point the link at the current revision / decision version and clear the flag."""
        services.tracelink_clear_suspect(actor=request.user, link=self.get_object())
        return Response(TraceLinkSerializer(self.get_queryset().get(pk=pk)).data)


class VersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Published, frozen versions. Read-only: publishing happens through POST /deliverables/{id}/publish/."""

    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[DeliverableVersion]:
        qs = selectors.version_list(scope=self.scope())
        if self.action == "list":
            if (deliverable := query_int(self.request.query_params, "deliverable")) is not None:
                qs = qs.filter(deliverable_id=deliverable)
            if (engagement := query_int(self.request.query_params, "engagement")) is not None:
                qs = qs.filter(deliverable__engagement_id=engagement)
        return qs.order_by("deliverable_id", "-number")

    def get_serializer_class(self) -> type:
        return VersionListSerializer if self.action == "list" else VersionSerializer

    @extend_schema(parameters=[OpenApiParameter("deliverable", int), OpenApiParameter("engagement", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=VersionCompareSerializer,
                   parameters=[OpenApiParameter("with", int, required=True,
                                                description="id of the other version of the same deliverable")])
    @action(detail=True, methods=["get"])
    def compare(self, request: Request, pk: str) -> Response:
        """Section-by-section unified diff between this version and another of the same deliverable."""
        version = self.get_object()
        other_id = query_int(request.query_params, "with")
        other = self.get_queryset().filter(pk=other_id, deliverable_id=version.deliverable_id).first()
        if other is None:
            raise ValidationError({"with": ["Give the id of another version of the same deliverable."]})
        old, new = (other, version) if other.number < version.number else (version, other)
        diffs = compare_sections(old.sections, new.sections)
        payload = [{"state": d.state, "old_heading": d.old_heading, "new_heading": d.new_heading,
                    "unified": unified_diff(d.old_body, d.new_body, old_label=f"v{old.number}",
                                            new_label=f"v{new.number}")} for d in diffs]
        return Response({"old": old.number, "new": new.number, "sections": payload})


class PassthroughRenderer(renderers.BaseRenderer):
    """Bytes built by the view go out as they are; errors fall back to JSON text."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


class CSVRenderer(PassthroughRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(PassthroughRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


class TraceMatrixPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class EngagementTraceViewSet(ScopedViewSet):
    """GET /engagements/{id}/trace-matrix/ — JSON (paginated), ?format=csv or ?format=xlsx (every row)."""

    def get_queryset(self) -> QuerySet[Engagement]:
        return engagement_list(scope=self.scope())

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are explained in JSON even when a spreadsheet was asked for.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=["json", "csv", "xlsx"], description="json (default), csv, xlsx"),
            OpenApiParameter("workstream", str, description="id or slug"),
            OpenApiParameter("objective", str, description="id or code"),
            OpenApiParameter("status", str, enum=list(trace.STATUSES)),
            OpenApiParameter("q", str), OpenApiParameter("page", int), OpenApiParameter("page_size", int),
        ],
        responses={200: OpenApiResponse(TraceRowSerializer(many=True),
                                        description="JSON rows (paginated), or a CSV / XLSX file of every row"),
                   (200, "text/csv"): OpenApiTypes.BINARY,
                   (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="trace-matrix",
            renderer_classes=[renderers.JSONRenderer, CSVRenderer, XLSXRenderer])
    def trace_matrix(self, request: Request, pk: str) -> Response:
        engagement = self.get_object()
        filters = {k: request.query_params.get(k) for k in ("workstream", "objective", "status", "q")
                   if request.query_params.get(k)}
        if filters.get("status") and filters["status"] not in trace.STATUSES:
            raise ValidationError({"status": [f"One of {', '.join(trace.STATUSES)}."]})
        fmt = request.accepted_renderer.format
        if fmt in ("csv", "xlsx"):
            rows = trace.iter_all_rows(engagement=engagement, filters=filters)
            content = trace.to_csv(rows) if fmt == "csv" else trace.to_xlsx(rows)
            filename = f"engagement-{engagement.pk}-traceability.{fmt}"
            return Response(content, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
        paginator = TraceMatrixPagination()
        page = paginator.paginate_queryset(trace.matrix_inputs(engagement=engagement, filters=filters), request,
                                           view=self)
        rows = trace.build_rows(engagement=engagement, inputs=page)
        return paginator.get_paginated_response([trace.row_record(row) for row in rows])
