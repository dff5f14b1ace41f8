"""Import jobs a user may see: the PMO sees its engagement's; others the jobs of workstreams they write in."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.models import Membership, Role, User

from .models import ImportJob


def importjob_list(*, user: User, engagement_id: int | None = None) -> QuerySet[ImportJob]:
    if not user.is_authenticated:
        return ImportJob.objects.none()
    memberships = Membership.objects.filter(user=user, engagement__is_archived=False)
    pmo_of = memberships.filter(role=Role.PMO).values("engagement_id")
    writer_of = memberships.filter(role__in=[Role.LEAD, Role.CONTRIBUTOR]).values("workstream_id")
    qs = ImportJob.objects.filter(Q(engagement_id__in=pmo_of) | Q(workstream_id__in=writer_of))
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    return qs.select_related("engagement", "workstream", "created_by").defer("content")


def importjob_get(*, user: User, job_id: int, engagement_id: int | None = None) -> ImportJob:
    try:
        return importjob_list(user=user, engagement_id=engagement_id).get(pk=job_id)
    except ImportJob.DoesNotExist as exc:
        raise Http404("No such import") from exc
