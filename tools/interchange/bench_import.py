"""Time one `inputs_import` run with Celery publishing to an in-memory broker (dev-only).

    DEBUG=1 DATABASE_URL=postgres://…/scratch python -m tools.interchange.bench_import FILE --engagement 1 \
        --workstream it --source bench [--dry-run]

Same code path as the command, except that the detection tasks queued after commit go to kombu's
in-memory transport (nobody consumes them) instead of Redis, so the figure is the import's own cost.
Run it under `/usr/bin/time -v` for the peak memory (maximum resident set size).
"""
from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo_site.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from pmo_site.celery import app

    app.conf.task_always_eager = False  # queue, don't run detection inside the import's process
    app.conf.broker_url = "memory://"
    call_command("inputs_import", *sys.argv[1:])


if __name__ == "__main__":
    main()
