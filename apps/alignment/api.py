"""REST resources for sessions, agenda items, positions and decisions. Same services as the pages."""
from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import STALE_RESPONSES, ScopedViewSet, if_match, query_int, stale_response
from apps.core.errors import StaleRevisionError

from . import selectors, services
from .models import AgendaItem, AlignmentSession, Decision, Position
from .record import session_record_markdown
from .serializers import (
    AgendaAddSerializer,
    AgendaItemSerializer,
    DecisionCreateSerializer,
    DecisionReviseSerializer,
    DecisionRevisionSerializer,
    DecisionSerializer,
    DecisionWriteSerializer,
    MinutesSerializer,
    PositionCreateSerializer,
    PositionSerializer,
    PositionWriteSerializer,
    RecordSerializer,
    SessionCreateSerializer,
    SessionDetailSerializer,
    SessionSerializer,
    SessionUpdateSerializer,
)


def _items_prefetch() -> Prefetch:
    return Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("decision").prefetch_related(
        Prefetch("positions", queryset=Position.objects.select_related("workstream", "recorded_by")),
        "decision__source_revisions__input").order_by("order", "id"))


class SessionViewSet(mixins.ListModelMixin, ScopedViewSet):
    serializer_class = SessionSerializer

    def get_queryset(self) -> QuerySet[AlignmentSession]:
        engagement = query_int(self.request.query_params, "engagement") if self.action == "list" else None
        qs = selectors.session_list(scope=self.scope(engagement_id=engagement)).prefetch_related(
            "participants")
        if self.action == "list" and (value := self.request.query_params.get("status")):
            qs = qs.filter(status=value)
        return qs.order_by("-scheduled_at", "-id")

    def _detail(self, pk: Any) -> dict[str, Any]:
        session = self.get_queryset().prefetch_related(_items_prefetch()).get(pk=pk)
        return SessionDetailSerializer(session).data

    @extend_schema(parameters=[OpenApiParameter("engagement", int), OpenApiParameter("status", str)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=SessionDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._detail(pk))

    @extend_schema(request=SessionCreateSerializer, responses={201: SessionDetailSerializer})
    def create(self, request: Request) -> Response:
        serializer = SessionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        session = services.session_create(actor=request.user, **serializer.validated_data)
        return Response(self._detail(session.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=SessionUpdateSerializer, responses=SessionDetailSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        session = self.get_object()
        serializer = SessionUpdateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.session_update(
            actor=request.user, session=session, title=data.get("title", session.title),
            scheduled_at=data.get("scheduled_at", session.scheduled_at),
            participants=data.get("participants", list(session.participants.all())),
        )
        return Response(self._detail(pk))

    @extend_schema(request=None, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        services.session_start(actor=request.user, session=self.get_object())
        return Response(self._detail(pk))

    @extend_schema(request=None, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request: Request, pk: str) -> Response:
        services.session_conclude(actor=request.user, session=self.get_object())
        return Response(self._detail(pk))

    @extend_schema(request=MinutesSerializer, responses={200: SessionSerializer, **STALE_RESPONSES})
    @action(detail=True, methods=["post"])
    def minutes(self, request: Request, pk: str) -> Response:
        """Save the minutes (Markdown). A stale expected_revision is refused with 409 and the current minutes."""
        serializer = MinutesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            session = services.session_minutes_save(actor=request.user, session=self.get_object(),
                                                    minutes=serializer.validated_data["minutes"],
                                                    expected_revision=serializer.validated_data["expected_revision"])
        except StaleRevisionError as exc:
            return stale_response(exc, header=False)
        return Response(SessionSerializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(request=AgendaAddSerializer, responses={201: AgendaItemSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def agenda(self, request: Request, pk: str) -> Response:
        """Add findings, inputs, or every open conflict between two workstreams (workstream_a + workstream_b)."""
        session = self.get_object()
        serializer = AgendaAddSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        added: list[AgendaItem] = []
        if data["findings"]:
            added += services.agenda_add_findings(actor=request.user, session=session, findings=data["findings"])
        if data["inputs"]:
            added += services.agenda_add_inputs(actor=request.user, session=session, inputs=data["inputs"])
        if data.get("workstream_a"):
            added += services.agenda_add_conflicts_between(actor=request.user, session=session,
                                                           workstream_a=data["workstream_a"],
                                                           workstream_b=data["workstream_b"])
        items = AgendaItem.objects.filter(pk__in=[i.pk for i in added]).prefetch_related("positions")
        return Response(AgendaItemSerializer(items, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=RecordSerializer)
    @action(detail=True, methods=["get"])
    def record(self, request: Request, pk: str) -> Response:
        """The session record as Markdown: attendees, agenda, positions, decisions, rationale, follow-ups."""
        session = selectors.session_get(scope=self.scope(), session_id=int(pk))
        items = list(selectors.agenda_items(session=session))
        text = session_record_markdown(session=session, items=items,
                                       participants=list(session.participants.order_by("full_name")))
        return Response({"markdown": text})


class AgendaItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = AgendaItemSerializer

    def get_queryset(self) -> QuerySet[AgendaItem]:
        qs = selectors.agenda_item_list(scope=self.scope()).prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("workstream", "recorded_by")),
            "decision__source_revisions__input")
        if self.action == "list" and (session := query_int(self.request.query_params, "session")) is not None:
            qs = qs.filter(session_id=session)
        return qs.order_by("session_id", "order", "id")

    @extend_schema(parameters=[OpenApiParameter("session", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def destroy(self, request: Request, pk: str) -> Response:
        services.agenda_item_remove(actor=request.user, item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=PositionWriteSerializer, responses=PositionSerializer)
    @action(detail=True, methods=["post"])
    def position(self, request: Request, pk: str) -> Response:
        """Record or change your workstream's position (agree / object / abstain + reason)."""
        serializer = PositionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        position = services.position_record(actor=request.user, item=self.get_object(), **serializer.validated_data)
        return Response(PositionSerializer(position).data)

    @extend_schema(request=DecisionWriteSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """The PMO's decision on this item; resolves its finding."""
        serializer = DecisionWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        decision = services.decision_record(actor=request.user, item=self.get_object(), **serializer.validated_data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class PositionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = PositionSerializer

    def get_queryset(self) -> QuerySet[Position]:
        qs = selectors.position_list(scope=self.scope())
        if self.action == "list":
            if (item := query_int(self.request.query_params, "agenda_item")) is not None:
                qs = qs.filter(agenda_item_id=item)
            if (session := query_int(self.request.query_params, "session")) is not None:
                qs = qs.filter(agenda_item__session_id=session)
        return qs.order_by("agenda_item_id", "workstream_id")

    @extend_schema(parameters=[OpenApiParameter("agenda_item", int), OpenApiParameter("session", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PositionCreateSerializer, responses={201: PositionSerializer})
    def create(self, request: Request) -> Response:
        serializer = PositionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        position = services.position_record(actor=request.user, item=data["agenda_item"], stance=data["stance"],
                                            reason=data["reason"])
        return Response(PositionSerializer(position).data, status=status.HTTP_201_CREATED)


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = DecisionSerializer

    def get_queryset(self) -> QuerySet[Decision]:
        engagement = query_int(self.request.query_params, "engagement") if self.action == "list" else None
        qs = selectors.decision_list(scope=self.scope(engagement_id=engagement))
        if self.action == "list":
            if value := self.request.query_params.get("outcome"):
                qs = qs.filter(outcome=value)
            if self.request.query_params.get("suspect") in ("1", "true"):
                qs = qs.filter(is_suspect=True)
        return qs.order_by("-id")

    @extend_schema(parameters=[OpenApiParameter("engagement", int), OpenApiParameter("outcome", str),
                               OpenApiParameter("suspect", bool)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DecisionCreateSerializer, responses={201: DecisionSerializer})
    def create(self, request: Request) -> Response:
        serializer = DecisionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        item = data.pop("agenda_item")
        decision = services.decision_record(actor=request.user, item=item, **data)
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionReviseSerializer, responses={200: DecisionSerializer, **STALE_RESPONSES},
                   parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)])
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str) -> Response:
        """New version of the decision; trace links to older versions turn suspect."""
        decision = self.get_object()
        serializer = DecisionReviseSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        header = if_match(request)
        expected = header if header is not None else data.pop("expected_version", None)
        data.pop("expected_version", None)
        try:
            services.decision_revise(actor=request.user, decision=decision, expected_version=expected, **data)
        except StaleRevisionError as exc:
            return stale_response(exc, header=header is not None)
        return Response(DecisionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=None, responses=DecisionSerializer)
    @action(detail=True, methods=["post"], url_path="clear-suspect")
    def clear_suspect(self, request: Request, pk: str) -> Response:
        """After review: the decision now rests on the inputs' current revisions."""
        services.decision_clear_suspect(actor=request.user, decision=self.get_object())
        return Response(DecisionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(responses=DecisionRevisionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not a page
    def history(self, request: Request, pk: str) -> Response:
        decision = self.get_object()
        return Response(DecisionRevisionSerializer(decision.revisions.select_related("decided_by"), many=True).data)
