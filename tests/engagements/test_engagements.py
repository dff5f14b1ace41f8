from __future__ import annotations

import pytest

from apps.accounts.models import Invitation, Membership
from apps.audit.models import AuditEvent
from apps.engagements.models import Engagement

pytestmark = pytest.mark.django_db


def test_creating_an_engagement_makes_the_creator_pmo_with_three_workstreams(api_as, pmo, engagement):
    response = api_as(pmo).post("/api/v1/engagements/", {"name": "New Shop", "organization": "Northwind"},
                                format="json")
    assert response.status_code == 201, response.data
    engagement = Engagement.objects.get(pk=response.data["id"])
    assert sorted(w.name for w in engagement.workstreams.all()) == ["Data", "IT", "Marketing"]
    assert Membership.objects.get(user=pmo, engagement=engagement).role == "pmo"
    assert response.data["my_role"] == "pmo"


def test_the_pmo_adds_objectives_workstreams_and_members_from_several_organizations(api_as, pmo, engagement,
                                                                                     workstreams):
    api = api_as(pmo)
    assert api.post("/api/v1/objectives/", {"engagement": engagement.pk, "code": "OBJ-9", "title": "Speed"},
                    format="json").status_code == 201
    assert api.post("/api/v1/objectives/", {"engagement": engagement.pk, "code": "OBJ-9", "title": "Again"},
                    format="json").status_code == 400
    assert api.post("/api/v1/workstreams/", {"engagement": engagement.pk, "name": "Legal"},
                    format="json").status_code == 201
    response = api.post("/api/v1/invitations/", {
        "engagement": engagement.pk, "email": "new.dev@partner.example", "full_name": "New Dev",
        "organization": "Contoso Data Partners", "role": "contributor", "workstream": workstreams["data"].pk,
    }, format="json")
    assert response.status_code == 201, response.data
    assert response.data["organization"] == "Contoso Data Partners"
    missing_ws = api.post("/api/v1/invitations/", {
        "engagement": engagement.pk, "email": "x@partner.example", "organization": "Contoso", "role": "lead",
    }, format="json")
    assert missing_ws.status_code == 400 and "workstream" in missing_ws.data
    assert AuditEvent.objects.filter(action="accounts.invitation.created").count() == 1
    assert not Membership.objects.filter(user__email="new.dev@partner.example").exists()  # not until they accept


@pytest.mark.parametrize("persona", ["it_lead", "customer", "observer"])
def test_only_the_pmo_manages_the_engagement(api_as, personas, engagement, persona):
    api = api_as(personas[persona])
    assert api.post("/api/v1/objectives/", {"engagement": engagement.pk, "code": "X", "title": "Y"},
                    format="json").status_code == 403
    assert api.patch(f"/api/v1/engagements/{engagement.pk}/", {"name": "Hijacked"}, format="json").status_code == 403
    assert api.post("/api/v1/invitations/", {"engagement": engagement.pk, "email": "a@b.example",
                                             "organization": "X", "role": "pmo"}, format="json").status_code == 403


def test_outsiders_cannot_see_or_touch_the_engagement(api_as, outsider, other_engagement, engagement):
    api = api_as(outsider)
    assert [e["id"] for e in api.get("/api/v1/engagements/").data["results"]] == [other_engagement.pk]
    assert api.get(f"/api/v1/engagements/{engagement.pk}/").status_code == 404
    assert api.patch(f"/api/v1/engagements/{engagement.pk}/", {"name": "x"}, format="json").status_code == 404
    assert api.post("/api/v1/objectives/", {"engagement": engagement.pk, "code": "X", "title": "Y"},
                    format="json").status_code == 400


def test_engagement_page_shows_workstreams_with_counts_by_status(as_user, it_lead, make_input, engagement):
    make_input(it_lead, "it", submit=True)
    make_input(it_lead, "it")
    page = as_user(it_lead).get(f"/e/{engagement.pk}/")
    assert page.status_code == 200
    workstreams = {w.slug: w for w in page.context["workstreams"]}
    assert (workstreams["it"].n_draft, workstreams["it"].n_submitted, workstreams["data"].n_total) == (1, 1, 0)


def test_home_lists_only_my_engagements(as_user, it_lead, engagement, other_engagement):
    page = as_user(it_lead).get("/")
    assert [e.pk for e, _ in page.context["rows"]] == [engagement.pk]


def test_settings_page_invites_with_clear_errors(as_user, pmo, engagement):
    client = as_user(pmo)
    bad = client.post(f"/e/{engagement.pk}/settings/", {"form": "invite", "email": "not-an-email", "full_name": "x",
                                                        "organization": "Org", "role": "lead"})
    assert bad.status_code == 400
    assert "email" in bad.context["invite_form"].errors
    no_ws = client.post(f"/e/{engagement.pk}/settings/", {"form": "invite", "email": "a@b.example", "full_name": "x",
                                                          "organization": "Org", "role": "lead"})
    assert no_ws.status_code == 400 and "workstream" in no_ws.context["invite_form"].errors
    ok = client.post(f"/e/{engagement.pk}/settings/", {"form": "invite", "email": "a@b.example", "full_name": "A B",
                                                       "organization": "Org", "role": "observer"})
    assert ok.status_code == 302
    assert Invitation.objects.filter(engagement=engagement, email="a@b.example", role="observer",
                                     status="pending").exists()
    assert not Membership.objects.filter(engagement=engagement, user__email="a@b.example").exists()
