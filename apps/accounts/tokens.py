"""API tokens (django-rest-knox): stored as SHA-512 digests, each with an expiry, one per device or script.

Why knox rather than DRF's authtoken: authtoken keeps one plaintext key per user that never expires, so a
database reader holds every client's credential and "log out one script" means logging out all of them.
Knox stores only a digest, gives every token its own expiry (API_TOKEN_TTL_HOURS) and lets a user hold
several, each listable and revocable on its own. Every token of a user is revoked when the password
changes or is reset, and when the user is removed from their last engagement.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from apps.audit.services import audit_log

from .models import Membership, User

ID_LENGTH = 16  # shown and used in URLs: a prefix of the digest, never any part of the token itself


def token_id(token: AuthToken) -> str:
    return token.digest[:ID_LENGTH]


def api_token_ttl() -> timedelta | None:
    hours = settings.API_TOKEN_TTL_HOURS
    return timedelta(hours=hours) if hours > 0 else None


@transaction.atomic
def api_token_create(*, user: User, via: str) -> tuple[AuthToken, str]:
    """A new token for `user`; the raw token is returned once and never stored."""
    token, raw = AuthToken.objects.create(user=user, expiry=api_token_ttl())
    audit_log(actor=user, action="accounts.api_token.created", target=user,
              changes={"token": token_id(token), "via": via,
                       "expiry": token.expiry.isoformat() if token.expiry else None})
    return token, raw


def api_tokens_of(*, user: User):
    """The user's tokens still in force, newest first (expired ones are dropped on the way)."""
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    return AuthToken.objects.filter(user=user).order_by("-created")


@transaction.atomic
def api_token_revoke(*, user: User, token_ref: str, actor: User | None = None) -> bool:
    """Revoke one of `user`'s tokens by its id (digest prefix). False when there is no such token."""
    if len(token_ref) != ID_LENGTH or any(c not in "0123456789abcdef" for c in token_ref):
        return False
    deleted, _ = AuthToken.objects.filter(user=user, digest__startswith=token_ref).delete()
    if deleted:
        audit_log(actor=actor or user, action="accounts.api_token.revoked", target=user,
                  changes={"token": token_ref, "reason": "revoked by its owner"})
    return bool(deleted)


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str, actor: User | None = None) -> int:
    """Revoke every token of `user` (password changed or reset, left every engagement, asked for)."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    if deleted:
        audit_log(actor=actor or user, action="accounts.api_token.revoked_all", target=user,
                  changes={"count": deleted, "reason": reason})
    return deleted


def api_tokens_revoke_if_unattached(*, user: User, actor: User | None = None) -> int:
    """Called after a membership is removed: no engagement left means no API access left either."""
    if user.is_staff or Membership.objects.filter(user=user).exists():
        return 0
    return api_tokens_revoke_all(user=user, actor=actor, reason="removed from every engagement")
