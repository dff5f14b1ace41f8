from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import Membership, User
from apps.audit.models import AuditEvent
from apps.engagements.models import Engagement
from apps.inputs.models import Input

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label not in {"sessions"}}


def test_seed_demo_builds_the_scenario_and_running_it_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    engagement = Engagement.objects.get(name="Customer Platform Renewal")
    assert Input.objects.filter(engagement=engagement).count() >= 30
    for slug in ("it", "marketing", "data"):
        assert Input.objects.filter(engagement=engagement, workstream__slug=slug).count() >= 8
    for email in ("pmo@example.com", "it.lead@example.com", "marketing.lead@example.com", "data.lead@example.com",
                  "customer@example.com", "outsider@example.com"):
        assert User.objects.get(email=email).check_password("demo-pass-2026")
    outsider = User.objects.get(email="outsider@example.com")
    assert not Membership.objects.filter(user=outsider, engagement=engagement).exists()
    assert Membership.objects.filter(user=outsider).count() == 1
    assert Membership.objects.get(user__email="customer@example.com", engagement=engagement).role == "approver"
    before = _counts()
    call_command("seed_demo")
    assert _counts() == before
    assert AuditEvent.objects.count() == before["audit.AuditEvent"]


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
    assert not Engagement.objects.exists()
    call_command("seed_demo", "--force")
    assert Engagement.objects.filter(name="Customer Platform Renewal").exists()


@pytest.mark.django_db(transaction=True)  # the e-mails go out after each commit, as under make run
def test_seed_demo_prints_a_short_summary_and_the_logins_not_the_e_mails(settings, capsys):
    from io import StringIO

    from django.core import mail

    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # what make run uses
    out = StringIO()
    call_command("seed_demo", "--host", "127.0.0.1", "--port", "8123", stdout=out)
    text = out.getvalue() + capsys.readouterr().out
    assert "Subject:" not in text and "Content-Type:" not in text  # no console e-mails
    assert len(text.splitlines()) < 30, text
    assert "Sign in at http://127.0.0.1:8123/ " in text and ":8000" not in text
    assert "pmo@example.com" in text and "notification e-mail(s) of the seeding were not printed" in text
    assert len(mail.outbox) > 0  # kept in memory while seeding, not lost
