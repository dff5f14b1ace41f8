"""Helpers for the conflicts tests: inputs that clash, and submitting them with the check actually run.

Tests run inside a transaction, so work enqueued with `delay_on_commit` only happens inside
`django_capture_on_commit_callbacks(execute=True)` — the `submit` fixture does that.
"""
from __future__ import annotations

from collections.abc import Callable

import pytest

from apps.conflicts.models import DetectionRun, Finding
from apps.conflicts.services import corpus, detection_run_start
from apps.inputs.models import Input

RETAIN = "Customer interaction logs must be retained for at least 24 months to support fraud investigations."
DELETE = "Customer interaction logs must be deleted within 90 days after collection."
TABLEAU = "Reporting dashboards will be built in Tableau for the regional teams."
POWER_BI = "Reporting dashboards will be built in Power BI for the regional teams."
AKAMAI = "The content delivery network will be Akamai for all storefront assets."
FASTLY = "The content delivery network will be Fastly for all storefront assets."
LOYALTY = "Every order confirmation email must include the loyalty points balance."


@pytest.fixture(autouse=True)
def _fresh_warm_index():
    """Each test starts with a cold in-process index (ids are reused after a rolled-back test)."""
    corpus.warm_index_clear()
    yield
    corpus.warm_index_clear()


@pytest.fixture
def submit(make_input, django_capture_on_commit_callbacks) -> Callable[..., Input]:
    """Create and submit an input, then run what its commit enqueued (the incremental check)."""

    def do(author, workstream: str, body: str, **fields) -> Input:
        with django_capture_on_commit_callbacks(execute=True):
            return make_input(author, workstream, body=body, submit=True, **fields)

    return do


@pytest.fixture
def run_after_commit(django_capture_on_commit_callbacks) -> Callable:
    """run_after_commit(fn, **kwargs): call a service and execute what it enqueued on commit."""

    def do(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return do


@pytest.fixture
def full_scan(run_after_commit, pmo, engagement) -> Callable[[], DetectionRun]:
    def do() -> DetectionRun:
        run = run_after_commit(detection_run_start, engagement=engagement, actor=pmo)
        run.refresh_from_db()
        return run

    return do


@pytest.fixture
def retention_conflict(submit, it_lead, data_lead) -> Finding:
    submit(it_lead, "it", RETAIN, title="Retain logs")
    submit(data_lead, "data", DELETE, title="Delete logs")
    return Finding.objects.get()
