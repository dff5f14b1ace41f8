from __future__ import annotations

from django import template

from apps.deliverables.coverage import Coverage, coverage_for
from apps.engagements.models import Engagement

register = template.Library()


@register.simple_tag
def coverage(engagement: Engagement) -> Coverage:
    """The coverage figures of an engagement, for the panel on its page."""
    return coverage_for(engagement=engagement)
