"""Webhooks are the PMO's configuration: only the engagement's PMO sees them (others get 404)."""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts import policies
from apps.accounts.models import Membership, Role
from apps.core.scope import Scope

from .models import Delivery, Webhook


def webhook_list(*, scope: Scope) -> QuerySet[Webhook]:
    door = scope.membership
    if door is not None:  # the asker's membership answers without another query
        if not policies.is_pmo(door):
            return Webhook.objects.none()
        qs = Webhook.objects.filter(engagement_id=door.engagement_id)
    elif scope.authenticated:
        pmo_of = Membership.objects.filter(user=scope.user, role=Role.PMO, engagement__is_archived=False).values(
            "engagement_id")
        qs = Webhook.objects.filter(scope.q(), engagement_id__in=pmo_of)
    else:
        return Webhook.objects.none()
    return qs.select_related("created_by")


def webhook_get(*, scope: Scope, webhook_id: int) -> Webhook:
    try:
        return webhook_list(scope=scope).get(pk=webhook_id)
    except Webhook.DoesNotExist as exc:
        raise Http404("No such webhook") from exc


def delivery_list(*, webhook: Webhook) -> QuerySet[Delivery]:
    return Delivery.objects.filter(webhook=webhook).order_by("-id")
