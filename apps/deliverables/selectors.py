"""Deliverable reads, scoped to the asker (`apps.core.scope.Scope`)."""
from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from apps.alignment.models import Decision
from apps.core.scope import Scope

from .models import Deliverable, DeliverableVersion, Section, TraceLink


def deliverables_visible_to(*, scope: Scope) -> QuerySet[Deliverable]:
    return Deliverable.objects.filter(scope.q())


def sections_visible_to(*, scope: Scope) -> QuerySet[Section]:
    return Section.objects.filter(scope.q("deliverable__engagement"))


def deliverable_list(*, scope: Scope) -> QuerySet[Deliverable]:
    qs = deliverables_visible_to(scope=scope)
    return qs.select_related("created_by").annotate(
        n_sections=Count("sections", distinct=True),
        n_versions=Count("versions", distinct=True),
        n_suspect=Count("sections__trace_links", filter=Q(sections__trace_links__is_suspect=True), distinct=True),
    )


def deliverable_get(*, scope: Scope, deliverable_id: int) -> Deliverable:
    qs = Deliverable.objects.filter(scope.q())
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


def section_list(*, scope: Scope) -> QuerySet[Section]:
    return Section.objects.filter(scope.q("deliverable__engagement")).select_related(
        "deliverable", "updated_by").prefetch_related(Prefetch("trace_links", queryset=trace_links_queryset()))


def section_get(*, scope: Scope, section_id: int, deliverable: Deliverable | None = None) -> Section:
    qs = section_list(scope=scope)
    if deliverable is not None:
        qs = qs.filter(deliverable=deliverable)
    try:
        return qs.get(pk=section_id)
    except Section.DoesNotExist as exc:
        raise Http404("No such section") from exc


def tracelink_list(*, scope: Scope) -> QuerySet[TraceLink]:
    return trace_links_queryset().filter(scope.q("section__deliverable__engagement"))


def tracelink_get(*, scope: Scope, link_id: int, section: Section | None = None) -> TraceLink:
    qs = tracelink_list(scope=scope).select_related("section__deliverable")
    if section is not None:
        qs = qs.filter(section=section)
    try:
        return qs.get(pk=link_id)
    except TraceLink.DoesNotExist as exc:
        raise Http404("No such trace link") from exc


def version_list(*, scope: Scope) -> QuerySet[DeliverableVersion]:
    qs = DeliverableVersion.objects.filter(scope.q("deliverable__engagement"))
    return qs.select_related("deliverable", "published_by")


def version_get(*, scope: Scope, version_id: int) -> DeliverableVersion:
    try:
        return version_list(scope=scope).get(pk=version_id)
    except DeliverableVersion.DoesNotExist as exc:
        raise Http404("No such version") from exc


def decisions_for_sections(*, deliverable: Deliverable) -> QuerySet[Decision]:
    """Merge and adopt decisions that can seed a section, newest first."""
    return (Decision.objects.filter(engagement_id=deliverable.engagement_id,
                                    outcome__in=[Decision.Outcome.MERGE, Decision.Outcome.ADOPT])
            .select_related("agenda_item", "adopted_input")
            .annotate(n_sections=Count("sections", filter=Q(sections__deliverable=deliverable)))
            .order_by("-id"))
