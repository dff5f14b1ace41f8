"""REST resources of the approvals app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter

from .api import SignatureViewSet, VersionApprovalViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the shared router."""
    # Same prefix as the deliverables app's VersionViewSet (basename "version", list/retrieve);
    # this one has only the detail actions submit/ and sign/, so the routes do not collide.
    router.register("versions", VersionApprovalViewSet, basename="version-approval")
    router.register("signatures", SignatureViewSet, basename="signature")
