"""API tokens (django-rest-knox): hashed, expiring, listable and revocable; revoked when the password
changes or is reset and when the holder leaves their last engagement."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from knox.models import AuthToken

from apps.accounts.models import Membership
from apps.engagements.services import member_remove

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


def _token(client, user) -> dict:
    response = client.post("/api/v1/auth/token/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def _works(client, token: str) -> bool:
    status = client.get("/api/v1/engagements/", HTTP_AUTHORIZATION=f"Token {token}").status_code
    assert status in (200, 401)
    return status == 200


def test_a_token_is_stored_hashed_and_expires_after_the_configured_time(client, it_lead, settings):
    assert settings.API_TOKEN_TTL_HOURS == 720
    issued = _token(client, it_lead)
    stored = AuthToken.objects.get(user=it_lead)
    assert issued["token"] not in (stored.digest, stored.token_key) and len(stored.digest) == 128
    expiry = stored.expiry
    assert timedelta(hours=719) < expiry - timezone.now() <= timedelta(hours=720)
    assert _works(client, issued["token"])
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert not _works(client, issued["token"])


def test_changing_the_password_revokes_every_token(client, it_lead):
    first, second = _token(client, it_lead)["token"], _token(client, it_lead)["token"]
    client.force_login(it_lead)
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "An0ther-long-pass!",
                                                   "new_password2": "An0ther-long-pass!"})
    assert response.status_code == 302
    client.logout()
    assert not _works(client, first) and not _works(client, second)
    assert not AuthToken.objects.filter(user=it_lead).exists()


def test_a_password_reset_revokes_every_token(client, it_lead):
    token = _token(client, it_lead)["token"]
    client.post("/accounts/password-reset/", {"email": it_lead.email})
    link = re.search(r"(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": "Res3t-long-pass!", "new_password2": "Res3t-long-pass!"})
    assert response.status_code == 302
    assert not _works(client, token)


def test_an_administrator_setting_the_password_revokes_every_token(client, it_lead):
    from django.contrib.admin.sites import site

    from apps.accounts.admin import UserAdmin

    token = _token(client, it_lead)["token"]
    form = UserAdmin(type(it_lead), site).change_password_form(
        it_lead, {"password1": "Adm1n-set-pass!", "password2": "Adm1n-set-pass!", "usable_password": "true"})
    assert form.is_valid(), form.errors
    form.save()
    assert not _works(client, token)


def test_removal_from_the_last_engagement_revokes_tokens_but_not_from_one_of_several(
        client, pmo, it_lead, engagement, other_engagement, outsider, partner_org):
    token = _token(client, it_lead)["token"]
    other = Membership.objects.create(user=it_lead, engagement=other_engagement, organization=partner_org,
                                      role="observer")
    member_remove(actor=pmo, membership=Membership.objects.get(user=it_lead, engagement=engagement))
    assert _works(client, token)  # still a member of the other engagement
    member_remove(actor=outsider, membership=other)
    assert not _works(client, token)


def test_the_api_lists_and_revokes_the_callers_own_tokens_only(client, it_lead, data_lead):
    mine = _token(client, it_lead)
    spare = _token(client, it_lead)
    theirs = _token(client, data_lead)
    auth = {"HTTP_AUTHORIZATION": f"Token {mine['token']}"}
    listed = client.get("/api/v1/auth/tokens/", **auth).json()
    assert {t["id"] for t in listed} == {mine["id"], spare["id"]}
    assert [t["current"] for t in listed if t["id"] == mine["id"]] == [True]
    assert all("token" not in t for t in listed)
    assert client.delete(f"/api/v1/auth/tokens/{theirs['id']}/", **auth).status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{spare['id']}/", **auth).status_code == 204
    assert not _works(client, spare["token"]) and _works(client, theirs["token"])
    assert client.post("/api/v1/auth/tokens/revoke-all/", **auth).json() == {"revoked": 1}
    assert not _works(client, mine["token"])


def test_the_account_settings_page_creates_lists_and_revokes_tokens(client, it_lead):
    client.force_login(it_lead)
    created = client.post("/accounts/settings/", {"action": "create-token"})
    raw = re.search(r'<code id="new-token">([^<]+)</code>', created.content.decode()).group(1)
    assert _works(client, raw)
    page = client.get("/accounts/settings/").content.decode()
    ref = re.search(r'name="token" value="([0-9a-f]{16})"', page).group(1)
    assert raw not in page
    client.post("/accounts/settings/", {"action": "revoke", "token": ref})
    assert not _works(client, raw)
    assert "No API tokens." in client.get("/accounts/settings/").content.decode()


def test_the_token_endpoint_still_answers_username_and_password_with_a_token(client, it_lead):
    body = _token(client, it_lead)
    assert set(body) == {"token", "id", "expiry"}
    assert client.post("/api/v1/auth/token/", {"username": it_lead.email, "password": "x"}).status_code == 400
