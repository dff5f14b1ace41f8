"""Sign-in is throttled per account and per address on every route that takes a password (django-axes),
the API token endpoint also has a DRF rate, and password-reset mail is rate-limited (django-ratelimit)."""
from __future__ import annotations

import pytest
from django.core import mail

from apps.accounts.models import User

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROUTES = {
    "login form": ("/accounts/login/", "username"),
    "admin": ("/admin/login/", "username"),
    "API token": ("/api/v1/auth/token/", "username"),
}


def _attempt(client, route: str, email: str, password: str, addr: str = "203.0.113.7"):
    path, field = ROUTES[route]
    return client.post(path, {field: email, "password": password}, REMOTE_ADDR=addr)


def _first_refusal(client, route, email, addr="203.0.113.7", tries=20) -> int | None:
    for n in range(1, tries + 1):
        if _attempt(client, route, email, "wrong-password", addr).status_code == 429:
            return n
    return None


@pytest.fixture
def staff(db) -> User:
    user = UserFactory(email="admin@example.com", full_name="Ada Admin")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


@pytest.mark.parametrize("route", list(ROUTES))
def test_the_fifth_wrong_password_locks_the_account_with_a_clear_429_and_retry_after(client, staff, route, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert _first_refusal(client, route, staff.email) == 5
    refused = _attempt(client, route, staff.email, PASSWORD)  # even the right password now waits
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 900
    text = refused.content.decode()
    assert "Too many failed sign-in attempts" in text and "15 minutes" in text
    if route == "API token":
        assert refused.json()["retry_after"] == 900 and "token" not in refused.json()


def test_the_lock_is_per_account_whatever_the_address_and_the_spelling(client, staff):
    for n in range(5):  # an attacker rotating addresses and letter case
        _attempt(client, "login form", staff.email.upper() if n % 2 else staff.email, "nope", addr=f"198.51.100.{n}")
    assert _attempt(client, "login form", staff.email, PASSWORD, addr="192.0.2.99").status_code == 429


def test_the_lock_is_per_address_whatever_the_account(client, staff):
    for n in range(5):  # one address trying many accounts
        _attempt(client, "login form", f"guess{n}@example.com", "nope")
    assert _attempt(client, "login form", staff.email, PASSWORD).status_code == 429
    # another address is not locked, and X-Forwarded-For cannot be used to pick one
    ok = client.post("/accounts/login/", {"username": staff.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.5",
                     HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert ok.status_code == 302


def test_failures_on_one_route_count_on_the_others(client, staff):
    for route in ("login form", "admin", "API token", "login form"):
        _attempt(client, route, staff.email, "nope")
    assert _attempt(client, "API token", staff.email, "nope").status_code == 429


def test_a_correct_password_before_the_limit_signs_in_and_clears_the_count(client, staff):
    for _ in range(4):
        assert _attempt(client, "login form", staff.email, "nope").status_code == 200
    assert _attempt(client, "login form", staff.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _attempt(client, "login form", staff.email, "nope").status_code == 200


def test_the_lock_ends_after_the_cool_off(client, staff):
    from datetime import timedelta

    from axes.models import AccessAttempt

    assert _first_refusal(client, "login form", staff.email) == 5
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))
    assert _attempt(client, "login form", staff.email, PASSWORD).status_code == 302


def test_the_api_token_endpoint_is_also_rate_limited_per_address(client, staff, settings, monkeypatch):
    from apps.accounts.throttling import TokenEndpointThrottle as ScopedRateThrottle

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth-token"] == "30/min"
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth-token": "3/min"})
    responses = [client.post("/api/v1/auth/token/", {"username": f"x{n}@example.com", "password": "x"},
                             REMOTE_ADDR="203.0.113.9") for n in range(4)]
    assert [r.status_code for r in responses] == [400, 400, 400, 429]
    assert int(responses[3]["Retry-After"]) > 0


def test_password_reset_mail_is_rate_limited_per_address_and_per_mailbox(client, staff, settings):
    assert settings.PASSWORD_RESET_RATE == "5/h"
    codes = [client.post("/accounts/password-reset/", {"email": staff.email}, REMOTE_ADDR=f"198.51.100.{n}")
             .status_code for n in range(8)]
    assert codes == [302] * 5 + [429] * 3
    assert len(mail.outbox) == 5
    refused = client.post("/accounts/password-reset/", {"email": staff.email}, REMOTE_ADDR="198.51.100.77")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many reset e-mails" in refused.content.decode()
    mail.outbox.clear()
    by_address = [client.post("/accounts/password-reset/", {"email": f"n{n}@example.com"}, REMOTE_ADDR="192.0.2.44")
                  .status_code for n in range(6)]
    assert by_address == [302] * 5 + [429]


def test_the_demo_password_still_signs_in_on_every_route(client, staff):
    assert _attempt(client, "login form", staff.email, PASSWORD).status_code == 302
    client.logout()
    assert _attempt(client, "admin", staff.email, PASSWORD).status_code == 302
    token = _attempt(client, "API token", staff.email, PASSWORD)
    assert token.status_code == 200 and token.json()["token"]
