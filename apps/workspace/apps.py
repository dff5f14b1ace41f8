from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The top floor: what gathers every other app (home, role dashboards, demo seeding, page
    benchmarks) and the wiring of cross-app consequences. Nothing below imports it."""

    name = "apps.workspace"
    label = "workspace"

    def ready(self) -> None:
        from . import wiring

        wiring.connect()
