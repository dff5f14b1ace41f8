"""What each role sees first when opening an engagement: a dashboard for its job.

Selectors only (reads). Every dashboard runs a fixed number of queries whatever the data size.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.alignment.models import AgendaItem, AlignmentSession, Decision, Position
from apps.approvals.models import ApprovalSubmission, Signature
from apps.conflicts.models import Finding
from apps.deliverables.coverage import coverage_for
from apps.deliverables.models import DeliverableVersion, TraceLink
from apps.engagements.models import Engagement, Workstream
from apps.inputs.models import Input
from apps.inputs.requests import is_overdue, requests_open_for_workstream

from . import charts

LIST_LIMIT = 8


@dataclass
class PmoDashboard:
    stats: dict[str, Any]
    by_kind: list[tuple[str, int]]
    heatmap_svg: str
    heatmap_rows: list[tuple[Workstream, list[int]]]
    workstreams: list[Workstream]
    trend_svg: str
    trend: list[tuple[dt.date, int]]
    kind_svg: str
    sessions: list[AlignmentSession]
    awaiting: list[ApprovalSubmission]
    deferred: list[Decision]
    suspect_links: list[TraceLink]
    coverage: Any


def _week_starts(today: dt.date, weeks: int) -> list[dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def integration_trend(*, engagement: Engagement, weeks: int = 8) -> list[tuple[dt.date, int]]:
    """Share (%) of submitted inputs that a deliverable section traced to, at the end of each week.

    One aggregate query with a pair of filtered counts per week, so no input rows reach Python.
    """
    starts = _week_starts(timezone.localdate(), weeks)
    ends = [timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=7), dt.time.min)) for start in starts]
    per_input = (Input.objects.filter(engagement=engagement, status=Input.Status.SUBMITTED)
                 .annotate(first_traced=Min("revisions__trace_links__created_at")))
    counts = per_input.aggregate(**{
        key: Count("pk", filter=condition)
        for k, end in enumerate(ends)
        for key, condition in ((f"total_{k}", Q(submitted_at__lt=end)),
                               (f"traced_{k}", Q(submitted_at__lt=end, first_traced__lt=end)))
    })
    points = []
    for k, start in enumerate(starts):
        total, traced = counts[f"total_{k}"], counts[f"traced_{k}"]
        points.append((start, round(100 * traced / total) if total else 0))
    return points


def pmo_dashboard(*, engagement: Engagement, workstreams: list[Workstream] | None = None) -> PmoDashboard:
    if workstreams is None:
        workstreams = list(Workstream.objects.filter(engagement=engagement))
    open_findings = Finding.objects.filter(engagement=engagement, status__in=Finding.UNRESOLVED_STATUSES)
    by_kind_rows = (open_findings.values("label", "kind").annotate(n=Count("pk")).order_by("-n"))
    kinds = dict(Finding.Kind.choices)
    by_kind = [(kinds.get(r["kind"], r["kind"]), r["n"]) for r in by_kind_rows if r["label"] == "conflict"]
    n_merge = sum(r["n"] for r in by_kind_rows if r["label"] == "duplicate")
    pairs = (open_findings.filter(label=Finding.Label.CONFLICT)
             .values("workstream_a", "workstream_b").annotate(n=Count("pk")))
    index = {w.pk: i for i, w in enumerate(workstreams)}
    matrix = [[0] * len(workstreams) for _ in workstreams]
    for row in pairs:
        i, j = index.get(row["workstream_a"]), index.get(row["workstream_b"])
        if i is None or j is None:
            continue
        matrix[i][j] += row["n"]
        if i != j:
            matrix[j][i] += row["n"]
    coverage = coverage_for(engagement=engagement)
    trend = integration_trend(engagement=engagement)
    awaiting = list(ApprovalSubmission.objects.filter(version__deliverable__engagement=engagement,
                                                      status=ApprovalSubmission.Status.PENDING)
                    .select_related("version__deliverable").order_by("created_at")[:LIST_LIMIT])
    sessions = list(AlignmentSession.objects.filter(engagement=engagement)
                    .exclude(status=AlignmentSession.Status.CONCLUDED)
                    .annotate(n_items=Count("agenda_items")).order_by("scheduled_at")[:LIST_LIMIT])
    deferred = list(Decision.objects.filter(engagement=engagement, outcome=Decision.Outcome.DEFER)
                    .select_related("owner", "agenda_item").order_by(F("due_date").asc(nulls_last=True))[:LIST_LIMIT])
    suspect = list(TraceLink.objects.filter(section__deliverable__engagement=engagement, is_suspect=True)
                   .select_related("section__deliverable", "input_revision__input", "decision")[:LIST_LIMIT])
    stats = {
        "open_conflicts": sum(n for _, n in by_kind),
        "merge_candidates": n_merge,
        "integrated_percent": coverage.percent,
        "suspect_links": coverage.suspect_links,
        "deferred": coverage.deferred,
        "awaiting_approval": len(awaiting),
    }
    return PmoDashboard(
        stats=stats, by_kind=by_kind, workstreams=workstreams,
        heatmap_rows=list(zip(workstreams, matrix, strict=True)),
        heatmap_svg=charts.heatmap_svg([w.name for w in workstreams], matrix,
                                       title="Open conflicts between workstreams"),
        trend=trend, trend_svg=charts.trend_svg(trend, title="Submitted inputs integrated into the deliverable (%)"),
        kind_svg=charts.bar_svg(by_kind, title="Open conflicts by kind"),
        sessions=sessions, awaiting=awaiting, deferred=deferred, suspect_links=suspect, coverage=coverage,
    )


@dataclass
class LeadDashboard:
    workstream: Workstream
    drafts: list[Input]
    submitted: list[Input]
    awaiting_position: list[AgendaItem]
    open_findings: list[Finding]
    open_findings_count: int
    requests: list[Any]
    sessions: list[AlignmentSession]
    overdue: set[int] = field(default_factory=set)


def lead_dashboard(*, membership: Membership) -> LeadDashboard:
    ws = membership.workstream
    engagement_id = membership.engagement_id
    # One query for both lists: the most recently changed drafts and submitted inputs of the workstream.
    recent = list(Input.objects.filter(engagement_id=engagement_id, workstream=ws,
                                       status__in=[Input.Status.DRAFT, Input.Status.SUBMITTED])
                  .select_related("author", "workstream").prefetch_related("tags")
                  .order_by("-updated_at")[:LIST_LIMIT * 6])
    drafts = [i for i in recent if i.status == Input.Status.DRAFT][:LIST_LIMIT]
    submitted = [i for i in recent if i.status == Input.Status.SUBMITTED][:LIST_LIMIT]
    touches = Q(finding__workstream_a=ws) | Q(finding__workstream_b=ws) | Q(input__workstream=ws)
    my_position = Position.objects.filter(agenda_item=OuterRef("pk"), workstream=ws)
    awaiting = list(
        AgendaItem.objects.filter(session__engagement_id=engagement_id, decision__isnull=True)
        .exclude(session__status=AlignmentSession.Status.CONCLUDED)
        .filter(touches).filter(~Exists(my_position))
        .select_related("session", "finding", "input").order_by("session__scheduled_at", "order")[:LIST_LIMIT]
    )
    findings = (Finding.objects.filter(engagement_id=engagement_id, status__in=Finding.UNRESOLVED_STATUSES)
                .filter(Q(workstream_a=ws) | Q(workstream_b=ws)))
    open_findings = list(findings.select_related("workstream_a", "workstream_b", "input_a", "input_b")
                         .order_by("-score", "-id")[:LIST_LIMIT])
    requests = list(requests_open_for_workstream(engagement_id=engagement_id, workstream_id=ws.pk)[:LIST_LIMIT])
    sessions = list(AlignmentSession.objects.filter(engagement_id=engagement_id, participants__id=membership.user_id)
                    .exclude(status=AlignmentSession.Status.CONCLUDED).order_by("scheduled_at")[:LIST_LIMIT])
    return LeadDashboard(
        workstream=ws, drafts=drafts, submitted=submitted, awaiting_position=awaiting, open_findings=open_findings,
        open_findings_count=findings.count(), requests=requests, sessions=sessions,
        overdue={r.pk for r in requests if is_overdue(r)},
    )


@dataclass
class ApproverDashboard:
    awaiting: list[ApprovalSubmission]
    last_approved: Signature | None
    changes_since: list[dict[str, Any]]
    compared_version: DeliverableVersion | None
    history: list[Signature]


def section_changes(old: DeliverableVersion | None, new: DeliverableVersion) -> list[dict[str, Any]]:
    """Which sections were added, changed or removed between two frozen versions."""
    before = {s.get("heading"): s.get("body", "") for s in (old.sections if old else [])}
    after = {s.get("heading"): s.get("body", "") for s in new.sections}
    changes = [{"heading": h, "change": "added"} for h in after if h not in before]
    changes += [{"heading": h, "change": "changed"} for h in after if h in before and before[h] != after[h]]
    changes += [{"heading": h, "change": "removed"} for h in before if h not in after]
    return changes


def approver_dashboard(*, user: User, engagement: Engagement) -> ApproverDashboard:
    signed = Signature.objects.filter(submission=OuterRef("pk"), signer=user)
    awaiting = list(ApprovalSubmission.objects.filter(
        version__deliverable__engagement=engagement, status=ApprovalSubmission.Status.PENDING, approvers=user)
        .filter(~Exists(signed)).select_related("version__deliverable", "submitted_by").order_by("created_at"))
    history = list(Signature.objects.filter(signer=user, version__deliverable__engagement=engagement)
                   .select_related("version__deliverable").order_by("-signed_at")[:20])
    last_approved = next((s for s in history if s.meaning == Signature.Meaning.APPROVED), None)
    compared = awaiting[0].version if awaiting else None
    changes: list[dict[str, Any]] = []
    if compared is not None:
        base = last_approved.version if last_approved and last_approved.version.deliverable_id == \
            compared.deliverable_id else None
        changes = section_changes(base, compared)
    return ApproverDashboard(awaiting=awaiting, last_approved=last_approved, changes_since=changes,
                             compared_version=compared, history=history)
