"""Detection runs: the incremental check of one input, the full scan of an engagement, and how their
findings land in the database exactly once.

Loss-free and duplicate-free by construction:
- every finding has a fingerprint and a pair key, both unique; rows are inserted with
  INSERT … ON CONFLICT DO NOTHING, so a re-run or a redelivered task never duplicates one;
- a full scan commits its findings and its progress (`done`) in the same small transaction, so a
  worker killed half-way leaves exactly the batches it finished; the redelivered task rebuilds the
  same index from the same data and resumes at `done`;
- which pairs a scan classifies, and with which context score, does not depend on where it
  resumed (see `_ScanPlan`), so the resumed run ends with the same findings as an undisturbed one;
- a large scan is classified by processes the worker forks (one per CPU), but only the worker writes,
  batch by batch in statement order: the same rows, progress and resumption as a scan in one process.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.accounts.policies import require_pmo
from apps.audit.services import audit_log
from apps.conflicts import hooks
from apps.core.errors import ApplicationError
from apps.core.jobs import enqueue_on_commit
from apps.engagements.models import Engagement, Workstream
from apps.inputs.models import Input, InputRevision
from apps.notifications.services import notify

from ..models import DetectionRun, Finding, RevisionStatement
from . import corpus, related
from .feedback import calibration_current
from .finding_inserts import chunks, insert_new

logger = logging.getLogger(__name__)

ACTIVE_RUN = (DetectionRun.Status.QUEUED, DetectionRun.Status.RUNNING)
SUPERSEDABLE = Finding.AWAITING_STATUSES
META_KINDS = (Finding.Kind.PRIORITY, Finding.Kind.TERMINOLOGY)  # the kinds that read input priority / kind
MAX_ERRORS = 50


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _batch_size() -> int:
    return int(_setting("CONFLICTS_SCAN_BATCH", 200))


def _batch_sleep() -> float:
    """Test-only throttle (seconds per committed batch) so a worker can be killed mid-scan; unset = 0."""
    return float(_setting("CONFLICTS_SCAN_BATCH_SLEEP", 0.0))


def _stale_after() -> timedelta:
    return timedelta(seconds=int(_setting("CONFLICTS_RUN_STALE_SECONDS", 900)))


# --- writing a batch ------------------------------------------------------------------------------------------


@dataclass
class _BatchResult:
    created: list[dict[str, Any]]  # Finding columns (with "id") of the rows inserted as open findings
    reopened: list[Finding]
    seen: int

    @property
    def new_ids(self) -> list[int]:
        return [row["id"] for row in self.created] + [f.pk for f in self.reopened]

    @property
    def new_refs(self) -> list[str]:
        return [Finding(**row).reference for row in self.created] + [f.reference for f in self.reopened]

    def new_findings(self) -> list[Finding]:
        return [Finding(**row) for row in self.created] + self.reopened


def _upsert(*, run: DetectionRun, detections: Sequence[dict[str, Any]]) -> _BatchResult:
    """Insert what is new (ON CONFLICT DO NOTHING), reopen superseded pairs seen again on current text.

    Dismissed, resolved and in-alignment findings are left exactly as they are: a dismissed pair
    stays dismissed however often it is detected again.
    """
    by_key: dict[str, dict[str, Any]] = {}
    for fields in detections:
        by_key.setdefault(fields["pair_key"], fields)
    if not by_key:
        return _BatchResult([], [], 0)
    status_of: dict[str, str] = {}
    for part in chunks(list(by_key)):
        status_of.update(Finding.objects.filter(pair_key__in=part).values_list("pair_key", "status"))
    fresh = [{**fields, "run_id": run.pk} for key, fields in by_key.items() if key not in status_of]
    _carry_dismissals(fresh)
    inserted = insert_new(fresh)
    created = []
    for row in fresh:
        pk = inserted.get(row["pair_key"])
        if pk is not None and row.get("status", Finding.Status.OPEN) == Finding.Status.OPEN:
            row["id"] = pk
            created.append(row)
    now = timezone.now()
    reopened = []
    superseded = [key for key, status in status_of.items() if status == Finding.Status.SUPERSEDED]
    for part in chunks(superseded):
        for finding in Finding.objects.filter(pair_key__in=part, status=Finding.Status.SUPERSEDED):
            for name, value in by_key[finding.pair_key].items():
                setattr(finding, name, value)
            finding.status, finding.status_changed_at, finding.run = Finding.Status.OPEN, now, run
            finding.save()
            reopened.append(finding)
    seen = len(by_key) - len(created) - len(reopened)
    return _BatchResult(created, reopened, seen)


def _carry_dismissals(fresh: Sequence[dict[str, Any]]) -> None:
    """A pair dismissed as a false positive stays dismissed when a later revision of either input
    leaves both statements word for word the same (its fingerprint changed, the false positive did not)."""
    if not fresh:
        return
    inputs = {f["input_a_id"] for f in fresh} | {f["input_b_id"] for f in fresh}
    dismissed = {}
    for part in chunks(sorted(inputs)):
        for d in (Finding.objects.filter(status=Finding.Status.DISMISSED, input_a_id__in=part)
                  .only("pk", "number", "input_a_id", "input_b_id", "statement_a", "statement_b",
                        "dismissed_reason")):
            if d.input_b_id in inputs:
                dismissed[(d.input_a_id, d.input_b_id, d.statement_a, d.statement_b)] = d
    if not dismissed:
        return
    now = timezone.now()
    for f in fresh:
        earlier = dismissed.get((f["input_a_id"], f["input_b_id"], f["statement_a"], f["statement_b"]))
        if earlier is not None:
            f["status"], f["status_changed_at"] = Finding.Status.DISMISSED, now
            f["dismissed_reason"] = (f"Same statements as {earlier.reference}, dismissed: "
                                     f"{earlier.dismissed_reason}")[:2000]


def _finding_url(finding: Finding) -> str:
    return reverse("conflicts:finding", kwargs={"engagement_id": finding.engagement_id, "finding_id": finding.pk})


def _leads_by_workstream(*, engagement_id: int) -> dict[int, list[int]]:
    leads: dict[int, list[int]] = {}
    for user_id, ws_id in Membership.objects.filter(engagement_id=engagement_id, role=Role.LEAD).values_list(
            "user_id", "workstream_id"):
        leads.setdefault(ws_id, []).append(user_id)
    return leads


def _notify(**kwargs: Any) -> None:
    notify(kind="finding", **kwargs)


def _notify_each(findings: Sequence[Finding], *, engagement_id: int) -> None:
    """The leads of both workstreams hear about each new finding of an incremental check."""
    if not findings:
        return
    leads = _leads_by_workstream(engagement_id=engagement_id)
    ws_ids = {f.workstream_a_id for f in findings} | {f.workstream_b_id for f in findings}
    names = dict(Workstream.objects.filter(pk__in=ws_ids).values_list("pk", "name"))
    for f in findings:
        recipients = set(leads.get(f.workstream_a_id, [])) | set(leads.get(f.workstream_b_id, []))
        if not recipients:
            continue
        what = "Conflict" if f.label == Finding.Label.CONFLICT else "Merge candidate"
        _notify(recipients=recipients, engagement=engagement_id, url=_finding_url(f),
                title=f"{what} {f.reference} ({f.get_kind_display().lower()}) between "
                      f"{names.get(f.workstream_a_id, '?')} and {names.get(f.workstream_b_id, '?')}",
                body=f.explanation, dedupe_key=f"conflicts.finding.{f.pk}")


def _notify_digest(run: DetectionRun) -> None:
    """A full scan sends each lead one summary of the new findings touching their workstream."""
    rows = list(Finding.objects.filter(run=run, status=Finding.Status.OPEN).values_list(
        "workstream_a_id", "workstream_b_id", "label"))
    if not rows:
        return
    per_ws: dict[int, list[int]] = {}
    for ws_a, ws_b, label in rows:
        for ws in {ws_a, ws_b}:
            counts = per_ws.setdefault(ws, [0, 0])
            counts[0 if label == Finding.Label.CONFLICT else 1] += 1
    leads = _leads_by_workstream(engagement_id=run.engagement_id)
    url = reverse("conflicts:run", kwargs={"engagement_id": run.engagement_id, "run_id": run.pk})
    for ws_id, (conflicts, duplicates) in per_ws.items():
        if leads.get(ws_id):
            _notify(recipients=leads[ws_id], engagement=run.engagement_id, url=url,
                    title=f"{run.get_scope_display()} #{run.pk}: {conflicts} new conflict(s) and {duplicates} "
                          "merge candidate(s) touch your workstream",
                    dedupe_key=f"conflicts.run.{run.pk}.ws.{ws_id}")


@transaction.atomic
def _commit_batch(*, run_id: int, expected_done: int, new_done: int, detections: Sequence[dict[str, Any]],
                  errors: Sequence[str] = (), notify_each: bool = False, finish: bool = False) -> bool:
    """Findings and progress of one batch, atomically. False if another execution got there first."""
    run = DetectionRun.objects.select_for_update().get(pk=run_id)
    if run.status != DetectionRun.Status.RUNNING or run.done != expected_done:
        return False
    result = _upsert(run=run, detections=detections)
    run.done = new_done
    new_ids = result.new_ids
    run.findings_new += len(new_ids)
    run.findings_seen += result.seen
    if errors:
        run.errors = (list(run.errors) + list(errors))[:MAX_ERRORS]
    if finish:
        _mark_finished(run)
    run.save()
    if new_ids:
        audit_log(actor=None, action="conflicts.findings.detected", target=run, engagement=run.engagement_id,
                  changes={"findings": result.new_refs, "count": len(new_ids),
                           "statements_done": new_done})
        if notify_each:
            _notify_each(result.new_findings(), engagement_id=run.engagement_id)
        # e.g. outgoing webhooks: their deliveries are written in this batch's transaction, sent after commit
        hooks.findings_opened(findings=result.new_findings(), engagement_id=run.engagement_id)
    return True


def _mark_finished(run: DetectionRun) -> None:
    run.status = DetectionRun.Status.SUCCEEDED
    run.phase = ""
    run.finished_at = timezone.now()


@transaction.atomic
def _claim(run_id: int, *, phase: str) -> DetectionRun | None:
    run = DetectionRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.status not in ACTIVE_RUN:
        return None
    run.status = DetectionRun.Status.RUNNING
    run.phase = phase
    run.started_at = run.started_at or timezone.now()
    run.save(update_fields=["status", "phase", "started_at", "updated_at"])
    return run


# --- executing runs -------------------------------------------------------------------------------------------


def _execute_incremental(run_id: int) -> None:
    run = _claim(run_id, phase="checking")
    if run is None:
        return
    revision = InputRevision.objects.select_related("input").filter(pk=run.trigger_revision_id).first()
    item = revision.input if revision else None
    if item is None or item.status != Input.Status.SUBMITTED or item.current_revision_id != revision.pk:
        # The input moved on (new revision, withdrawn) before the check ran: its own run covers it.
        _commit_batch(run_id=run_id, expected_done=run.done, new_done=run.done, detections=(), finish=True)
        return
    corpus.statements_record(revision=revision)
    rows = list(RevisionStatement.objects.filter(revision=revision).order_by("ordinal").values(*corpus._ROW_FIELDS))
    new = [corpus.engine_statement(r) for r in rows]
    DetectionRun.objects.filter(pk=run_id).update(total=len(new))
    choice_sets = corpus.engine_choice_sets(engagement_id=item.engagement_id)
    cal = calibration_current(engagement_id=item.engagement_id)
    found = corpus.check_against_corpus(engagement_id=item.engagement_id, choice_sets=choice_sets, new=new,
                                        exclude=corpus.exclusion(), related_min=cal.related_min) if new else []
    detections, related_rows = related.sort_tiers(engagement_id=item.engagement_id, found=found, cal=cal)
    if related_rows:
        with transaction.atomic():
            related.related_upsert(run=run, rows=related_rows)
            # the new input's statements and their partners: every pair of every statement touched is weighed
            touched = {item.pk} | {r["input_a_id"] for r in related_rows} | {r["input_b_id"] for r in related_rows}
            related.related_cap(engagement_id=item.engagement_id, input_ids=touched)
            DetectionRun.objects.filter(pk=run_id).update(related_new=related.related_count(run_id=run_id))
    _commit_batch(run_id=run_id, expected_done=run.done, new_done=len(new), detections=detections,
                  notify_each=True, finish=True)


@transaction.atomic
def detection_run_fail(*, run_id: int, error: str) -> None:
    """Called by the task when a run cannot finish (a bug, or retries exhausted)."""
    run = DetectionRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.status not in ACTIVE_RUN:
        return
    run.status = DetectionRun.Status.FAILED
    run.phase = ""
    run.finished_at = timezone.now()
    run.errors = (list(run.errors) + [error[:500]])[:MAX_ERRORS]
    run.save()
    audit_log(actor=None, action="conflicts.detection_run.failed", target=run, engagement=run.engagement_id,
              changes={"error": error[:500], "done": run.done, "total": run.total})


def detection_runs_to_recover() -> list[int]:
    """Runs a worker should pick up when it starts: queued or running ones not finished.

    Their messages may be stuck unacknowledged with a worker that died (Redis redelivers them only
    after the visibility timeout). Enqueuing them again is safe: a finished run is skipped, and two
    copies of one run cannot both commit the same batch (see `_commit_batch`).
    """
    horizon = timezone.now() - timedelta(days=2)
    return list(DetectionRun.objects.filter(status__in=ACTIVE_RUN, created_at__gte=horizon)
                .order_by("created_at").values_list("pk", flat=True))


# --- starting runs --------------------------------------------------------------------------------------------


def _enqueue(run: DetectionRun) -> None:
    enqueue_on_commit("conflicts.execute_run", run.pk)


def _active_scan(*, engagement: Engagement) -> DetectionRun | None:
    """The engagement's unfinished full/nightly scan, failing one whose heartbeat stopped long ago."""
    active = DetectionRun.objects.filter(engagement=engagement, status__in=ACTIVE_RUN).exclude(
        scope=DetectionRun.Scope.INCREMENTAL).order_by("-created_at").first()
    if active is not None and active.updated_at < timezone.now() - _stale_after():
        detection_run_fail(run_id=active.pk, error="No progress for too long; presumed lost with its worker.")
        return None
    return active


