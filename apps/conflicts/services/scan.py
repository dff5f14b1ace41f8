"""Full scans: the engine's plan (`engine.detect.ScanPlan`), fanned out as one Celery task per batch.

- `scan_execute` (the run's task) claims the run, fixes what it scans (the corpus snapshot), and
  dispatches a group of `scan_batch` tasks for the batches not yet committed. Every worker process
  of every machine on the broker takes batches, so adding workers shortens the scan. Without a
  broker (`make run`, tests) the same group runs in this process, batch after batch.
- `scan_batch_execute` classifies one batch with a plan built once per worker process and cached
  (the index costs about a millisecond per statement to build), then commits the batch's findings,
  its related pairs and its ScanBatch row in ONE transaction. The row is unique per (run, batch):
  a batch re-run after a worker died, or delivered twice, writes nothing the second time; findings
  themselves are fingerprinted and unique as well. The batch that commits last finishes the run
  (the counter lives in the run row, so it survives dead workers, unlike a chord's callback).
- Progress is the run's `done` (statements of committed batches) over `total`. A run found
  unfinished (a starting worker re-enqueues it) is dispatched again: only missing batches are sent.
- If the data changed since the run was planned (a worker building its plan sees another
  snapshot), the run is planned again from zero against the current data.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from apps.audit.services import audit_log
from apps.conflicts.engine.detect import BatchResult, ScanPlan
from apps.conflicts.engine.feedback import Calibration
from apps.core.hashing import canonical_json, sha256_text
from apps.core.jobs import registered_task

from ..models import DetectionRun, ScanBatch
from . import corpus, detection, related
from .feedback import calibration_current

logger = logging.getLogger(__name__)


def _batch_size() -> int:
    return max(1, int(getattr(settings, "CONFLICTS_SCAN_BATCH", 200)))


def _batch_sleep() -> float:
    """Test-only throttle (seconds per batch) so a worker can be killed mid-scan; unset = 0."""
    return float(getattr(settings, "CONFLICTS_SCAN_BATCH_SLEEP", 0.0))


@dataclass
class _Prepared:
    snapshot: str
    plan: ScanPlan
    calibration: Calibration


# run id → the plan this process built for it (a worker usually serves one scan at a time)
_PLANS: OrderedDict[int, _Prepared] = OrderedDict()
_LOCK = threading.Lock()


def _prepare(*, engagement_id: int, batch_size: int) -> _Prepared:
    """The plan over the engagement's current corpus, and the snapshot that identifies it."""
    rows = corpus.statement_rows(engagement_id=engagement_id)
    choice_sets = corpus.engine_choice_sets(engagement_id=engagement_id)
    cal = calibration_current(engagement_id=engagement_id)
    snapshot = sha256_text(canonical_json({"corpus": corpus.corpus_snapshot(rows, choice_sets),
                                           "calibration": cal.as_dict(), "batch": batch_size}))
    plan = ScanPlan([corpus.engine_statement(r) for r in rows], choice_sets=choice_sets,
                    exclude=corpus.exclusion(), batch_size=batch_size, related_min=cal.related_min)
    return _Prepared(snapshot, plan, cal)


def _prepared_for(run: DetectionRun) -> _Prepared:
    with _LOCK:
        got = _PLANS.get(run.pk)
        if got is not None and got.snapshot == run.snapshot:
            return got
    got = _prepare(engagement_id=run.engagement_id, batch_size=run.batch_size or _batch_size())
    with _LOCK:
        _PLANS[run.pk] = got
        while len(_PLANS) > 2:
            _PLANS.popitem(last=False)
    return got


def scan_plans_clear() -> None:
    with _LOCK:
        _PLANS.clear()


def scan_execute(*, run_id: int) -> None:
    """Plan (or re-plan) a full scan and dispatch its missing batches."""
    run = detection._claim(run_id, phase="indexing")
    if run is None:
        return
    corpus.statements_record_missing(engagement_id=run.engagement_id)
    started = time.perf_counter()
    prepared = _prepare(engagement_id=run.engagement_id, batch_size=_batch_size())
    with transaction.atomic():
        locked = DetectionRun.objects.select_for_update().get(pk=run_id)
        if locked.status != DetectionRun.Status.RUNNING:
            return
        if locked.snapshot != prepared.snapshot:
            # first start, or the data changed since the interrupted attempt: plan from zero
            ScanBatch.objects.filter(run=locked).delete()
            locked.snapshot, locked.done, locked.total = prepared.snapshot, 0, len(prepared.plan)
            locked.batch_size, locked.batch_count = prepared.plan.batch_size, prepared.plan.batch_count
        locked.phase = "checking"
        locked.save()
        committed = set(ScanBatch.objects.filter(run=locked).values_list("number", flat=True))
    with _LOCK:
        _PLANS[run_id] = prepared
    pending = [k for k in range(prepared.plan.batch_count) if k not in committed]
    logger.info("detection run %s: %d statements indexed in %.1f s; %d of %d batches to dispatch",
                run_id, len(prepared.plan), time.perf_counter() - started, len(pending), prepared.plan.batch_count)
    if not pending:
        _finish_if_complete(run_id)
        return
    _dispatch(run_id, pending)


