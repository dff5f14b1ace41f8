from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.core.scope import Scope
from apps.inputs.models import InputRequest
from apps.inputs.requests import input_request_answers, input_request_create, is_overdue
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _due(days: int = 7) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def retention_request(pmo, engagement, workstreams, it_lead, marketing_lead, data_lead):
    return input_request_create(actor=pmo, engagement=engagement, topic="Data retention for campaign logs",
                                due_date=_due(), workstreams=[workstreams["it"], workstreams["marketing"],
                                                              workstreams["data"]])


def test_the_pmo_requests_input_and_the_asked_leads_are_notified(retention_request, it_lead, data_lead, customer):
    assert AuditEvent.objects.filter(action="inputs.input_request.created").count() == 1
    notified = set(Notification.objects.filter(kind="input_request").values_list("recipient__email", flat=True))
    assert {"it.lead@example.com", "data.lead@example.com", "marketing.lead@example.com"} <= notified
    assert "customer@example.com" not in notified


def test_only_the_pmo_requests_input(engagement, workstreams, it_lead):
    with pytest.raises(PermissionDeniedError):
        input_request_create(actor=it_lead, engagement=engagement, topic="x", due_date=_due(),
                             workstreams=[workstreams["it"]])


@pytest.mark.parametrize(("topic", "days", "field"), [("", 3, "topic"), ("Topic", -1, "due_date")])
def test_bad_requests_are_refused(pmo, engagement, workstreams, topic, days, field):
    with pytest.raises(ApplicationError) as exc:
        input_request_create(actor=pmo, engagement=engagement, topic=topic, due_date=_due(days),
                             workstreams=[workstreams["it"]])
    assert exc.value.field == field


def test_inputs_written_in_answer_link_to_the_request_and_the_pmo_sees_who_answered(
        retention_request, make_input, it_lead, data_lead, pmo):
    make_input(it_lead, "it", title="IT view on retention", answers_request=retention_request, submit=True)
    answers = {a.workstream.slug: a.answered
               for a in input_request_answers(scope=Scope.of_user(pmo), request=retention_request)}
    assert answers == {"it": True, "marketing": False, "data": False}


def test_an_answer_must_come_from_an_asked_workstream_of_an_open_request(pmo, engagement, workstreams, make_input,
                                                                         it_lead):
    only_data = input_request_create(actor=pmo, engagement=engagement, topic="Lake", due_date=_due(),
                                     workstreams=[workstreams["data"]])
    with pytest.raises(ApplicationError, match="did not ask IT"):
        make_input(it_lead, "it", answers_request=only_data)


def test_overdue_requests_are_flagged(retention_request):
    assert not is_overdue(retention_request)
    InputRequest.objects.filter(pk=retention_request.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    retention_request.refresh_from_db()
    assert is_overdue(retention_request)


def test_request_pages_and_answer_link(as_user, pmo, it_lead, retention_request, engagement, workstreams):
    page = as_user(it_lead).get(f"/e/{engagement.pk}/requests/{retention_request.pk}/")
    assert page.status_code == 200 and b"Answer with an input" in page.content
    form = as_user(it_lead).get(f"/e/{engagement.pk}/inputs/new/?request={retention_request.pk}")
    assert form.context["form"].fields["answers_request"].initial == retention_request.pk
    created = as_user(pmo).post(f"/e/{engagement.pk}/requests/", {
        "topic": "Consent wording", "due_date": _due(3).isoformat(), "workstreams": [workstreams["marketing"].pk]})
    assert created.status_code == 302
    assert as_user(it_lead).post(f"/e/{engagement.pk}/requests/", {
        "topic": "x", "due_date": _due(3).isoformat(), "workstreams": [workstreams["it"].pk]}).status_code == 403


def test_request_api(api_as, pmo, engagement, workstreams, it_lead):
    api = api_as(pmo)
    response = api.post("/api/v1/input-requests/", {"engagement": engagement.pk, "topic": "Retention",
                                                    "due_date": _due().isoformat(),
                                                    "workstreams": [workstreams["it"].pk]}, format="json")
    assert response.status_code == 201, response.data
    assert api_as(it_lead).post(f"/api/v1/input-requests/{response.data['id']}/close/").status_code == 403
    assert api.post(f"/api/v1/input-requests/{response.data['id']}/close/").data["status"] == "closed"
