"""Sign-in throttling glue for django-axes and django-ratelimit: who is asking, and the 429 answer.

The counting itself is the libraries' (axes keeps failed attempts per account and per address in the
database; ratelimit counts password-reset mails in the shared cache); this module only says how an
account and an address are read from a request and what a refused client is told.
"""
from __future__ import annotations

import logging
import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)
CACHE_ERRORS = (RedisError, OSError)


def client_ip(request: HttpRequest) -> str | None:
    """The peer address, or with TRUSTED_PROXY_COUNT proxies in front the address the outermost of
    them saw. Never the left-most X-Forwarded-For entry: the client writes that one itself."""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR") or None


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """E-mail addresses are stored lower-case: 'PMO@example.com ' must count for the same account."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "") if hasattr(request, "POST") else ""
    return str(raw).strip().lower()[:254]


def lockout_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (f"Too many failed sign-in attempts for this account or from this address. Try again in "
            f"{minutes} minute{'s' if minutes != 1 else ''}, or reset your password by e-mail.")


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON for the API, the sign-in page otherwise.

    The cool-off restarts with every refused attempt, so the whole cool-off is the honest wait."""
    seconds = lockout_seconds()
    message = lockout_message(seconds)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "retry_after": seconds}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


# --- password-reset mail ---------------------------------------------------------------------

def _reset_email_key(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()[:254]


def _reset_ip_key(group: str, request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def password_reset_refusal(request: HttpRequest) -> int | None:
    """Count one password-reset request per address and per e-mail; seconds to wait when over the limit.

    The counts live in the cache (Redis). Redis down must not make the page a 500: the limit then fails
    open (logged), as the mail itself waits in the outbox anyway."""
    waits = []
    for group, key in (("password-reset:ip", _reset_ip_key), ("password-reset:email", _reset_email_key)):
        try:
            usage = get_usage(request, group=group, key=key, rate=settings.PASSWORD_RESET_RATE, method="POST",
                              increment=True)
        except CACHE_ERRORS as exc:
            logger.warning("password-reset rate limit skipped, cache unavailable: %s", exc)
            return None
        if usage and usage["should_limit"]:
            waits.append(max(1, usage["time_left"]))
    return max(waits) if waits else None


class TokenEndpointThrottle(ScopedRateThrottle):
    """DRF's per-address rate on the token endpoint, failing open (logged) when the cache is unreachable:
    the per-account and per-address lockout (django-axes, in the database) still holds then."""

    def allow_request(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            logger.warning("token endpoint rate limit skipped, cache unavailable: %s", exc)
            return True


class RequestAwareAxesBackend(AxesStandaloneBackend):
    """django-axes' backend, but a call without a request (the test client's login(), a shell) is passed on
    to the next backend instead of refused: every sign-in route of the site passes its request."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any):  # type: ignore[no-untyped-def]
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
