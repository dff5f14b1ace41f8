"""Signatures never change: ORM, admin, API, database; verify command; status line; change requests."""
from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from apps.approvals import selectors, services
from apps.approvals.models import ApprovalSubmission, ChangeRequestItem, Signature
from apps.audit.models import AuditEvent
from apps.core.errors import ApplicationError, ImmutableRecordError, PermissionDeniedError
from apps.core.scope import Scope
from apps.notifications.models import Notification

from .conftest import tamper_stored_bytes


@pytest.fixture
def signed_v1(customer, v1, submit, sign):
    submit(v1, [customer])
    return sign(customer, v1)


# --- immutability --------------------------------------------------------------------------

def test_a_signature_cannot_be_edited_through_the_orm(signed_v1):
    signed_v1.meaning = "rejected"
    with pytest.raises(ImmutableRecordError):
        signed_v1.save()
    assert Signature.objects.get(pk=signed_v1.pk).meaning == "approved"


def test_a_signature_cannot_be_deleted_through_the_orm(signed_v1):
    with pytest.raises(ImmutableRecordError):
        signed_v1.delete()
    with pytest.raises(ImmutableRecordError):
        Signature.objects.filter(pk=signed_v1.pk).delete()
    assert Signature.objects.filter(pk=signed_v1.pk).exists()


def test_a_signature_cannot_be_re_pointed_to_another_version(signed_v1, deliverable, publish):
    v2 = publish(deliverable, {"Scope": "Only the shop."})
    with pytest.raises(ImmutableRecordError):
        Signature.objects.filter(pk=signed_v1.pk).update(version=v2)
    with pytest.raises(ImmutableRecordError):
        Signature.objects.bulk_update([signed_v1], ["version"])
    signed_v1.version = v2
    with pytest.raises(ImmutableRecordError):
        signed_v1.save()
    assert Signature.objects.get(pk=signed_v1.pk).version_id != v2.pk


def test_the_database_refuses_raw_updates_of_signatures_on_postgresql(signed_v1):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE approvals_signature SET meaning = 'rejected' WHERE id = %s", [signed_v1.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM approvals_signature WHERE id = %s", [signed_v1.pk])
    assert Signature.objects.get(pk=signed_v1.pk).meaning == "approved"


def test_the_admin_cannot_add_change_or_delete_signatures(signed_v1, pmo):
    pmo.is_staff = pmo.is_superuser = True
    pmo.save()
    request = RequestFactory().get("/admin/")
    request.user = pmo
    admin = site._registry[Signature]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, signed_v1)
    assert not admin.has_delete_permission(request, signed_v1)


def test_the_admin_change_page_does_not_save_a_posted_edit(signed_v1, pmo, client):
    pmo.is_staff = pmo.is_superuser = True
    pmo.save()
    client.force_login(pmo)
    url = f"/admin/approvals/signature/{signed_v1.pk}/change/"
    client.post(url, {"meaning": "rejected", "signer_name": "Someone"})
    assert client.post(f"/admin/approvals/signature/{signed_v1.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Signature.objects.get(pk=signed_v1.pk).meaning == "approved"


def test_the_api_has_no_write_routes_for_signatures(signed_v1, customer, pmo, api_as):
    for user in (customer, pmo):
        api = api_as(user)
        assert api.post("/api/v1/signatures/", {"meaning": "approved"}, format="json").status_code == 405
        url = f"/api/v1/signatures/{signed_v1.pk}/"
        assert api.put(url, {"meaning": "rejected"}, format="json").status_code == 405
        assert api.patch(url, {"version": 999}, format="json").status_code == 405
        assert api.delete(url).status_code == 405
    assert Signature.objects.get(pk=signed_v1.pk).meaning == "approved"


# --- verify --------------------------------------------------------------------------------

def test_signatures_verify_passes_when_bytes_are_untouched(signed_v1):
    out = StringIO()
    call_command("signatures_verify", stdout=out)
    assert "All 1 published version(s) and 1 signature(s) match" in out.getvalue()


def test_signatures_verify_exits_non_zero_naming_a_tampered_signature(signed_v1, v1):
    tamper_stored_bytes(v1, bytes(v1.rendered_html) + b"<p>added later</p>")
    err = StringIO()
    # Two problems: the version's bytes no longer match its hash, nor the signature's.
    with pytest.raises(CommandError, match=r"2 problem\(s\) in 1 published version\(s\) and 1 signature"):
        call_command("signatures_verify", stderr=err)
    assert f"signature #{signed_v1.pk} by Claire Ustinov" in err.getvalue()
    assert signed_v1.content_sha256 in err.getvalue()


def test_signatures_verify_as_a_process_returns_exit_code_1(signed_v1, v1):
    from django.core.management import ManagementUtility

    tamper_stored_bytes(v1, b"x")
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "signatures_verify"]).execute()
    assert exc.value.code == 1


# --- status line: signatures never move ----------------------------------------------------

