from __future__ import annotations

import pytest

from apps.alignment import services
from apps.alignment.models import AlignmentSession, Decision, Position
from apps.audit.models import AuditEvent
from apps.conflicts.models import Finding

pytestmark = pytest.mark.django_db


def test_outsiders_get_404_on_every_alignment_resource(started, item, pmo, outsider, api_as):
    decision = services.decision_record(actor=pmo, item=item, outcome="reject", rationale="r")
    position_owner = item  # keep the fixture chain readable
    api = api_as(outsider)
    for url in [f"/api/v1/sessions/{started.pk}/", f"/api/v1/sessions/{started.pk}/record/",
                f"/api/v1/agenda-items/{position_owner.pk}/", f"/api/v1/decisions/{decision.pk}/",
                f"/api/v1/decisions/{decision.pk}/history/"]:
        assert api.get(url).status_code == 404, url
    for url in [f"/api/v1/sessions/{started.pk}/start/", f"/api/v1/sessions/{started.pk}/conclude/",
                f"/api/v1/sessions/{started.pk}/agenda/", f"/api/v1/agenda-items/{item.pk}/decide/",
                f"/api/v1/agenda-items/{item.pk}/position/", f"/api/v1/decisions/{decision.pk}/revise/"]:
        assert api.post(url, {}, format="json").status_code == 404, url
    assert api.delete(f"/api/v1/agenda-items/{item.pk}/").status_code == 404
    for url in ["/api/v1/sessions/", "/api/v1/agenda-items/", "/api/v1/positions/", "/api/v1/decisions/"]:
        assert api.get(url).json()["count"] == 0, url


def test_ids_in_request_bodies_are_checked_against_the_users_engagements(pmo, engagement, other_engagement,
                                                                        outsider, api_as):
    api = api_as(pmo)
    response = api.post("/api/v1/sessions/", {"engagement": other_engagement.pk, "title": "x",
                                              "scheduled_at": "2031-01-01T10:00:00Z"}, format="json")
    assert response.status_code == 400 and "engagement" in response.json()
    response = api.post("/api/v1/sessions/", {"engagement": engagement.pk, "title": "x",
                                              "scheduled_at": "2031-01-01T10:00:00Z",
                                              "participants": [outsider.pk]}, format="json")
    assert response.status_code == 400 and "participants" in response.json()
    assert not AlignmentSession.objects.exists()


def test_the_api_runs_a_session_from_agenda_to_decision(engagement, pmo, it_lead, finding, workstreams, api_as):
    api = api_as(pmo)
    created = api.post("/api/v1/sessions/", {"engagement": engagement.pk, "title": "Retention",
                                             "scheduled_at": "2031-01-01T10:00:00Z",
                                             "participants": [it_lead.pk]}, format="json")
    assert created.status_code == 201, created.json()
    sid = created.json()["id"]
    added = api.post(f"/api/v1/sessions/{sid}/agenda/", {"workstream_a": workstreams["it"].pk,
                                                         "workstream_b": workstreams["data"].pk}, format="json")
    assert added.status_code == 201 and finding.pk in [i["finding"] for i in added.json()]
    item_id = next(i["id"] for i in added.json() if i["finding"] == finding.pk)
    position = api_as(it_lead).post("/api/v1/positions/", {"agenda_item": item_id, "stance": "object",
                                                           "reason": "24 months"}, format="json")
    assert position.status_code == 201 and position.json()["workstream_name"] == "IT"
    assert api.post(f"/api/v1/agenda-items/{item_id}/decide/", {"outcome": "reject", "rationale": "r"},
                    format="json").status_code == 400  # not started yet
    assert api.post(f"/api/v1/sessions/{sid}/start/").json()["status"] == "in_progress"
    bad = api.post(f"/api/v1/agenda-items/{item_id}/decide/", {"outcome": "merge", "rationale": "r"}, format="json")
    assert bad.status_code == 400 and "merged_text" in bad.json()
    decided = api.post(f"/api/v1/agenda-items/{item_id}/decide/",
                       {"outcome": "merge", "rationale": "r", "merged_text": "One rule."}, format="json")
    assert decided.status_code == 201 and decided.json()["finding"] == finding.pk
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RESOLVED
    detail = api.get(f"/api/v1/sessions/{sid}/").json()
    item = next(i for i in detail["agenda_items"] if i["id"] == item_id)
    assert item["positions"][0]["stance"] == "object" and item["decision"]["outcome"] == "merge"
    concluded = api.post(f"/api/v1/sessions/{sid}/conclude/")
    assert concluded.json()["status"] == "concluded"
    record = api.get(f"/api/v1/sessions/{sid}/record/").json()["markdown"]
    assert "## Open follow-ups" in record and "One rule." in record


@pytest.mark.parametrize("persona", ["it_lead", "customer", "observer"])
def test_non_pmo_members_get_403_on_pmo_actions_through_the_api(started, item, personas, persona, api_as):
    api = api_as(personas[persona])
    assert api.get(f"/api/v1/sessions/{started.pk}/").status_code == 200
    assert api.post(f"/api/v1/sessions/{started.pk}/conclude/").status_code == 403
    assert api.post(f"/api/v1/agenda-items/{item.pk}/decide/", {"outcome": "reject", "rationale": "r"},
                    format="json").status_code == 403
    assert api.delete(f"/api/v1/agenda-items/{item.pk}/").status_code == 403
    assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", ["pmo", "customer", "observer"])
def test_positions_through_the_api_are_for_workstream_members_only(started, item, personas, persona, api_as):
    response = api_as(personas[persona]).post(f"/api/v1/agenda-items/{item.pk}/position/",
                                              {"stance": "agree", "reason": "r"}, format="json")
    assert response.status_code == 403
    assert not Position.objects.exists()


def test_revising_a_decision_through_the_api_refuses_stale_versions_with_409_or_412(started, item, pmo, api_as):
    decision = services.decision_record(actor=pmo, item=item, outcome="reject", rationale="r")
    api = api_as(pmo)
    url = f"/api/v1/decisions/{decision.pk}/revise/"
    ok = api.post(url, {"outcome": "reject", "rationale": "better", "expected_version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api.post(url, {"outcome": "reject", "rationale": "mine", "expected_version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["current_revision"]["number"] == 2
    stale_header = api.post(url, {"outcome": "reject", "rationale": "mine"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale_header.status_code == 412
    history = api.get(f"/api/v1/decisions/{decision.pk}/history/").json()
    assert [h["version"] for h in history] == [1, 2]


def test_minutes_through_the_api_refuse_stale_revisions(session, pmo, api_as):
    api = api_as(pmo)
    url = f"/api/v1/sessions/{session.pk}/minutes/"
    assert api.post(url, {"minutes": "one", "expected_revision": 0}, format="json").json()["minutes_revision"] == 1
    stale = api.post(url, {"minutes": "two", "expected_revision": 0}, format="json")
    assert stale.status_code == 409 and stale.json()["current_revision"]["body"] == "one"
    assert AuditEvent.objects.filter(action="alignment.session.minutes_saved").count() == 1
