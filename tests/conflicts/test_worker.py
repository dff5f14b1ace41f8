"""End to end with a REAL Celery worker process on Redis, against this test's PostgreSQL database.

Needs REDIS_URL and a PostgreSQL DATABASE_URL (CI sets both); skipped otherwise. Run with
`pytest tests/conflicts -m worker`.

How the worker is set up:
- it runs `celery -A pmo_site worker` with DJANGO_SETTINGS_MODULE=pmo_site.settings (not the test
  settings, which force eager tasks); with REDIS_URL set, tasks are NOT eager there;
- DATABASE_URL points at the test database pytest-django created (`connection.settings_dict`), and
  the test uses `transactional_db`, so the worker sees what the test commits;
- this process sends tasks to Redis too: `task_always_eager` is switched off for the test;
- CONFLICTS_SCAN_BATCH / CONFLICTS_SCAN_BATCH_SLEEP (read by the scan, test-only knobs) make the
  full scan commit small batches slowly enough to kill the worker in the middle;
- a full scan fans out as one `scan_batch` task per batch: every worker process takes batches.

Recovery after the kill: the scan task is acks_late + reject_on_worker_lost, so the message stays
unacknowledged in Redis; Redis would hand it out again only after the visibility timeout (1 h). A
starting worker therefore re-enqueues unfinished runs (`apps.conflicts.tasks._recover_runs`, on
`worker_ready`); the run dispatches the batches not committed yet.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from apps.conflicts.bench import _bodies, _seed_inputs
from apps.conflicts.models import DetectionRun, Finding
from apps.conflicts.services import corpus, detection_run_execute, detection_run_start

from .conftest import DELETE, RETAIN

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_and_postgres(transactional_db):
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: the worker tests need a real Redis broker")
    if connection.vendor != "postgresql":
        pytest.skip("the worker tests need PostgreSQL (a worker process cannot share a SQLite test database)")


@pytest.fixture
def broker(redis_and_postgres):
    """Send tasks from this process to Redis for the duration of the test, starting from an empty queue."""
    import redis

    from pmo_site.celery import app

    client = redis.Redis.from_url(REDIS_URL)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = eager
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "localhost"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


class Worker:
    def __init__(self, name: str, log_dir: Path, concurrency: int = 1, **extra_env: str) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pmo_site.settings", "DEBUG": "1",
               "SECRET_KEY": "worker-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
               "DATABASE_URL": _database_url(), "REDIS_URL": REDIS_URL, "DB_CONN_MAX_AGE": "0", **extra_env}
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        self.log_path = log_dir / f"{name}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "pmo_site", "worker", "--loglevel=INFO",
             f"--concurrency={concurrency}",
             "--pool=prefork", "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log_path.read_text():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"worker did not start:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole process group: the main process and its pool child die mid-task."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text()[-4000:]


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(name: str, concurrency: int = 1, **env: str) -> Worker:
        worker = Worker(name, tmp_path, concurrency, **env)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


def _wait(predicate, timeout: float, what: str, worker: Worker | None = None, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}" + (f"\n{worker.output()}" if worker else ""))


def test_a_worker_killed_mid_scan_and_restarted_ends_with_exactly_the_undisturbed_findings(
        broker, workers, engagement, pmo):
    _seed_inputs(engagement=engagement, author=pmo, bodies=_bodies(60))
    total = corpus.current_statements(engagement_id=engagement.pk).count()
    slow = {"CONFLICTS_SCAN_BATCH": "8", "CONFLICTS_SCAN_BATCH_SLEEP": "0.3"}
    first = workers("scan-a", concurrency=2, **slow)

    run = detection_run_start(engagement=engagement, actor=pmo)  # committed; the task goes to Redis
    progress = _wait(lambda: DetectionRun.objects.filter(pk=run.pk, done__gte=1, done__lte=total - 9).first(),
                     90, "the scan to get going", first)
    first.kill()
    run.refresh_from_db()
    assert run.status == "running" and 1 <= run.done < run.total == total, (run.status, run.done, run.total)
    killed_at = run.done
    assert progress.done <= killed_at

    second = workers("scan-b", concurrency=2, **slow)
    _wait(lambda: DetectionRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"]).exists(), 180,
          "the restarted worker to finish the scan", second)
    run.refresh_from_db()
    assert run.status == "succeeded", (run.errors, second.output())
    assert run.done == run.total == total
    assert run.batches.count() == run.batch_count > 2
    log = second.log_path.read_text()
    assert "re-enqueued unfinished detection run" in log
    assert f"detection run {run.pk}: {total} statements finished in {run.batch_count} batches" in log
    disturbed = list(Finding.objects.filter(engagement=engagement).values_list("fingerprint", flat=True))
    assert disturbed and len(disturbed) == len(set(disturbed)) == run.findings_new

    # The same data scanned once, undisturbed, in this process.
    Finding.objects.filter(engagement=engagement).delete()
    corpus.warm_index_clear()
    calm = DetectionRun.objects.create(engagement=engagement, scope="full", triggered_by=pmo)
    broker.conf.task_always_eager = True  # its batches run here, in order, with no broker
    detection_run_execute(run_id=calm.pk)
    calm.refresh_from_db()
    assert calm.status == "succeeded"
    undisturbed = set(Finding.objects.filter(engagement=engagement).values_list("fingerprint", flat=True))
    assert set(disturbed) == undisturbed


def test_a_fanned_out_scan_is_shared_by_two_workers_and_completes(broker, workers, engagement, pmo):
    _seed_inputs(engagement=engagement, author=pmo, bodies=_bodies(60))
    total = corpus.current_statements(engagement_id=engagement.pk).count()
    knobs = {"CONFLICTS_SCAN_BATCH": "10", "CONFLICTS_SCAN_BATCH_SLEEP": "0.2"}
    one, two = workers("fan-a", **knobs), workers("fan-b", **knobs)
    run = detection_run_start(engagement=engagement, actor=pmo)
    _wait(lambda: DetectionRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"]).exists(), 180,
          "the two workers to finish the scan", two)
    run.refresh_from_db()
    assert run.status == "succeeded" and run.done == run.total == total, (run.errors, one.output(), two.output())
    per_worker = set(run.batches.values_list("worker", flat=True))
    assert run.batches.count() == run.batch_count and len(per_worker) == 2, per_worker  # both took batches
    fingerprints = list(Finding.objects.filter(engagement=engagement).values_list("fingerprint", flat=True))
    assert fingerprints and len(fingerprints) == len(set(fingerprints)) == run.findings_new


def test_a_submitted_input_is_checked_by_the_real_worker_and_its_conflict_appears_on_the_page(
        broker, workers, make_input, it_lead, data_lead, engagement, client):
    worker = workers("checks")
    make_input(it_lead, "it", title="Retain logs", body=RETAIN, submit=True)
    item = make_input(data_lead, "data", title="Delete logs", body=DELETE, submit=True)
    client.force_login(data_lead)
    panel_url = f"/e/{engagement.pk}/inputs/{item.pk}/findings/"

    def finding_on_page():
        html = client.get(panel_url).content.decode()
        return html if "checking…" not in html and "F-" in html else None

    html = _wait(finding_on_page, 60, "the worker's finding on the input page", worker, step=0.3)
    finding = Finding.objects.get(engagement=engagement)
    assert (finding.label, finding.kind) == ("conflict", "numeric")
    assert finding.reference in html and "hx-trigger" not in html
    page = client.get(f"/e/{engagement.pk}/inputs/{item.pk}/").content.decode()
    assert finding.reference in page
    runs = DetectionRun.objects.filter(engagement=engagement, scope="incremental")
    assert runs.count() == 2 and set(runs.values_list("status", flat=True)) == {"succeeded"}
