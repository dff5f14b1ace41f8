"""Writing and verifying the audit chains.

Each engagement's events form one chain (plus a global chain for account-level events): every event
stores its position (seq), the previous event's hash and its own HMAC-SHA256 over both and its content,
under a key kept outside the database (apps.audit.keys). What the checks prove, and what they cannot, is
written in docs/integrity.md.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from apps.core.hashing import canonical_json

from .keys import audit_keys, mac
from .models import GLOBAL_CHAIN, AuditChainHead, AuditEvent, chain_name

GENESIS = "0" * 64


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "chain": chain_name(event.engagement_id),
        "seq": event.seq,
        "key_id": event.key_id,
        "engagement": event.engagement_id,
        "actor": event.actor_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": str(event.target_id),
        "target_repr": event.target_repr,
        "changes": event.changes,
        "created_at": event.created_at.isoformat(),
    }


def event_mac(event: AuditEvent, key: bytes) -> str:
    return mac(key, event.prev_hash + canonical_json(_hashed_fields(event)))


def head_mac(head: AuditChainHead, key: bytes) -> str:
    return mac(key, canonical_json({"chain": head.chain, "count": head.count, "last_hash": head.last_hash,
                                    "key_id": head.key_id}))


def _locked_head(chain: str) -> AuditChainHead:
    try:
        with transaction.atomic():  # savepoint: a concurrent first event of the same chain may win the insert
            AuditChainHead.objects.get_or_create(chain=chain)
    except IntegrityError:
        pass
    return AuditChainHead.objects.select_for_update().get(chain=chain)


def audit_log(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    engagement: Any = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to its engagement's chain. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside the transaction of the change it records")
    engagement_id = getattr(engagement, "pk", engagement)
    head = _locked_head(chain_name(engagement_id))
    key_id, keys = audit_keys()
    event = AuditEvent(
        engagement_id=engagement_id,
        actor_id=getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", True) else None,
        action=action,
        target_type=target._meta.label,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        changes=_jsonable(changes or {}),
        created_at=timezone.now(),
        seq=head.count + 1,
        key_id=key_id,
        prev_hash=head.last_hash,
    )
    event.hash = event_mac(event, keys[key_id])
    event.save()
    head.last_hash, head.count, head.key_id = event.hash, event.seq, key_id
    head.mac = head_mac(head, keys[key_id])
    head.save(update_fields=["last_hash", "count", "key_id", "mac"])
    return event


def _jsonable(data: Any) -> Any:
    # Round-trip through canonical JSON so what is hashed is exactly what the DB stores.
    return json.loads(canonical_json(data))


def event_is_authentic(event: AuditEvent) -> bool:
    """The event's content is what was written (its HMAC holds under its key). Says nothing of its place."""
    _current, keys = audit_keys()
    key = keys.get(event.key_id)
    return key is not None and event_mac(event, key) == event.hash


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str
    problems: list[str] = field(default_factory=list)
    chains: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Walk every chain in id order and check each link, HMAC and head; report every problem found.

    `broken_at` is the id of the first bad event (-1 when the fault is a head or a missing chain)."""
    from django.apps import apps as registry  # audit sits below engagements: no import of it

    engagement_model = registry.get_model("engagements", "Engagement")
    _current, keys = audit_keys()
    state: dict[str, tuple[int, str]] = {}  # chain → (last seq, last hash)
    problems: list[tuple[int, str]] = []
    checked = 0
    rows = events if events is not None else AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    for event in rows:
        chain = chain_name(event.engagement_id)
        seq, prev = state.get(chain, (0, GENESIS))
        key = keys.get(event.key_id)
        if key is None:
            problems.append((event.pk, f"event #{event.pk} is signed with key {event.key_id!r}, which is not "
                                       "configured (AUDIT_HMAC_KEYS): it cannot be verified"))
        elif event_mac(event, key) != event.hash:
            problems.append((event.pk, f"event #{event.pk} content does not match its HMAC"))
        if event.prev_hash != prev or event.seq != seq + 1:
            problems.append((event.pk, f"event #{event.pk} does not follow event {seq} of chain {chain} "
                                       f"(it says it is number {event.seq} after {event.prev_hash[:12]}…)"))
        state[chain] = (event.seq, event.hash)
        checked += 1
    if events is None:
        problems += [(-1, p) for p in _check_heads(state, keys)]
        chained = set(state)
        for engagement_id in engagement_model.objects.values_list("pk", flat=True).iterator():
            if chain_name(engagement_id) not in chained:
                problems.append((-1, f"engagement {engagement_id} has no audit events at all: its log was removed"))
    if not problems:
        return ChainReport(checked, None, "ok", chains=len(state))
    first_id, first_reason = problems[0]
    return ChainReport(checked, first_id, first_reason, [p for _, p in problems], chains=len(state))


def _check_heads(state: dict[str, tuple[int, str]], keys: dict[str, bytes]) -> list[str]:
    problems = []
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    for chain, head in heads.items():
        key = keys.get(head.key_id)
        if key is None or head_mac(head, key) != head.mac:
            problems.append(f"the head of chain {chain} was altered (its HMAC does not hold)")
            continue
        seq, last = state.get(chain, (0, GENESIS))
        if (head.count, head.last_hash) != (seq, last):
            problems.append(f"chain {chain}: the head records {head.count} events ending in {head.last_hash[:12]}…, "
                            f"found {seq} ending in {last[:12]}… (events were cut off)")
    for chain in state.keys() - heads.keys():
        problems.append(f"chain {chain} has events but no head (the head row was removed)")
    return problems


__all__ = ["GLOBAL_CHAIN", "ChainReport", "audit_log", "audit_verify", "event_is_authentic"]
