from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from apps.alignment.models import AlignmentSession, Decision, Position
from apps.audit.models import AuditEvent
from apps.deliverables.models import Deliverable, DeliverableVersion, Section, TraceLink
from apps.workspace.seeding import DELIVERABLE_TITLE, SESSION_TITLE

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (AuditEvent.objects.count(), AlignmentSession.objects.count(), Decision.objects.count(),
            Position.objects.count(), Section.objects.count(), TraceLink.objects.count())


def test_the_demo_has_a_concluded_session_and_an_unpublished_traced_deliverable_and_reseeding_changes_nothing():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    session = AlignmentSession.objects.get(title=SESSION_TITLE)
    assert session.status == "concluded" and session.minutes
    outcomes = set(Decision.objects.filter(agenda_item__session=session).values_list("outcome", flat=True))
    assert {"merge", "escalate"} <= outcomes
    assert Position.objects.filter(agenda_item__session=session).count() >= 6
    deliverable = Deliverable.objects.get(title=DELIVERABLE_TITLE)
    assert not DeliverableVersion.objects.exists()
    sections = deliverable.sections.all()
    assert sections.count() >= 5 and all(s.trace_links.exists() for s in sections)
    assert TraceLink.objects.filter(decision__isnull=False).exists()
    assert TraceLink.objects.filter(input_revision__isnull=False).exists()
    assert sections.filter(source_decision__outcome="merge").count() == 2
    before = snapshot()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert snapshot() == before
