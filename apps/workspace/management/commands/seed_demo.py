from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from apps.accounts.models import Membership, Organization, User
from apps.engagements.models import Engagement, Objective, Workstream
from apps.engagements.services import engagement_create, invitation_accept, member_invite, objective_create
from apps.inputs.services import input_create
from apps.workspace import demo
from apps.workspace.seeding import seed_engagement_extras

QUIET_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@contextmanager
def _quiet_task_log(quiet: bool) -> Iterator[None]:
    """In-process tasks log one "Task … succeeded" line each (about seventy while seeding): warnings only."""
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    if quiet:
        trace.setLevel(logging.WARNING)
    try:
        yield
    finally:
        trace.setLevel(level)


class Command(BaseCommand):
    help = "Build the demo scenario (idempotent). Creates users with a known password, so DEBUG must be on."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")
        parser.add_argument("--host", default="127.0.0.1", help="Host named in the sign-in line (make passes HOST).")
        parser.add_argument("--port", default="8000", help="Port named in the sign-in line (make passes PORT).")
        parser.add_argument("--show-mail", action="store_true",
                            help="Send the seed's notification e-mails through EMAIL_BACKEND (by default they are "
                                 "kept in memory and only counted: the console backend printed hundreds of lines).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates accounts with a known password; refusing with DEBUG off "
                               "(pass --force if you really mean it).")
        quiet = not options["show_mail"]
        # The seed's notifications e-mail every lead and the PMO (in-process tasks when there is no broker):
        # kept in memory while seeding so the sign-in lines are not buried. The in-app notifications stay.
        with override_settings(EMAIL_BACKEND=QUIET_BACKEND) if quiet else nullcontext(), _quiet_task_log(quiet):
            if not hasattr(mail, "outbox"):
                mail.outbox = []
            before = len(mail.outbox)
            with transaction.atomic():
                created = self._seed()
            self._wait_for_detection()
            seed_engagement_extras(stdout=self.stdout)
            held = len(mail.outbox) - before
        done = "Demo data ready." if created else "Demo data already present; nothing changed."
        self.stdout.write(self.style.SUCCESS(done))
        self.stdout.write(self._summary())
        if quiet and held:
            self.stdout.write(f"{held} notification e-mail(s) of the seeding were not printed (--show-mail prints "
                              "them); each person's notifications are in the app.")
        host = "localhost" if options["host"] in ("0.0.0.0", "::", "[::]") else options["host"]  # noqa: S104
        self.stdout.write(f"Sign in at http://{host}:{options['port']}/ with password {demo.DEMO_PASSWORD!r} as:")
        for email, name, org, role, ws in demo.USERS:
            self.stdout.write(f"  {email:<28} {role}{' (' + ws + ')' if ws else ''} — {name}, {org}")
        self.stdout.write(f"  {'outsider@example.com':<28} pmo of '{demo.SECOND_ENGAGEMENT}' only")

    def _summary(self) -> str:
        from apps.alignment.models import Decision
        from apps.conflicts.models import Finding
        from apps.deliverables.models import Section
        from apps.inputs.models import Input

        engagement = Engagement.objects.filter(name=demo.ENGAGEMENT_NAME).first()
        if engagement is None:
            return ""
        return (f"{engagement.name}: {Input.objects.filter(engagement=engagement).count()} inputs, "
                f"{Finding.objects.filter(engagement=engagement).count()} findings, "
                f"{Decision.objects.filter(engagement=engagement).count()} decisions, "
                f"{Section.objects.filter(deliverable__engagement=engagement).count()} draft sections.")

    def _wait_for_detection(self, timeout: float = 120) -> None:
        """With a broker, the seed's detection runs happen on a worker: let them finish before the session,
        deliverable and plan are seeded. The extras read their findings (a deterministic demo), and writing
        beside a running detection deadlocked on the engagement's audit chain head (seen in the e2e set-up)."""
        from celery import current_app

        from apps.conflicts.models import DetectionRun

        if current_app.conf.task_always_eager:
            return  # no broker: every run has already happened in this process
        active = (DetectionRun.Status.QUEUED, DetectionRun.Status.RUNNING)
        deadline = time.monotonic() + timeout
        while DetectionRun.objects.filter(status__in=active).exists():
            if time.monotonic() > deadline:
                self.stdout.write("Detection is still running (is a worker up?); seeding the rest without it.")
                return
            time.sleep(0.5)

    def _user(self, email: str, name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=demo.DEMO_PASSWORD, full_name=name)
        return user

    def _seed(self) -> bool:
        if Engagement.objects.filter(name=demo.ENGAGEMENT_NAME).exists():
            return False
        orgs = {name: Organization.objects.get_or_create(name=name, defaults={"kind": kind})[0]
                for name, kind in demo.ORGANIZATIONS}
        users = {email: self._user(email, name) for email, name, *_ in demo.USERS}
        pmo = users["pmo@example.com"]
        engagement = engagement_create(
            actor=pmo, name=demo.ENGAGEMENT_NAME, organization=orgs["Northwind Retail"],
            client=orgs["Northwind Retail"], by_operator=True,
            description="Renew the web shop, app and customer data platform of Northwind Retail with two partner "
                        "companies, so every customer gets one fast, consistent, compliant experience.",
        )
        for code, title, description in demo.OBJECTIVES:
            objective_create(actor=pmo, engagement=engagement, code=code, title=title, description=description)
        workstreams = {w.slug: w for w in Workstream.objects.filter(engagement=engagement)}
        for email, name, org, role, ws in demo.USERS:
            if email == pmo.email:
                continue
            invitation = member_invite(actor=pmo, engagement=engagement, email=email, full_name=name,
                                       organization=orgs[org], role=role,
                                       workstream=workstreams.get(ws) if ws else None)
            invitation_accept(actor=users[email], invitation=invitation)  # in the demo, everyone said yes
        objectives = {o.code: o for o in Objective.objects.filter(engagement=engagement)}
        lead_memberships = Membership.objects.filter(engagement=engagement, role="lead").select_related(
            "workstream", "user"
        )
        leads = {m.workstream.slug: m.user for m in lead_memberships}
        for ws, kind, priority, title, body, tags, objs in demo.INPUTS:
            input_create(actor=leads[ws], engagement=engagement, workstream=workstreams[ws], kind=kind, title=title,
                         body=body, priority=priority, tags=tags, objectives=[objectives[c] for c in objs], submit=True)
        self._second_engagement(orgs)
        return True

    def _second_engagement(self, orgs: dict[str, Organization]) -> None:
        outsider = self._user("outsider@example.com", "Otto Sider")
        other_org, _ = Organization.objects.get_or_create(name="Globex Logistics", defaults={"kind": "client"})
        engagement = engagement_create(actor=outsider, name=demo.SECOND_ENGAGEMENT, organization=other_org,
                                       by_operator=True,
                                       description="A small engagement the demo PMO does not belong to.")
        ws = {w.slug: w for w in Workstream.objects.filter(engagement=engagement)}
        for wslug, kind, priority, title, body, tags, _objs in demo.SECOND_INPUTS:
            input_create(actor=outsider, engagement=engagement, workstream=ws[wslug], kind=kind, title=title,
                         body=body, priority=priority, tags=tags, submit=True)
