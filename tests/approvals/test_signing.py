"""Signing rules: re-authentication, lockout, who may sign, once per signer, policies, hash binding."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from apps.approvals import services
from apps.approvals.models import ApprovalSubmission, ChangeRequestItem, Signature, SigningLock
from apps.audit.models import AuditEvent
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.core.hashing import sha256_bytes
from apps.deliverables.models import DeliverableVersion

from ..factories import PASSWORD
from .conftest import tamper_stored_bytes


def test_an_approver_signs_with_name_organization_utc_time_meaning_and_the_stored_bytes_hash(
        customer, v1, submit, sign):
    submit(v1, [customer])
    before = timezone.now()
    signature = sign(customer, v1)
    assert signature.signer_name == "Claire Ustinov"
    assert signature.signer_organization == "Northwind Retail"
    assert signature.meaning == "approved" and signature.get_meaning_display() == "Approved"
    assert signature.version_id == v1.pk
    assert signature.signed_at >= before and signature.signed_at.utcoffset() == timedelta(0)
    stored = DeliverableVersion.objects.values_list("rendered_html", flat=True).get(pk=v1.pk)
    assert signature.content_sha256 == sha256_bytes(bytes(stored)) == v1.content_sha256
    assert ApprovalSubmission.objects.get(version=v1).status == "approved"
    assert AuditEvent.objects.filter(action="approvals.signature.created", target_id=str(signature.pk)).exists()
    assert AuditEvent.objects.filter(action="approvals.submission.decided").exists()


@pytest.mark.parametrize("password", ["wrong-password", "", None])
def test_a_wrong_or_missing_password_records_no_signature_and_says_why(customer, v1, submit, sign, password):
    submit(v1, [customer])
    with pytest.raises(services.ReauthenticationError) as exc:
        sign(customer, v1, password=password)
    assert exc.value.status_code == 403
    assert "password" in exc.value.message.lower() and "nothing was signed" in exc.value.message.lower()
    assert not Signature.objects.exists()
    assert SigningLock.objects.get(user=customer).failures == 1
    assert ApprovalSubmission.objects.get(version=v1).status == "pending"


def test_the_password_is_asked_even_inside_a_valid_session(customer, v1, submit, api_as):
    submit(v1, [customer])
    api = api_as(customer)  # authenticated already
    response = api.post(f"/api/v1/versions/{v1.pk}/sign/", {"meaning": "approved"}, format="json")
    assert response.status_code == 403
    assert "password" in response.json()
    assert not Signature.objects.exists()


def test_a_correct_password_resets_the_failure_counter(customer, v1, submit, sign):
    submit(v1, [customer])
    for _ in range(2):
        with pytest.raises(services.ReauthenticationError):
            sign(customer, v1, password="nope")
    sign(customer, v1)
    assert SigningLock.objects.get(user=customer).failures == 0


def test_repeated_failures_lock_signing_even_with_the_right_password(customer, v1, submit, sign, settings):
    settings.SIGNING_LOCKOUT_ATTEMPTS = 3
    settings.SIGNING_LOCKOUT_SECONDS = 600
    submit(v1, [customer])
    for _ in range(3):
        with pytest.raises(services.ReauthenticationError):
            sign(customer, v1, password="nope")
    with pytest.raises(services.SigningLockedError) as exc:
        sign(customer, v1, password=PASSWORD)
    assert exc.value.status_code == 429
    assert 590 <= exc.value.retry_after <= 601
    assert not Signature.objects.exists()
    assert AuditEvent.objects.filter(action="approvals.signing.locked", actor=customer).count() == 1


def test_the_lock_expires(customer, v1, submit, sign, settings):
    settings.SIGNING_LOCKOUT_ATTEMPTS = 2
    submit(v1, [customer])
    for _ in range(2):
        with pytest.raises(services.ReauthenticationError):
            sign(customer, v1, password="nope")
    SigningLock.objects.filter(user=customer).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert sign(customer, v1).meaning == "approved"


def test_failures_outside_the_window_start_a_new_count(customer, v1, submit, sign, settings):
    settings.SIGNING_LOCKOUT_ATTEMPTS = 3
    settings.SIGNING_LOCKOUT_SECONDS = 60
    submit(v1, [customer])
    for _ in range(2):
        with pytest.raises(services.ReauthenticationError):
            sign(customer, v1, password="nope")
    SigningLock.objects.filter(user=customer).update(window_started_at=timezone.now() - timedelta(seconds=120))
    with pytest.raises(services.ReauthenticationError):
        sign(customer, v1, password="nope")
    lock = SigningLock.objects.get(user=customer)
    assert lock.failures == 1 and lock.locked_until is None


def test_the_lock_is_per_user(customer, second_approver, v1, submit, sign, settings):
    settings.SIGNING_LOCKOUT_ATTEMPTS = 1
    submit(v1, [customer, second_approver])
    with pytest.raises(services.ReauthenticationError):
        sign(customer, v1, password="nope")
    assert sign(second_approver, v1).meaning == "approved"


def _run_threads(n, target):
    barrier = threading.Barrier(n)
    results: list[object] = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            outcome = target()
        except Exception as exc:  # noqa: BLE001 - the outcome is what is asserted
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_are_all_counted(pmo, customer, engagement, deliverable, publish, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (run with DATABASE_URL=postgres://…)")
    settings.SIGNING_LOCKOUT_ATTEMPTS = 1000
    version = publish(deliverable)
    services.approval_submit(actor=pmo, version=version, approvers=[customer], policy="all")
    n = 12
    results = _run_threads(n, lambda: services.signature_create(actor=customer, version=version,
                                                                meaning="approved", password="nope"))
    assert all(isinstance(r, services.ReauthenticationError) for r in results), results
    assert SigningLock.objects.get(user=customer).failures == n
    assert not Signature.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_lock_exactly_at_the_threshold(pmo, customer, engagement, deliverable, publish,
                                                                  settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (run with DATABASE_URL=postgres://…)")
    settings.SIGNING_LOCKOUT_ATTEMPTS = 4
    version = publish(deliverable)
    services.approval_submit(actor=pmo, version=version, approvers=[customer], policy="all")
    results = _run_threads(10, lambda: services.signature_create(actor=customer, version=version,
                                                                 meaning="approved", password="nope"))
    assert all(isinstance(r, services.ReauthenticationError | services.SigningLockedError) for r in results)
    lock = SigningLock.objects.get(user=customer)
    assert lock.failures >= 4 and lock.locked_until is not None
    assert AuditEvent.objects.filter(action="approvals.signing.locked").count() == 1
    with pytest.raises(services.SigningLockedError):
        services.signature_create(actor=customer, version=version, meaning="approved", password=PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_wrong_passwords_check_exactly_the_allowed_number(pmo, customer, engagement, deliverable,
                                                                            publish, settings, monkeypatch):
    """The row is locked before the password is checked: 30 guesses at once check exactly 5 (main checked 8)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (run with DATABASE_URL=postgres://…)")
    settings.SIGNING_LOCKOUT_ATTEMPTS = 5
    version = publish(deliverable)
    services.approval_submit(actor=pmo, version=version, approvers=[customer], policy="all")
    checked = []
    counter = threading.Lock()
    real_check = type(customer).check_password

    def counting_check(self, raw):
        with counter:
            checked.append(raw)
        time.sleep(0.05)  # a real hasher takes time: widen the window the old code raced through
        return real_check(self, raw)

    monkeypatch.setattr(type(customer), "check_password", counting_check)
    results = _run_threads(30, lambda: services.signature_create(actor=customer, version=version,
                                                                 meaning="approved", password="nope"))
    assert len(checked) == 5, f"{len(checked)} passwords checked"
    assert sum(isinstance(r, services.ReauthenticationError) for r in results) == 5
    assert sum(isinstance(r, services.SigningLockedError) for r in results) == 25
    lock = SigningLock.objects.get(user=customer)
    assert lock.failures == 5 and lock.locked_until is not None


@pytest.mark.django_db(transaction=True)
def test_concurrent_signatures_by_the_same_approver_record_one(pmo, customer, engagement, deliverable, publish):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (run with DATABASE_URL=postgres://…)")
    version = publish(deliverable)
    services.approval_submit(actor=pmo, version=version, approvers=[customer], policy="all")
    results = _run_threads(6, lambda: services.signature_create(actor=customer, version=version,
                                                                meaning="approved", password=PASSWORD))
    assert sum(isinstance(r, Signature) for r in results) == 1
    assert Signature.objects.filter(version=version).count() == 1


# --- who may sign, what, and how often -----------------------------------------------------

def test_only_named_approvers_sign(pmo, customer, second_approver, it_lead, observer, v1, submit, sign):
    submit(v1, [customer])
    for user in (pmo, it_lead, observer, second_approver):
        with pytest.raises(PermissionDeniedError):
            sign(user, v1)
    assert not Signature.objects.exists()
    assert not SigningLock.objects.exists()  # refused before the password was even checked


def test_only_a_submitted_version_can_be_signed(customer, v1, sign):
    with pytest.raises(ApplicationError, match="not awaiting approval"):
        sign(customer, v1)
    assert not Signature.objects.exists()


def test_a_withdrawn_request_cannot_be_signed(pmo, customer, v1, submit, sign):
    submission = submit(v1, [customer])
    services.approval_withdraw(actor=pmo, submission=submission)
    with pytest.raises(ApplicationError, match="not awaiting approval"):
        sign(customer, v1)


def test_each_approver_signs_once(customer, second_approver, v1, submit, sign):
    submit(v1, [customer, second_approver], policy="all")
    sign(customer, v1)
    with pytest.raises(ApplicationError, match="already signed"):
        sign(customer, v1)
    assert Signature.objects.filter(signer=customer).count() == 1


def test_policy_all_needs_every_named_approver(customer, second_approver, v1, submit, sign):
    submission = submit(v1, [customer, second_approver], policy="all")
    sign(customer, v1)
    submission.refresh_from_db()
    assert submission.status == "pending"
    sign(second_approver, v1)
    submission.refresh_from_db()
    assert submission.status == "approved" and submission.closed_at is not None


def test_policy_any_is_decided_by_the_first_approval(customer, second_approver, v1, submit, sign):
    submission = submit(v1, [customer, second_approver], policy="any")
    sign(customer, v1)
    submission.refresh_from_db()
    assert submission.status == "approved"
    with pytest.raises(ApplicationError, match="not awaiting approval"):
        sign(second_approver, v1)


def test_the_policy_defaults_to_the_deliverables(customer, v1, pmo):
    v1.deliverable.approval_policy = "any"
    v1.deliverable.save(update_fields=["approval_policy"])
    submission = services.approval_submit(actor=pmo, version=v1, approvers=[customer])
    assert submission.policy == "any"


def test_a_change_request_needs_a_comment_and_is_not_counted_as_a_failure(customer, v1, submit, sign):
    submit(v1, [customer])
    with pytest.raises(ApplicationError, match="comment is required"):
        sign(customer, v1, meaning="changes_requested", comment="  ")
    assert not Signature.objects.exists() and not SigningLock.objects.exists()


def test_a_change_request_closes_the_request_and_each_line_becomes_a_checklist_item(customer, second_approver, v1,
                                                                                     submit, sign):
    submission = submit(v1, [customer, second_approver])
    signature = sign(customer, v1, meaning="changes_requested",
                     comment="- Security: require MFA for staff\n\n* Name the data owner\n")
    submission.refresh_from_db()
    assert submission.status == "changes_requested"
    items = list(ChangeRequestItem.objects.filter(signature=signature).order_by("id"))
    assert [(i.section_heading, i.text) for i in items] == [("Security", "require MFA for staff"),
                                                            ("", "Name the data owner")]
    with pytest.raises(ApplicationError):
        sign(second_approver, v1)


def test_an_explicit_checklist_wins_over_the_comment_lines(customer, v1, submit, sign):
    submit(v1, [customer])
    signature = sign(customer, v1, meaning="changes_requested", comment="See the two points.",
                     items=["Fix A", "Fix B"])
    assert list(signature.change_items.values_list("text", flat=True)) == ["Fix A", "Fix B"]


def test_a_rejection_closes_the_request(customer, second_approver, v1, submit, sign):
    submission = submit(v1, [customer, second_approver])
    sign(customer, v1, meaning="rejected", comment="Out of scope.")
    submission.refresh_from_db()
    assert submission.status == "rejected"


def test_an_unknown_meaning_is_refused(customer, v1, submit, sign):
    submit(v1, [customer])
    with pytest.raises(ApplicationError):
        sign(customer, v1, meaning="maybe")


# --- hash binding and tamper detection -----------------------------------------------------

def test_signing_is_refused_when_the_stored_bytes_no_longer_match_the_published_hash(customer, v1, submit, sign):
    submit(v1, [customer])
    tamper_stored_bytes(v1, b"<p>Something else</p>")
    with pytest.raises(services.TamperedVersionError):
        sign(customer, v1)
    assert not Signature.objects.exists()


def test_verify_recomputes_the_hash_from_the_stored_bytes_and_catches_tampering(customer, v1, submit, sign):
    submit(v1, [customer])
    signature = sign(customer, v1)
    assert services.signature_verify(signature=signature).ok
    tamper_stored_bytes(v1, bytes(v1.rendered_html).replace(b"SSO", b"passwords"))
    result = services.signature_verify(signature=signature)
    assert not result.ok
    assert result.signed_sha256 == v1.content_sha256 and result.stored_sha256 != v1.content_sha256


def test_the_signature_keeps_the_hash_it_was_given_even_when_bytes_change(customer, v1, submit, sign):
    submit(v1, [customer])
    signature = sign(customer, v1)
    tamper_stored_bytes(v1, b"tampered")
    assert Signature.objects.get(pk=signature.pk).content_sha256 == v1.content_sha256