@transaction.atomic
def detection_run_start(*, engagement: Engagement, actor: User | None,
                        scope: str = DetectionRun.Scope.FULL) -> DetectionRun:
    """Queue a full scan of the engagement (the PMO's button, the API, or the nightly schedule)."""
    if scope not in (DetectionRun.Scope.FULL, DetectionRun.Scope.NIGHTLY):
        raise ApplicationError(f"Unknown scan scope {scope!r}.", field="scope")
    if actor is not None:
        require_pmo(actor=actor, engagement=engagement)
    elif scope != DetectionRun.Scope.NIGHTLY:
        raise ApplicationError("A full scan needs the PMO who starts it.")
    Engagement.objects.select_for_update().filter(pk=engagement.pk).first()  # one scan start at a time
    active = _active_scan(engagement=engagement)
    if active is not None:
        raise ApplicationError(f"{active.get_scope_display()} #{active.pk} is still {active.status}; wait for it "
                               "to finish.", extra={"run": active})
    run = DetectionRun.objects.create(engagement=engagement, scope=scope, triggered_by=actor)
    audit_log(actor=actor, action="conflicts.detection_run.started", target=run, engagement=engagement,
              changes={"scope": scope})
    _enqueue(run)
    return run


def detection_nightly_start() -> list[int]:
    """Queue a nightly scan of every active engagement that has no scan in progress."""
    started = []
    for engagement in Engagement.objects.filter(is_archived=False).order_by("pk"):
        try:
            started.append(detection_run_start(engagement=engagement, actor=None,
                                               scope=DetectionRun.Scope.NIGHTLY).pk)
        except ApplicationError as exc:
            logger.info("nightly scan of engagement %s skipped: %s", engagement.pk, exc.message)
    return started


