"""Scenery for alignment tests: two conflicting submitted inputs, a finding between them, a planned session."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone

from apps.alignment import services
from apps.alignment.models import AgendaItem, AlignmentSession
from apps.conflicts.models import Finding
from apps.inputs.models import Input


@pytest.fixture
def make_finding(engagement) -> Callable[..., Finding]:
    """A finding row between two inputs (detection itself is tested by the conflicts app)."""

    def make(a: Input, b: Input, *, label: str = "conflict", kind: str = "numeric", status: str = "open") -> Finding:
        return Finding.objects.create(
            engagement=engagement, fingerprint=uuid.uuid4().hex, label=label, kind=kind, status=status,
            revision_a=a.current_revision, revision_b=b.current_revision, input_a=a, input_b=b,
            workstream_a=a.workstream, workstream_b=b.workstream, statement_a=a.current_revision.body,
            statement_b=b.current_revision.body, rule="test", score=0.9,
            explanation=f"{a.workstream.name} and {b.workstream.name} disagree.",
        )

    return make



@pytest.fixture
def marketing_input(make_input, marketing_lead) -> Input:
    return make_input(marketing_lead, "marketing", title="Landing page speed",
                      body="Landing pages may take up to 800 ms.", submit=True)


@pytest.fixture
def finding(make_finding, it_input, data_input) -> Finding:
    return make_finding(it_input, data_input)


@pytest.fixture
def session(engagement, pmo, personas) -> AlignmentSession:
    return services.session_create(
        actor=pmo, engagement=engagement, title="Retention alignment",
        scheduled_at=timezone.now() + dt.timedelta(days=1),
        participants=[personas["it_lead"], personas["data_lead"], personas["customer"]],
    )


@pytest.fixture
def item(session, pmo, finding) -> AgendaItem:
    return services.agenda_add_findings(actor=pmo, session=session, findings=[finding])[0]


@pytest.fixture
def started(session, pmo, item) -> AlignmentSession:
    return services.session_start(actor=pmo, session=session)
