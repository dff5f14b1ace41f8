"""REST resources of the notifications app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the shared router."""
    from .api import NotificationViewSet

    router.register("notifications", NotificationViewSet, basename="notification")
