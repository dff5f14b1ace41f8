"""Coverage figures for the engagement page, computed from the data in four aggregate queries."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from apps.alignment.models import Decision
from apps.engagements.models import Engagement
from apps.inputs.models import Input

from .models import Deliverable, Section, TraceLink


@dataclass(frozen=True)
class Coverage:
    submitted: int
    traced: int
    sections: int
    sections_without_source: int
    suspect_links: int
    suspect_decisions: int
    deferred: int
    escalated: int
    deliverables: int

    @property
    def untraced(self) -> int:
        return self.submitted - self.traced

    @property
    def percent(self) -> int:
        return round(100 * self.traced / self.submitted) if self.submitted else 0


def coverage_for(*, engagement: Engagement) -> Coverage:
    traced_link = TraceLink.objects.filter(input_revision__input=OuterRef("pk"),
                                           section__deliverable__engagement=engagement)
    # The Exists goes straight into the aggregate's filter: filtering on an Exists *annotation* inside
    # aggregate() counts nothing on some backends.
    inputs = (Input.objects.filter(engagement=engagement, status=Input.Status.SUBMITTED)
              .aggregate(total=Count("pk"), traced=Count("pk", filter=Exists(traced_link))))
    # Sections and their suspect links in one query (distinct counts, since the links are joined in).
    sections = (Section.objects.filter(deliverable__engagement=engagement)
                .aggregate(total=Count("pk", distinct=True),
                           unsourced=Count("pk", distinct=True,
                                           filter=~Exists(TraceLink.objects.filter(section=OuterRef("pk")))),
                           suspect=Count("trace_links", distinct=True, filter=Q(trace_links__is_suspect=True))))
    suspect_links = sections["suspect"]
    decisions = Decision.objects.filter(engagement=engagement).aggregate(
        deferred=Count("pk", filter=Q(outcome=Decision.Outcome.DEFER)),
        escalated=Count("pk", filter=Q(outcome=Decision.Outcome.ESCALATE)),
        suspect=Count("pk", filter=Q(is_suspect=True)),
    )
    return Coverage(
        submitted=inputs["total"], traced=inputs["traced"], sections=sections["total"],
        sections_without_source=sections["unsourced"], suspect_links=suspect_links,
        suspect_decisions=decisions["suspect"], deferred=decisions["deferred"], escalated=decisions["escalated"],
        deliverables=Deliverable.objects.filter(engagement=engagement).count(),
    )
