"""Writing and verifying the audit chain."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from apps.core.hashing import canonical_json, sha256_text

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _event_hash(*, prev_hash: str, fields: dict[str, Any]) -> str:
    return sha256_text(prev_hash + canonical_json(fields))


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "engagement": event.engagement_id,
        "actor": event.actor_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": str(event.target_id),
        "target_repr": event.target_repr,
        "changes": event.changes,
        "created_at": event.created_at.isoformat(),
    }


def audit_log(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    engagement: Any = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside the transaction of the change it records")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        engagement_id=getattr(engagement, "pk", engagement),
        actor_id=getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", True) else None,
        action=action,
        target_type=target._meta.label,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        changes=_jsonable(changes or {}),
        created_at=timezone.now(),
        prev_hash=head.last_hash,
    )
    event.hash = _event_hash(prev_hash=head.last_hash, fields=_hashed_fields(event))
    event.save()
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return event


def _jsonable(data: Any) -> Any:
    # Round-trip through canonical JSON so what is hashed is exactly what the DB stores.
    import json

    return json.loads(canonical_json(data))


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Walk the chain in id order; report the first event whose link or content does not hold."""
    prev = GENESIS
    checked = 0
    rows = events if events is not None else AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    for event in rows:
        if event.prev_hash != prev:
            return ChainReport(checked, event.pk, f"event #{event.pk} does not point at the previous event's hash")
        if _event_hash(prev_hash=prev, fields=_hashed_fields(event)) != event.hash:
            return ChainReport(checked, event.pk, f"event #{event.pk} content does not match its hash")
        prev = event.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if events is None and head is not None and (head.count != checked or head.last_hash != prev):
        # The tail was cut off: every remaining link holds, but the head remembers more.
        return ChainReport(checked, -1, f"chain head records {head.count} events ending in {head.last_hash[:12]}…, "
                           f"found {checked} ending in {prev[:12]}…")
    return ChainReport(checked, None, "ok")
