"""The submit form (issue 18, point 8): the only approver comes ticked, and a cover note reaches the approver."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.approvals.models import ApprovalSubmission
from apps.audit.models import AuditEvent
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def url(name, engagement, version):
    return reverse(f"approvals:{name}", args=[engagement.pk, version.pk])


def _checked_boxes(html: str) -> list[str]:
    return [tag for tag in re.findall(r"<input[^>]*name=\"approvers\"[^>]*>", html) if "checked" in tag]


def test_with_one_approver_the_submit_form_has_them_ticked(as_user, pmo, customer, engagement, v1):
    html = as_user(pmo).get(url("submit", engagement, v1)).content.decode()
    assert len(_checked_boxes(html)) == 1 and f'value="{customer.pk}"' in _checked_boxes(html)[0]
    assert 'name="cover_note"' in html


def test_with_two_approvers_the_pmo_chooses(as_user, pmo, customer, second_approver, engagement, v1):
    html = as_user(pmo).get(url("submit", engagement, v1)).content.decode()
    assert _checked_boxes(html) == []


def test_the_cover_note_is_kept_shown_to_the_approver_and_in_their_notification(as_user, pmo, customer, engagement,
                                                                                 v1):
    note = "Section 3 now names the 24-month exception for fraud cases; please look at it first."
    response = as_user(pmo).post(url("submit", engagement, v1),
                                 {"approvers": [customer.pk], "policy": "all", "cover_note": note})
    assert response.status_code == 302
    submission = ApprovalSubmission.objects.get(version=v1)
    assert submission.cover_note == note
    assert AuditEvent.objects.get(action="approvals.submission.created").changes["cover_note"] == note
    assert note in Notification.objects.get(recipient=customer, kind="approval_requested").body
    page = as_user(customer).get(url("version", engagement, v1)).content.decode()
    assert 'id="cover-note"' in page and "24-month exception" in page


def test_an_over_long_cover_note_is_refused_and_nothing_is_submitted(as_user, pmo, customer, engagement, v1):
    response = as_user(pmo).post(url("submit", engagement, v1),
                                 {"approvers": [customer.pk], "policy": "all", "cover_note": "x" * 5001})
    assert response.status_code == 400
    assert not ApprovalSubmission.objects.exists()


def test_the_api_takes_and_returns_the_cover_note(api_as, pmo, customer, engagement, v1):
    response = api_as(pmo).post(f"/api/v1/versions/{v1.pk}/submit/",
                                {"approvers": [customer.pk], "cover_note": "Only the retention section changed."},
                                format="json")
    assert response.status_code == 201, response.content
    assert response.json()["cover_note"] == "Only the retention section changed."
