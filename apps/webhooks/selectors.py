"""Webhooks are the PMO's configuration: only the engagement's PMO sees them (others get 404)."""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import Membership, Role, User

from .models import Delivery, Webhook


def webhook_list(*, user: User, engagement_id: int | None = None) -> QuerySet[Webhook]:
    if not user.is_authenticated:
        return Webhook.objects.none()
    pmo_of = Membership.objects.filter(user=user, role=Role.PMO, engagement__is_archived=False).values(
        "engagement_id")
    qs = Webhook.objects.filter(engagement_id__in=pmo_of)
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    return qs.select_related("created_by")


def webhook_get(*, user: User, webhook_id: int, engagement_id: int | None = None) -> Webhook:
    try:
        return webhook_list(user=user, engagement_id=engagement_id).get(pk=webhook_id)
    except Webhook.DoesNotExist as exc:
        raise Http404("No such webhook") from exc


def delivery_list(*, webhook: Webhook) -> QuerySet[Delivery]:
    return Delivery.objects.filter(webhook=webhook).order_by("-id")
