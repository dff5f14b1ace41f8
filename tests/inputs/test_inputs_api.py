from __future__ import annotations

import pytest
from knox.models import AuthToken

from apps.audit.models import AuditEvent
from apps.inputs.models import Input, InputRevision

pytestmark = pytest.mark.django_db


def _create(api, engagement, workstream, **extra):
    data = {"engagement": engagement.pk, "workstream": workstream.pk, "kind": "requirement",
            "title": "Retention", "body": "Keep logs for 24 months.", "priority": "must", "tags": ["retention"]}
    data.update(extra)
    return api.post("/api/v1/inputs/", data, format="json")


def test_a_lead_creates_an_input_in_their_workstream_through_the_api(api_as, it_lead, engagement, workstreams):
    response = _create(api_as(it_lead), engagement, workstreams["it"])
    assert response.status_code == 201, response.data
    assert response.data["revision"] == 1 and response.data["status"] == "draft"
    assert response["ETag"] == '"1"'
    assert response.data["tags"] == ["retention"]


def test_an_unknown_workstream_id_is_a_400(api_as, it_lead, engagement):
    response = _create(api_as(it_lead), engagement, type("Missing", (), {"pk": 999999})())
    assert response.status_code == 400 and "workstream" in response.data


def test_a_lead_cannot_create_in_another_workstream(api_as, it_lead, engagement, workstreams):
    response = _create(api_as(it_lead), engagement, workstreams["data"])
    assert response.status_code == 403
    assert not Input.objects.exists()


def test_foreign_ids_in_the_body_are_refused_as_unknown(api_as, it_lead, engagement, workstreams, other_engagement):
    foreign_ws = other_engagement.workstreams.first()
    response = _create(api_as(it_lead), engagement, foreign_ws)
    assert response.status_code == 400 and "workstream" in response.data
    response = _create(api_as(it_lead), other_engagement, workstreams["it"])
    assert response.status_code == 400 and "engagement" in response.data


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"title": ""}, "title"), ({"title": "x" * 201}, "title"), ({"body": "y" * 20001}, "body"),
     ({"kind": "wish"}, "kind"), ({"priority": "urgent"}, "priority"), ({"tags": "not-a-list"}, "tags")],
)
def test_bad_input_gets_a_400_naming_the_field(api_as, it_lead, engagement, workstreams, payload, field):
    response = _create(api_as(it_lead), engagement, workstreams["it"], **payload)
    assert response.status_code == 400
    assert field in response.data


def test_workflow_owned_fields_are_not_writable_by_patch_or_put(api_as, it_lead, make_input):
    item = make_input(it_lead, "it")
    api = api_as(it_lead)
    for field, value in [("status", "submitted"), ("workstream", 1), ("author", 1), ("revision", 7),
                         ("body", "sneaky"), ("title", "sneaky")]:
        for method in (api.patch, api.put):
            response = method(f"/api/v1/inputs/{item.pk}/", {field: value}, format="json")
            assert response.status_code == 400, (field, response.data)
            assert field in response.data
    item.refresh_from_db()
    assert item.status == "draft" and item.revision_count == 1 and item.title == "An input"


def test_patch_changes_metadata(api_as, it_lead, make_input):
    item = make_input(it_lead, "it")
    response = api_as(it_lead).patch(f"/api/v1/inputs/{item.pk}/", {"priority": "must", "tags": ["a", "b"]},
                                     format="json")
    assert response.status_code == 200 and response.data["priority"] == "must"


