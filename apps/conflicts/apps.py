from django.apps import AppConfig


class ConflictsConfig(AppConfig):
    name = "apps.conflicts"
    label = "conflicts"

    def ready(self) -> None:
        # Registers the Celery tasks that the services queue by name (apps/core/jobs.py).
        from . import tasks  # noqa: F401
