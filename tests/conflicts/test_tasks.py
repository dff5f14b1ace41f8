"""The tasks' eager path (same code as the worker), retries, failure and recovery."""
from __future__ import annotations

import pytest
from django.db import OperationalError

from apps.conflicts import services, tasks
from apps.conflicts.models import DetectionRun, Finding

from .conftest import DELETE, RETAIN

pytestmark = pytest.mark.django_db


def test_submitting_enqueues_the_check_after_commit_and_the_task_runs_it(
        make_input, it_lead, data_lead, django_capture_on_commit_callbacks):
    make_input(it_lead, "it", body=RETAIN, submit=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_input(data_lead, "data", body=DELETE, submit=True)
    assert len(callbacks) == 1 and not Finding.objects.exists()  # nothing ran before the commit
    run = DetectionRun.objects.filter(scope="incremental").latest("pk")
    assert run.status == "queued"
    tasks.execute_run.delay(run.pk)  # eager: the same code a worker runs
    run.refresh_from_db()
    assert run.status == "succeeded" and Finding.objects.count() == 1


def test_a_full_scan_task_fills_in_the_run(make_input, it_lead, data_lead, engagement, pmo, full_scan):
    make_input(it_lead, "it", body=RETAIN, submit=True)
    make_input(data_lead, "data", body=DELETE, submit=True)
    run = full_scan()
    assert (run.status, run.total, run.done, run.findings_new) == ("succeeded", 2, 2, 1)
    assert run.started_at and run.finished_at and run.phase == ""


def test_transient_database_errors_are_retried(monkeypatch, engagement, pmo):
    run = DetectionRun.objects.create(engagement=engagement, scope="full", triggered_by=pmo)
    real = services.detection_run_execute
    calls = []

    def flaky(*, run_id):
        calls.append(run_id)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(run_id=run_id)

    monkeypatch.setattr(services, "detection_run_execute", flaky)
    # as in development without a broker: eager retries re-apply in place (no countdown), errors not raised
    conf = tasks.execute_run.app.conf
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    try:
        tasks.execute_run.apply(args=[run.pk])
    finally:
        conf.task_eager_propagates = propagates
    run.refresh_from_db()
    assert len(calls) == 3 and run.status == "succeeded"


def test_a_bug_marks_the_run_failed_with_the_error(monkeypatch, engagement, pmo):
    run = DetectionRun.objects.create(engagement=engagement, scope="full", triggered_by=pmo)

    def broken(*, run_id):
        raise ValueError("engine exploded")

    monkeypatch.setattr(services, "detection_run_execute", broken)
    result = tasks.execute_run.apply(args=[run.pk], throw=False)
    assert result.failed()
    run.refresh_from_db()
    assert run.status == "failed" and "engine exploded" in run.errors[-1]


def test_a_finished_run_delivered_again_is_left_alone(engagement, pmo, full_scan):
    run = full_scan()
    finished_at = run.finished_at
    tasks.execute_run.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.finished_at == finished_at


def test_the_nightly_task_queues_a_scan_of_every_engagement(engagement, other_engagement,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        started = tasks.nightly_scan.apply().get()
    runs = DetectionRun.objects.filter(pk__in=started)
    assert {r.engagement_id for r in runs} == {engagement.pk, other_engagement.pk}
    assert {r.status for r in runs} == {"succeeded"} and {r.scope for r in runs} == {"nightly"}


def test_the_beat_schedule_runs_the_nightly_scan():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["conflicts-nightly-scan"]
    assert entry["task"] == tasks.nightly_scan.name


def test_a_starting_worker_re_enqueues_unfinished_runs(monkeypatch, engagement, pmo):
    running = DetectionRun.objects.create(engagement=engagement, scope="full", status="running", done=3, total=9)
    DetectionRun.objects.create(engagement=engagement, scope="full", status="succeeded")
    sent = []
    monkeypatch.setattr(tasks.execute_run, "delay", lambda run_id: sent.append(run_id))
    monkeypatch.setattr(tasks, "close_old_connections", lambda: None)  # would end the test's transaction
    tasks._recover_runs()
    assert sent == [running.pk]


def test_the_task_is_configured_to_survive_a_killed_worker():
    assert tasks.execute_run.acks_late and tasks.execute_run.reject_on_worker_lost
    assert OperationalError in tasks.execute_run.autoretry_for and tasks.execute_run.retry_backoff
