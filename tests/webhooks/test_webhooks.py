"""Outgoing webhooks: configured by the PMO, signed, delivered to a real local receiver, retried, logged."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from apps.alignment import services as alignment
from apps.approvals import services as approvals
from apps.audit.models import AuditEvent
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.deliverables import services as deliverables
from apps.webhooks import crypto, services
from apps.webhooks.models import Delivery, Webhook
from apps.webhooks.tasks import deliver_webhook
from tests.factories import PASSWORD

from .receiver import receiver

pytestmark = pytest.mark.django_db
ALL = ["finding.opened", "decision.recorded", "version.published", "version.signed"]


@pytest.fixture
def loopback_allowed(settings):
    """The receiver lives on 127.0.0.1, which the SSRF guard refuses unless told otherwise."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    return settings


@pytest.fixture
def draft(pmo, engagement):
    d = deliverables.deliverable_create(actor=pmo, engagement=engagement, title="Integrated Spec")
    deliverables.section_create(actor=pmo, deliverable=d, heading="Scope", body="The shop and the app.")
    return d


def _check_signature(secret: str, request: dict) -> dict:
    """What the README tells receivers to do, written out independently of apps.webhooks.crypto."""
    header = request["headers"]["Concord-Signature"]
    parts = dict(p.split("=", 1) for p in header.split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + request["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"]), "signature does not verify"
    assert abs(int(parts["t"]) - timezone.now().timestamp()) < 60
    return json.loads(request["body"])


def test_the_pmo_creates_a_hook_whose_secret_is_shown_once_and_stored_encrypted(pmo, engagement, loopback_allowed):
    hook, secret = services.webhook_create(actor=pmo, engagement=engagement, url="http://127.0.0.1:9/x", events=ALL)

    assert secret.startswith("whsec_") and len(secret) > 40
    stored = Webhook.objects.get(pk=hook.pk)
    assert secret not in stored.secret_encrypted and stored.secret_hint == secret[:10]
    assert crypto.secret_decrypt(stored.secret_encrypted) == secret
    event = AuditEvent.objects.get(action="webhooks.webhook.created")
    assert secret not in json.dumps(event.changes)


def test_only_the_pmo_configures_webhooks(it_lead, customer, observer, engagement, loopback_allowed):
    for user in (it_lead, customer, observer):
        with pytest.raises(PermissionDeniedError):
            services.webhook_create(actor=user, engagement=engagement, url="http://127.0.0.1:9/", events=ALL)


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.com/hook", "Use an http:// or https:// URL."),
    ("javascript:alert(1)", "Use an http:// or https:// URL."),
    ("https://user:pw@example.com/", "Put no user name or password in the URL"),
    ("http://127.0.0.1:8000/admin", "private or reserved address (127.0.0.1)"),
    ("http://10.1.2.3/", "private or reserved address (10.1.2.3)"),
    ("http://169.254.169.254/latest/meta-data/", "private or reserved address (169.254.169.254)"),
    ("http://[::1]/", "private or reserved address (::1)"),
    ("http://[::ffff:192.168.0.1]/", "private or reserved address"),
    ("http://localhost/", "private or reserved address"),
    ("http://nothing-here.invalid/", "does not resolve"),
])
def test_urls_must_be_http_s_and_public_unless_the_setting_allows_private(pmo, engagement, url, message):
    with pytest.raises(ApplicationError) as caught:
        services.webhook_create(actor=pmo, engagement=engagement, url=url, events=ALL)
    assert message in caught.value.message
    assert not Webhook.objects.exists()


def test_publishing_a_version_posts_signed_json_and_logs_the_response(pmo, engagement, draft, loopback_allowed,
                                                                      django_capture_on_commit_callbacks):
    with receiver() as rx:
        hook, secret = services.webhook_create(actor=pmo, engagement=engagement, url=rx.url,
                                               events=["version.published"])
        with django_capture_on_commit_callbacks(execute=True):
            version = deliverables.version_publish(deliverable=draft, actor=pmo)

    assert len(rx.requests) == 1
    request = rx.requests[0]
    assert request["path"] == "/hooks/concord?team=pmo"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Concord-Event"] == "version.published"
    payload = _check_signature(secret, request)
    assert payload["event"] == "version.published" and payload["engagement"] == {"id": engagement.pk}
    assert payload["data"]["number"] == 1 and payload["data"]["content_sha256"] == version.content_sha256
    assert request["headers"]["Concord-Delivery"] == payload["id"]
    delivery = Delivery.objects.get(webhook=hook)
    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.attempts == 1
    assert delivery.response_status == 200 and delivery.response_excerpt == '{"ok": true}'


def test_a_failing_receiver_is_retried_with_growing_backoff_then_given_up(pmo, engagement, loopback_allowed):
    loopback_allowed.WEBHOOKS_MAX_ATTEMPTS = 3
    with receiver() as rx:
        rx.statuses = [503, 500, 502]
        hook, _ = services.webhook_create(actor=pmo, engagement=engagement, url=rx.url, events=ALL)
        delivery = services.webhook_ping(actor=pmo, webhook=hook)  # on_commit not run: we drive the attempts
        first = services.delivery_attempt(delivery_id=delivery.pk)
        second = services.delivery_attempt(delivery_id=delivery.pk)
        third = services.delivery_attempt(delivery_id=delivery.pk)

    assert first.retry_in is not None and second.retry_in is not None
    assert 0.8 * 30 <= first.retry_in <= 1.2 * 30 and 0.8 * 60 <= second.retry_in <= 1.2 * 60
    assert third.retry_in is None
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 3
    assert delivery.response_status == 502 and "maintenance" in delivery.response_excerpt
    assert delivery.error == "The receiver answered HTTP 502."
    assert len(rx.requests) == 3
    assert services.delivery_attempt(delivery_id=delivery.pk) is None  # finished: never sent again


