from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
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


def _behind_the_triggers(sql: str, params: list) -> None:
    """Run raw SQL as someone with superuser rights would: past the PostgreSQL triggers, if any."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_tampering_with_an_event_in_the_database_is_found_and_named(history):
    victim = AuditEvent.objects.order_by("id")[2]
    _behind_the_triggers("UPDATE audit_auditevent SET changes = %s WHERE id = %s", ['{"forged": true}', victim.pk])
    report = audit_verify()
    assert not report.ok and report.broken_at == victim.pk
    with pytest.raises(CommandError, match=f"event #{victim.pk}"):
        call_command("audit_verify")


def test_deleting_the_newest_event_behind_the_orms_back_is_found(history):
    last = AuditEvent.objects.order_by("-id").first()
    _behind_the_triggers("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
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


@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET changes = '{\"forged\": true}' WHERE id = %s",
    "DELETE FROM audit_auditevent WHERE id = %s",
])
def test_on_postgresql_the_database_itself_refuses_to_change_an_audit_event(history, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; the ORM guard is tested above")
    event = AuditEvent.objects.order_by("id")[1]
    with pytest.raises(DatabaseError, match="audit_auditevent rows are immutable"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).changes == event.changes
    assert audit_verify().ok


@pytest.mark.parametrize("sql", [
    "UPDATE inputs_inputrevision SET body = 'rewritten' WHERE id = %s",
    "DELETE FROM inputs_inputrevision WHERE id = %s",
])
def test_on_postgresql_the_database_itself_refuses_to_change_an_input_revision(history, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; the ORM guard is tested above")
    revision = InputRevision.objects.filter(input=history).order_by("number").first()
    with pytest.raises(DatabaseError, match="inputs_inputrevision rows are immutable"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, [revision.pk])
    assert InputRevision.objects.get(pk=revision.pk).body == "first"


def test_on_postgresql_appending_and_revising_still_work_under_the_triggers(history, it_lead):
    """The chain head is updated on every append, and revising appends a revision: neither is refused."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    before = AuditEvent.objects.count()
    input_revise(actor=it_lead, input=history, title=history.title, body="third", expected_revision=2)
    assert InputRevision.objects.filter(input=history).count() == 3
    assert AuditEvent.objects.count() > before and audit_verify().ok


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
