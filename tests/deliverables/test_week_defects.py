"""Defects a PMO hit in the week's walkthrough (issue 18, point 8): adopt headings and renamed sections."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.alignment import services as alignment
from apps.conflicts.models import Finding
from apps.deliverables import services
from apps.deliverables.compare import compare_sections

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopt_data_side(engagement, pmo, it_input, data_input, it_lead, data_lead):
    """The session adopts Data's side of the IT/Data retention conflict."""
    finding = Finding.objects.create(
        engagement=engagement, fingerprint=uuid.uuid4().hex, label="conflict", kind="numeric", status="open",
        revision_a=it_input.current_revision, revision_b=data_input.current_revision, input_a=it_input,
        input_b=data_input, workstream_a=it_input.workstream, workstream_b=data_input.workstream,
        statement_a=it_input.current_revision.body, statement_b=data_input.current_revision.body, rule="test",
        score=0.9, explanation="IT and Data disagree.")
    session = alignment.session_create(actor=pmo, engagement=engagement, title="Retention",
                                       scheduled_at=timezone.now() + dt.timedelta(hours=1),
                                       participants=[it_lead, data_lead])
    item = alignment.agenda_add_findings(actor=pmo, session=session, findings=[finding])[0]
    alignment.session_start(actor=pmo, session=session)
    return alignment.decision_record(actor=pmo, item=item, outcome="adopt", rationale="Data minimisation wins.",
                                     adopted_input=data_input)


def test_a_section_started_from_an_adopt_decision_is_titled_after_the_adopted_side(
        deliverable, pmo, adopt_data_side, it_input, data_input):
    section = services.section_create_from_decision(actor=pmo, deliverable=deliverable, decision=adopt_data_side)
    assert section.heading == data_input.title == "Delete interaction logs"
    assert it_input.title not in section.heading
    assert section.body == data_input.current_revision.body


def test_a_section_started_from_a_merge_decision_still_names_both_sides(deliverable, pmo, merge_decision, it_input):
    section = services.section_create_from_decision(actor=pmo, deliverable=deliverable, decision=merge_decision)
    assert section.heading == it_input.title  # the merge was on the IT input's agenda item


def _s(sid, heading, body, order=1):
    return {"section_id": sid, "heading": heading, "body": body, "order": order}


def test_a_heading_change_of_the_same_section_reads_as_renamed():
    [diff] = compare_sections([_s(1, "Retention", "Logs go after 90 days.")],
                              [_s(1, "Log retention", "Logs go after 90 days.")])
    assert (diff.state, diff.old_heading, diff.new_heading) == ("renamed", "Retention", "Log retention")


def test_a_section_deleted_and_recreated_under_a_new_heading_reads_as_renamed_not_removed_and_added():
    old = [_s(1, "Scope", "The shop, the app and the data platform."),
           _s(2, "Retention", "Customer interaction logs are deleted 90 days after collection.", 2)]
    new = [_s(1, "Scope", "The shop, the app and the data platform."),
           _s(7, "Retention of interaction logs",
              "Customer interaction logs are deleted 90 days after their collection.", 2)]
    states = [(d.state, d.old_heading, d.new_heading) for d in compare_sections(old, new)]
    assert states == [("same", "Scope", "Scope"),
                      ("renamed", "Retention", "Retention of interaction logs")]


def test_a_really_new_section_is_still_added_and_the_old_one_removed():
    old = [_s(1, "Retention", "Customer interaction logs are deleted 90 days after collection.")]
    new = [_s(2, "Hosting", "The shop runs on Azure West Europe under the group agreement.")]
    assert [d.state for d in compare_sections(old, new)] == ["added", "removed"]


def test_the_customer_sees_a_renamed_section_once_on_the_approval_page(engagement, pmo, customer, as_user):
    from apps.approvals import services as approvals
    from apps.deliverables.models import Section

    d = services.deliverable_create(actor=pmo, engagement=engagement, title="Spec")
    first = services.section_create(actor=pmo, deliverable=d, heading="Retention",
                                    body="Customer interaction logs are deleted 90 days after collection.")
    v1 = services.version_publish(deliverable=d, actor=pmo)
    approvals.approval_submit(actor=pmo, version=v1, approvers=[customer])
    from apps.approvals.models import ApprovalSubmission
    ApprovalSubmission.objects.filter(version=v1).update(status="approved")  # scenery: v1 is the approved base
    services.section_delete(actor=pmo, section=first)
    services.section_create(actor=pmo, deliverable=d, heading="Retention of interaction logs",
                            body="Customer interaction logs are deleted 90 days after their collection.")
    assert Section.objects.filter(deliverable=d).count() == 1
    v2 = services.version_publish(deliverable=d, actor=pmo)
    page = as_user(customer).get(reverse("approvals:version", args=[engagement.pk, v2.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "renamed" in html and "(was “Retention”)" in html
    assert ">removed<" not in html and ">added<" not in html
