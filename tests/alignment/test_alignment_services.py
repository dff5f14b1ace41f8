from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

from apps.alignment import services
from apps.alignment.models import AgendaItem, AlignmentSession, Decision, DecisionRevision, Position
from apps.audit.models import AuditEvent
from apps.conflicts.models import Finding
from apps.core.errors import ApplicationError, PermissionDeniedError, StaleRevisionError
from apps.inputs.services import input_revise
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def actions(target) -> list[str]:
    return list(AuditEvent.objects.filter(target_type=target._meta.label, target_id=str(target.pk))
                .order_by("id").values_list("action", flat=True))


# --- sessions ---------------------------------------------------------------------------------------

def test_the_pmo_plans_a_session_which_is_audited_and_invites_the_participants(session, personas):
    assert session.status == AlignmentSession.Status.PLANNED
    assert set(session.participants.all()) == {personas["it_lead"], personas["data_lead"], personas["customer"]}
    assert actions(session) == ["alignment.session.created"]
    invited = set(Notification.objects.filter(kind="session_invite").values_list("recipient__email", flat=True))
    assert invited == {"it.lead@example.com", "data.lead@example.com", "customer@example.com"}


@pytest.mark.parametrize("persona", ["it_lead", "it_contributor", "customer", "observer", "outsider"])
def test_only_the_pmo_plans_sessions(engagement, personas, persona):
    with pytest.raises(PermissionDeniedError):
        services.session_create(actor=personas[persona], engagement=engagement, title="x",
                                scheduled_at=timezone.now())


def test_participants_must_be_members_of_the_engagement(engagement, pmo, outsider):
    with pytest.raises(ApplicationError) as exc:
        services.session_create(actor=pmo, engagement=engagement, title="x", scheduled_at=timezone.now(),
                                participants=[outsider])
    assert exc.value.field == "participants"
    assert not AlignmentSession.objects.exists()


def test_a_session_moves_planned_then_in_progress_then_concluded_and_never_back(session, pmo, item):
    with pytest.raises(ApplicationError):
        services.session_conclude(actor=pmo, session=session)
    services.session_start(actor=pmo, session=session)
    with pytest.raises(ApplicationError):
        services.session_start(actor=pmo, session=session)
    services.session_conclude(actor=pmo, session=session)
    assert session.status == "concluded" and session.started_at and session.concluded_at
    assert actions(session) == ["alignment.session.created", "alignment.session.started",
                                "alignment.session.concluded"]
    with pytest.raises(ApplicationError):
        services.agenda_add_inputs(actor=pmo, session=session, inputs=[item.finding.input_a])


def test_minutes_saved_on_a_stale_revision_are_refused_and_nothing_is_overwritten(session, pmo):
    services.session_minutes_save(actor=pmo, session=session, minutes="First notes.", expected_revision=0)
    with pytest.raises(StaleRevisionError) as exc:
        services.session_minutes_save(actor=pmo, session=session, minutes="My other notes.", expected_revision=0)
    assert exc.value.current.body == "First notes." and exc.value.current.number == 1
    session.refresh_from_db()
    assert session.minutes == "First notes." and session.minutes_revision == 1
    assert actions(session).count("alignment.session.minutes_saved") == 1


# --- agenda -----------------------------------------------------------------------------------------

def test_putting_a_finding_on_the_agenda_marks_it_in_alignment_and_asks_both_workstreams(item, finding):
    finding.refresh_from_db()
    assert finding.status == Finding.Status.IN_ALIGNMENT
    assert item.finding == finding and item.title.startswith(finding.reference)
    assert actions(item) == ["alignment.agenda_item.added"]
    asked = set(Notification.objects.filter(kind="position_requested").values_list("recipient__email", flat=True))
    assert asked == {"it.lead@example.com", "data.lead@example.com", "it.dev@example.com"}


def test_a_finding_already_on_the_agenda_or_no_longer_open_cannot_be_added(session, pmo, item, finding,
                                                                           make_finding, it_input, data_input):
    with pytest.raises(ApplicationError):
        services.agenda_add_findings(actor=pmo, session=session, findings=[finding])
    dismissed = make_finding(it_input, data_input, status="dismissed")
    with pytest.raises(ApplicationError):
        services.agenda_add_findings(actor=pmo, session=session, findings=[dismissed])


