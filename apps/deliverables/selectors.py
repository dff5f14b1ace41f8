"""Deliverable reads, scoped to the asking user's engagements."""
from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.alignment.models import Decision
from apps.engagements.selectors import engagement_list

from .models import Deliverable, DeliverableVersion, Section, TraceLink


def deliverables_visible_to(*, user: User) -> QuerySet[Deliverable]:
    return Deliverable.objects.filter(engagement__in=engagement_list(user=user))


def sections_visible_to(*, user: User) -> QuerySet[Section]:
    return Section.objects.filter(deliverable__engagement__in=engagement_list(user=user))


def deliverable_list(*, user: User, engagement_id: int | None = None) -> QuerySet[Deliverable]:
    qs = deliverables_visible_to(user=user)
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    return qs.select_related("created_by").annotate(
        n_sections=Count("sections", distinct=True),
        n_versions=Count("versions", distinct=True),
        n_suspect=Count("sections__trace_links", filter=Q(sections__trace_links__is_suspect=True), distinct=True),
    )


def deliverable_get(*, user: User, deliverable_id: int, engagement_id: int | None = None) -> Deliverable:
    qs = Deliverable.objects.filter(engagement__in=engagement_list(user=user))
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    try:
        return qs.select_related("engagement", "created_by").get(pk=deliverable_id)
    except Deliverable.DoesNotExist as exc:
        raise Http404("No such deliverable") from exc


def trace_links_queryset() -> QuerySet[TraceLink]:
    return TraceLink.objects.select_related(
        "input_revision__input__workstream", "input_revision__input__current_revision", "decision", "objective",
    ).order_by("id")


def sections_with_links(*, deliverable: Deliverable) -> QuerySet[Section]:
    """The deliverable page's sections with every trace link, in a constant number of queries."""
    return (Section.objects.filter(deliverable=deliverable)
            .select_related("source_decision", "updated_by")
            .prefetch_related(Prefetch("trace_links", queryset=trace_links_queryset()))
            .order_by("order", "id"))


def section_list(*, user: User) -> QuerySet[Section]:
    return Section.objects.filter(deliverable__engagement__in=engagement_list(user=user)).select_related(
        "deliverable", "updated_by").prefetch_related(Prefetch("trace_links", queryset=trace_links_queryset()))


def section_get(*, user: User, section_id: int, deliverable: Deliverable | None = None) -> Section:
    qs = section_list(user=user)
    if deliverable is not None:
        qs = qs.filter(deliverable=deliverable)
    try:
        return qs.get(pk=section_id)
    except Section.DoesNotExist as exc:
        raise Http404("No such section") from exc


def tracelink_list(*, user: User) -> QuerySet[TraceLink]:
    return trace_links_queryset().filter(section__deliverable__engagement__in=engagement_list(user=user))


def tracelink_get(*, user: User, link_id: int, section: Section | None = None) -> TraceLink:
    qs = tracelink_list(user=user).select_related("section__deliverable")
    if section is not None:
        qs = qs.filter(section=section)
    try:
        return qs.get(pk=link_id)
    except TraceLink.DoesNotExist as exc:
        raise Http404("No such trace link") from exc


def version_list(*, user: User, engagement_id: int | None = None) -> QuerySet[DeliverableVersion]:
    qs = DeliverableVersion.objects.filter(deliverable__engagement__in=engagement_list(user=user))
    if engagement_id is not None:
        qs = qs.filter(deliverable__engagement_id=engagement_id)
    return qs.select_related("deliverable", "published_by")


def version_get(*, user: User, version_id: int, engagement_id: int | None = None) -> DeliverableVersion:
    try:
        return version_list(user=user, engagement_id=engagement_id).get(pk=version_id)
    except DeliverableVersion.DoesNotExist as exc:
        raise Http404("No such version") from exc


def decisions_for_sections(*, deliverable: Deliverable) -> QuerySet[Decision]:
    """Merge and adopt decisions that can seed a section, newest first."""
    return (Decision.objects.filter(engagement_id=deliverable.engagement_id,
                                    outcome__in=[Decision.Outcome.MERGE, Decision.Outcome.ADOPT])
            .select_related("agenda_item", "adopted_input")
            .annotate(n_sections=Count("sections", filter=Q(sections__deliverable=deliverable)))
            .order_by("-id"))
