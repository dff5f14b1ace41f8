"""The outbox in-process: a task row commits with its write or not at all; a broker failure keeps both."""
from __future__ import annotations

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from apps.conflicts.models import DetectionRun
from apps.inputs.models import Input
from apps.outbox import services
from apps.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go to a broker (not eager), and publishing fails the way kombu fails on a refused connection."""
    from pmo_site.celery import app

    calls = []

    def refuse(message):
        calls.append(message.task_name)
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    monkeypatch.setattr(services, "_publish", refuse)
    yield calls
    app.conf.task_always_eager = eager


def test_a_rolled_back_write_leaves_no_task(it_lead, make_input, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        make_input(it_lead, "it", body="Logs are kept 24 months.", submit=True)
        raise RuntimeError("the write fails after enqueuing")
    assert not OutboxMessage.objects.exists() and not Input.objects.exists()


def test_with_the_broker_down_the_write_succeeds_and_its_task_waits(
        it_lead, make_input, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = make_input(it_lead, "it", body="Logs are kept 24 months.", submit=True)
    assert Input.objects.filter(pk=item.pk).exists()
    (message,) = OutboxMessage.objects.all()
    assert message.task_name == "conflicts.execute_run" and message.sent_at is None
    assert message.attempts == 1 and "Connection refused" in message.last_error
    assert broker_down == ["conflicts.execute_run"]
    run = DetectionRun.objects.get(pk=message.args[0])
    assert run.status == "queued"


def test_the_relay_publishes_what_waited_once_the_broker_is_back(
        it_lead, make_input, broker_down, monkeypatch, django_capture_on_commit_callbacks):
    from pmo_site.celery import app  # broker_down restores its eager setting afterwards

    with django_capture_on_commit_callbacks(execute=True):
        make_input(it_lead, "it", body="Logs are kept 24 months.", submit=True)
    assert services.outbox_relay() == 0  # still paused after the failure: no hammering of a dead broker
    OutboxMessage.objects.update(lease_until=None)
    app.conf.task_always_eager = True  # the broker is back (tasks run here)
    monkeypatch.undo()
    assert services.outbox_relay() == 1
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None
    assert DetectionRun.objects.get(pk=message.args[0]).status == "succeeded"
    assert services.outbox_relay() == 0  # nothing is published twice


def test_a_starting_worker_relays_rows_still_paused_after_a_failure(
        it_lead, make_input, broker_down, monkeypatch, django_capture_on_commit_callbacks):
    """A worker that starts seconds after the failed publish must not leave the row to beat's next relay."""
    from apps.outbox import tasks
    from pmo_site.celery import app

    with django_capture_on_commit_callbacks(execute=True):
        make_input(it_lead, "it", body="Logs are kept 24 months.", submit=True)
    assert OutboxMessage.objects.get().lease_until is not None  # paused after the failure
    app.conf.task_always_eager = True  # the broker is back
    monkeypatch.undo()
    # The handler closes stale connections, as a worker should; here that would be the test's own connection.
    monkeypatch.setattr(tasks, "close_old_connections", lambda: None)
    tasks._relay_on_start()
    assert OutboxMessage.objects.get().sent_at is not None


def test_every_follow_up_goes_through_the_outbox(pmo, engagement, it_lead, make_input, workstreams,
                                                 django_capture_on_commit_callbacks):
    from apps.conflicts.services import detection_run_start
    from apps.engagements.services import member_invite
    from apps.inputs.requests import input_request_create

    from ..factories import OrganizationFactory

    with django_capture_on_commit_callbacks(execute=True):
        make_input(it_lead, "it", body="Logs are kept 24 months.", submit=True)
        detection_run_start(engagement=engagement, actor=pmo)
        member_invite(actor=pmo, engagement=engagement, email="new.person@example.org", full_name="New Person",
                      organization=OrganizationFactory(name="Contoso"), role="observer")
        from django.utils import timezone

        input_request_create(actor=pmo, engagement=engagement, topic="Retention", workstreams=[workstreams["it"]],
                             due_date=timezone.localdate())
    names = set(OutboxMessage.objects.values_list("task_name", flat=True))
    assert {"conflicts.execute_run", "apps.accounts.tasks.send_invitation_email",
            "apps.notifications.tasks.send_notification_email"} <= names
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_the_relay_command_says_what_is_left(capsys, it_lead, make_input, broker_down,
                                             django_capture_on_commit_callbacks):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        make_input(it_lead, "it", body="Logs are kept 24 months.", submit=True)
    OutboxMessage.objects.update(lease_until=None)
    with pytest.raises(SystemExit):
        call_command("outbox_relay")
    assert "published 0; 1 still waiting" in capsys.readouterr().out
