"""Reads of findings, runs and choice sets, scoped to the asker (`apps.core.scope.Scope`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from apps.core.ids import is_id
from apps.core.scope import Scope
from apps.engagements.models import Engagement, Workstream
from apps.inputs.models import Input

from .models import Calibration, ChoiceSet, DetectionRun, Finding, RelatedPair, RevisionStatement, ScanBatch

RUN_ACTIVE = (DetectionRun.Status.QUEUED, DetectionRun.Status.RUNNING)


def _workstream_q(value: Any, side: str) -> Q:
    value = str(value)
    return Q(**{f"workstream_{side}_id": int(value)}) if is_id(value) else Q(**{f"workstream_{side}__slug": value})


def _touches(value: Any) -> Q:
    return _workstream_q(value, "a") | _workstream_q(value, "b")


def findings_visible_to(*, scope: Scope) -> QuerySet[Finding]:
    return Finding.objects.filter(scope.q())


def finding_list(*, scope: Scope,
                 filters: dict[str, Any] | None = None) -> QuerySet[Finding]:
    qs = findings_visible_to(scope=scope)
    qs = qs.select_related("workstream_a", "workstream_b", "input_a", "input_b")
    return _finding_filter(qs, filters or {})


def _finding_filter(qs: QuerySet[Finding], filters: dict[str, Any]) -> QuerySet[Finding]:
    """Filters shared by the HTML lists and the API.

    label, kind, status ("" = active: open, acknowledged, in alignment; "all" = every status),
    workstream (id or slug: findings touching it), ws_a + ws_b (the pair, either order),
    min_score, input (id: findings touching that input), run (id).
    """
    if value := filters.get("label"):
        qs = qs.filter(label=value)
    if value := filters.get("kind"):
        qs = qs.filter(kind=value)
    status = filters.get("status") or ""
    if status == "all":
        pass
    elif status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=Finding.UNRESOLVED_STATUSES)
    if value := filters.get("workstream"):
        qs = qs.filter(_touches(value))
    ws_a, ws_b = filters.get("ws_a"), filters.get("ws_b")
    if ws_a and ws_b:
        qs = qs.filter((_workstream_q(ws_a, "a") & _workstream_q(ws_b, "b"))
                       | (_workstream_q(ws_b, "a") & _workstream_q(ws_a, "b")))
    elif ws_a or ws_b:
        qs = qs.filter(_touches(ws_a or ws_b))
    if (value := filters.get("min_score")) not in (None, ""):
        qs = qs.filter(score__gte=float(value))
    if value := filters.get("input"):
        qs = qs.filter(Q(input_a_id=value) | Q(input_b_id=value))
    if value := filters.get("run"):
        qs = qs.filter(run_id=value)
    return qs


def finding_get(*, scope: Scope, finding_id: int) -> Finding:
    qs = finding_list(scope=scope, filters={"status": "all"}).select_related(
        "revision_a", "revision_b", "run", "dismissed_by")
    try:
        return qs.get(pk=finding_id)
    except Finding.DoesNotExist as exc:
        raise Http404("No such finding") from exc


@dataclass(frozen=True)
class MatrixCell:
    row: Workstream
    column: Workstream
    count: int


def finding_matrix(*, engagement: Engagement, label: str,
                   status: str = Finding.Status.OPEN) -> tuple[list[Workstream], list[list[MatrixCell]]]:
    """Workstream × workstream counts of one label and status (symmetric), in two queries."""
    workstreams = list(Workstream.objects.filter(engagement=engagement))
    counts: dict[tuple[int, int], int] = {}
    for row in Finding.objects.filter(engagement=engagement, label=label, status=status).values(
            "workstream_a_id", "workstream_b_id").annotate(n=Count("id")).order_by():
        key = tuple(sorted((row["workstream_a_id"], row["workstream_b_id"])))
        counts[key] = counts.get(key, 0) + row["n"]
    rows = [[MatrixCell(r, c, counts.get(tuple(sorted((r.pk, c.pk))), 0)) for c in workstreams] for r in workstreams]
    return workstreams, rows


def engagement_finding_counts(*, engagement: Engagement) -> dict[str, int]:
    """Open conflicts and merge candidates, and findings still to look at, in one query."""
    return Finding.objects.filter(engagement=engagement).aggregate(
        open_conflicts=Count("id", filter=Q(label=Finding.Label.CONFLICT, status=Finding.Status.OPEN)),
        open_duplicates=Count("id", filter=Q(label=Finding.Label.DUPLICATE, status=Finding.Status.OPEN)),
        acknowledged=Count("id", filter=Q(status=Finding.Status.ACKNOWLEDGED)),
        in_alignment=Count("id", filter=Q(status=Finding.Status.IN_ALIGNMENT)),
    )


def input_findings(*, input: Input, limit: int = 50) -> list[Finding]:
    """Findings touching an input that still matter (not superseded), best first, in one query."""
    qs = Finding.objects.filter(Q(input_a=input) | Q(input_b=input)).exclude(status=Finding.Status.SUPERSEDED)
    return list(qs.select_related("workstream_a", "workstream_b", "input_a", "input_b")
                .order_by("label", "-score", "-id")[:limit])


def input_statements(*, input: Input) -> QuerySet[RevisionStatement]:
    """The statements of the input's current revision, in order (what can be flagged by hand)."""
    return RevisionStatement.objects.filter(revision_id=input.current_revision_id).order_by("ordinal").only(
        "pk", "ordinal", "text")


