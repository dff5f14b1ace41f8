"""REST resources of the conflicts app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter

from .api import (
    CalibrationViewSet,
    ChoiceSetViewSet,
    DetectionRunViewSet,
    FindingViewSet,
    InputDetectionViewSet,
    RelatedPairViewSet,
    StatementViewSet,
)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the shared router."""
    router.register("findings", FindingViewSet, basename="finding")
    router.register("detection-runs", DetectionRunViewSet, basename="detection-run")
    router.register("choice-sets", ChoiceSetViewSet, basename="choice-set")
    router.register("related-pairs", RelatedPairViewSet, basename="related-pair")
    router.register("statements", StatementViewSet, basename="statement")
    router.register("calibrations", CalibrationViewSet, basename="calibration")
    router.register("input-detection", InputDetectionViewSet, basename="input-detection")
