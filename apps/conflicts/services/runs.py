"""Executing one detection run, whatever its scope: the entry point the run's task calls.

An incremental check is `detection`'s, a full scan is `scan`'s (which builds on `detection`); this module
sits above both, so neither imports the other back.
"""
from __future__ import annotations

from ..models import DetectionRun
from . import detection, scan


def detection_run_execute(*, run_id: int) -> None:
    """Do (or finish) the work of one run; a finished or vanished run is left alone (redelivery)."""
    run = DetectionRun.objects.filter(pk=run_id).only("scope", "status").first()
    if run is None or run.status not in detection.ACTIVE_RUN:
        return
    if run.scope == DetectionRun.Scope.INCREMENTAL:
        detection._execute_incremental(run_id)
    else:
        scan.scan_execute(run_id=run_id)
