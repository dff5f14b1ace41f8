"""Engagement reads, always scoped to the asking user's memberships."""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from apps.accounts.models import Membership, User

from .models import Engagement, Objective, Workstream


def engagement_list(*, user: User) -> QuerySet[Engagement]:
    """The engagements the user belongs to: the scope every other selector filters by.

    A subquery on the user's memberships rather than a join, so no DISTINCT is needed and the
    selectors that nest it (`engagement__in=engagement_list(...)`) stay one plain IN (...).
    """
    if not user.is_authenticated:
        return Engagement.objects.none()
    return Engagement.objects.filter(is_archived=False,
                                     pk__in=Membership.objects.filter(user=user).values("engagement_id"))


def objective_list(*, user: User, engagement_id: int | None = None) -> QuerySet[Objective]:
    qs = Objective.objects.filter(engagement__in=engagement_list(user=user))
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    return qs


def workstream_list(*, user: User, engagement_id: int | None = None) -> QuerySet[Workstream]:
    qs = Workstream.objects.filter(engagement__in=engagement_list(user=user))
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    return qs


def workstream_input_counts(*, engagement: Engagement, visible: Q) -> QuerySet[Workstream]:
    """Workstreams annotated with counts by status of the inputs matching `visible`, in one query.

    Callers pass the asker's visibility from the inputs policy (`input_visible_q(user=..., prefix="inputs__")`,
    a layer above this one): another workstream's drafts are not counted, even their number is its business.
    """
    return Workstream.objects.filter(engagement=engagement).annotate(
        n_draft=Count("inputs", filter=visible & Q(inputs__status="draft")),
        n_submitted=Count("inputs", filter=visible & Q(inputs__status="submitted")),
        n_withdrawn=Count("inputs", filter=visible & Q(inputs__status="withdrawn")),
        n_total=Count("inputs", filter=visible),
    )