def test_one_click_adds_every_open_conflict_between_two_workstreams(session, pmo, make_finding, it_input,
                                                                    data_input, marketing_input, workstreams):
    make_finding(it_input, data_input)
    make_finding(data_input, it_input, kind="negation")
    make_finding(it_input, data_input, label="duplicate", kind="duplicate")  # a merge candidate, not a conflict
    make_finding(it_input, marketing_input)  # another pair
    expected = set(Finding.objects.filter(
        Q(workstream_a=workstreams["it"], workstream_b=workstreams["data"])
        | Q(workstream_a=workstreams["data"], workstream_b=workstreams["it"]),
        label="conflict", status="open").values_list("pk", flat=True))
    added = services.agenda_add_conflicts_between(actor=pmo, session=session, workstream_a=workstreams["data"],
                                                  workstream_b=workstreams["it"])
    assert {i.finding_id for i in added} == expected and len(expected) >= 2
    with pytest.raises(ApplicationError):  # nothing left between the two
        services.agenda_add_conflicts_between(actor=pmo, session=session, workstream_a=workstreams["it"],
                                              workstream_b=workstreams["data"])


def test_inputs_of_another_engagement_cannot_go_on_the_agenda(session, pmo, other_engagement, outsider):
    from apps.engagements.models import Workstream
    from apps.inputs.services import input_create

    foreign = input_create(actor=outsider, engagement=other_engagement, title="x", body="y", kind="requirement",
                           workstream=Workstream.objects.get(engagement=other_engagement, slug="it"), submit=True)
    with pytest.raises(ApplicationError):
        services.agenda_add_inputs(actor=pmo, session=session, inputs=[foreign])


def test_an_undecided_item_can_be_removed_by_the_pmo_and_it_is_audited(session, pmo, item, it_lead):
    services.position_record(actor=it_lead, item=item, stance="agree", reason="ok")
    with pytest.raises(PermissionDeniedError):
        services.agenda_item_remove(actor=it_lead, item=item)
    services.agenda_item_remove(actor=pmo, item=item)
    assert not session.agenda_items.exists()
    assert AuditEvent.objects.filter(action="alignment.agenda_item.removed").exists()


def _status(finding) -> str:
    finding.refresh_from_db()
    return finding.status


def test_removing_a_finding_from_its_only_agenda_puts_it_back_to_open(session, pmo, item, finding):
    assert _status(finding) == Finding.Status.IN_ALIGNMENT
    services.agenda_item_remove(actor=pmo, item=item)
    assert _status(finding) == Finding.Status.OPEN
    assert actions(finding) == ["conflicts.finding.in_alignment", "conflicts.finding.released_from_alignment"]
    released = AuditEvent.objects.get(action="conflicts.finding.released_from_alignment")
    assert released.changes == {"status": ["in_alignment", "open"]} and released.actor == pmo
    # Back in the pool: it can go on an agenda again.
    again = services.agenda_add_findings(actor=pmo, session=session, findings=[finding])[0]
    assert again.finding == finding and _status(finding) == Finding.Status.IN_ALIGNMENT


def test_an_acknowledged_finding_taken_off_the_agenda_is_acknowledged_again(session, pmo, make_finding, it_input,
                                                                            data_input, it_lead):
    from apps.conflicts.services import finding_acknowledge

    finding = finding_acknowledge(finding=make_finding(it_input, data_input), actor=it_lead)
    item = services.agenda_add_findings(actor=pmo, session=session, findings=[finding])[0]
    services.agenda_item_remove(actor=pmo, item=item)
    assert _status(finding) == Finding.Status.ACKNOWLEDGED


