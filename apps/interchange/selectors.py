"""Import jobs a user may see: the PMO sees its engagement's; others the jobs of workstreams they write in."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts import policies
from apps.accounts.models import WORKSTREAM_ROLES, Membership, Role
from apps.core.scope import Scope

from .models import ImportJob


def importjob_list(*, scope: Scope) -> QuerySet[ImportJob]:
    door = scope.membership
    if door is not None:  # the asker's membership answers without another query
        if policies.is_pmo(door):
            mine = Q(engagement_id=door.engagement_id)
        elif policies.speaks_for_workstream(door):
            mine = Q(engagement_id=door.engagement_id, workstream_id=door.workstream_id)
        else:
            return ImportJob.objects.none()
    elif scope.authenticated:
        memberships = Membership.objects.filter(user=scope.user, engagement__is_archived=False)
        pmo_of = memberships.filter(role=Role.PMO).values("engagement_id")
        writer_of = memberships.filter(role__in=WORKSTREAM_ROLES).values("workstream_id")
        mine = scope.q() & (Q(engagement_id__in=pmo_of) | Q(workstream_id__in=writer_of))
    else:
        return ImportJob.objects.none()
    qs = ImportJob.objects.filter(mine)
    return qs.select_related("engagement", "workstream", "created_by").defer("content")


def importjob_get(*, scope: Scope, job_id: int) -> ImportJob:
    try:
        return importjob_list(scope=scope).get(pk=job_id)
    except ImportJob.DoesNotExist as exc:
        raise Http404("No such import") from exc
