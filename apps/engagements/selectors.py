"""Engagement reads, scoped to the asker (`apps.core.scope.Scope`)."""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from apps.core.ids import is_id
from apps.core.scope import Scope

from .models import Engagement, Objective, Workstream


def engagement_list(*, scope: Scope) -> QuerySet[Engagement]:
    """The engagements in scope: the door's one, or every (unarchived) one the user belongs to.

    A subquery on the user's memberships rather than a join (`Scope.q`), so no DISTINCT is needed.
    """
    return Engagement.objects.filter(scope.q("pk"), is_archived=False)


def objective_list(*, scope: Scope) -> QuerySet[Objective]:
    return Objective.objects.filter(scope.q())


def workstream_list(*, scope: Scope) -> QuerySet[Workstream]:
    return Workstream.objects.filter(scope.q())


def workstream_find(*, scope: Scope, ref: str) -> Workstream | None:
    """The workstream in scope named by id or slug (as API clients and import files name it), or None."""
    qs = workstream_list(scope=scope)
    return (qs.filter(pk=int(ref)) if is_id(ref) else qs.filter(slug=ref)).first()


def workstream_input_counts(*, scope: Scope, visible: Q) -> QuerySet[Workstream]:
    """Workstreams annotated with counts by status of the inputs matching `visible`, in one query.

    Callers pass the asker's visibility from the inputs policy (`input_visible_q(scope=..., prefix="inputs__")`,
    a layer above this one): another workstream's drafts are not counted, even their number is its business.
    """
    return Workstream.objects.filter(scope.q()).annotate(
        n_draft=Count("inputs", filter=visible & Q(inputs__status="draft")),
        n_submitted=Count("inputs", filter=visible & Q(inputs__status="submitted")),
        n_withdrawn=Count("inputs", filter=visible & Q(inputs__status="withdrawn")),
        n_total=Count("inputs", filter=visible),
    )
