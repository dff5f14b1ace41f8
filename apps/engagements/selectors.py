"""Engagement reads, always scoped to the asking user's memberships."""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from apps.accounts.models import User

from .models import Engagement, Objective, Workstream


def engagement_list(*, user: User) -> QuerySet[Engagement]:
    if not user.is_authenticated:
        return Engagement.objects.none()
    return Engagement.objects.filter(memberships__user=user, is_archived=False).distinct()


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


def workstream_input_counts(*, engagement: Engagement, user: User) -> QuerySet[Workstream]:
    """Workstreams annotated with counts by status of the inputs `user` may see, in one query.

    Another workstream's drafts are not counted: even their number is that workstream's business.
    """
    from apps.inputs.policies import input_visible_q  # inputs depends on engagements, not the reverse

    visible = input_visible_q(user=user, prefix="inputs__")
    return Workstream.objects.filter(engagement=engagement).annotate(
        n_draft=Count("inputs", filter=visible & Q(inputs__status="draft")),
        n_submitted=Count("inputs", filter=visible & Q(inputs__status="submitted")),
        n_withdrawn=Count("inputs", filter=visible & Q(inputs__status="withdrawn")),
        n_total=Count("inputs", filter=visible),
    )
