"""Plan reads, scoped to the asker (`apps.core.scope.Scope`)."""
from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from apps.core.scope import Scope
from apps.engagements.models import Engagement, Objective

from .models import DeliverableDefinition, DeliveredDocument, PlanVersion, WorkItem, WorkItemLink


def work_items_visible_to(*, scope: Scope) -> QuerySet[WorkItem]:
    return WorkItem.objects.filter(scope.q())


def workitem_list(*, scope: Scope) -> QuerySet[WorkItem]:
    qs = WorkItem.objects.filter(scope.q())
    return qs.select_related("objective", "workstream", "created_by").prefetch_related("depends_on")


def workitem_get(*, scope: Scope, work_item_id: int) -> WorkItem:
    try:
        return workitem_list(scope=scope).get(pk=work_item_id)
    except WorkItem.DoesNotExist as exc:
        raise Http404("No such work item") from exc


def links_queryset() -> QuerySet[WorkItemLink]:
    return WorkItemLink.objects.select_related("input", "decision", "section__deliverable").order_by("id")


def link_list(*, scope: Scope) -> QuerySet[WorkItemLink]:
    return links_queryset().filter(scope.q("work_item__engagement"))


def definition_list(*, scope: Scope) -> QuerySet[DeliverableDefinition]:
    documents = DeliveredDocument.objects.select_related("uploaded_by", "definition__work_item")
    return (DeliverableDefinition.objects.filter(scope.q("work_item__engagement"))
            .prefetch_related(Prefetch("documents", queryset=documents)).order_by("due_date", "id"))


def definitions_with_documents(*, work_item: WorkItem) -> QuerySet[DeliverableDefinition]:
    documents = DeliveredDocument.objects.select_related("uploaded_by").order_by("-uploaded_at", "-id")
    return (DeliverableDefinition.objects.filter(work_item=work_item)
            .prefetch_related(Prefetch("documents", queryset=documents)).order_by("due_date", "id"))


def document_get(*, scope: Scope, document_id: int) -> DeliveredDocument:
    try:
        return (DeliveredDocument.objects.filter(scope.q("definition__work_item__engagement"))
                .select_related("definition__work_item").get(pk=document_id))
    except DeliveredDocument.DoesNotExist as exc:
        raise Http404("No such document") from exc


def planversion_list(*, scope: Scope) -> QuerySet[PlanVersion]:
    qs = PlanVersion.objects.filter(scope.q())
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
