"""A lead alone may dismiss a cross-workstream finding; the other side is told and sees who did it (issue 18)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.conflicts import services
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _dismissal_notices(finding):
    return Notification.objects.filter(dedupe_key=f"conflicts.finding.{finding.pk}.dismissed")


def test_a_lead_dismissing_tells_the_other_lead_and_the_pmo_but_not_themself(
        retention_conflict, it_lead, data_lead, pmo, marketing_lead):
    services.finding_dismiss(finding=retention_conflict, actor=it_lead, reason="Different log types.")
    notices = _dismissal_notices(retention_conflict)
    assert set(notices.values_list("recipient__email", flat=True)) == {data_lead.email, pmo.email}
    notice = notices.get(recipient=data_lead)
    assert "dismissed by Ivan Taylor" in notice.title and "Different log types." in notice.body
    assert notice.url.endswith(f"/findings/{retention_conflict.pk}/")
    retention_conflict.refresh_from_db()
    assert retention_conflict.dismissed_by == it_lead


def test_the_pmo_dismissing_tells_both_leads(retention_conflict, it_lead, data_lead, pmo):
    services.finding_dismiss(finding=retention_conflict, actor=pmo, reason="Not a real clash.")
    assert set(_dismissal_notices(retention_conflict).values_list("recipient_id", flat=True)) == {
        it_lead.pk, data_lead.pk}


def test_the_finding_page_names_who_dismissed_it(retention_conflict, it_lead, data_lead, as_user, engagement):
    services.finding_dismiss(finding=retention_conflict, actor=it_lead, reason="Different log types.")
    html = as_user(data_lead).get(reverse("conflicts:finding", args=[engagement.pk, retention_conflict.pk])
                                  ).content.decode()
    assert "Dismissed by" in html and "Ivan Taylor" in html and "Different log types." in html


def test_the_api_names_who_dismissed_it(retention_conflict, it_lead, data_lead, api_as):
    services.finding_dismiss(finding=retention_conflict, actor=it_lead, reason="Different log types.")
    body = api_as(data_lead).get(f"/api/v1/findings/{retention_conflict.pk}/").json()
    assert body["dismissed_by"] == it_lead.pk
