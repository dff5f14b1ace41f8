"""REST resources of the inputs app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter

from .api import InputRequestViewSet, InputViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the shared router."""
    router.register("inputs", InputViewSet, basename="input")
    router.register("input-requests", InputRequestViewSet, basename="input-request")
