"""Broker down, for real: a web process pointed at a closed Redis port answers 2xx and keeps each write with
its task in the outbox; then a real Celery worker on a live Redis relays them on start-up and the follow-up
work happens (detection runs finish, e-mails go out).

Needs REDIS_URL and PostgreSQL (CI has both); skipped otherwise, like the other worker tests.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone
from knox.models import AuthToken

from apps.accounts.models import Membership
from apps.conflicts.models import DetectionRun
from apps.inputs.models import Input, InputRequest
from apps.outbox.models import OutboxMessage

from ..conflicts.test_worker import REDIS_URL, Worker, _database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_and_postgres(transactional_db):
    from django.db import connection

    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: this test needs a real Redis broker for its worker")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (server, worker and test share one database)")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # released at once: nothing listens there


class Server:
    """gunicorn serving Concord with REDIS_URL at a port where nothing listens."""

    def __init__(self, log_dir: Path) -> None:
        self.port = _closed_port()
        dead_broker = f"redis://127.0.0.1:{_closed_port()}/0"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pmo_site.settings", "DEBUG": "1",
               "SECRET_KEY": "outbox-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
               "DATABASE_URL": _database_url(), "REDIS_URL": dead_broker, "DB_CONN_MAX_AGE": "0",
               "ALLOWED_HOSTS": "127.0.0.1"}
        self.log_path = log_dir / "server.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "pmo_site.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--timeout", "60"], cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/accounts/login/", timeout=2)  # noqa: S310 - loopback
                return
            except Exception:  # noqa: BLE001 - not up yet
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        raise AssertionError(f"server did not start:\n{self.log_path.read_text()[-3000:]}")

    def post(self, path: str, token: str, payload: dict) -> tuple[int, dict]:
        request = urllib.request.Request(self.base + path, data=json.dumps(payload).encode(), method="POST",
                                         headers={"Authorization": f"Token {token}",
                                                  "Content-Type": "application/json"})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        self.seconds = time.monotonic() - started
        return status, (json.loads(body) if body.startswith(b"{") else {"raw": body[:300].decode(errors="replace")})

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        self.log.close()


def _wait(predicate, timeout: float, what: str, worker: Worker) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen in {timeout}s; worker log:\n{worker.output()}")


def test_a_dead_broker_loses_no_write_and_no_follow_up(redis_and_postgres, tmp_path, pmo, engagement, workstreams,
                                                       it_lead, data_lead):
    import redis

    redis.Redis.from_url(REDIS_URL).delete("celery", "unacked", "unacked_index", "unacked_mutex")
    lead_token = AuthToken.objects.create(user=it_lead)[1]
    pmo_token = AuthToken.objects.create(user=pmo)[1]
    server = Server(tmp_path)
    answers: list[tuple[str, int, float]] = []
    try:
        def call(what, path, token, payload):
            status, body = server.post(path, token, payload)
            answers.append((what, status, round(server.seconds, 2)))
            return status, body

        status, created = call("submit an input", "/api/v1/inputs/", lead_token, {
            "engagement": engagement.pk, "workstream": workstreams["it"].pk, "kind": "requirement",
            "title": "Retain interaction logs", "body": "Interaction logs must be kept for at least 24 months.",
            "submit": True})
        assert status == 201, created
        call("revise it", f"/api/v1/inputs/{created['id']}/revise/", lead_token, {
            "title": "Retain interaction logs", "expected_revision": 1,
            "body": "Interaction logs must be kept for at least 36 months."})
        call("start a scan", "/api/v1/detection-runs/", pmo_token, {"engagement": engagement.pk})
        call("invite a member", "/api/v1/memberships/", pmo_token, {
            "engagement": engagement.pk, "email": "newcomer@example.org", "full_name": "Nina Newcomer",
            "organization": "Contoso Data Partners", "role": "observer"})
        call("request inputs", "/api/v1/input-requests/", pmo_token, {
            "engagement": engagement.pk, "topic": "Log retention", "due_date": str(timezone.localdate()),
            "workstreams": [workstreams["data"].pk]})
    finally:
        server.stop()
    print("broker down, answers:", answers)
    assert all(200 <= status < 300 for _, status, _ in answers), answers
    assert max(seconds for *_, seconds in answers) < 5, answers  # no request hangs on the dead broker (~1 s)
    # Each write exactly once, its task waiting with the reason.
    assert Input.objects.count() == 1 and Input.objects.get().revisions.count() == 2
    assert Membership.objects.filter(user__email="newcomer@example.org").count() == 1
    assert InputRequest.objects.count() == 1
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    names = set(pending.values_list("task_name", flat=True))
    assert {"conflicts.execute_run", "apps.accounts.tasks.send_invitation_email",
            "apps.notifications.tasks.send_notification_email"} <= names, names
    assert all("onnect" in m.last_error for m in pending), [m.last_error for m in pending]
    assert DetectionRun.objects.filter(status="queued").count() == DetectionRun.objects.count() >= 3

    # The broker is back: a worker starts, relays the outbox and does the work.
    mail_dir = tmp_path / "mail"
    worker = Worker("outbox", tmp_path, EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                    EMAIL_FILE_PATH=str(mail_dir))
    try:
        worker.wait_ready()
        _wait(lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(), 60, "the relay", worker)
        _wait(lambda: not DetectionRun.objects.exclude(status="succeeded").exists(), 120,
              "every detection run finishing", worker)
        _wait(lambda: mail_dir.exists() and any("newcomer@example.org" in p.read_text() for p in mail_dir.iterdir()),
              60, "the invitation e-mail", worker)
        _wait(lambda: any("Log retention" in p.read_text() for p in mail_dir.iterdir()), 60,
              "the input-request e-mail", worker)
    finally:
        worker.stop()
    assert "relayed" in worker.log_path.read_text()
