"""REST resources of the engagements app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter

from .api import (
    EngagementViewSet,
    InvitationViewSet,
    MembershipViewSet,
    ObjectiveViewSet,
    OrganizationViewSet,
    WorkstreamViewSet,
)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the shared router."""
    router.register("engagements", EngagementViewSet, basename="engagement")
    router.register("objectives", ObjectiveViewSet, basename="objective")
    router.register("workstreams", WorkstreamViewSet, basename="workstream")
    router.register("memberships", MembershipViewSet, basename="membership")
    router.register("invitations", InvitationViewSet, basename="invitation")
    router.register("organizations", OrganizationViewSet, basename="organization")