def test_removal_from_one_of_two_live_agendas_keeps_it_in_alignment_until_the_last(session, pmo, item, finding,
                                                                                   engagement):
    other = services.session_create(actor=pmo, engagement=engagement, title="Second look",
                                    scheduled_at=timezone.now() + dt.timedelta(days=2))
    # The service puts only open or acknowledged findings on an agenda, yet the model allows a finding on two
    # (finding_mark_in_alignment accepts a second agenda), so build the second item directly.
    second = AgendaItem.objects.create(session=other, order=1, finding=finding, title=item.title)
    services.agenda_item_remove(actor=pmo, item=item)
    assert _status(finding) == Finding.Status.IN_ALIGNMENT
    assert not AuditEvent.objects.filter(action="conflicts.finding.released_from_alignment").exists()
    services.agenda_item_remove(actor=pmo, item=second)
    assert _status(finding) == Finding.Status.OPEN


def test_an_undecided_item_of_a_concluded_session_does_not_hold_the_finding(session, pmo, item, finding,
                                                                           engagement):
    other = services.session_create(actor=pmo, engagement=engagement, title="Second look",
                                    scheduled_at=timezone.now() + dt.timedelta(days=2))
    second = AgendaItem.objects.create(session=other, order=1, finding=finding, title=item.title)
    services.session_start(actor=pmo, session=session)
    services.session_conclude(actor=pmo, session=session)  # concluded with the item undecided
    services.agenda_item_remove(actor=pmo, item=second)
    assert _status(finding) == Finding.Status.OPEN


def test_without_a_recorded_earlier_status_the_finding_falls_back_to_acknowledged(session, pmo, make_finding,
                                                                                 it_input, data_input):
    finding = make_finding(it_input, data_input, status="in_alignment")  # no audit event says where it came from
    item = AgendaItem.objects.create(session=session, order=9, finding=finding, title="Imported item")
    services.agenda_item_remove(actor=pmo, item=item)
    assert _status(finding) == Finding.Status.ACKNOWLEDGED


def test_a_finding_that_moved_on_while_on_the_agenda_keeps_its_new_status(session, pmo, item, finding):
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.SUPERSEDED)  # detection saw a new revision
    services.agenda_item_remove(actor=pmo, item=item)
    assert _status(finding) == Finding.Status.SUPERSEDED
    assert not AuditEvent.objects.filter(action="conflicts.finding.released_from_alignment").exists()


def test_removing_an_input_item_touches_no_finding(session, pmo, it_input, finding, item):
    input_item = services.agenda_add_inputs(actor=pmo, session=session, inputs=[it_input])[0]
    services.agenda_item_remove(actor=pmo, item=input_item)
    assert _status(finding) == Finding.Status.IN_ALIGNMENT


def test_concluding_with_undecided_findings_puts_each_back_where_it_was(started, pmo, item, finding, make_finding,
                                                                       it_input, data_input, it_lead):
    from apps.conflicts.services import finding_acknowledge

    acknowledged = finding_acknowledge(finding=make_finding(it_input, data_input), actor=it_lead)
    services.agenda_add_findings(actor=pmo, session=started, findings=[acknowledged])
    services.session_conclude(actor=pmo, session=started)  # concluded with both items undecided
    assert _status(finding) == Finding.Status.OPEN
    assert _status(acknowledged) == Finding.Status.ACKNOWLEDGED
    assert actions(finding) == ["conflicts.finding.in_alignment", "conflicts.finding.released_from_alignment"]
    released = AuditEvent.objects.filter(action="conflicts.finding.released_from_alignment").order_by("id")
    assert [(e.changes, e.actor) for e in released] == [({"status": ["in_alignment", "open"]}, pmo),
                                                        ({"status": ["in_alignment", "acknowledged"]}, pmo)]
    assert started.agenda_items.count() == 2  # the record keeps its items
    # Back in the pool: another session can take it up.
    other = services.session_create(actor=pmo, engagement=started.engagement, title="Second look",
                                    scheduled_at=timezone.now() + dt.timedelta(days=2))
    again = services.agenda_add_findings(actor=pmo, session=other, findings=[finding])[0]
    assert again.finding == finding and _status(finding) == Finding.Status.IN_ALIGNMENT


def test_concluding_leaves_a_decided_finding_resolved(started, pmo, item, finding):
    services.decision_record(actor=pmo, item=item, outcome="reject", rationale="Neither change is needed.")
    services.session_conclude(actor=pmo, session=started)
    assert _status(finding) == Finding.Status.RESOLVED
    assert not AuditEvent.objects.filter(action="conflicts.finding.released_from_alignment").exists()


