"""`manage.py conflicts bench-db`: what the incremental check costs inside Django, on a scratch database.

Seeds one engagement with N synthetic submitted inputs (the engine bench's generator, ~3 statements
each) in bulk, then times, through the real service and task code path:
- the first check in a fresh process (builds the warm index from the persisted statements),
- the corpus sync query alone,
- one check of a newly submitted input end to end (median of several): sync, engine check,
  finding upsert, audit and notifications;
- with --full-scan, a full scan of the engagement through the same code a worker runs.
"""
from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from typing import TextIO
from urllib.parse import quote

from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.models import Organization, User
from apps.core.hashing import sha256_text
from apps.engagements.models import Engagement, Workstream
from apps.engagements.services import engagement_create
from apps.inputs.models import Input, InputRevision
from tools.conflicts.cli import synthetic_inputs

from .models import DetectionRun, Finding, RelatedPair, RevisionStatement, ScanBatch
from .services import corpus, scan
from .services.runs import detection_run_execute

_WS = {"IT": "it", "Marketing": "marketing", "Data": "data"}


def _seed_inputs(*, engagement: Engagement, author: User, bodies: list[tuple[str, str]]) -> list[Input]:
    workstreams = {w.slug: w for w in Workstream.objects.filter(engagement=engagement)}
    now = timezone.now()
    items = Input.objects.bulk_create([
        Input(engagement=engagement, workstream=workstreams[ws], title=body[:60], status=Input.Status.SUBMITTED,
              author=author, revision_count=1, submitted_at=now)
        for ws, body in bodies
    ])
    revisions = InputRevision.objects.bulk_create([
        InputRevision(input=item, number=1, title=item.title, body=body, body_sha256=sha256_text(body), author=author)
        for item, (_, body) in zip(items, bodies, strict=True)
    ])
    for item, revision in zip(items, revisions, strict=True):
        item.current_revision = revision
    Input.objects.bulk_update(items, ["current_revision"], batch_size=1000)
    statements = []
    for item, revision in zip(items, revisions, strict=True):
        for n, st in enumerate(corpus.split_statements(revision.body), start=1):
            statements.append(RevisionStatement(engagement=engagement, input=item, revision=revision,
                                                workstream_id=item.workstream_id, ordinal=n, start=st.start,
                                                end=st.end, text=st.text))
    RevisionStatement.objects.bulk_create(statements, batch_size=2000)
    return items


def _bodies(n: int, offset: int = 0) -> list[tuple[str, str]]:
    out = []
    for stmts in synthetic_inputs(n + offset)[offset:]:
        ws = _WS[stmts[0].meta["workstream"]]
        out.append((ws, "\n".join(f"- {s.text}" for s in stmts)))
    return out


def _full_scan(*, engagement: Engagement, workers: int, out: TextIO) -> float:
    """One full scan: in this process (workers=0, the no-broker path), or fanned out over `workers` real
    Celery worker processes on REDIS_URL (one `celery worker --concurrency=N`)."""
    run = DetectionRun.objects.create(engagement=engagement, scope=DetectionRun.Scope.FULL)
    scan.scan_plans_clear()
    proc = None
    if workers:
        proc = _start_worker(workers)
    try:
        t = time.perf_counter()
        if proc is None:
            detection_run_execute(run_id=run.pk)
        else:
            from .tasks import execute_run

            execute_run.delay(run.pk)
            while not DetectionRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"]).exists():
                if proc.poll() is not None:
                    raise RuntimeError("the benchmark's Celery worker exited")
                time.sleep(0.2)
        seconds = time.perf_counter() - t
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
    run.refresh_from_db()
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    how = f"{workers} Celery worker process(es) on Redis" if workers else "this process (no broker)"
    used = ScanBatch.objects.filter(run=run).values("worker").distinct().count()
    out.write(f"  full scan through Django, {how}: {seconds:.1f} s, status {run.status}, {run.done}/{run.total} "
              f"statements in {run.batch_count} batches committed by {used} process(es), {run.findings_new} "
              f"findings, {run.related_new} related pairs (load average {load}; shared machine)\n")
    return seconds


