"""Panels other apps' pages include: an input's findings, the engagement's finding counts."""
from __future__ import annotations

from typing import Any

from django import template

from apps.accounts import policies
from apps.conflicts import selectors
from apps.conflicts.panels import input_findings_context

register = template.Library()


@register.inclusion_tag("conflicts/_input_findings.html", takes_context=True)
def input_findings_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Two queries whatever the number of findings: the findings (joined) and the pending check."""
    item, membership = context.get("input"), context.get("membership")
    if item is None or membership is None:
        return {"input": None}
    return {**input_findings_context(input=item, membership=membership), "request": context.get("request")}


@register.inclusion_tag("conflicts/_panel_body.html", takes_context=True)
def engagement_findings_panel(context: dict[str, Any]) -> dict[str, Any]:
    engagement, membership = context.get("engagement"), context.get("membership")
    if engagement is None:
        return {"engagement": None}
    return {"engagement": engagement, "membership": membership, "may": policies.flags(membership),
            "counts": selectors.engagement_finding_counts(engagement=engagement),
            "latest_scan": selectors.latest_scan(engagement=engagement)}


@register.filter
def pct(value: float | None) -> str:
    return "" if value is None else f"{round(float(value) * 100)}%"