def test_v2_starts_unapproved_while_v1s_signature_stays(signed_v1, v1, deliverable, publish, customer, submit):
    v2 = publish(deliverable, {"Security": "Customers sign in with SSO and MFA."})
    line = selectors.approval_status_line(deliverable=deliverable)
    assert line.startswith("v1 approved by Claire Ustinov (Northwind Retail) on ")
    assert line.endswith("UTC; v2 not submitted for approval")
    submit(v2, [customer])
    assert selectors.approval_status_line(deliverable=deliverable).endswith("; v2 awaiting approval")
    assert Signature.objects.get(pk=signed_v1.pk).version_id == v1.pk
    assert not Signature.objects.filter(version=v2).exists()
    assert selectors.last_approved_version(deliverable=deliverable) == v1


def test_withdrawing_a_request_keeps_the_signatures_already_given(customer, second_approver, v1, submit, sign, pmo,
                                                                  deliverable):
    submission = submit(v1, [customer, second_approver], policy="all")
    signature = sign(customer, v1)
    services.approval_withdraw(actor=pmo, submission=submission, reason="wrong file")
    submission.refresh_from_db()
    assert submission.status == "withdrawn"
    assert Signature.objects.get(pk=signature.pk).version_id == v1.pk
    assert "v1 not approved (request withdrawn)" in selectors.approval_status_line(deliverable=deliverable)
    assert AuditEvent.objects.filter(action="approvals.submission.withdrawn", target_id=str(submission.pk)).exists()


def test_submitting_a_newer_version_supersedes_the_pending_request(customer, v1, submit, deliverable, publish):
    old = submit(v1, [customer])
    v2 = publish(deliverable, {"Scope": "Shop and app."})
    submit(v2, [customer])
    old.refresh_from_db()
    assert old.status == "withdrawn"


def test_only_the_pmo_submits_and_withdraws(it_lead, customer, v1, pmo):
    with pytest.raises(PermissionDeniedError):
        services.approval_submit(actor=it_lead, version=v1, approvers=[customer])
    submission = services.approval_submit(actor=pmo, version=v1, approvers=[customer])
    with pytest.raises(PermissionDeniedError):
        services.approval_withdraw(actor=customer, submission=submission)


def test_approvers_must_be_approvers_of_the_engagement(pmo, it_lead, outsider, customer, v1):
    for wrong in ([it_lead], [outsider], [customer, it_lead], []):
        with pytest.raises(ApplicationError) as exc:
            services.approval_submit(actor=pmo, version=v1, approvers=wrong)
        assert exc.value.field == "approvers"
    assert not ApprovalSubmission.objects.exists()


def test_a_version_cannot_be_submitted_twice_while_pending_or_after_approval(pmo, customer, v1, submit, sign):
    submit(v1, [customer])
    with pytest.raises(ApplicationError, match="already awaiting"):
        submit(v1, [customer])
    sign(customer, v1)
    with pytest.raises(ApplicationError, match="already approved"):
        submit(v1, [customer])


def test_submitting_and_deciding_notify_approvers_and_the_pmo(pmo, customer, v1, submit, sign,
                                                              django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        submit(v1, [customer])
    note = Notification.objects.get(recipient=customer)
    assert note.kind == "approval_requested" and f"/versions/{v1.pk}/approval/" in note.url
    assert mail.outbox[-1].to == ["customer@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        sign(customer, v1)
    decided = Notification.objects.get(recipient=pmo, kind="version_decided")
    assert "approved" in decided.title.lower() and "Claire Ustinov" in decided.body


# --- change-request checklist --------------------------------------------------------------

@pytest.fixture
def change_request(customer, v1, submit, sign):
    submit(v1, [customer])
    return sign(customer, v1, meaning="changes_requested", comment="Security: require MFA\nName the data owner")


def test_the_pmo_marks_an_item_addressed_in_a_later_version(change_request, pmo, deliverable, publish, v1):
    item = change_request.change_items.first()
    with pytest.raises(ApplicationError, match="published after v1"):
        services.change_item_address(actor=pmo, item=item, version=v1)
    v2 = publish(deliverable, {"Security": "Staff use MFA."})
    services.change_item_address(actor=pmo, item=item, version=v2, note="see section 2")
    item.refresh_from_db()
    assert item.addressed_in_id == v2.pk and item.addressed_by_id == pmo.pk
    assert AuditEvent.objects.filter(action="approvals.change_item.addressed", target_id=str(item.pk)).exists()
    assert selectors.change_item_list(scope=Scope.of_user(pmo), open_only=True).count() == 1


def test_only_the_pmo_marks_items_addressed(change_request, customer, deliverable, publish):
    v2 = publish(deliverable, {"Scope": "changed"})
    with pytest.raises(PermissionDeniedError):
        services.change_item_address(actor=customer, item=change_request.change_items.first(), version=v2)
    assert not ChangeRequestItem.objects.filter(addressed_in__isnull=False).exists()


def test_a_version_of_another_deliverable_is_refused(change_request, pmo, engagement):
    from apps.deliverables.services import deliverable_create, section_create, version_publish

    other = deliverable_create(actor=pmo, engagement=engagement, title="Other")
    section_create(actor=pmo, deliverable=other, heading="A", body="b")
    v = version_publish(deliverable=other, actor=pmo)
    v.number = 99  # unsaved: only the comparison matters
    with pytest.raises(ApplicationError):
        services.change_item_address(actor=pmo, item=change_request.change_items.first(), version=v)
