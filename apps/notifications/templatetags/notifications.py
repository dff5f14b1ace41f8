from __future__ import annotations

from typing import Any

from django import template

from apps.notifications.selectors import unread_count_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return unread_count_for_request(request=request)
