from __future__ import annotations

from django import template

from apps.engagements.models import Engagement, Objective
from apps.planning import selectors

register = template.Library()


@register.simple_tag
def plan_coverage(engagement: Engagement) -> list[Objective]:
    """For the coverage panel: the objectives no active work item reaches (one query)."""
    return list(selectors.objectives_without_work_items(engagement=engagement))
