"""Times Concord's main pages on a large engagement: `manage.py bench_pages --inputs 10000`.

Builds the demo, grows its engagement to N inputs (plus findings), publishes and submits a
version, then requests every main page as the persona that uses it, in-process through Django's
test client, and prints p50 / p95 / max milliseconds and the SQL query count per page.
Run it on a scratch database: it creates the demo accounts.
"""
from __future__ import annotations

import io
import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from apps.accounts.models import User
from apps.engagements.models import Engagement
from apps.inputs.models import Input
from apps.workspace import demo
from apps.workspace.scale import populate

PAGES = [
    ("pmo@example.com", "engagements:detail", ()),
    ("it.lead@example.com", "engagements:detail", ()),
    ("customer@example.com", "engagements:detail", ()),
    ("it.lead@example.com", "inputs:list", ()),
    ("it.lead@example.com", "inputs:list", ("?q=retained&workstream=it",)),
    ("it.lead@example.com", "inputs:detail", ("input",)),
    ("pmo@example.com", "conflicts:list", ()),
    ("pmo@example.com", "conflicts:merge-candidates", ()),
    ("pmo@example.com", "conflicts:finding", ("finding",)),
    ("pmo@example.com", "alignment:list", ()),
    ("pmo@example.com", "alignment:detail", ("session",)),
    ("pmo@example.com", "deliverables:detail", ("deliverable",)),
    ("pmo@example.com", "deliverables:version", ("version",)),
    ("pmo@example.com", "deliverables:trace", ()),
    ("customer@example.com", "approvals:version", ("version",)),
    ("pmo@example.com", "inputs:requests", ()),
]


class Command(BaseCommand):
    help = "Benchmark the main pages with a large engagement (run on a scratch database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inputs", type=int, default=10000)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("bench_pages builds demo accounts with a known password; run it with DEBUG=1 "
                               "on a scratch database.")
        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        engagement = Engagement.objects.get(name=demo.ENGAGEMENT_NAME)
        missing = options["inputs"] - Input.objects.filter(engagement=engagement).count()
        if missing > 0:
            started = time.perf_counter()
            populate(engagement=engagement, n_inputs=missing, seed=42)
            self.stdout.write(f"built {missing} inputs in {time.perf_counter() - started:.1f}s")
        objects = self._objects(engagement)
        self.stdout.write(f"engagement has {Input.objects.filter(engagement=engagement).count()} inputs, "
                          f"{engagement.findings.count()} findings")
        self.stdout.write(f"{'page':<58} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'queries':>7}")
        with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
            for email, name, extra in PAGES:
                self._time(engagement, objects, email, name, extra, options["repeat"])

    def _objects(self, engagement: Engagement) -> dict[str, Any]:
        from apps.alignment.models import AlignmentSession
        from apps.approvals.services import approval_submit
        from apps.deliverables.models import Deliverable, DeliverableVersion
        from apps.deliverables.services import version_publish

        deliverable = Deliverable.objects.filter(engagement=engagement).first()
        pmo = User.objects.get(email="pmo@example.com")
        version = DeliverableVersion.objects.filter(deliverable=deliverable).order_by("-number").first()
        if version is None:
            version = version_publish(deliverable=deliverable, actor=pmo)
            approval_submit(actor=pmo, version=version, approvers=[User.objects.get(email="customer@example.com")],
                            policy="all")
        return {
            "input": Input.objects.filter(engagement=engagement).order_by("pk").first(),
            "finding": engagement.findings.order_by("pk").first(),
            "session": AlignmentSession.objects.filter(engagement=engagement).first(),
            "deliverable": deliverable, "version": version,
        }

    def _time(self, engagement: Engagement, objects: dict[str, Any], email: str, name: str, extra: tuple,
              repeat: int) -> None:
        client = Client()
        client.force_login(User.objects.get(email=email))
        kwargs = {"engagement_id": engagement.pk}
        query = ""
        for key in extra:
            if key.startswith("?"):
                query = key
            else:
                kwargs[f"{key}_id"] = objects[key].pk
        url = reverse(name, kwargs=kwargs) + query
        for _ in range(2):
            client.get(url)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        timings.sort()
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        label = f"{url} ({email.split('@')[0]})"
        self.stdout.write(f"{label:<58} {statistics.median(timings):7.1f} {p95:7.1f} {timings[-1]:7.1f} "
                          f"{len(ctx.captured_queries):7d}")
