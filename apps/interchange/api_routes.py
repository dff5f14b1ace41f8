"""REST resources of the interchange app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    from .api import ImportViewSet, VersionReqIFViewSet

    router.register("imports", ImportViewSet, basename="import")
    # Same prefix as the deliverables and approvals version viewsets; only the detail action export/reqif/.
    router.register("versions", VersionReqIFViewSet, basename="version-reqif")
