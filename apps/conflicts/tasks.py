"""Detection jobs. Thin: ids in, a service call, the retry policy.

- `execute_run` does one DetectionRun (incremental check or full scan). acks_late +
  reject_on_worker_lost: a worker killed mid-run leaves the message to be redelivered, and the
  service resumes the run where its last committed batch ended.
- When a worker starts it re-enqueues unfinished runs (`_recover_runs`): with Redis an
  unacknowledged message comes back only after the visibility timeout (an hour by default), so
  without this a scan whose worker died would sit "running" that long. A second copy of a run is
  harmless: finished runs are skipped and two copies cannot commit the same batch.
- `scan_batch` classifies and commits one batch of a full scan (fanned out by `execute_run` as a
  group across every worker; see services/scan.py). Same acks_late policy: a batch whose worker
  died is delivered again, and a batch committed twice writes nothing the second time.
- `nightly_scan` (Celery beat) queues a full scan of every active engagement.
"""
from __future__ import annotations

import logging

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError, close_old_connections
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import services

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, BrokerOperationalError, RedisConnectionError, RedisTimeoutError)


class RunTask(DjangoTask):
    """Marks the run failed once it can no longer succeed (a bug, or retries exhausted)."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):  # noqa: ANN001 - Celery's signature
        run_id = args[0] if args else kwargs.get("run_id")
        if run_id is not None:
            try:
                services.detection_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
            except Exception:  # noqa: BLE001 - the database may be what failed
                logger.exception("could not mark detection run %s failed", run_id)
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(
    base=RunTask, name="conflicts.execute_run", acks_late=True, reject_on_worker_lost=True,
    autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=300, retry_jitter=True, max_retries=8,
)
def execute_run(run_id: int) -> None:
    services.detection_run_execute(run_id=run_id)


@shared_task(
    base=RunTask, name="conflicts.scan_batch", acks_late=True, reject_on_worker_lost=True,
    autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=300, retry_jitter=True, max_retries=8,
)
def scan_batch(run_id: int, number: int) -> None:
    services.scan_batch_execute(run_id=run_id, number=number)


@shared_task(
    name="conflicts.nightly_scan", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5,
    retry_backoff_max=600, retry_jitter=True, max_retries=5,
)
def nightly_scan() -> list[int]:
    return services.detection_nightly_start()


@worker_ready.connect
def _recover_runs(sender=None, **kwargs) -> None:  # noqa: ANN001 - Celery's signal signature
    try:
        close_old_connections()
        for run_id in services.detection_runs_to_recover():
            execute_run.delay(run_id)
            logger.info("re-enqueued unfinished detection run %s", run_id)
    except Exception:  # noqa: BLE001 - recovery is best effort; the broker redelivers later anyway
        logger.exception("could not re-enqueue unfinished detection runs")
    finally:
        close_old_connections()
