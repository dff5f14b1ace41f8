"""Every REST resource under /api/v1/. Apps register their viewsets here."""
from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from apps.engagements.api import (
    EngagementViewSet,
    MembershipViewSet,
    ObjectiveViewSet,
    OrganizationViewSet,
    WorkstreamViewSet,
)
from apps.inputs.api import InputViewSet

router = DefaultRouter()
router.register("engagements", EngagementViewSet, basename="engagement")
router.register("objectives", ObjectiveViewSet, basename="objective")
router.register("workstreams", WorkstreamViewSet, basename="workstream")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("inputs", InputViewSet, basename="input")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
