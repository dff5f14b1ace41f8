from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def finding_url(engagement_id: int, finding_id: int) -> str:
    """Link to a finding's page (the conflicts app's); empty while that page does not exist."""
    try:
        return reverse("conflicts:finding", args=[engagement_id, finding_id])
    except NoReverseMatch:
        return ""
