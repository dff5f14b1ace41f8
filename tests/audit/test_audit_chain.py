from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory

from apps.audit.models import AuditEvent
from apps.audit.services import audit_verify
from apps.core.errors import ImmutableRecordError
from apps.inputs.models import InputRevision
from apps.inputs.services import input_revise

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_input, it_lead):
    item = make_input(it_lead, "it", body="first", submit=True)
    input_revise(actor=it_lead, input=item, title=item.title, body="second", expected_revision=1)
    return item


def test_every_event_points_at_the_hash_of_the_one_before(history):
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) >= 4
    assert events[0].prev_hash == "0" * 64
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert audit_verify().ok


def test_audit_verify_command_reports_an_intact_chain(history, capsys):
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


def test_tampering_with_an_event_in_the_database_is_found_and_named(history):
    victim = AuditEvent.objects.order_by("id")[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET changes = %s WHERE id = %s", ['{"forged": true}', victim.pk])
    report = audit_verify()
    assert not report.ok and report.broken_at == victim.pk
    with pytest.raises(CommandError, match=f"event #{victim.pk}"):
        call_command("audit_verify")


def test_deleting_the_newest_event_behind_the_orms_back_is_found(history):
    last = AuditEvent.objects.order_by("-id").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    assert not audit_verify().ok


def test_audit_events_and_revisions_cannot_be_changed_or_deleted_through_the_orm(history):
    event = AuditEvent.objects.first()
    revision = InputRevision.objects.first()
    for record in (event, revision):
        with pytest.raises(ImmutableRecordError):
            record.save()
        with pytest.raises(ImmutableRecordError):
            record.delete()
    with pytest.raises(ImmutableRecordError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(ImmutableRecordError):
        AuditEvent.objects.all().delete()
    with pytest.raises(ImmutableRecordError):
        InputRevision.objects.filter(pk=revision.pk).update(body="rewritten")


def test_the_admin_offers_no_way_to_change_or_delete_them(history, pmo):
    request = RequestFactory().get("/")
    pmo.is_staff = pmo.is_superuser = True
    request.user = pmo
    for model in (AuditEvent, InputRevision):
        admin = site._registry[model]
        assert not admin.has_change_permission(request, model.objects.first())
        assert not admin.has_delete_permission(request, model.objects.first())
        assert not admin.has_add_permission(request)


@pytest.mark.django_db(transaction=True)
def test_audit_log_refuses_to_run_outside_a_transaction(engagement, pmo):
    from apps.audit.services import audit_log

    with pytest.raises(RuntimeError):
        audit_log(actor=pmo, action="x.y.z", target=engagement, engagement=engagement)