def test_the_task_asks_celery_to_retry_with_the_backoff(pmo, engagement, loopback_allowed):
    with receiver() as rx:
        rx.statuses = [500]
        hook, _ = services.webhook_create(actor=pmo, engagement=engagement, url=rx.url, events=ALL)
        delivery = services.webhook_ping(actor=pmo, webhook=hook)
        with mock.patch.object(deliver_webhook, "retry", side_effect=Retry()) as retry, pytest.raises(Retry):
            deliver_webhook.run(delivery.pk)  # as a worker runs it (not eager)
        countdown = retry.call_args.kwargs["countdown"]
        assert 24 <= countdown <= 36
        assert deliver_webhook.run(delivery.pk) == "succeeded"  # the retry, when it comes, delivers


def test_a_url_that_turns_private_at_delivery_time_is_not_called(pmo, engagement, loopback_allowed):
    with receiver() as rx:
        hook, _ = services.webhook_create(actor=pmo, engagement=engagement, url=rx.url, events=ALL)
        delivery = services.webhook_ping(actor=pmo, webhook=hook)
        loopback_allowed.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False  # e.g. DNS now answers 127.0.0.1
        services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert rx.requests == [] and "private or reserved address" in delivery.error
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1


def test_unsubscribed_events_and_disabled_hooks_send_nothing(pmo, engagement, draft, loopback_allowed,
                                                             django_capture_on_commit_callbacks):
    with receiver() as rx:
        only_signed, _ = services.webhook_create(actor=pmo, engagement=engagement, url=rx.url,
                                                 events=["version.signed"])
        disabled, _ = services.webhook_create(actor=pmo, engagement=engagement, url=rx.url, events=ALL)
        services.webhook_update(actor=pmo, webhook=disabled, is_active=False)
        with django_capture_on_commit_callbacks(execute=True):
            deliverables.version_publish(deliverable=draft, actor=pmo)
    assert rx.requests == [] and not Delivery.objects.exists()
    assert AuditEvent.objects.filter(action="webhooks.webhook.disabled").exists()


def test_a_rotated_secret_signs_every_later_delivery(pmo, engagement, loopback_allowed,
                                                     django_capture_on_commit_callbacks):
    with receiver() as rx:
        hook, old = services.webhook_create(actor=pmo, engagement=engagement, url=rx.url, events=ALL)
        new = services.webhook_rotate_secret(actor=pmo, webhook=hook)
        with django_capture_on_commit_callbacks(execute=True):
            services.webhook_ping(actor=pmo, webhook=hook)
    assert new != old and hook.secret_hint == new[:10]
    assert _check_signature(new, rx.requests[0])["event"] == "ping"
    assert not crypto.verify(secret=old, body=rx.requests[0]["body"],
                             header=rx.requests[0]["headers"]["Concord-Signature"])


def test_findings_decisions_and_signatures_are_delivered(pmo, it_lead, data_lead, customer, engagement, make_input,
                                                         draft, loopback_allowed, django_capture_on_commit_callbacks):
    with receiver() as rx:
        _, secret = services.webhook_create(actor=pmo, engagement=engagement, url=rx.url, events=ALL)
        with django_capture_on_commit_callbacks(execute=True):  # detection runs eagerly after commit
            it_input = make_input(it_lead, "it", title="Retain logs",
                                  body="Interaction logs must be kept for at least 24 months.", submit=True)
        with django_capture_on_commit_callbacks(execute=True):
            make_input(data_lead, "data", title="Delete logs", body="Interaction logs must be deleted within 90 days.",
                       submit=True)
        session = alignment.session_create(actor=pmo, engagement=engagement, title="Retention",
                                           scheduled_at=timezone.now() + dt.timedelta(hours=1), participants=[it_lead])
        item = alignment.agenda_add_inputs(actor=pmo, session=session, inputs=[it_input])[0]
        alignment.session_start(actor=pmo, session=session)
        with django_capture_on_commit_callbacks(execute=True):
            alignment.decision_record(actor=pmo, item=item, outcome="adopt", rationale="Regulation wins.",
                                      adopted_input=it_input)
        with django_capture_on_commit_callbacks(execute=True):
            version = deliverables.version_publish(deliverable=draft, actor=pmo)
        approvals.approval_submit(actor=pmo, version=version, approvers=[customer], policy="all")
        with django_capture_on_commit_callbacks(execute=True):
            approvals.signature_create(actor=customer, version=version, meaning="approved", password=PASSWORD)

    events = [_check_signature(secret, r) for r in rx.requests]
    by_event = {e["event"]: e["data"] for e in events}
    assert by_event["finding.opened"]["label"] == "conflict" and by_event["finding.opened"]["kind"] == "numeric"
    assert by_event["finding.opened"]["url"].endswith(f"/findings/{by_event['finding.opened']['id']}/")
    assert by_event["decision.recorded"]["outcome"] == "adopt"
    assert by_event["version.signed"]["meaning"] == "approved"
    assert by_event["version.signed"]["content_sha256"] == version.content_sha256
    assert by_event["version.published"]["number"] == 1
