from __future__ import annotations

from typing import Any

from django import template

from apps.engagements.models import Engagement
from apps.planning import selectors

register = template.Library()


@register.simple_tag
def plan_coverage(engagement: Engagement) -> dict[str, Any]:
    """For the coverage panel: objectives no active work item reaches, and suspect links of dropped items
    (two queries)."""
    return {"unplanned": list(selectors.objectives_without_work_items(engagement=engagement)),
            "suspect": selectors.suspect_link_count(engagement=engagement)}
