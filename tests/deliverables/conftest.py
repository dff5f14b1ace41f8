"""Scenery for deliverable tests: a draft deliverable whose sections trace to inputs, a decision and an objective."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.alignment import services as alignment
from apps.alignment.models import Decision
from apps.deliverables import services
from apps.deliverables.models import Deliverable


@pytest.fixture
def merge_decision(engagement, pmo, it_input, data_input, it_lead) -> Decision:
    session = alignment.session_create(actor=pmo, engagement=engagement, title="Retention",
                                       scheduled_at=timezone.now() + dt.timedelta(hours=1), participants=[it_lead])
    item = alignment.agenda_add_inputs(actor=pmo, session=session, inputs=[it_input])[0]
    alignment.session_start(actor=pmo, session=session)
    return alignment.decision_record(actor=pmo, item=item, outcome="merge", rationale="Both have a point.",
                                     merged_text="Logs are deleted after **90 days**; flagged fraud cases keep 24.")


@pytest.fixture
def deliverable(engagement, pmo) -> Deliverable:
    return services.deliverable_create(actor=pmo, engagement=engagement, title="Integrated Requirements Specification")


@pytest.fixture
def drafted(deliverable, pmo, it_input, data_input, merge_decision, objective) -> Deliverable:
    """Three sections: one from the merge decision, one tracing two inputs, one tracing an objective."""
    services.section_create_from_decision(actor=pmo, deliverable=deliverable, decision=merge_decision,
                                          heading="Retention")
    second = services.section_create(actor=pmo, deliverable=deliverable, heading="Deletion",
                                     body="Deletion runs nightly.")
    services.tracelink_add(actor=pmo, section=second, input_revision=data_input.current_revision)
    third = services.section_create(actor=pmo, deliverable=deliverable, heading="Goal", body="One customer view.")
    services.tracelink_add(actor=pmo, section=third, objective=objective)
    return deliverable
