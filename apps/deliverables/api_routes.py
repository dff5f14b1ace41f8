"""REST resources of the deliverables app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter

from .api import DeliverableViewSet, EngagementTraceViewSet, SectionViewSet, TraceLinkViewSet, VersionViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the shared router."""
    router.register("deliverables", DeliverableViewSet, basename="deliverable")
    router.register("sections", SectionViewSet, basename="section")
    router.register("trace-links", TraceLinkViewSet, basename="trace-link")
    # The approvals app registers submit/ and sign/ detail actions on the same prefix (basename "version-approval").
    router.register("versions", VersionViewSet, basename="version")
    # Only the detail action trace-matrix/ on the engagements prefix; the engagements app owns the rest.
    router.register("engagements", EngagementTraceViewSet, basename="engagement-trace")
