"""Alignment reads, scoped to the asker (`apps.core.scope.Scope`)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.conflicts.models import Finding
from apps.core.scope import Scope
from apps.engagements.models import Engagement, Workstream
from apps.inputs.models import Input

from .models import AgendaItem, AlignmentSession, Decision, Position


def session_list(*, scope: Scope) -> QuerySet[AlignmentSession]:
    qs = AlignmentSession.objects.filter(scope.q())
    return qs.select_related("created_by").annotate(
        n_items=Count("agenda_items", distinct=True),
        n_decided=Count("agenda_items__decision", distinct=True),
        n_participants=Count("participants", distinct=True),
    )


def session_get(*, scope: Scope, session_id: int) -> AlignmentSession:
    qs = AlignmentSession.objects.filter(scope.q())
    try:
        return qs.select_related("engagement", "created_by", "minutes_updated_by").get(pk=session_id)
    except AlignmentSession.DoesNotExist as exc:
        raise Http404("No such session") from exc


def agenda_items(*, session: AlignmentSession) -> QuerySet[AgendaItem]:
    """Everything the session page shows per item, in a constant number of queries."""
    return (
        AgendaItem.objects.filter(session=session)
        .select_related(
            "finding__workstream_a", "finding__workstream_b", "finding__input_a", "finding__input_b",
            "finding__revision_a", "finding__revision_b",
            "input__workstream", "input__current_revision",
            "decision__adopted_input", "decision__owner", "decision__decided_by",
        )
        .prefetch_related(Prefetch("positions", queryset=Position.objects.select_related("workstream",
                                                                                        "recorded_by")))
        .order_by("order", "id")
    )


def agenda_items_visible_to(*, scope: Scope) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(scope.q("session__engagement")).select_related("session")


def decisions_visible_to(*, scope: Scope) -> QuerySet[Decision]:
    return Decision.objects.filter(scope.q())


def agenda_item_list(*, scope: Scope) -> QuerySet[AgendaItem]:
    return agenda_items_visible_to(scope=scope).select_related("decision")


def agenda_item_get(*, scope: Scope, item_id: int, session: AlignmentSession | None = None) -> AgendaItem:
    qs = agenda_items_visible_to(scope=scope)
    if session is not None:
        qs = qs.filter(session=session)
    try:
        return qs.select_related("session__engagement", "finding__input_a", "finding__input_b", "input").get(
            pk=item_id)
    except AgendaItem.DoesNotExist as exc:
        raise Http404("No such agenda item") from exc


def position_list(*, scope: Scope) -> QuerySet[Position]:
    return Position.objects.filter(scope.q("agenda_item__session__engagement")).select_related(
        "workstream", "recorded_by", "agenda_item")


def decision_list(*, scope: Scope) -> QuerySet[Decision]:
    qs = decisions_visible_to(scope=scope)
    return qs.select_related("agenda_item__session", "agenda_item__finding", "agenda_item__input",
                             "adopted_input", "owner", "decided_by").prefetch_related("source_revisions__input")


def decision_get(*, scope: Scope, decision_id: int) -> Decision:
    try:
        return decision_list(scope=scope).get(pk=decision_id)
    except Decision.DoesNotExist as exc:
        raise Http404("No such decision") from exc


def agenda_candidate_findings(*, engagement: Engagement, session: AlignmentSession | None = None,
                              limit: int = 200) -> list[Finding]:
    qs = Finding.objects.filter(engagement=engagement, status__in=Finding.AWAITING_STATUSES)
    if session is not None:
        qs = qs.exclude(agenda_items__session=session)
    return list(qs.select_related("workstream_a", "workstream_b", "input_a", "input_b").order_by(
        "label", "-score", "id")[:limit])


def agenda_candidate_inputs(*, engagement: Engagement, session: AlignmentSession | None = None) -> QuerySet[Input]:
    qs = Input.objects.filter(engagement=engagement, status=Input.Status.SUBMITTED)
    if session is not None:
        qs = qs.exclude(agenda_items__session=session)
    return qs.select_related("workstream").order_by("workstream_id", "id")


def open_conflict_pairs(*, engagement: Engagement, session: AlignmentSession | None = None) -> list[dict[str, Any]]:
    """Workstream pairs with open conflicts still off this agenda, for the one-click shortcut."""
    qs = Finding.objects.filter(engagement=engagement, label=Finding.Label.CONFLICT,
                                status__in=Finding.AWAITING_STATUSES).exclude(workstream_a_id=None)
    if session is not None:
        qs = qs.exclude(agenda_items__session=session)
    counts: Counter[tuple[int, int]] = Counter()
    for a, b in qs.values_list("workstream_a_id", "workstream_b_id"):
        if a != b:
            counts[(min(a, b), max(a, b))] += 1
    names = {w.pk: w for w in Workstream.objects.filter(engagement=engagement)}
    return [{"a": names[a], "b": names[b], "count": n} for (a, b), n in sorted(counts.items())]


def engagement_members(*, engagement: Engagement) -> QuerySet[User]:
    return User.objects.filter(memberships__engagement=engagement).order_by("full_name", "email")


def open_follow_ups(*, engagement: Engagement) -> QuerySet[Decision]:
    return Decision.objects.filter(engagement=engagement).filter(
        Q(outcome=Decision.Outcome.DEFER) | Q(outcome=Decision.Outcome.ESCALATE)
    ).select_related("owner", "agenda_item__session")
