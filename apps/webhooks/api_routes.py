"""REST resources of the webhooks app, registered on the /api/v1/ router."""
from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    from .api import WebhookViewSet

    router.register("webhooks", WebhookViewSet, basename="webhook")
