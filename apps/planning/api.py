"""REST resources of the plan of work: work items, their links and deliverable definitions, and the engagement's
plan (current state, re-sequencing, versions, diffs, timeline SVG)."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import ScopedViewSet, if_match, query_int
from apps.engagements.models import Engagement
from apps.engagements.selectors import engagement_list

from . import engine, selectors, services
from .chart import render_timeline
from .models import DeliverableDefinition, PlanVersion, WorkItem, WorkItemLink
from .serializers import (
    DefinitionCreateSerializer,
    DefinitionSerializer,
    DeliveredDocumentSerializer,
    PlanVersionSerializer,
    ResequenceSerializer,
    UploadSerializer,
    WorkItemCreateSerializer,
    WorkItemLinkCreateSerializer,
    WorkItemLinkSerializer,
    WorkItemSerializer,
    WorkItemUpdateSerializer,
)

PLAN_STALE = {409: OpenApiTypes.OBJECT, 412: OpenApiTypes.OBJECT}


def stale_plan_response(exc: services.PlanStaleError, *, header: bool) -> Response:
    current: PlanVersion | None = exc.current
    number = current.number if current else 0
    return Response({"detail": exc.message, "current_version": number,
                     "current_summary": current.summary if current else ""},
                    status=status.HTTP_412_PRECONDITION_FAILED if header else status.HTTP_409_CONFLICT,
                    headers={"ETag": f'"{number}"'})


class WorkItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = WorkItemSerializer

    def get_queryset(self) -> QuerySet[WorkItem]:
        qs = selectors.workitem_list(scope=self.scope())
        if self.action == "list":
            params = self.request.query_params
            if (engagement := query_int(params, "engagement")) is not None:
                qs = qs.filter(engagement_id=engagement)
            if (objective := query_int(params, "objective")) is not None:
                qs = qs.filter(objective_id=objective)
            if value := params.get("status"):
                if value not in WorkItem.Status.values:
                    raise ValidationError({"status": [f"One of {', '.join(WorkItem.Status.values)}."]})
                qs = qs.filter(status=value)
        return qs.order_by("engagement_id", "objective__code", "position", "id")

    @extend_schema(parameters=[OpenApiParameter("engagement", int), OpenApiParameter("objective", int),
                               OpenApiParameter("status", str, enum=list(WorkItem.Status.values))])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=WorkItemCreateSerializer, responses={201: WorkItemSerializer, **PLAN_STALE})
    def create(self, request: Request) -> Response:
        """Add a work item: recorded as a one-operation plan change set (rationale optional here)."""
        serializer = WorkItemCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        header = if_match(request)
        if header is not None:
            data["expected_version"] = header
        try:
            item = services.workitem_create(actor=request.user, **data)
        except services.PlanStaleError as exc:
            return stale_plan_response(exc, header=header is not None)
        return Response(WorkItemSerializer(self.get_queryset().get(pk=item.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WorkItemUpdateSerializer, responses=WorkItemSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Title, description, status (not dropped) and owner workstream. Plan changes go through resequence."""
        serializer = WorkItemUpdateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.workitem_update(actor=request.user, work_item=self.get_object(), **serializer.validated_data)
        return Response(WorkItemSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=WorkItemUpdateSerializer, responses=WorkItemSerializer)
    def update(self, request: Request, pk: str) -> Response:
        return self.partial_update(request, pk)


class WorkItemLinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = WorkItemLinkSerializer

    def get_queryset(self) -> QuerySet[WorkItemLink]:
        qs = selectors.link_list(scope=self.scope())
        if self.action == "list" and (item := query_int(self.request.query_params, "work_item")) is not None:
            qs = qs.filter(work_item_id=item)
        return qs

    @extend_schema(parameters=[OpenApiParameter("work_item", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=WorkItemLinkCreateSerializer, responses={201: WorkItemLinkSerializer})
    def create(self, request: Request) -> Response:
        serializer = WorkItemLinkCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        link = services.workitem_link_add(actor=request.user, **serializer.validated_data)
        return Response(WorkItemLinkSerializer(self.get_queryset().get(pk=link.pk)).data,
                        status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk: str) -> Response:
        services.workitem_link_remove(actor=request.user, link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=WorkItemLinkSerializer)
    @action(detail=True, methods=["post"], url_path="clear-suspect")
    def clear_suspect(self, request: Request, pk: str) -> Response:
        services.workitem_link_clear_suspect(actor=request.user, link=self.get_object())
        return Response(WorkItemLinkSerializer(self.get_queryset().get(pk=pk)).data)


class DefinitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """What a work item must deliver and by when; POST …/{id}/documents/ uploads a delivered file."""

    serializer_class = DefinitionSerializer

    def get_queryset(self) -> QuerySet[DeliverableDefinition]:
        qs = selectors.definition_list(scope=self.scope())
        if self.action == "list" and (item := query_int(self.request.query_params, "work_item")) is not None:
            qs = qs.filter(work_item_id=item)
        return qs

    @extend_schema(parameters=[OpenApiParameter("work_item", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DefinitionCreateSerializer, responses={201: DefinitionSerializer})
    def create(self, request: Request) -> Response:
        serializer = DefinitionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        definition = services.definition_create(actor=request.user, **serializer.validated_data)
        return Response(DefinitionSerializer(self.get_queryset().get(pk=definition.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: DeliveredDocumentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request: Request, pk: str) -> Response:
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_upload(actor=request.user, definition=self.get_object(),
                                            upload=serializer.validated_data["file"])
        return Response(DeliveredDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


def _plan_payload(engagement: Engagement) -> dict[str, Any]:
    items = services.plan_items(engagement=engagement)
    path = engine.critical_path(items)
    return {
        "version": services.plan_version_number(engagement=engagement),
        "items": [{**i.to_json(), "critical": i.id in path.items} for i in sorted(
            items, key=lambda i: (i.objective, i.position, i.id))],
        "critical_path": [i.code for i in path.ordered(items)],
        "finish": path.finish.isoformat() if path.finish else None,
        "warnings": engine.date_warnings(items),
        "objectives_without_work_items": [
            {"id": o.pk, "code": o.code, "title": o.title}
            for o in selectors.objectives_without_work_items(engagement=engagement)],
    }


class EngagementPlanViewSet(ScopedViewSet):
    """The engagement's plan: GET …/plan/, POST …/plan/resequence/, …/plan/versions/, …/plan/diff/,
    …/plan/timeline/ (SVG)."""

    def get_queryset(self) -> QuerySet[Engagement]:
        return engagement_list(scope=self.scope())

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], url_path="plan")
    def plan(self, request: Request, pk: str) -> Response:
        """The current plan: version, work items in sequence (critical ones flagged), the critical path."""
        payload = _plan_payload(self.get_object())
        return Response(payload, headers={"ETag": f'"{payload["version"]}"'})

    @extend_schema(request=ResequenceSerializer, responses={201: PlanVersionSerializer, **PLAN_STALE},
                   parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)])
    @action(detail=True, methods=["post"], url_path="plan/resequence")
    def resequence(self, request: Request, pk: str) -> Response:
        """One change set: operations (add, drop, move, reorder, redate, depend) + rationale (+ decision).

        Stale (someone changed the plan since `expected_version`): 412 with If-Match, 409 with the body field.
        A dependency cycle is a 400 naming it. Nothing is changed by a refused change set.
        """
        engagement = self.get_object()
        serializer = ResequenceSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        header = if_match(request)
        expected = header if header is not None else data.get("expected_version")
        try:
            version = services.plan_resequence(actor=request.user, engagement=engagement,
                                               operations=data["operations"], rationale=data["rationale"],
                                               expected_version=expected, decision=data.get("decision"))
        except services.PlanStaleError as exc:
            return stale_plan_response(exc, header=header is not None)
        return Response(PlanVersionSerializer(version).data, status=status.HTTP_201_CREATED,
                        headers={"ETag": f'"{version.number}"'})

    @extend_schema(responses=PlanVersionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="plan/versions")
    def versions(self, request: Request, pk: str) -> Response:
        engagement = self.get_object()
        versions = selectors.planversion_list(scope=self.scope(engagement_id=engagement.pk)).order_by("-number")
        return Response(PlanVersionSerializer(versions, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("from", int, required=True), OpenApiParameter("to", int)],
                   responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], url_path="plan/diff")
    def diff(self, request: Request, pk: str) -> Response:
        """What changed between two plan versions, in plain words ("C dropped; G added after F")."""
        engagement = self.get_object()
        old, new = _two_versions(request, engagement)
        changes = engine.diff_plans(_items(old), _items(new))
        return Response({"from": old.number if old else 0, "to": new.number if new else 0,
                         "summary": engine.diff_summary(changes),
                         "changes": [{"objective": c.objective, "objective_title": c.objective_title,
                                      "sentences": c.sentences} for c in changes]})

    @extend_schema(parameters=[OpenApiParameter("version", int)],
                   responses={(200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.STR)})
    @action(detail=True, methods=["get"], url_path="plan/timeline")
    def timeline(self, request: Request, pk: str) -> HttpResponse:
        """The timeline chart of the current plan (or ?version=N) as SVG."""
        engagement = self.get_object()
        number = query_int(request.query_params, "version")
        if number is None:
            items, label = services.plan_items(engagement=engagement), "current plan"
        else:
            version = _version(engagement, number)
            items, label = _items(version), f"plan version {number}"
        svg = render_timeline(items, title=f"{engagement.name}: {label}", today=timezone.localdate())
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response


def _version(engagement: Engagement, number: int) -> PlanVersion | None:
    if number == 0:
        return None
    version = PlanVersion.objects.filter(engagement=engagement, number=number).first()
    if version is None:
        raise ValidationError({"version": [f"There is no plan version {number}."]})
    return version


def _two_versions(request: Request, engagement: Engagement) -> tuple[PlanVersion | None, PlanVersion | None]:
    params = request.query_params
    start = query_int(params, "from", noun="a plan version number")
    end = query_int(params, "to", noun="a plan version number")
    if start is None:
        raise ValidationError({"from": ["Give the plan version to compare from (0 is the empty plan)."]})
    if end is None:
        end = services.plan_version_number(engagement=engagement)
    return _version(engagement, start), _version(engagement, end)


def _items(version: PlanVersion | None) -> list[engine.PlanItem]:
    return engine.items_from_snapshot(version.snapshot) if version else []
