"""A real Concord for the browser journeys: gunicorn + a Celery worker on Redis + PostgreSQL,
seeded with the demo, driven by Playwright in Debian's Chromium.

It runs on its own database (created fresh, migrated, seeded), not on pytest-django's test
database, because three processes (server, worker, test) must see the same committed data.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CONCORD_BROWSER", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "demo-pass-2026"


def _requirements() -> str | None:
    if not os.environ.get("REDIS_URL"):
        return "REDIS_URL is not set: the browser journeys need a real Celery worker on Redis"
    if not (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql://")):
        return "DATABASE_URL is not PostgreSQL: server, worker and test must share one database"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _requirements()
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _e2e_database_url() -> str:
    base = urlparse(os.environ["DATABASE_URL"])
    return base._replace(path=f"{base.path.rstrip('/')}_e2e").geturl()


def _e2e_redis_url() -> str:
    """Another Redis database than the test run's, so no other test's worker can take our tasks."""
    base = urlparse(os.environ["REDIS_URL"])
    db = int(base.path.strip("/") or 0)
    return base._replace(path=f"/{(db + 1) % 16}").geturl()


def _recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback server
                return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {timeout}s")


@pytest.fixture(scope="session")
def concord_env() -> dict[str, str]:
    reason = _requirements()
    if reason:
        pytest.skip(reason)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "pmo_site.settings", "DEBUG": "1", "DATABASE_URL": _e2e_database_url(),
        "REDIS_URL": _e2e_redis_url(), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    })
    return env


@pytest.fixture(scope="session")
def live_concord(concord_env, tmp_path_factory) -> Iterator[str]:
    """Start the whole product once for the session; yield its base URL."""
    logs = tmp_path_factory.mktemp("e2e-logs")
    _recreate_database(concord_env["DATABASE_URL"])
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=concord_env, check=True, capture_output=True)
    # The worker must be up before the demo is seeded so the seed's detection runs go through it too.
    worker_log = open(logs / "worker.log", "w")  # noqa: SIM115 - closed at teardown
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pmo_site", "worker", "--loglevel=INFO", "--concurrency=1",
         "--without-gossip", "--without-mingle", "-n", f"e2e-{os.getpid()}@%h"],
        cwd=ROOT, env=concord_env, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True)
    seeded = subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=concord_env, capture_output=True, text=True)
    if seeded.returncode:  # say why, instead of a bare CalledProcessError
        raise RuntimeError(f"seed_demo failed ({seeded.returncode}):\n{seeded.stdout[-2000:]}\n{seeded.stderr[-6000:]}")
    port = _free_port()
    server_log = open(logs / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pmo_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "4", "--timeout", "60"],
        cwd=ROOT, env=concord_env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/accounts/login/")
        yield base
    finally:
        for proc in (server, worker):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
        worker_log.close()
        server_log.close()
        for log in ("worker.log", "server.log"):
            text = (logs / log).read_text(errors="replace")
            if "Traceback" in text:
                sys.stderr.write(f"\n--- e2e {log} (has tracebacks) ---\n{text[-6000:]}\n")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@pytest.fixture
def csp_violations() -> list[str]:
    """Console messages in which Chromium reports something the Content-Security-Policy blocked."""
    return []


@pytest.fixture
def sign_in(browser, live_concord, csp_violations):
    """sign_in(email) → a Playwright page signed in as that demo user (fresh context each time).

    Every page is watched for Content-Security-Policy violations: a journey that triggers one fails."""
    contexts = []

    def login(email: str, *, viewport: dict | None = None):
        context = browser.new_context(base_url=live_concord, viewport=viewport or {"width": 1366, "height": 900})
        context.set_default_timeout(20_000)
        contexts.append(context)
        context.on("console", lambda msg: csp_violations.append(f"{email}: {msg.text}")
                   if is_csp_violation(msg.text) else None)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    yield login
    for context in contexts:
        context.close()
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture(scope="session")
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


