"""Background imports: the task takes an id and calls the service; the service owns the transaction."""
from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, name="interchange.run_import")
def run_import(job_id: int) -> str:
    from .services import importjob_run

    job = importjob_run(job_id=job_id)
    return job.status if job is not None else "missing"
