"""REST resources of the notifications app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter

from .api import NotificationViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the shared router."""
    router.register("notifications", NotificationViewSet, basename="notification")
