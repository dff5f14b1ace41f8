"""REST: findings and their actions, detection runs (start a full scan, read progress), choice sets."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import ScopedViewSet, query_int
from apps.inputs import selectors as input_selectors
from apps.inputs.models import Input

from . import selectors, services
from .models import Calibration, ChoiceSet, DetectionRun, Finding, RelatedPair, RevisionStatement
from .serializers import (
    CalibrationResetSerializer,
    CalibrationSerializer,
    ChoiceSetCreateSerializer,
    ChoiceSetSerializer,
    DetectionRunCreateSerializer,
    DetectionRunSerializer,
    DismissSerializer,
    FindingSerializer,
    FlagSerializer,
    InputDetectionSerializer,
    JudgementSerializer,
    RelatedDismissSerializer,
    RelatedPairSerializer,
    StatementSerializer,
)

FINDING_FILTERS = [
    OpenApiParameter("engagement", int),
    OpenApiParameter("label", str, enum=Finding.Label.values),
    OpenApiParameter("kind", str, enum=Finding.Kind.values),
    OpenApiParameter("status", str, enum=[*Finding.Status.values, "all"],
                     description="Default: active findings (open, acknowledged, in alignment); 'all' for every status"),
    OpenApiParameter("workstream", str, description="id or slug: findings touching that workstream"),
    OpenApiParameter("ws_a", str, description="with ws_b: findings between these two workstreams (id or slug)"),
    OpenApiParameter("ws_b", str),
    OpenApiParameter("min_score", float),
    OpenApiParameter("input", int, description="findings touching this input"),
]




def _finding_filters(params: Any) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for name, allowed in (("label", Finding.Label.values), ("kind", Finding.Kind.values),
                          ("status", [*Finding.Status.values, "all"])):
        value = params.get(name)
        if value:
            if value not in allowed:
                raise ValidationError({name: [f"Must be one of: {', '.join(allowed)}."]})
            filters[name] = value
    for name in ("workstream", "ws_a", "ws_b"):
        if value := params.get(name):
            filters[name] = value
    if (value := params.get("min_score")) not in (None, ""):
        try:
            filters["min_score"] = float(value)
        except ValueError as exc:
            raise ValidationError({"min_score": ["Must be a number between 0 and 1."]}) from exc
    if (value := query_int(params, "input")) is not None:
        filters["input"] = value
    return filters


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = FindingSerializer

    def get_queryset(self) -> QuerySet[Finding]:
        if self.action == "list":
            params = self.request.query_params
            qs = selectors.finding_list(scope=self.scope(engagement_id=query_int(params, "engagement")),
                                        filters=_finding_filters(params))
        else:
            qs = selectors.finding_list(scope=self.scope(), filters={"status": "all"})
        return qs.select_related("revision_a", "revision_b").order_by("-score", "-id")

    @extend_schema(parameters=FINDING_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        finding = services.finding_acknowledge(finding=self.get_object(), actor=request.user)
        return Response(FindingSerializer(self.get_queryset().get(pk=finding.pk)).data)

    @extend_schema(request=DismissSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        finding = self.get_object()
        serializer = DismissSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.finding_dismiss(finding=finding, actor=request.user, reason=serializer.validated_data["reason"])
        return Response(FindingSerializer(self.get_queryset().get(pk=finding.pk)).data)

    @extend_schema(request=FlagSerializer, responses={201: FindingSerializer},
                   description="Flag two current statements of two inputs as a conflict or merge candidate by "
                               "hand (PMO, or a lead/contributor of one of the two workstreams): a manual finding.")
    @action(detail=False, methods=["post"])
    def flag(self, request: Request) -> Response:
        serializer = FlagSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        finding = services.finding_flag(engagement=data["engagement"], actor=request.user,
                                        statement_a_id=data["statement_a"], statement_b_id=data["statement_b"],
                                        label=data["label"], kind=data["kind"], explanation=data["explanation"])
        data = FindingSerializer(self.get_queryset().get(pk=finding.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


class DetectionRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Detection runs. POST starts a full scan of an engagement (PMO); GET one to follow its progress."""

    serializer_class = DetectionRunSerializer

    def get_queryset(self) -> QuerySet[DetectionRun]:
        engagement = query_int(self.request.query_params, "engagement") if self.action == "list" else None
        return selectors.run_list(scope=self.scope(engagement_id=engagement)).order_by("-created_at", "-id")

    @extend_schema(parameters=[OpenApiParameter("engagement", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DetectionRunCreateSerializer, responses={201: DetectionRunSerializer})
    def create(self, request: Request) -> Response:
        serializer = DetectionRunCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        run = services.detection_run_start(engagement=serializer.validated_data["engagement"], actor=request.user)
        run = self.get_queryset().get(pk=run.pk)
        return Response(DetectionRunSerializer(run).data, status=status.HTTP_201_CREATED)


class ChoiceSetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Engagement choice sets added to the built-in catalogue; the PMO creates and deletes them."""

    serializer_class = ChoiceSetSerializer

    def get_queryset(self) -> QuerySet[ChoiceSet]:
        engagement = query_int(self.request.query_params, "engagement") if self.action == "list" else None
        return selectors.choice_set_list(scope=self.scope(engagement_id=engagement)).order_by("name", "id")

    @extend_schema(parameters=[OpenApiParameter("engagement", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ChoiceSetCreateSerializer, responses={201: ChoiceSetSerializer})
    def create(self, request: Request) -> Response:
        serializer = ChoiceSetCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        choice_set = services.choice_set_create(actor=request.user, **serializer.validated_data)
        return Response(ChoiceSetSerializer(choice_set).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        services.choice_set_delete(choice_set=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

class RelatedPairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The second tier: pairs across workstreams detection found related but was unsure about."""

    serializer_class = RelatedPairSerializer

    def get_queryset(self) -> QuerySet[RelatedPair]:
        params = self.request.query_params
        if self.action != "list":
            return selectors.related_list(scope=self.scope(), filters={"status": "all"})
        value = params.get("status") or ""
        if value and value not in [*RelatedPair.Status.values, "all"]:
            raise ValidationError({"status": [f"Must be one of: {', '.join([*RelatedPair.Status.values, 'all'])}."]})
        filters = {"status": value, "workstream": params.get("workstream") or "",
                   "input": query_int(params, "input")}
        return selectors.related_list(scope=self.scope(engagement_id=query_int(params, "engagement")),
                                      filters=filters)

    @extend_schema(parameters=[
        OpenApiParameter("engagement", int),
        OpenApiParameter("status", str, enum=[*RelatedPair.Status.values, "all"], description="Default: open"),
        OpenApiParameter("workstream", str, description="id or slug: pairs touching that workstream"),
        OpenApiParameter("input", int, description="pairs touching this input")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=JudgementSerializer, responses={201: FindingSerializer},
                   description="It is a real conflict or merge candidate: the pair becomes a manual finding.")
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        serializer = JudgementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = services.related_pair_confirm(pair=self.get_object(), actor=request.user,
                                                **serializer.validated_data)
        data = FindingSerializer(selectors.finding_get(scope=self.scope(), finding_id=finding.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RelatedDismissSerializer, responses=RelatedPairSerializer,
                   description="Not related: the pair leaves the second tier and stays out of it.")
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        serializer = RelatedDismissSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = services.related_pair_dismiss(pair=self.get_object(), actor=request.user,
                                             reason=serializer.validated_data["reason"])
        return Response(RelatedPairSerializer(self.get_queryset().get(pk=pair.pk)).data)


class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Statements of current submitted inputs: what detection compares, and what can be flagged by hand."""

    serializer_class = StatementSerializer

    def get_queryset(self) -> QuerySet[RevisionStatement]:
        params = self.request.query_params
        if self.action != "list":
            return selectors.statement_list(scope=self.scope())
        return selectors.statement_list(scope=self.scope(engagement_id=query_int(params, "engagement")),
                                        input_id=query_int(params, "input"))

    @extend_schema(parameters=[OpenApiParameter("engagement", int), OpenApiParameter("input", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class CalibrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """An engagement's detection calibration, newest first: the first row is the current one (none: the
    shipped default). POST reset (PMO) goes back to the default; the history is kept."""

    serializer_class = CalibrationSerializer

    def get_queryset(self) -> QuerySet[Calibration]:
        engagement = query_int(self.request.query_params, "engagement") if self.action == "list" else None
        return selectors.calibration_history(scope=self.scope(engagement_id=engagement))

    @extend_schema(parameters=[OpenApiParameter("engagement", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CalibrationResetSerializer, responses={201: CalibrationSerializer})
    @action(detail=False, methods=["post"])
    def reset(self, request: Request) -> Response:
        serializer = CalibrationResetSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        row = services.calibration_reset(engagement=serializer.validated_data["engagement"], actor=request.user)
        return Response(CalibrationSerializer(row).data, status=status.HTTP_201_CREATED)

class InputDetectionViewSet(ScopedViewSet):
    """GET /input-detection/{input id}/: the languages of an input's current text and what detection could not
    check (a text in neither English nor Korean is never compared; this says so instead of "no findings")."""

    serializer_class = InputDetectionSerializer

    def get_queryset(self) -> QuerySet[Input]:
        return input_selectors.input_list(scope=self.scope())

    def retrieve(self, request: Request, pk: str) -> Response:
        from .engine.language import language_coverage

        item = input_selectors.input_get(scope=self.scope(), input_id=int(pk))
        revision = item.current_revision
        data = {"input": item.pk, **language_coverage(revision.body if revision else "").as_dict()}
        return Response(InputDetectionSerializer(data).data)
