"""Webhook pages and API: PMO only, secret shown once, delivery log; others get 404."""
from __future__ import annotations

import pytest

from apps.webhooks import services
from apps.webhooks.models import Delivery, Webhook

from .receiver import receiver

pytestmark = pytest.mark.django_db
ALL = ["finding.opened", "decision.recorded", "version.published", "version.signed"]


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True


def test_the_api_creates_a_hook_shows_the_secret_once_and_lists_deliveries(pmo, engagement, api_as,
                                                                           django_capture_on_commit_callbacks):
    api = api_as(pmo)
    with receiver() as rx:
        created = api.post("/api/v1/webhooks/", {"engagement": engagement.pk, "url": rx.url, "events": ALL},
                           format="json")
        assert created.status_code == 201, created.content
        assert created["Cache-Control"] == "no-store"
        secret = created.json()["secret"]
        hook_id = created.json()["id"]
        shown = api.get(f"/api/v1/webhooks/{hook_id}/").json()
        assert "secret" not in shown and shown["secret_hint"] == secret[:10]
        with django_capture_on_commit_callbacks(execute=True):
            assert api.post(f"/api/v1/webhooks/{hook_id}/ping/").status_code == 202
    log = api.get(f"/api/v1/webhooks/{hook_id}/deliveries/").json()
    assert log["results"][0]["event"] == "ping" and log["results"][0]["response_status"] == 200
    rotated = api.post(f"/api/v1/webhooks/{hook_id}/rotate-secret/").json()["secret"]
    assert rotated != secret
    off = api.patch(f"/api/v1/webhooks/{hook_id}/", {"is_active": False}, format="json")
    assert off.status_code == 200 and off.json()["is_active"] is False


def test_the_api_refuses_bad_urls_and_non_pmo_members(pmo, it_lead, outsider, other_engagement, engagement, api_as):
    bad = api_as(pmo).post("/api/v1/webhooks/", {"engagement": engagement.pk, "url": "gopher://x", "events": ALL},
                           format="json")
    assert bad.status_code == 400 and "http" in bad.json()["url"][0]
    assert api_as(it_lead).post("/api/v1/webhooks/", {"engagement": engagement.pk, "url": "http://127.0.0.1/",
                                                      "events": ALL}, format="json").status_code == 403
    assert api_as(outsider).post("/api/v1/webhooks/", {"engagement": engagement.pk, "url": "http://127.0.0.1/",
                                                       "events": ALL}, format="json").status_code == 404
    hook, _ = services.webhook_create(actor=pmo, engagement=engagement, url="http://127.0.0.1:9/", events=ALL)
    assert api_as(it_lead).get(f"/api/v1/webhooks/{hook.pk}/").status_code == 404
    assert api_as(it_lead).get("/api/v1/webhooks/").json()["results"] == []
    assert api_as(outsider).post(f"/api/v1/webhooks/{hook.pk}/rotate-secret/").status_code == 404


def test_the_pages_show_the_secret_once_and_the_delivery_log(pmo, it_lead, outsider, other_engagement, engagement,
                                                             as_user, django_capture_on_commit_callbacks):
    client = as_user(pmo)
    with receiver() as rx:
        created = client.post(f"/e/{engagement.pk}/webhooks/", {"url": rx.url, "events": ALL, "description": "Jira"})
        assert created.status_code == 201 and created["Cache-Control"] == "no-store"
        hook = Webhook.objects.get()
        secret_hint = hook.secret_hint.encode()
        assert b"shown only this once" in created.content and secret_hint in created.content
        listing = client.get(f"/e/{engagement.pk}/webhooks/")
        assert b"shown only this once" not in listing.content
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/e/{engagement.pk}/webhooks/{hook.pk}/", {"action": "ping"})
    page = client.get(f"/e/{engagement.pk}/webhooks/{hook.pk}/")
    assert b"Delivered" in page.content and b"ping" in page.content
    assert Delivery.objects.get().response_status == 200
    rotated = client.post(f"/e/{engagement.pk}/webhooks/{hook.pk}/", {"action": "rotate"})
    assert b"New signing secret" in rotated.content
    client.post(f"/e/{engagement.pk}/webhooks/{hook.pk}/", {"action": "disable"})
    hook.refresh_from_db()
    assert hook.is_active is False
    assert as_user(it_lead).get(f"/e/{engagement.pk}/webhooks/").status_code == 403
    assert as_user(outsider).get(f"/e/{engagement.pk}/webhooks/{hook.pk}/").status_code == 404
