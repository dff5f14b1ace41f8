"""REST resources of the conflicts app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter

from .api import ChoiceSetViewSet, DetectionRunViewSet, FindingViewSet, InputDetectionViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the shared router."""
    router.register("findings", FindingViewSet, basename="finding")
    router.register("detection-runs", DetectionRunViewSet, basename="detection-run")
    router.register("choice-sets", ChoiceSetViewSet, basename="choice-set")
    router.register("input-detection", InputDetectionViewSet, basename="input-detection")
