from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "apps.interchange"
    label = "interchange"
    verbose_name = "Import and export"

    def ready(self) -> None:
        # Registers the Celery tasks that the services queue by name (apps/core/jobs.py).
        from . import tasks  # noqa: F401
