"""REST resources of the alignment app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter

from .api import AgendaItemViewSet, DecisionViewSet, PositionViewSet, SessionViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the shared router."""
    router.register("sessions", SessionViewSet, basename="session")
    router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
    router.register("positions", PositionViewSet, basename="position")
    router.register("decisions", DecisionViewSet, basename="decision")
