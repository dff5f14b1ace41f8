"""Webhooks: configured by the PMO, fed by the services whose events they report, delivered by Celery.

`webhooks_emit` is called inside the transaction of the change it reports (a finding inserted, a
decision recorded, a version published or signed): it writes one Delivery row per subscribed hook
there, and the delivery task is queued only after commit. A rolled-back change therefore sends
nothing, and a committed one always has its delivery rows (the periodic sweep re-queues any whose
task was lost).
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from apps.accounts import policies
from apps.accounts.models import User
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError
from apps.core.jobs import enqueue_on_commit
from apps.engagements.models import Engagement
from apps.inputs.models import Input

from . import crypto, transport
from .models import PING, Delivery, Event, Webhook

MAX_HOOKS_PER_ENGAGEMENT = 20
RETRY_CAP_SECONDS = 6 * 3600


def _require_pmo(*, actor: User, engagement_id: int) -> None:
    membership = policies.membership_of(user=actor, engagement_id=engagement_id)
    policies.require(policies.is_pmo(membership), "Only the PMO configures webhooks.")


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 500:
        raise ApplicationError("The URL is longer than 500 characters.", field="url")
    try:
        transport.resolve(url)
    except transport.UnsafeURL as exc:
        raise ApplicationError(str(exc), field="url") from exc
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [e for e in chosen if e not in Event.values]
    if unknown:
        raise ApplicationError(f"Unknown event {unknown[0]!r}; choose from {', '.join(Event.values)}.", field="events")
    if not chosen:
        raise ApplicationError("Choose at least one event.", field="events")
    return chosen


@transaction.atomic
def webhook_create(
    *, actor: User, engagement: Engagement, url: str, events: Sequence[str], description: str = ""
) -> tuple[Webhook, str]:
    """The new hook and its signing secret in clear: the only time the secret is shown."""
    _require_pmo(actor=actor, engagement_id=engagement.pk)
    if Webhook.objects.filter(engagement=engagement).count() >= MAX_HOOKS_PER_ENGAGEMENT:
        raise ApplicationError(f"An engagement has at most {MAX_HOOKS_PER_ENGAGEMENT} webhooks.")
    secret = crypto.secret_new()
    hook = Webhook.objects.create(
        engagement=engagement, url=_clean_url(url), events=_clean_events(events), description=description.strip()[:200],
        secret_encrypted=crypto.secret_encrypt(secret), secret_hint=secret[:10], created_by=actor)
    audit_log(actor=actor, action="webhooks.webhook.created", target=hook, engagement=engagement,
              changes={"url": hook.url, "events": hook.events, "secret_hint": hook.secret_hint})
    return hook, secret


def _lock(hook: Webhook) -> Webhook:
    return Webhook.objects.select_for_update().get(pk=hook.pk)


@transaction.atomic
def webhook_update(
    *, actor: User, webhook: Webhook, url: str | None = None, events: Sequence[str] | None = None,
    description: str | None = None, is_active: bool | None = None,
) -> Webhook:
    locked = _lock(webhook)
    _require_pmo(actor=actor, engagement_id=locked.engagement_id)
    changes: dict[str, Any] = {}
    if url is not None and url.strip() != locked.url:
        new = _clean_url(url)
        changes["url"] = [locked.url, new]
        locked.url = new
    if events is not None and sorted(set(events)) != locked.events:
        new_events = _clean_events(events)
        changes["events"] = [locked.events, new_events]
        locked.events = new_events
    if description is not None and description.strip()[:200] != locked.description:
        changes["description"] = [locked.description, description.strip()[:200]]
        locked.description = description.strip()[:200]
    if is_active is not None and is_active != locked.is_active:
        changes["is_active"] = [locked.is_active, is_active]
        locked.is_active = is_active
    if changes:
        locked.save()
        toggled = changes.get("is_active")
        action = ("webhooks.webhook.disabled" if toggled == [True, False] else
                  "webhooks.webhook.enabled" if toggled == [False, True] else "webhooks.webhook.changed")
        audit_log(actor=actor, action=action, target=locked, engagement=locked.engagement_id, changes=changes)
    webhook.refresh_from_db()
    return webhook


@transaction.atomic
def webhook_rotate_secret(*, actor: User, webhook: Webhook) -> str:
    """A new secret, effective for every delivery attempted from now on; returned in clear once."""
    locked = _lock(webhook)
    _require_pmo(actor=actor, engagement_id=locked.engagement_id)
    secret = crypto.secret_new()
    old_hint = locked.secret_hint
    locked.secret_encrypted = crypto.secret_encrypt(secret)
    locked.secret_hint = secret[:10]
    locked.secret_rotated_at = timezone.now()
    locked.save(update_fields=["secret_encrypted", "secret_hint", "secret_rotated_at", "updated_at"])
    audit_log(actor=actor, action="webhooks.webhook.secret_rotated", target=locked, engagement=locked.engagement_id,
              changes={"secret_hint": [old_hint, locked.secret_hint]})
    webhook.refresh_from_db()
    return secret


@transaction.atomic
def webhook_ping(*, actor: User, webhook: Webhook) -> Delivery:
    """A test delivery, so the receiver can be checked without waiting for a real event."""
    _require_pmo(actor=actor, engagement_id=webhook.engagement_id)
    delivery = _delivery(webhook, PING, {"webhook": webhook.reference, "sent_by": str(actor)})
    audit_log(actor=actor, action="webhooks.webhook.pinged", target=webhook, engagement=webhook.engagement_id,
              changes={"delivery": delivery.pk})
    return delivery


# --- events -------------------------------------------------------------------------------------------------


def _payload(delivery: Delivery) -> dict[str, Any]:
    return {"id": str(delivery.event_id), "event": delivery.event, "created_at": delivery.created_at.isoformat(),
            "engagement": {"id": delivery.webhook.engagement_id}, "data": delivery.payload}


def _delivery(hook: Webhook, event: str, data: dict[str, Any]) -> Delivery:
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    delivery = Delivery.objects.create(webhook=hook, event=event, payload=data, next_attempt_at=timezone.now())
    enqueue_on_commit("webhooks.deliver", delivery.pk)
    return delivery


def webhooks_emit(*, engagement_id: int, event: str, items: Sequence[dict[str, Any]]) -> int:
    """One delivery per (item, subscribed active hook). Call inside the transaction of the change."""
    if not items:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhooks_emit must run inside the transaction of the change it reports")
    hooks = [h for h in Webhook.objects.filter(engagement_id=engagement_id, is_active=True) if event in h.events]
    for hook in hooks:
        for data in items:
            _delivery(hook, event, data)
    return len(hooks) * len(items)


def _link(path: str) -> str:
    base = getattr(settings, "CONCORD_BASE_URL", "") or ""
    return base.rstrip("/") + path if base else path


def findings_opened(*, findings: Sequence[Any], engagement_id: int) -> None:
    from django.urls import reverse

    numbers = dict(Input.objects.filter(pk__in={f.input_a_id for f in findings} | {f.input_b_id for f in findings})
                   .values_list("pk", "number"))
    webhooks_emit(engagement_id=engagement_id, event=Event.FINDING_OPENED, items=[{
        "id": f.pk, "reference": f.reference, "label": f.label, "kind": f.kind, "explanation": f.explanation,
        "workstreams": [f.workstream_a_id, f.workstream_b_id],
        "inputs": [f"IN-{numbers.get(pk) or pk}" for pk in (f.input_a_id, f.input_b_id)],
        "score": f.score,
        "url": _link(reverse("conflicts:finding", kwargs={"engagement_id": engagement_id, "finding_id": f.pk})),
    } for f in findings])


def decision_recorded(*, decision: Any) -> None:
    webhooks_emit(engagement_id=decision.engagement_id, event=Event.DECISION_RECORDED, items=[{
        "id": decision.pk, "outcome": decision.outcome, "rationale": decision.rationale,
        "agenda_item": {"id": decision.agenda_item_id, "title": decision.agenda_item.title},
        "session": decision.agenda_item.session_id, "decided_by": str(decision.decided_by),
    }])


def version_published(*, version: Any) -> None:
    webhooks_emit(engagement_id=version.deliverable.engagement_id, event=Event.VERSION_PUBLISHED, items=[{
        "id": version.pk, "deliverable": {"id": version.deliverable_id, "title": version.deliverable.title},
        "number": version.number, "content_sha256": version.content_sha256, "published_by": str(version.published_by),
        "published_at": version.published_at,
    }])


def signature_created(*, signature: Any) -> None:
    version = signature.version
    webhooks_emit(engagement_id=version.deliverable.engagement_id, event=Event.VERSION_SIGNED, items=[{
        "id": signature.pk, "meaning": signature.meaning, "signer": signature.signer_name,
        "organization": signature.signer_organization, "signed_at": signature.signed_at,
        "content_sha256": signature.content_sha256,
        "version": {"id": version.pk, "number": version.number, "deliverable": version.deliverable.title},
    }])


# --- delivery -----------------------------------------------------------------------------------------------


def backoff_seconds(attempt: int) -> int:
    """Exponential backoff with jitter after the given (1-based) failed attempt: 30 s, 1 min, 2 min, … ≤ 6 h."""
    base = settings.WEBHOOKS_RETRY_BASE_SECONDS * (2 ** (attempt - 1))
    return int(min(base, RETRY_CAP_SECONDS) * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not security


@dataclass(frozen=True)
class AttemptResult:
    delivery: Delivery
    retry_in: int | None  # seconds until the next attempt, or None when finished


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> AttemptResult | None:
    """POST once and record the outcome; the caller (the task) schedules the retry it is told about."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(skip_locked=True).select_related("webhook").filter(
            pk=delivery_id).first()
        if delivery is None or delivery.status != Delivery.Status.PENDING:
            return None  # delivered already, given up, or another worker holds it
        hook = delivery.webhook
        moment = now or timezone.now()
        if not hook.is_active:
            delivery.status, delivery.error = Delivery.Status.FAILED, "The webhook was disabled."
            delivery.next_attempt_at = None
            delivery.save()
            return AttemptResult(delivery, None)
        body = json.dumps(_payload(delivery), cls=DjangoJSONEncoder, separators=(",", ":")).encode()
        headers = {crypto.SIGNATURE_HEADER: crypto.sign(secret=crypto.secret_decrypt(hook.secret_encrypted), body=body),
                   "Concord-Event": delivery.event, "Concord-Delivery": str(delivery.event_id)}
        # The POST happens while the row is locked, so two workers never send the same attempt twice.
        outcome = transport.post(hook.url, body=body, headers=headers)
        delivery.attempts += 1
        delivery.last_attempt_at = moment
        delivery.response_status = outcome.status
        delivery.response_excerpt = outcome.excerpt[:1000]
        delivery.error = outcome.error[:500] if outcome.error else (
            "" if outcome.ok else f"The receiver answered HTTP {outcome.status}.")
        retry_in: int | None = None
        if outcome.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = Delivery.Status.SUCCEEDED, moment, None
        elif delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        else:
            retry_in = backoff_seconds(delivery.attempts)
            delivery.next_attempt_at = moment + timedelta(seconds=retry_in)
        delivery.save()
        return AttemptResult(delivery, retry_in)


def deliveries_due(*, now: datetime | None = None, grace_seconds: int = 300) -> list[int]:
    """Pending deliveries whose next attempt is overdue by more than the grace period (their task was lost)."""
    moment = (now or timezone.now()) - timedelta(seconds=grace_seconds)
    return list(Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=moment)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:1000])
