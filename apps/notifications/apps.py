from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Registers the Celery task that the services queue by name (apps/core/jobs.py).
        from . import tasks  # noqa: F401
