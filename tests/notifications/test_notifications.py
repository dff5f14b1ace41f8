from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.scope import Scope
from apps.notifications import selectors, services
from apps.notifications.models import EmailPreference, Notification, NotificationKind
from apps.notifications.tasks import send_notification_email

KIND = NotificationKind.APPROVAL_REQUESTED


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Tests run inside a transaction; this runs the after-commit callbacks (the e-mail task) for real."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def test_notify_creates_one_row_per_recipient_and_emails_them_after_commit(pmo, customer, engagement, run_on_commit):
    rows = run_on_commit(services.notify, recipients=[customer, pmo, customer], kind=KIND, title="v1 awaits you",
                         body="Please review.", url="/e/1/", engagement=engagement)
    assert len(rows) == 2
    assert sorted(n.recipient_id for n in rows) == sorted([customer.pk, pmo.pk])
    assert sorted(m.to[0] for m in mail.outbox) == ["customer@example.com", "pmo@example.com"]
    assert all(m.subject == "[Concord] v1 awaits you" for m in mail.outbox)
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_no_email_is_sent_before_the_transaction_commits(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(recipients=[customer], kind=KIND, title="Later")
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_dedupe_key_gives_each_recipient_at_most_one_notification(customer, pmo, run_on_commit):
    first = run_on_commit(services.notify, recipients=[customer], kind=KIND, title="A", dedupe_key="version:1")
    second = run_on_commit(services.notify, recipients=[customer, pmo], kind=KIND, title="A", dedupe_key="version:1")
    assert len(first) == 1
    assert [n.recipient_id for n in second] == [pmo.pk]
    assert Notification.objects.filter(recipient=customer, dedupe_key="version:1").count() == 1
    assert len(mail.outbox) == 2


def test_without_a_dedupe_key_repeated_notifications_are_all_kept(customer, run_on_commit):
    run_on_commit(services.notify, recipients=[customer], kind=KIND, title="A")
    run_on_commit(services.notify, recipients=[customer], kind=KIND, title="A")
    assert Notification.objects.filter(recipient=customer).count() == 2


def test_email_turned_off_for_a_kind_means_no_mail_but_the_in_app_row_stays(customer, pmo, run_on_commit):
    services.email_preferences_set(user=customer, enabled={KIND: False})
    run_on_commit(services.notify, recipients=[customer, pmo], kind=KIND, title="Awaiting")
    assert [m.to for m in mail.outbox] == [["pmo@example.com"]]
    assert Notification.objects.filter(recipient=customer).count() == 1
    assert Notification.objects.get(recipient=customer).emailed_at is None


def test_email_off_for_one_kind_still_mails_other_kinds(customer, run_on_commit):
    services.email_preferences_set(user=customer, enabled={KIND: False})
    run_on_commit(services.notify, recipients=[customer], kind=NotificationKind.VERSION_DECIDED, title="Decided")
    assert len(mail.outbox) == 1


def test_unknown_kind_is_refused(customer):
    from apps.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.notify(recipients=[customer], kind="bogus", title="x")


@pytest.fixture
def eager_retries(monkeypatch):
    """Eager tasks propagate errors in tests; a real worker retries instead, and so does this."""
    monkeypatch.setitem(send_notification_email.app.conf, "task_eager_propagates", False)


def test_the_email_task_retries_on_smtp_errors_and_sends_once(customer, monkeypatch, eager_retries):
    row = Notification.objects.create(recipient=customer, kind=KIND, title="Retry me")
    calls = {"n": 0}
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def flaky(self, fail_silently=False):
        calls["n"] += 1
        if calls["n"] < 3:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(self, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    send_notification_email.delay(row.pk)
    assert calls["n"] == 3
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.emailed_at is not None


def test_the_email_task_gives_up_after_its_retries_without_marking_sent(customer, monkeypatch, eager_retries):
    row = Notification.objects.create(recipient=customer, kind=KIND, title="Never")
    from django.core.mail import EmailMessage

    calls = {"n": 0}

    def down(self, fail_silently=False):
        calls["n"] += 1
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr(EmailMessage, "send", down)
    result = send_notification_email.delay(row.pk)
    assert result.state == "FAILURE"
    assert calls["n"] == send_notification_email.max_retries + 1
    row.refresh_from_db()
    assert row.emailed_at is None
    assert mail.outbox == []


def test_the_email_task_is_idempotent(customer):
    row = Notification.objects.create(recipient=customer, kind=KIND, title="Once")
    assert send_notification_email.delay(row.pk).get() is True
    assert send_notification_email.delay(row.pk).get() is False
    assert len(mail.outbox) == 1


def test_the_bell_shows_the_unread_count_on_every_page(as_user, customer, pmo, engagement):
    services.notify(recipients=[customer], kind=KIND, title="One")
    services.notify(recipients=[customer], kind=KIND, title="Two")
    services.notify(recipients=[pmo], kind=KIND, title="Not yours")
    page = as_user(customer).get(reverse("approvals:overview", args=[engagement.pk]))
    assert b"Notifications: 2 unread" in page.content
    bell = as_user(customer).get(reverse("notifications:bell"))
    assert b"Notifications: 2 unread" in bell.content
    assert b'hx-trigger="every 30s' in bell.content


def test_the_bell_costs_one_query_however_many_notifications(as_user, customer, django_assert_num_queries):
    client = as_user(customer)
    client.get(reverse("notifications:bell"))
    for i in range(30):
        Notification.objects.create(recipient=customer, kind=KIND, title=f"n{i}")
    # session + user + the one COUNT
    with django_assert_num_queries(3):
        response = client.get(reverse("notifications:bell"))
    assert b"30 unread" in response.content


def test_the_list_shows_only_my_notifications_paginated(as_user, customer, pmo):
    for i in range(30):
        Notification.objects.create(recipient=customer, kind=KIND, title=f"Mine {i:02d}")
    Notification.objects.create(recipient=pmo, kind=KIND, title="Someone else's")
    page1 = as_user(customer).get(reverse("notifications:list"))
    assert page1.status_code == 200
    assert page1.content.count(b'class="notification unread"') == 25
    assert b"Someone else" not in page1.content
    page2 = as_user(customer).get(reverse("notifications:list") + "?page=2")
    assert page2.content.count(b'class="notification unread"') == 5


def test_the_list_page_has_a_constant_number_of_queries(as_user, customer, engagement, django_assert_max_num_queries):
    client = as_user(customer)
    for i in range(3):
        Notification.objects.create(recipient=customer, kind=KIND, title=f"n{i}", engagement=engagement)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("notifications:list"))
    for i in range(40):
        Notification.objects.create(recipient=customer, kind=KIND, title=f"m{i}", engagement=engagement)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:list"))


def test_marking_one_read_with_htmx_swaps_the_row(as_user, customer):
    row = Notification.objects.create(recipient=customer, kind=KIND, title="Read me")
    response = as_user(customer).post(reverse("notifications:read", args=[row.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="notification-%d"' % row.pk in response.content
    assert b"Mark as read" not in response.content
    assert response["HX-Trigger"] == "notifications-changed"
    row.refresh_from_db()
    assert row.read_at is not None


def test_marking_one_read_needs_post(as_user, customer):
    row = Notification.objects.create(recipient=customer, kind=KIND, title="Read me")
    assert as_user(customer).get(reverse("notifications:read", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.read_at is None


def test_someone_elses_notification_is_404(as_user, customer, pmo, api_as):
    row = Notification.objects.create(recipient=pmo, kind=KIND, title="PMO only")
    client = as_user(customer)
    for name in ("notifications:read", "notifications:open"):
        for method in ("get", "post", "put", "patch", "delete"):
            assert getattr(client, method)(reverse(name, args=[row.pk])).status_code == 404, (name, method)
    assert api_as(customer).get(f"/api/v1/notifications/{row.pk}/").status_code == 404
    assert api_as(customer).post(f"/api/v1/notifications/{row.pk}/read/").status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(as_user, customer):
    row = Notification.objects.create(recipient=customer, kind=KIND, title="Go", url="/notifications/preferences/")
    response = as_user(customer).post(reverse("notifications:open", args=[row.pk]))
    assert response.status_code == 302 and response["Location"] == "/notifications/preferences/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_opening_a_notification_never_redirects_off_site(as_user, customer):
    row = Notification.objects.create(recipient=customer, kind=KIND, title="Go", url="https://evil.example/")
    response = as_user(customer).post(reverse("notifications:open", args=[row.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read_touches_only_my_notifications(as_user, customer, pmo):
    mine = [Notification.objects.create(recipient=customer, kind=KIND, title=f"n{i}") for i in range(3)]
    theirs = Notification.objects.create(recipient=pmo, kind=KIND, title="theirs")
    response = as_user(customer).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_the_preferences_page_turns_email_off_per_kind_and_audits_it(as_user, customer):
    client = as_user(customer)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert b"Version awaiting your approval" in page.content
    data = {k: "on" for k in NotificationKind.values if k != KIND}
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert EmailPreference.objects.get(user=customer, kind=KIND).enabled is False
    assert not EmailPreference.objects.filter(user=customer, enabled=False).exclude(kind=KIND).exists()
    assert AuditEvent.objects.filter(action="notifications.preferences.changed", target_id=str(customer.pk)).exists()
    page = client.get(reverse("notifications:preferences"))
    assert f'name="{KIND}"'.encode() in page.content
    assert selectors.email_preferences_for(scope=Scope.of_user(customer))[KIND] is False


def test_the_api_lists_only_my_notifications_and_marks_them_read(api_as, customer, pmo):
    mine = Notification.objects.create(recipient=customer, kind=KIND, title="Mine")
    Notification.objects.create(recipient=pmo, kind=KIND, title="Theirs")
    api = api_as(customer)
    listing = api.get("/api/v1/notifications/")
    assert listing.status_code == 200
    assert [n["title"] for n in listing.json()["results"]] == ["Mine"]
    read = api.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert read.status_code == 200 and read.json()["is_read"] is True
    assert api.get("/api/v1/notifications/?unread=1").json()["results"] == []


def test_the_api_mark_all_read(api_as, customer):
    for i in range(3):
        Notification.objects.create(recipient=customer, kind=KIND, title=f"n{i}")
    response = api_as(customer).post("/api/v1/notifications/read-all/")
    assert response.json() == {"marked": 3}


def test_the_api_has_no_write_routes_for_notifications(api_as, customer):
    row = Notification.objects.create(recipient=customer, kind=KIND, title="Mine")
    api = api_as(customer)
    assert api.post("/api/v1/notifications/", {"title": "x"}).status_code == 405
    assert api.patch(f"/api/v1/notifications/{row.pk}/", {"title": "x"}).status_code == 405
    assert api.delete(f"/api/v1/notifications/{row.pk}/").status_code == 405


def test_the_api_needs_authentication(api_as):
    assert api_as(None).get("/api/v1/notifications/").status_code in (401, 403)


def test_the_email_links_to_the_page_with_the_configured_base_url(customer, settings, run_on_commit):
    settings.CONCORD_BASE_URL = "https://concord.example.com"
    run_on_commit(services.notify, recipients=[customer], kind=KIND, title="Look", url="/e/1/approvals/")
    assert "https://concord.example.com/e/1/approvals/" in mail.outbox[0].body


def test_inactive_users_get_nothing(customer, run_on_commit):
    customer.is_active = False
    customer.save()
    assert run_on_commit(services.notify, recipients=[customer], kind=KIND, title="x") == []
    assert mail.outbox == []


def test_services_queue_the_email_task_by_its_registered_name():
    assert send_notification_email.name == services.EMAIL_TASK
