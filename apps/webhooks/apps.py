from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "apps.webhooks"
    label = "webhooks"
    verbose_name = "Outgoing webhooks"

    def ready(self) -> None:
        # Registers the Celery tasks that the services queue by name (apps/core/jobs.py).
        from . import tasks  # noqa: F401