def test_concluding_keeps_a_finding_in_alignment_while_another_live_agenda_holds_it(started, pmo, item, finding,
                                                                                  engagement):
    other = services.session_create(actor=pmo, engagement=engagement, title="Second look",
                                    scheduled_at=timezone.now() + dt.timedelta(days=2))
    # Built directly, as the service only puts open or acknowledged findings on an agenda (see above).
    AgendaItem.objects.create(session=other, order=1, finding=finding, title=item.title)
    services.session_conclude(actor=pmo, session=started)
    assert _status(finding) == Finding.Status.IN_ALIGNMENT
    assert not AuditEvent.objects.filter(action="conflicts.finding.released_from_alignment").exists()
    # Concluding the other one undecided too leaves no live agenda: now it goes back.
    services.session_start(actor=pmo, session=other)
    services.session_conclude(actor=pmo, session=other)
    assert _status(finding) == Finding.Status.OPEN


def test_only_the_pmo_releases_a_finding_from_alignment(item, finding, it_lead):
    from apps.conflicts.services import finding_release_from_alignment

    with pytest.raises(PermissionDeniedError):
        finding_release_from_alignment(finding=finding, actor=it_lead)
    assert _status(finding) == Finding.Status.IN_ALIGNMENT


# --- positions --------------------------------------------------------------------------------------

def test_a_lead_records_and_changes_the_position_of_their_own_workstream(item, it_lead, it_contributor):
    position = services.position_record(actor=it_lead, item=item, stance="object", reason="Fraud needs 24 months.")
    assert position.workstream.slug == "it" and position.stance == "object"
    services.position_record(actor=it_contributor, item=item, stance="agree", reason="Fine with the exception.")
    position.refresh_from_db()
    assert position.stance == "agree" and position.recorded_by == it_contributor
    assert Position.objects.filter(agenda_item=item).count() == 1
    assert actions(position) == ["alignment.position.recorded", "alignment.position.changed"]


@pytest.mark.parametrize("persona", ["pmo", "customer", "observer", "outsider"])
def test_only_workstream_members_record_positions(item, personas, persona):
    with pytest.raises(PermissionDeniedError):
        services.position_record(actor=personas[persona], item=item, stance="agree", reason="r")


def test_a_position_needs_a_reason_and_a_known_stance(item, it_lead):
    with pytest.raises(ApplicationError) as exc:
        services.position_record(actor=it_lead, item=item, stance="agree", reason="  ")
    assert exc.value.field == "reason"
    with pytest.raises(ApplicationError) as exc:
        services.position_record(actor=it_lead, item=item, stance="maybe", reason="r")
    assert exc.value.field == "stance"


def test_positions_freeze_once_the_item_is_decided_but_stay_visible(started, item, pmo, it_lead, data_lead):
    services.position_record(actor=it_lead, item=item, stance="object", reason="24 months.")
    services.decision_record(actor=pmo, item=item, outcome="reject", rationale="Out of scope.")
    with pytest.raises(ApplicationError):
        services.position_record(actor=it_lead, item=item, stance="agree", reason="changed my mind")
    with pytest.raises(ApplicationError):
        services.position_record(actor=data_lead, item=item, stance="agree", reason="late")
    assert list(item.positions.values_list("stance", flat=True)) == ["object"]


# --- decisions --------------------------------------------------------------------------------------

def test_deciding_records_the_current_revisions_and_resolves_the_finding(started, item, pmo, finding,
                                                                         it_input, data_input):
    decision = services.decision_record(actor=pmo, item=item, outcome="merge", rationale="Both have a point.",
                                        merged_text="Keep 90 days; 24 months for flagged fraud cases.")
    assert decision.version == 1 and decision.engagement_id == item.session.engagement_id
    assert set(decision.source_revisions.all()) == {it_input.current_revision, data_input.current_revision}
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RESOLVED
    assert actions(decision) == ["alignment.decision.recorded"]
    assert DecisionRevision.objects.get(decision=decision).version == 1
    with pytest.raises(ApplicationError):
        services.decision_record(actor=pmo, item=item, outcome="reject", rationale="again")


