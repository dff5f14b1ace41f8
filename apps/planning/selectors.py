"""Plan reads, scoped to the asking user's engagements."""
from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.engagements.models import Engagement, Objective
from apps.engagements.selectors import engagement_list

from .models import DeliverableDefinition, DeliveredDocument, PlanVersion, WorkItem, WorkItemLink


def work_items_visible_to(*, user: User) -> QuerySet[WorkItem]:
    return WorkItem.objects.filter(engagement__in=engagement_list(user=user))


def workitem_list(*, user: User, engagement_id: int | None = None) -> QuerySet[WorkItem]:
    qs = WorkItem.objects.filter(engagement__in=engagement_list(user=user))
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    return qs.select_related("objective", "workstream", "created_by").prefetch_related("depends_on")


def workitem_get(*, user: User, work_item_id: int, engagement_id: int | None = None) -> WorkItem:
    try:
        return workitem_list(user=user, engagement_id=engagement_id).get(pk=work_item_id)
    except WorkItem.DoesNotExist as exc:
        raise Http404("No such work item") from exc


def links_queryset() -> QuerySet[WorkItemLink]:
    return WorkItemLink.objects.select_related("input", "decision", "section__deliverable").order_by("id")


def definitions_with_documents(*, work_item: WorkItem) -> QuerySet[DeliverableDefinition]:
    documents = DeliveredDocument.objects.select_related("uploaded_by").order_by("-uploaded_at", "-id")
    return (DeliverableDefinition.objects.filter(work_item=work_item)
            .prefetch_related(Prefetch("documents", queryset=documents)).order_by("due_date", "id"))


def document_get(*, user: User, document_id: int, engagement_id: int) -> DeliveredDocument:
    try:
        return (DeliveredDocument.objects.filter(definition__work_item__engagement__in=engagement_list(user=user),
                                                 definition__work_item__engagement_id=engagement_id)
                .select_related("definition__work_item").get(pk=document_id))
    except DeliveredDocument.DoesNotExist as exc:
        raise Http404("No such document") from exc


def planversion_list(*, user: User, engagement_id: int | None = None) -> QuerySet[PlanVersion]:
    qs = PlanVersion.objects.filter(engagement__in=engagement_list(user=user))
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    return qs.select_related("created_by", "decision")


def objectives_without_work_items(*, engagement: Engagement) -> QuerySet[Objective]:
    active = WorkItem.objects.filter(objective=OuterRef("pk")).exclude(status=WorkItem.Status.DROPPED)
    return Objective.objects.filter(engagement=engagement).filter(~Exists(active)).order_by("code")


def objectives_with_counts(*, engagement: Engagement) -> QuerySet[Objective]:
    return Objective.objects.filter(engagement=engagement).annotate(
        n_items=Count("work_items", filter=~Q(work_items__status=WorkItem.Status.DROPPED)),
    ).order_by("code")


def suspect_link_count(*, engagement: Engagement) -> int:
    return WorkItemLink.objects.filter(work_item__engagement=engagement, is_suspect=True).count()
