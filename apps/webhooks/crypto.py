"""Signing secrets: generated, encrypted at rest, and the HMAC-SHA256 signature receivers check.

The server has to sign every delivery with the secret, so it keeps a recoverable copy: Fernet
(AES-128-CBC + HMAC-SHA256, from `cryptography`) under a key outside the database —
`WEBHOOKS_SECRET_KEY` (comma-separated Fernet keys, newest first, so keys can be rotated), or,
when unset, a key derived from Django's SECRET_KEY. A database dump alone does not reveal secrets.

Signature header (documented for receivers in the README):
    Concord-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from functools import cache

from django.conf import settings

SIGNATURE_HEADER = "Concord-Signature"
TOLERANCE_SECONDS = 300


@cache
def _fernet(keys: str, secret_key: str):  # noqa: ANN202 - cryptography types stay local
    from cryptography.fernet import Fernet, MultiFernet

    if keys:
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    derived = base64.urlsafe_b64encode(hashlib.sha256(b"concord.webhooks.secrets:" + secret_key.encode()).digest())
    return MultiFernet([Fernet(derived)])


def _box():  # noqa: ANN202
    return _fernet(settings.WEBHOOKS_SECRET_KEY, settings.SECRET_KEY)


def secret_new() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def secret_encrypt(secret: str) -> str:
    return _box().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str:
    return _box().decrypt(token.encode()).decode()


def sign(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify(*, secret: str, body: bytes, header: str, now: int | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does (also used by the tests): recompute, compare in constant time, reject stale."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((int(time.time()) if now is None else now) - t) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))
