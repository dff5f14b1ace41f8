from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import Invitation, Membership, Organization
from apps.accounts.selectors import invitations_visible_to, membership_list, organizations_visible_to
from apps.core.api import ScopedViewSet, ServiceCreateMixin

from . import services
from .models import Engagement, Objective, Workstream
from .selectors import engagement_list, objective_list, workstream_list
from .serializers import (
    EngagementSerializer,
    EngagementUpdateSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MembershipSerializer,
    ObjectiveSerializer,
    OrganizationSerializer,
    WorkstreamSerializer,
)


class EngagementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Engagement.objects.none()  # for the schema generator; requests use get_queryset()
    serializer_class = EngagementSerializer

    def get_queryset(self) -> QuerySet[Engagement]:
        return engagement_list(scope=self.scope()).prefetch_related("workstreams", "objectives", "memberships")

    def create(self, request: Request) -> Response:
        serializer = EngagementSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        engagement = services.engagement_create(
            actor=request.user, name=serializer.validated_data["name"],
            organization=serializer.validated_data["organization"],
            description=serializer.validated_data.get("description", ""),
        )
        return Response(EngagementSerializer(self.get_queryset().get(pk=engagement.pk),
                                             context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EngagementUpdateSerializer, responses=EngagementSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        engagement = self.get_object()
        serializer = EngagementUpdateSerializer(engagement, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.engagement_update(
            actor=request.user, engagement=engagement,
            name=serializer.validated_data.get("name", engagement.name),
            description=serializer.validated_data.get("description", engagement.description),
        )
        return Response(EngagementSerializer(self.get_queryset().get(pk=pk), context={"request": request}).data)


class ObjectiveViewSet(ServiceCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Objective.objects.none()  # for the schema generator; requests use get_queryset()
    serializer_class = ObjectiveSerializer
    filterset_fields = ["engagement"]

    def get_queryset(self) -> QuerySet[Objective]:
        return objective_list(scope=self.scope())

    create_service = staticmethod(services.objective_create)


class WorkstreamViewSet(ServiceCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Workstream.objects.none()  # for the schema generator; requests use get_queryset()
    serializer_class = WorkstreamSerializer
    filterset_fields = ["engagement"]

    def get_queryset(self) -> QuerySet[Workstream]:
        return workstream_list(scope=self.scope())

    create_service = staticmethod(services.workstream_create)


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Membership.objects.none()  # for the schema generator; requests use get_queryset()
    serializer_class = MembershipSerializer
    filterset_fields = ["engagement", "role", "workstream"]

    def get_queryset(self) -> QuerySet[Membership]:
        return membership_list(scope=self.scope()).order_by("id")

    def destroy(self, request: Request, pk: str) -> Response:
        services.member_remove(actor=request.user, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Invitations: the PMO invites (POST) and revokes; the invited person lists theirs, accepts or declines.

    People join an engagement only through an accepted invitation; the answer to an invitation never
    says whether the address had an account, nor anything about it.
    """

    queryset = Invitation.objects.none()  # for the schema generator; requests use get_queryset()
    serializer_class = InvitationSerializer
    filterset_fields = ["engagement", "status"]

    def get_queryset(self) -> QuerySet[Invitation]:
        return invitations_visible_to(scope=self.scope()).order_by("-created_at", "-id")

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def create(self, request: Request) -> Response:
        serializer = InvitationCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The service checks the PMO before it creates (and audits) an organization named here.
        invitation = services.member_invite(
            actor=request.user, engagement=data["engagement"], email=data["email"], full_name=data["full_name"],
            organization=data["organization"], role=data["role"], workstream=data["workstream"],
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MembershipSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        membership = services.invitation_accept(actor=request.user, invitation=self.get_object())
        return Response(MembershipSerializer(membership, context={"request": request}).data)

    @extend_schema(request=None, responses={200: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        return Response(InvitationSerializer(services.invitation_decline(actor=request.user,
                                                                         invitation=self.get_object())).data)

    @extend_schema(request=None, responses={200: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        return Response(InvitationSerializer(services.invitation_revoke(actor=request.user,
                                                                        invitation=self.get_object())).data)


class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Organization.objects.none()  # for the schema generator; requests use get_queryset()
    serializer_class = OrganizationSerializer

    def get_queryset(self) -> QuerySet[Organization]:
        return organizations_visible_to(scope=self.scope())
