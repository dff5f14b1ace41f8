"""The audit chain's HMAC keys: held in settings/environment, never in the database.

AUDIT_HMAC_KEYS = "id2:secret2,id1:secret1" — the first is the one new events are signed with; the others
verify older events (rotation: prepend a new key, keep the old ones for as long as their events exist).
Unset: one key derived from SECRET_KEY, whose id is a fingerprint of it (so a different SECRET_KEY shows up
as "unknown key", not as forged events).
"""
from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _parse(raw: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        key_id, sep, secret = part.partition(":")
        if not sep or not key_id.strip() or len(secret.strip()) < 32:
            raise ImproperlyConfigured("AUDIT_HMAC_KEYS must be 'id:secret,…' with secrets of 32+ characters")
        keys[key_id.strip()[:32]] = secret.strip().encode()
    return keys


def audit_keys() -> tuple[str, dict[str, bytes]]:
    """(id of the signing key, every key by id)."""
    raw = getattr(settings, "AUDIT_HMAC_KEYS", "") or ""
    if raw:
        keys = _parse(raw)
        return next(iter(keys)), keys
    derived = hmac.new(settings.SECRET_KEY.encode(), b"concord audit chain v1", hashlib.sha256).digest()
    key_id = "sk-" + hashlib.sha256(derived).hexdigest()[:10]
    return key_id, {key_id: derived}


def mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()