def test_revise_with_a_stale_if_match_answers_412_with_the_current_revision(api_as, it_lead, it_contributor,
                                                                         make_input):
    item = make_input(it_lead, "it", body="one")
    first = api_as(it_contributor).post(f"/api/v1/inputs/{item.pk}/revise/", {"title": "t", "body": "two"},
                                        format="json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 201 and first["ETag"] == '"2"'
    stale = api_as(it_lead).post(f"/api/v1/inputs/{item.pk}/revise/", {"title": "t", "body": "three"},
                                 format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale.data["current_revision"]["number"] == 2
    assert stale.data["current_revision"]["body"] == "two"
    assert InputRevision.objects.filter(input=item).count() == 2


def test_revise_with_a_stale_expected_revision_in_the_body_answers_409(api_as, it_lead, make_input):
    item = make_input(it_lead, "it", body="one")
    api = api_as(it_lead)
    assert api.post(f"/api/v1/inputs/{item.pk}/revise/", {"title": "t", "body": "two", "expected_revision": 1},
                    format="json").status_code == 201
    stale = api.post(f"/api/v1/inputs/{item.pk}/revise/", {"title": "t", "body": "3", "expected_revision": 1},
                     format="json")
    assert stale.status_code == 409 and stale.data["current_revision"]["number"] == 2


def test_revise_without_saying_which_revision_was_edited_is_refused(api_as, it_lead, make_input):
    item = make_input(it_lead, "it", body="one")
    response = api_as(it_lead).post(f"/api/v1/inputs/{item.pk}/revise/", {"title": "t", "body": "two"},
                                    format="json")
    assert response.status_code == 400 and "expected_revision" in response.data


def test_submit_and_withdraw_actions(api_as, it_lead, make_input):
    item = make_input(it_lead, "it")
    api = api_as(it_lead)
    assert api.post(f"/api/v1/inputs/{item.pk}/submit/").data["status"] == "submitted"
    assert api.post(f"/api/v1/inputs/{item.pk}/submit/").status_code == 400
    assert api.post(f"/api/v1/inputs/{item.pk}/withdraw/", {"reason": "dup"}).data["status"] == "withdrawn"
    assert AuditEvent.objects.filter(action="inputs.input.withdrawn").count() == 1


def test_observers_and_approvers_read_but_cannot_write(api_as, observer, customer, it_lead, make_input):
    item = make_input(it_lead, "it")
    for user in (observer, customer):
        api = api_as(user)
        assert api.get(f"/api/v1/inputs/{item.pk}/").status_code == 200
        assert api.post(f"/api/v1/inputs/{item.pk}/submit/").status_code == 403
        assert api.patch(f"/api/v1/inputs/{item.pk}/", {"priority": "must"}, format="json").status_code == 403


def test_lists_are_filtered_paginated_and_never_leak_other_engagements(api_as, it_lead, data_lead, make_input,
                                                                         other_engagement, outsider):
    make_input(it_lead, "it", title="Cloud on Azure", body="Host on Azure.", tags=["cloud"], submit=True)
    make_input(data_lead, "data", title="Lake on AWS", body="Run on AWS.", priority="must")
    api = api_as(it_lead)
    everything = api.get("/api/v1/inputs/").data
    assert everything["count"] == 2 and "next" in everything
    assert [r["title"] for r in api.get("/api/v1/inputs/?workstream=data").data["results"]] == ["Lake on AWS"]
    assert [r["title"] for r in api.get("/api/v1/inputs/?tag=cloud").data["results"]] == ["Cloud on Azure"]
    assert [r["title"] for r in api.get("/api/v1/inputs/?q=aws").data["results"]] == ["Lake on AWS"]
    assert [r["title"] for r in api.get("/api/v1/inputs/?status=submitted").data["results"]] == ["Cloud on Azure"]
    assert api_as(outsider).get("/api/v1/inputs/").data["count"] == 0


def test_revisions_and_diff_endpoints(api_as, it_lead, make_input):
    item = make_input(it_lead, "it", body="keep logs 12 months\n")
    api = api_as(it_lead)
    api.post(f"/api/v1/inputs/{item.pk}/revise/", {"title": "t", "body": "keep logs 24 months\n"}, format="json",
             HTTP_IF_MATCH='"1"')
    revisions = api.get(f"/api/v1/inputs/{item.pk}/revisions/").data
    assert [r["number"] for r in revisions] == [2, 1]
    diff = api.get(f"/api/v1/inputs/{item.pk}/diff/?old=1&new=2").data["unified"]
    assert "-keep logs 12 months" in diff and "+keep logs 24 months" in diff
    assert api.get(f"/api/v1/inputs/{item.pk}/diff/?old=1&new=9").status_code == 404


def test_token_authentication(client, it_lead, password):
    response = client.post("/api/v1/auth/token/", {"username": it_lead.email, "password": password})
    assert response.status_code == 200
    token = response.json()["token"]
    assert AuthToken.objects.get(user=it_lead).digest != token  # stored hashed, never the token itself
    ok = client.get("/api/v1/engagements/", HTTP_AUTHORIZATION=f"Token {token}")
    assert ok.status_code == 200
    assert client.get("/api/v1/engagements/", HTTP_AUTHORIZATION="Token nope").status_code == 401


def test_anonymous_requests_are_refused(client):
    assert client.get("/api/v1/inputs/").status_code in (401, 403)