def test_decisions_wait_for_the_session_to_start(item, pmo):
    with pytest.raises(ApplicationError):
        services.decision_record(actor=pmo, item=item, outcome="reject", rationale="r")


@pytest.mark.parametrize("persona", ["it_lead", "it_contributor", "customer", "observer", "outsider"])
def test_only_the_pmo_decides(started, item, personas, persona):
    with pytest.raises(PermissionDeniedError):
        services.decision_record(actor=personas[persona], item=item, outcome="reject", rationale="r")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"outcome": "merge", "rationale": ""}, "rationale"),
        ({"outcome": "merge", "rationale": "r"}, "merged_text"),
        ({"outcome": "adopt", "rationale": "r"}, "adopted_input"),
        ({"outcome": "defer", "rationale": "r", "owner": None}, "due_date"),
        ({"outcome": "defer", "rationale": "r", "due_date": dt.date(2030, 1, 1)}, "owner"),
        ({"outcome": "ponder", "rationale": "r"}, "outcome"),
    ],
)
def test_outcome_specific_fields_are_validated(started, item, pmo, fields, field):
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=pmo, item=item, **fields)
    assert exc.value.field == field
    assert not Decision.objects.exists()


def test_adopt_must_pick_one_of_the_items_inputs_and_a_defer_owner_must_be_a_member(started, item, pmo,
                                                                                    marketing_input, outsider,
                                                                                    it_input, it_lead):
    with pytest.raises(ApplicationError):
        services.decision_record(actor=pmo, item=item, outcome="adopt", rationale="r", adopted_input=marketing_input)
    with pytest.raises(ApplicationError):
        services.decision_record(actor=pmo, item=item, outcome="defer", rationale="r", owner=outsider,
                                 due_date=dt.date(2030, 1, 1))
    decision = services.decision_record(actor=pmo, item=item, outcome="adopt", rationale="IT wins",
                                        adopted_input=it_input, merged_text="ignored for adopt")
    assert decision.adopted_input == it_input and decision.merged_text == ""


def test_revising_a_decision_bumps_its_version_keeps_history_and_refuses_stale_edits(started, item, pmo):
    decision = services.decision_record(actor=pmo, item=item, outcome="defer", rationale="Need facts.",
                                        due_date=dt.date(2030, 1, 1), owner=pmo)
    services.decision_revise(actor=pmo, decision=decision, expected_version=1, outcome="merge",
                             rationale="Facts are in.", merged_text="Merged text.")
    assert (decision.version, decision.outcome, decision.due_date, decision.owner) == (2, "merge", None, None)
    assert list(decision.revisions.values_list("version", "outcome")) == [(1, "defer"), (2, "merge")]
    with pytest.raises(StaleRevisionError) as exc:
        services.decision_revise(actor=pmo, decision=decision, expected_version=1, outcome="reject", rationale="x")
    assert exc.value.current.number == 2
    decision.refresh_from_db()
    assert decision.outcome == "merge"
    assert actions(decision) == ["alignment.decision.recorded", "alignment.decision.revised"]


def test_a_new_revision_of_a_source_input_makes_the_decision_suspect_until_the_pmo_clears_it(
        started, item, pmo, it_lead, it_input):
    decision = services.decision_record(actor=pmo, item=item, outcome="reject", rationale="Not now.")
    input_revise(actor=it_lead, input=it_input, title=it_input.title, body="Logs: 18 months.", expected_revision=1)
    decision.refresh_from_db()
    assert decision.is_suspect and "r2" in decision.suspect_reason
    assert "alignment.decision.suspected" in actions(decision)
    with pytest.raises(PermissionDeniedError):
        services.decision_clear_suspect(actor=it_lead, decision=decision)
    services.decision_clear_suspect(actor=pmo, decision=decision)
    it_input.refresh_from_db()
    assert not decision.is_suspect
    assert it_input.current_revision in decision.source_revisions.all()
    assert actions(decision)[-1] == "alignment.decision.suspect_cleared"
    with pytest.raises(ApplicationError):
        services.decision_clear_suspect(actor=pmo, decision=decision)