def _queue_incremental(*, item: Input, revision: InputRevision) -> DetectionRun:
    run = DetectionRun.objects.create(engagement_id=item.engagement_id, scope=DetectionRun.Scope.INCREMENTAL,
                                      trigger_revision=revision)
    audit_log(actor=None, action="conflicts.detection_run.queued", target=run, engagement=item.engagement_id,
              changes={"scope": "incremental", "input": item.reference, "revision": revision.number})
    _enqueue(run)
    return run


def _supersede(*, item: Input, why: str, kinds: Sequence[str] | None = None) -> int:
    if kinds is None:
        related.related_supersede(input_id=item.pk)
    qs = Finding.objects.filter(Q(input_a=item) | Q(input_b=item), status__in=SUPERSEDABLE)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    refs = [f"F-{number or pk}" for pk, number in qs.values_list("pk", "number")]
    if not refs:
        return 0
    qs.update(status=Finding.Status.SUPERSEDED, status_changed_at=timezone.now(), updated_at=timezone.now())
    audit_log(actor=None, action="conflicts.findings.superseded", target=item, engagement=item.engagement_id,
              changes={"findings": refs, "why": why})
    return len(refs)


# --- what inputs/hooks.py calls (inside the input service's transaction) -----------------------------------


def detection_input_submitted(*, input: Input) -> DetectionRun | None:
    revision = input.current_revision
    if revision is None:
        return None
    corpus.statements_record(revision=revision)
    return _queue_incremental(item=input, revision=revision)


def detection_revision_created(*, revision: InputRevision, previous: InputRevision | None) -> DetectionRun | None:
    item = revision.input
    if item.status != Input.Status.SUBMITTED:
        return None  # drafts are checked when submitted
    _supersede(item=item, why=f"{item.reference} revised to r{revision.number}")
    corpus.statements_record(revision=revision)
    return _queue_incremental(item=item, revision=revision)


def detection_input_withdrawn(*, input: Input) -> None:
    _supersede(item=input, why=f"{input.reference} withdrawn")


def detection_input_details_changed(*, input: Input) -> DetectionRun | None:
    """Priority and kind feed the priority and terminology rules: re-decide those, then check again."""
    if input.status != Input.Status.SUBMITTED or input.current_revision is None:
        return None
    _supersede(item=input, why=f"{input.reference} priority or kind changed", kinds=META_KINDS)
    return _queue_incremental(item=input, revision=input.current_revision)
