from __future__ import annotations

import pytest

from apps.audit.models import AuditEvent
from apps.core.errors import ApplicationError, PermissionDeniedError, StaleRevisionError
from apps.core.hashing import sha256_text
from apps.inputs.models import Input, InputRevision
from apps.inputs.services import input_revise, input_submit, input_update_details, input_withdraw

pytestmark = pytest.mark.django_db


def test_creating_an_input_saves_revision_one_with_the_body_hash(make_input, it_lead):
    item = make_input(it_lead, "it", title="Retention", body="Keep logs for 24 months.")
    rev = item.current_revision
    assert (rev.number, rev.body, rev.author) == (1, "Keep logs for 24 months.", it_lead)
    assert rev.body_sha256 == sha256_text("Keep logs for 24 months.")
    assert item.status == Input.Status.DRAFT
    assert AuditEvent.objects.filter(action="inputs.input.created", target_id=str(item.pk)).exists()


def test_each_revision_is_a_new_immutable_row(make_input, it_lead):
    item = make_input(it_lead, "it", body="v1")
    input_revise(actor=it_lead, input=item, title=item.title, body="v2", expected_revision=1)
    input_revise(actor=it_lead, input=item, title=item.title, body="v3", expected_revision=2)
    assert list(item.revisions.order_by("number").values_list("body", flat=True)) == ["v1", "v2", "v3"]
    item.refresh_from_db()
    assert item.revision_count == 3 and item.current_revision.body == "v3"


def test_editing_on_a_stale_revision_is_refused_and_nothing_is_overwritten(make_input, it_lead, it_contributor):
    item = make_input(it_lead, "it", body="original")
    input_revise(actor=it_contributor, input=item, title=item.title, body="contributor's edit", expected_revision=1)
    with pytest.raises(StaleRevisionError) as exc:
        input_revise(actor=it_lead, input=item, title=item.title, body="lead's edit", expected_revision=1)
    assert exc.value.current.body == "contributor's edit"
    assert InputRevision.objects.filter(input=item).count() == 2
    assert not InputRevision.objects.filter(body="lead's edit").exists()


def test_a_lead_cannot_write_in_another_workstream(make_input, marketing_lead, it_lead):
    with pytest.raises(PermissionDeniedError):
        make_input(marketing_lead, "it")
    item = make_input(it_lead, "it")
    with pytest.raises(PermissionDeniedError):
        input_revise(actor=marketing_lead, input=item, title="x", body="y", expected_revision=1)


@pytest.mark.parametrize("persona", ["customer", "observer", "outsider"])
def test_read_only_roles_and_outsiders_cannot_create_inputs(make_input, persona, personas):
    with pytest.raises(PermissionDeniedError):
        make_input(personas[persona], "it")


def test_the_pmo_may_write_in_any_workstream(make_input, pmo):
    assert make_input(pmo, "data").workstream.slug == "data"


def test_submit_then_withdraw_is_audited_and_withdrawn_inputs_cannot_be_revised(make_input, it_lead):
    item = make_input(it_lead, "it")
    input_submit(actor=it_lead, input=item)
    with pytest.raises(ApplicationError):
        input_submit(actor=it_lead, input=item)
    input_withdraw(actor=it_lead, input=item, reason="superseded by IN-9")
    assert item.status == Input.Status.WITHDRAWN
    with pytest.raises(ApplicationError):
        input_revise(actor=it_lead, input=item, title="t", body="new", expected_revision=1)
    events = AuditEvent.objects.filter(target_type="inputs.Input", target_id=str(item.pk))
    actions = list(events.values_list("action", flat=True))
    assert actions == ["inputs.input.created", "inputs.input.submitted", "inputs.input.withdrawn"]


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [("", "text", "title"), ("x" * 201, "text", "title"), ("ok", "   ", "body"), ("ok", "y" * 20001, "body")],
)
def test_bad_text_is_refused_with_the_field_named(make_input, it_lead, title, body, field):
    with pytest.raises(ApplicationError) as exc:
        make_input(it_lead, "it", title=title, body=body)
    assert exc.value.field == field
    assert not Input.objects.exists()


def test_details_change_without_a_new_revision_but_with_an_audit_event(make_input, it_lead, objective):
    item = make_input(it_lead, "it", tags=["retention"])
    input_update_details(actor=it_lead, input=item, priority="must", tags=["GDPR", "retention"],
                         objectives=[objective])
    item.refresh_from_db()
    assert item.priority == "must" and item.revision_count == 1
    assert sorted(t.name for t in item.tags.all()) == ["gdpr", "retention"]
    event = AuditEvent.objects.get(action="inputs.input.details_changed")
    assert event.changes["priority"] == ["should", "must"]