def _start_worker(concurrency: int) -> subprocess.Popen:
    from django.conf import settings

    if not os.environ.get("REDIS_URL"):
        raise RuntimeError("--workers needs REDIS_URL: the batches go through a real broker")
    db = connection.settings_dict
    url = f"postgres://{quote(db['USER'] or '', safe='')}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/" \
          f"{db['NAME']}" if connection.vendor == "postgresql" else os.environ.get("DATABASE_URL", "")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pmo_site.settings", "DATABASE_URL": url,
           "CONFLICTS_SCAN_BATCH": str(settings.CONFLICTS_SCAN_BATCH)}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    log = tempfile.NamedTemporaryFile("w", prefix="bench-worker-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "pmo_site", "worker", "--loglevel=WARNING",
                             f"--concurrency={concurrency}", "--pool=prefork", "-n", f"bench{os.getpid()}@%h",
                             "--without-gossip", "--without-mingle", "--without-heartbeat"],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    time.sleep(3)  # let the pool start before the clock does
    return proc


def bench_db(*, n_inputs: int, runs: int, out: TextIO, full_scan: bool = False,
             workers: list[int] | None = None) -> dict[str, float]:
    author, _ = User.objects.get_or_create(email="bench@example.invalid", defaults={"full_name": "Bench"})
    org, _ = Organization.objects.get_or_create(name="Bench Org")
    with transaction.atomic():
        engagement = engagement_create(actor=author, name=f"Bench {n_inputs} {timezone.now():%H%M%S}", organization=org,
                                       by_operator=True)
        t0 = time.perf_counter()
        _seed_inputs(engagement=engagement, author=author, bodies=_bodies(n_inputs))
    n_statements = corpus.current_statements(engagement_id=engagement.pk).count()
    out.write(f"bench-db ({connection.vendor}): {n_inputs} inputs, {n_statements} statements seeded in "
              f"{time.perf_counter() - t0:.1f}s\n")
    extra = _bodies(runs + 1, offset=n_inputs)

    def one_check(body: tuple[str, str]) -> float:
        with transaction.atomic():
            item = _seed_inputs(engagement=engagement, author=author, bodies=[body])[0]
            run = DetectionRun.objects.create(engagement=engagement, scope=DetectionRun.Scope.INCREMENTAL,
                                              trigger_revision_id=item.current_revision_id)
        t = time.perf_counter()
        detection_run_execute(run_id=run.pk)
        return (time.perf_counter() - t) * 1000

    corpus.warm_index_clear()
    cold = one_check(extra[0])
    out.write(f"  first check in a fresh process (builds the warm index): {cold / 1000:.1f} s\n")
    t = time.perf_counter()
    for _ in range(3):
        list(corpus.current_statements(engagement_id=engagement.pk).values_list(
            "id", "input__priority", "input__kind", "revision_id", "start", "end"))
    sync_ms = (time.perf_counter() - t) / 3 * 1000
    times = [one_check(body) for body in extra[1:]]
    median = statistics.median(times)
    out.write(f"  corpus sync query: {sync_ms:.0f} ms\n")
    out.write(f"  incremental check of one new input, end to end: median {median:.0f} ms over {len(times)} runs "
              f"(min {min(times):.0f}, max {max(times):.0f})\n")
    result = {"inputs": n_inputs, "statements": n_statements, "cold_s": cold / 1000, "sync_ms": sync_ms,
              "check_median_ms": median}
    if full_scan:
        # The whole engagement through the same task code a worker runs: batches, upserts, progress.
        for n in workers or [0]:
            result[f"full_scan_s_{n}"] = _full_scan(engagement=engagement, workers=n, out=out)
            Finding.objects.filter(engagement=engagement).delete()
            RelatedPair.objects.filter(engagement=engagement).delete()
    return result
