from __future__ import annotations

from django import template

from apps.deliverables.coverage import Coverage, coverage_for
from apps.engagements.models import Engagement

register = template.Library()


@register.simple_tag(takes_context=True)
def coverage(context: template.Context, engagement: Engagement) -> Coverage:
    """The coverage figures of an engagement, for the panel on its page.

    A view that already computed them (the PMO dashboard) passes them as `coverage`; no second query.
    """
    return context.get("coverage") or coverage_for(engagement=engagement)