def _dispatch(run_id: int, numbers: list[int]) -> None:
    from celery import group

    scan_batch = registered_task("conflicts.scan_batch")  # by name: the tasks module imports these services
    group(scan_batch.si(run_id, k) for k in numbers).apply_async()


def scan_batch_execute(*, run_id: int, number: int) -> bool:
    """Classify and commit batch `number` of the run; False if there was nothing (more) to do."""
    run = DetectionRun.objects.filter(pk=run_id).first()
    if run is None or run.status != DetectionRun.Status.RUNNING or not run.snapshot:
        return False
    if ScanBatch.objects.filter(run_id=run_id, number=number).exists():
        return False
    prepared = _prepared_for(run)
    if prepared.snapshot != run.snapshot:
        logger.info("detection run %s: the data changed since it was planned; planning it again", run_id)
        scan_execute(run_id=run_id)
        return False
    if number >= prepared.plan.batch_count:
        return False
    result = prepared.plan.run_batch(number)
    if pause := _batch_sleep():
        time.sleep(pause)
    return _commit(run_id=run_id, prepared=prepared, result=result)


@transaction.atomic
def _commit(*, run_id: int, prepared: _Prepared, result: BatchResult) -> bool:
    run = DetectionRun.objects.select_for_update().get(pk=run_id)
    if run.status != DetectionRun.Status.RUNNING or run.snapshot != prepared.snapshot:
        return False
    if ScanBatch.objects.filter(run=run, number=result.number).exists():
        return False  # committed by another delivery of this batch
    found = [f for _, _, f in result.rows] + [f for _, _, f in result.related]
    detections, related_rows = related.sort_tiers(engagement_id=run.engagement_id, found=found,
                                                  cal=prepared.calibration)
    upserted = detection._upsert(run=run, detections=detections)
    related_new = related.related_upsert(run=run, rows=related_rows)
    new_ids = upserted.new_ids
    ScanBatch.objects.create(run=run, number=result.number, start=result.start, end=result.end,
                             findings_new=len(new_ids), related_new=related_new,
                             worker=f"{socket.gethostname()}:{os.getpid()}"[:200])
    run.done += result.end - result.start
    run.findings_new += len(new_ids)
    run.findings_seen += upserted.seen
    run.related_new += related_new
    if result.errors:
        run.errors = (list(run.errors) + list(result.errors))[:detection.MAX_ERRORS]
    run.save()
    if new_ids:
        audit_log(actor=None, action="conflicts.findings.detected", target=run, engagement=run.engagement_id,
                  changes={"findings": upserted.new_refs, "count": len(new_ids),
                           "batch": result.number})
    _finish_if_complete(run_id)
    return True


@transaction.atomic
def _finish_if_complete(run_id: int) -> bool:
    run = DetectionRun.objects.select_for_update().get(pk=run_id)
    if run.status != DetectionRun.Status.RUNNING:
        return False
    if ScanBatch.objects.filter(run=run).count() < run.batch_count:
        return False
    # once, over everything the batches committed: which pairs a statement keeps must not depend on the
    # order the batches landed in
    related.related_cap(engagement_id=run.engagement_id)
    run.related_new = related.related_count(run_id=run.pk)
    detection._mark_finished(run)
    run.save()
    audit_log(actor=None, action="conflicts.detection_run.finished", target=run, engagement=run.engagement_id,
              changes={"scope": run.scope, "statements": run.total, "findings_new": run.findings_new,
                       "findings_seen": run.findings_seen, "related_new": run.related_new,
                       "batches": run.batch_count, "errors": len(run.errors)})
    detection._notify_digest(run)
    logger.info("detection run %s: %d statements finished in %d batches by %d worker process(es)", run_id,
                run.total, run.batch_count,
                ScanBatch.objects.filter(run=run).values("worker").distinct().count())
    return True