def input_check_pending(*, input: Input) -> bool:
    """Is an incremental check of the input's current revision still queued or running?"""
    if input.current_revision_id is None or input.status != Input.Status.SUBMITTED:
        return False
    return DetectionRun.objects.filter(scope=DetectionRun.Scope.INCREMENTAL, status__in=RUN_ACTIVE,
                                       trigger_revision_id=input.current_revision_id).exists()


def run_list(*, scope: Scope) -> QuerySet[DetectionRun]:
    qs = DetectionRun.objects.filter(scope.q())
    return qs.select_related("triggered_by", "trigger_revision__input")


def run_get(*, scope: Scope, run_id: int) -> DetectionRun:
    try:
        return run_list(scope=scope).get(pk=run_id)
    except DetectionRun.DoesNotExist as exc:
        raise Http404("No such run") from exc


def latest_scan(*, engagement: Engagement) -> DetectionRun | None:
    return DetectionRun.objects.filter(engagement=engagement).exclude(
        scope=DetectionRun.Scope.INCREMENTAL).order_by("-created_at", "-id").first()


def choice_set_list(*, scope: Scope) -> QuerySet[ChoiceSet]:
    qs = ChoiceSet.objects.filter(scope.q())
    return qs.select_related("created_by")


def choice_set_get(*, scope: Scope, choice_set_id: int) -> ChoiceSet:
    try:
        return choice_set_list(scope=scope).select_related("engagement").get(
            pk=choice_set_id)
    except ChoiceSet.DoesNotExist as exc:
        raise Http404("No such choice set") from exc


# --- the second tier, statements, calibration ----------------------------------------------------------------


def related_list(*, scope: Scope,
                 filters: dict[str, Any] | None = None) -> QuerySet[RelatedPair]:
    """Related pairs ("needs a look") of the user's engagements. status: "" = open; "all" = every status;
    workstream (id or slug): pairs touching it; input (id): pairs touching that input."""
    filters = filters or {}
    qs = RelatedPair.objects.filter(scope.q())
    status = filters.get("status") or ""
    if status != "all":
        qs = qs.filter(status=status or RelatedPair.Status.OPEN)
    if value := filters.get("workstream"):
        qs = qs.filter(_touches(value))
    if value := filters.get("input"):
        qs = qs.filter(Q(input_a_id=value) | Q(input_b_id=value))
    return qs.select_related("workstream_a", "workstream_b", "input_a", "input_b", "finding").order_by(
        "-similarity", "-id")


def related_get(*, scope: Scope, pair_id: int) -> RelatedPair:
    try:
        return related_list(scope=scope, filters={"status": "all"}).get(pk=pair_id)
    except RelatedPair.DoesNotExist as exc:
        raise Http404("No such pair") from exc


def input_related(*, input: Input, limit: int = 20) -> list[RelatedPair]:
    """Open "needs a look" pairs touching an input, most similar first, in one query."""
    qs = RelatedPair.objects.filter(Q(input_a=input) | Q(input_b=input), status=RelatedPair.Status.OPEN)
    return list(qs.select_related("workstream_a", "workstream_b", "input_a", "input_b")
                .order_by("-similarity", "-id")[:limit])


def statement_list(*, scope: Scope,
                   input_id: int | None = None) -> QuerySet[RevisionStatement]:
    """Statements of the current revisions of submitted inputs (what can be flagged), scoped."""
    qs = RevisionStatement.objects.filter(scope.q(),
                                          input__status=Input.Status.SUBMITTED,
                                          revision_id=F("input__current_revision_id"))
    if input_id is not None:
        qs = qs.filter(input_id=input_id)
    return qs.select_related("input", "workstream").order_by("input_id", "ordinal")


def calibration_history(*, scope: Scope) -> QuerySet[Calibration]:
    qs = Calibration.objects.filter(scope.q())
    return qs.select_related("created_by").order_by("-id")


def run_batch_progress(*, run: DetectionRun) -> dict[str, Any]:
    """A fanned-out scan's committed batches per worker process (host:pid), in one query."""
    per = dict(ScanBatch.objects.filter(run=run).values_list("worker").annotate(n=Count("id")).order_by())
    return {"batches_done": sum(per.values()), "batch_count": run.batch_count, "workers": per}
