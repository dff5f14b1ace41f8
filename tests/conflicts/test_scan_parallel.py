"""A full scan classified by forked helper processes ends exactly like one classified in the worker.

The helpers are forked from this (test) process, as they are from a Celery prefork child in
production (tests/conflicts/test_worker.py runs that for real): they only compute, the scanning
process writes every batch. Forced on for small corpora through the settings.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from apps.conflicts.bench import _bodies, _seed_inputs
from apps.conflicts.models import DetectionRun, Finding
from apps.conflicts.services import detection, detection_run_execute, finding_dismiss, forked

COLUMNS = ("fingerprint", "pair_key", "label", "kind", "status", "revision_a_id", "revision_b_id", "input_a_id",
           "input_b_id", "workstream_a_id", "workstream_b_id", "statement_a", "statement_b", "span_a", "span_b",
           "highlights", "values", "rule", "score", "explanation", "dismissed_reason")


@pytest.fixture
def corpus_of_40(engagement, pmo):
    _seed_inputs(engagement=engagement, author=pmo, bodies=_bodies(40))


@pytest.fixture
def helpers(settings):
    """helpers(n): classify scans in n processes (1 = in the scanning process), small batches."""
    settings.CONFLICTS_SCAN_PARALLEL_MIN = 0
    settings.CONFLICTS_SCAN_BATCH = 16

    def use(n: int) -> None:
        settings.CONFLICTS_SCAN_WORKERS = n

    return use


@pytest.fixture
def forks(monkeypatch):
    """How many helper processes the scans forked."""
    count = {"n": 0}
    real = forked.fork_helpers

    def spy(n, job):
        count["n"] += n
        return real(n, job)

    monkeypatch.setattr(forked, "fork_helpers", spy)
    return count


def _children() -> set[int]:
    """Live child processes of this process (Linux)."""
    out: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        out |= {int(pid) for pid in (task / "children").read_text().split()}
    return out


def _scan(engagement, pmo) -> DetectionRun:
    run = DetectionRun.objects.create(engagement=engagement, scope="full", triggered_by=pmo)
    detection_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _findings(engagement) -> list[tuple]:
    return sorted(Finding.objects.filter(engagement=engagement).values_list(*COLUMNS))


pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self/task").exists(),
                                reason="forked scan helpers need os.fork (and /proc to check they are gone)")


def test_helpers_find_exactly_the_findings_of_one_process_in_the_same_order(
        corpus_of_40, helpers, forks, engagement, pmo):
    helpers(1)
    alone = _scan(engagement, pmo)
    expected = _findings(engagement)
    expected_ids = list(Finding.objects.filter(engagement=engagement).order_by("pk").values_list("fingerprint",
                                                                                                 flat=True))
    assert forks["n"] == 0 and alone.status == "succeeded" and len(expected) > 50
    Finding.objects.filter(engagement=engagement).delete()

    helpers(3)
    shared = _scan(engagement, pmo)
    assert forks["n"] == 6  # 3 for the candidate lists, 3 to classify
    assert shared.status == "succeeded" and shared.done == shared.total == alone.total
    assert (shared.findings_new, shared.findings_seen, shared.errors) == (alone.findings_new, 0, [])
    assert _findings(engagement) == expected
    # inserted in the same order as by one process
    assert list(Finding.objects.filter(engagement=engagement).order_by("pk").values_list(
        "fingerprint", flat=True)) == expected_ids
    assert not _children()


def test_a_rescan_with_helpers_keeps_dismissals_and_reopens_superseded_pairs(
        corpus_of_40, helpers, engagement, pmo):
    helpers(2)
    first = _scan(engagement, pmo)
    findings = list(Finding.objects.filter(engagement=engagement).order_by("pk"))
    dismissed = finding_dismiss(finding=findings[0], actor=pmo, reason="Not a real clash.")
    Finding.objects.filter(pk__in=[f.pk for f in findings[1:4]]).update(status="superseded")

    again = _scan(engagement, pmo)
    assert again.status == "succeeded" and again.findings_new == 3  # the reopened ones
    assert again.findings_seen == first.findings_new - 3
    dismissed.refresh_from_db()
    assert dismissed.status == "dismissed"
    assert set(Finding.objects.filter(pk__in=[f.pk for f in findings[1:4]]).values_list("status", flat=True)) == {
        "open"}
    assert Finding.objects.filter(engagement=engagement).count() == first.findings_new
    assert not _children()


def test_a_helper_that_dies_leaves_the_rest_of_the_scan_to_the_scanning_process(
        corpus_of_40, helpers, monkeypatch, engagement, pmo):
    helpers(1)
    _scan(engagement, pmo)
    expected = _findings(engagement)
    Finding.objects.filter(engagement=engagement).delete()

    me = os.getpid()
    real_part = detection._ScanWork.part

    def part(self, start, end, k=0, parts=1):
        if os.getpid() != me and k == 1 and start >= 48:
            os._exit(9)  # a helper killed (OOM) in the middle of the scan
        return real_part(self, start, end, k, parts)

    monkeypatch.setattr(detection._ScanWork, "part", part)
    helpers(2)
    run = _scan(engagement, pmo)
    assert run.status == "succeeded" and run.done == run.total
    assert _findings(engagement) == expected
    assert not _children()


def test_a_scan_with_helpers_interrupted_mid_way_resumes_to_the_same_findings(
        corpus_of_40, helpers, monkeypatch, engagement, pmo):
    helpers(1)
    _scan(engagement, pmo)
    expected = _findings(engagement)
    Finding.objects.filter(engagement=engagement).delete()

    helpers(2)
    real_commit = detection._commit_batch
    calls = {"n": 0}

    def dying_commit(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return real_commit(**kwargs)

    run = DetectionRun.objects.create(engagement=engagement, scope="full", triggered_by=pmo)
    monkeypatch.setattr(detection, "_commit_batch", dying_commit)
    with pytest.raises(SystemExit):
        detection_run_execute(run_id=run.pk)
    assert not _children()  # the helpers went with the interrupted execution
    run.refresh_from_db()
    assert run.status == "running" and run.done == 32
    monkeypatch.setattr(detection, "_commit_batch", real_commit)
    detection_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded" and run.done == run.total
    assert _findings(engagement) == expected
    assert run.findings_new == len(expected)
    assert not _children()


def test_a_scan_that_cannot_fork_runs_in_the_scanning_process(corpus_of_40, helpers, forks, monkeypatch,
                                                              engagement, pmo):
    helpers(1)
    _scan(engagement, pmo)
    expected = _findings(engagement)
    Finding.objects.filter(engagement=engagement).delete()

    def no_fork():
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(os, "fork", no_fork)
    helpers(2)
    run = _scan(engagement, pmo)
    assert forks["n"] == 4  # asked twice, got none
    assert run.status == "succeeded" and run.done == run.total and _findings(engagement) == expected
