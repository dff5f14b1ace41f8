"""REST resources of the planning app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    from .api import DefinitionViewSet, EngagementPlanViewSet, WorkItemLinkViewSet, WorkItemViewSet

    router.register("work-items", WorkItemViewSet, basename="work-item")
    router.register("work-item-links", WorkItemLinkViewSet, basename="work-item-link")
    router.register("deliverable-definitions", DefinitionViewSet, basename="deliverable-definition")
    # Only detail actions under engagements/{id}/plan/…; the engagements app owns the rest of the prefix.
    router.register("engagements", EngagementPlanViewSet, basename="engagement-plan")
