"""Sign-off snippets other apps' pages can include (the deliverable and version pages).

    {% load approvals %}
    {% approval_status deliverable %}   → "v3 approved by …; v4 awaiting approval"
    {% approval_panel version %}        → status line, links to the approval page and the exports
"""
from __future__ import annotations

from typing import Any

from django import template

from apps.accounts import policies
from apps.approvals import selectors

register = template.Library()


@register.simple_tag
def approval_status(deliverable: Any) -> str:
    return selectors.approval_status_line(deliverable=deliverable)


@register.inclusion_tag("approvals/_version_panel.html", takes_context=True)
def approval_panel(context: dict[str, Any], version: Any) -> dict[str, Any]:
    membership = context.get("membership")
    return {
        "version": version,
        "engagement_id": version.deliverable.engagement_id,
        "status_line": selectors.approval_status_line(deliverable=version.deliverable),
        "submission": selectors.current_submission(version=version),
        "may": policies.flags(membership),
    }
