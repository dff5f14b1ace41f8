"""Invitations reveal nothing about an existing account, and nobody joins an engagement without accepting
(issue #15, point 6); who may create engagements is a setting."""
from __future__ import annotations

import pytest

from apps.accounts.models import Invitation, Membership
from apps.audit.models import AuditEvent

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

VICTIM_NAME = "Dev Anand"


@pytest.fixture
def victim(db):
    """An account in someone else's engagement: the stranger only knows the address."""
    return UserFactory(email="data.lead@example.com", full_name=VICTIM_NAME)


@pytest.fixture
def stranger_engagement(outsider, other_engagement):
    return other_engagement  # outsider is its PMO


def _invite(api, engagement, email, **extra):
    return api.post("/api/v1/invitations/", {"engagement": engagement.pk, "email": email, "organization": "Globex",
                                              "role": "observer", **extra}, format="json")


def test_inviting_an_existing_account_tells_the_inviter_nothing_about_it(api_as, as_user, outsider, victim,
                                                                          stranger_engagement):
    api = api_as(outsider)
    existing = _invite(api, stranger_engagement, victim.email)
    new = _invite(api, stranger_engagement, "nobody.yet@example.com")
    assert existing.status_code == new.status_code == 201
    assert set(existing.json()) == set(new.json())
    for response in (existing, api.get("/api/v1/invitations/"), api.get("/api/v1/memberships/"),
                     as_user(outsider).get(f"/e/{stranger_engagement.pk}/settings/")):
        assert VICTIM_NAME not in response.content.decode()
    assert not Membership.objects.filter(user=victim, engagement=stranger_engagement).exists()


def test_the_invited_person_sees_nothing_of_the_engagement_until_they_accept(api_as, as_user, outsider, victim,
                                                                             stranger_engagement):
    invitation_id = _invite(api_as(outsider), stranger_engagement, victim.email).json()["id"]
    client = as_user(victim)
    assert client.get(f"/e/{stranger_engagement.pk}/").status_code == 404
    home = client.get("/")
    assert [i.pk for i in home.context["invitations"]] == [invitation_id]
    assert home.context["rows"] == []
    assert client.post(f"/e/invitations/{invitation_id}/accept/").status_code == 302
    assert Membership.objects.get(user=victim, engagement=stranger_engagement).role == "observer"
    assert client.get(f"/e/{stranger_engagement.pk}/").status_code == 200
    actions = set(AuditEvent.objects.filter(engagement=stranger_engagement).values_list("action", flat=True))
    assert {"accounts.invitation.created", "accounts.invitation.accepted", "accounts.membership.created"} <= actions


def test_declining_leaves_no_membership_and_is_audited(api_as, outsider, victim, stranger_engagement):
    invitation_id = _invite(api_as(outsider), stranger_engagement, victim.email).json()["id"]
    response = api_as(victim).post(f"/api/v1/invitations/{invitation_id}/decline/")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert not Membership.objects.filter(user=victim, engagement=stranger_engagement).exists()
    assert AuditEvent.objects.filter(action="accounts.invitation.declined").count() == 1
    assert api_as(victim).post(f"/api/v1/invitations/{invitation_id}/accept/").status_code == 400


def test_only_the_invitee_answers_and_only_the_pmo_revokes(api_as, outsider, victim, stranger_engagement, it_lead):
    invitation_id = _invite(api_as(outsider), stranger_engagement, victim.email).json()["id"]
    assert api_as(it_lead).post(f"/api/v1/invitations/{invitation_id}/accept/").status_code == 404
    assert api_as(outsider).post(f"/api/v1/invitations/{invitation_id}/accept/").status_code == 403
    assert api_as(victim).post(f"/api/v1/invitations/{invitation_id}/revoke/").status_code == 403
    assert api_as(outsider).post(f"/api/v1/invitations/{invitation_id}/revoke/").status_code == 200
    assert Invitation.objects.get(pk=invitation_id).status == "revoked"
    assert api_as(victim).post(f"/api/v1/invitations/{invitation_id}/accept/").status_code == 400


def test_a_second_pending_invitation_of_the_same_person_is_refused(api_as, outsider, victim, stranger_engagement):
    assert _invite(api_as(outsider), stranger_engagement, victim.email).status_code == 201
    again = _invite(api_as(outsider), stranger_engagement, victim.email.upper())
    assert again.status_code == 400 and "pending invitation" in again.json()["detail"]


def test_a_user_who_is_pmo_nowhere_cannot_create_an_engagement(api_as, as_user, victim):
    assert api_as(victim).post("/api/v1/engagements/", {"name": "Trap", "organization": "Evil"},
                               format="json").status_code == 403
    client = as_user(victim)
    assert client.get("/e/new/").status_code == 403
    assert client.post("/e/new/", {"name": "Trap", "organization": "Evil", "description": ""}).status_code == 403
    assert b"New engagement" not in client.get("/").content


def test_staff_and_existing_pmos_may_create_engagements(api_as, victim, pmo, engagement):
    victim.is_staff = True
    victim.save()
    for user in (victim, pmo):
        response = api_as(user).post("/api/v1/engagements/", {"name": f"By {user.pk}", "organization": "Org"},
                                     format="json")
        assert response.status_code == 201, response.json()


def test_the_setting_can_open_creation_to_anyone(api_as, victim, settings):
    settings.ENGAGEMENT_CREATORS = ["anyone"]
    assert api_as(victim).post("/api/v1/engagements/", {"name": "Mine", "organization": "Org"},
                               format="json").status_code == 201
