"""Re-sequencing the plan through the service: one audited change set per version, refused whole when wrong."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.alignment.models import AgendaItem, AlignmentSession, Decision
from apps.audit.models import AuditEvent
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.deliverables.models import Deliverable, Section, TraceLink
from apps.planning import services
from apps.planning.models import DeliveredDocument, PlanVersion, WorkItem

from .conftest import weeks


def codes(engagement):
    return [i.code for i in WorkItem.objects.filter(engagement=engagement).exclude(status="dropped")
            .order_by("position")]


def reseq(pmo, engagement, ops, *, expected=1, rationale="Better path.", decision=None):
    return services.plan_resequence(actor=pmo, engagement=engagement, operations=ops, rationale=rationale,
                                    expected_version=expected, decision=decision)


def test_the_first_plan_is_version_one_with_its_sequence(plan, engagement):
    version = PlanVersion.objects.get(engagement=engagement)
    assert version.number == 1 and version.rationale == "First plan."
    assert version.summary == "B added; C added after B (depends on B); D added after C (depends on C); " \
                              "F added after D (depends on D)"
    assert codes(engagement) == ["B", "C", "D", "F"]
    assert AuditEvent.objects.filter(action="planning.plan.resequenced", target_id=str(version.pk)).exists()
    assert AuditEvent.objects.filter(action="planning.workitem.created").count() == 4


def test_b_c_d_f_becomes_b_d_f_g(plan, pmo, engagement, objective, workstreams):
    version = reseq(pmo, engagement, [
        {"op": "depend", "item": "D", "depends_on": ["B"]},
        {"op": "drop", "item": "C"},
        {"op": "add", "code": "G", "title": "Work G", "objective": objective.pk, "workstream": workstreams["it"].pk,
         "start": weeks(8).isoformat(), "end": weeks(9).isoformat(), "after": "F", "depends_on": ["F"]},
    ])
    assert version.number == 2
    assert codes(engagement) == ["B", "D", "F", "G"]
    assert version.summary == "C dropped; G added after F (depends on F); D now depends on B"
    assert WorkItem.objects.get(code="C").status == "dropped"
    assert [entry["code"] for entry in version.snapshot] == ["B", "D", "F", "G"]


def test_reordering_b_f_d_reads_as_a_swap(plan, pmo, engagement):
    version = reseq(pmo, engagement, [
        {"op": "depend", "item": "D", "depends_on": []}, {"op": "depend", "item": "F", "depends_on": ["B"]},
        {"op": "drop", "item": "C"}, {"op": "reorder", "order": ["B", "F", "D"]},
    ])
    assert codes(engagement) == ["B", "F", "D"]
    assert version.summary.startswith("C dropped; D and F swapped")


def test_a_dependency_cycle_is_refused_naming_the_cycle_and_nothing_changes(plan, pmo, engagement):
    with pytest.raises(ApplicationError) as refused:
        reseq(pmo, engagement, [{"op": "depend", "item": "B", "depends_on": ["F"]}])
    assert "Dependency cycle: B → F → D → C → B" in refused.value.message
    assert PlanVersion.objects.filter(engagement=engagement).count() == 1
    assert not plan["B"].depends_on.exists()


def test_placing_an_item_before_what_it_depends_on_is_refused(plan, pmo, engagement):
    with pytest.raises(ApplicationError, match="D is placed before C, which it depends on"):
        reseq(pmo, engagement, [{"op": "move", "item": "D", "after": "B"}])
    assert codes(engagement) == ["B", "C", "D", "F"]


def test_dropping_what_others_depend_on_needs_the_dependency_gone_too(plan, pmo, engagement):
    with pytest.raises(ApplicationError, match="D depends on C, which is dropped"):
        reseq(pmo, engagement, [{"op": "drop", "item": "C"}])
    assert WorkItem.objects.get(code="C").status == "planned"


def test_a_stale_change_set_is_refused(plan, pmo, engagement):
    reseq(pmo, engagement, [{"op": "redate", "item": "F", "end": weeks(8).isoformat()}])
    with pytest.raises(services.PlanStaleError) as refused:
        reseq(pmo, engagement, [{"op": "redate", "item": "F", "end": weeks(9).isoformat()}], expected=1)
    assert "now version 2" in refused.value.message
    assert PlanVersion.objects.filter(engagement=engagement).count() == 2


def test_only_the_pmo_resequences(plan, it_lead, engagement):
    with pytest.raises(PermissionDeniedError):
        reseq(it_lead, engagement, [{"op": "drop", "item": "F"}])


def test_bad_operations_get_clear_errors(plan, pmo, engagement, objective, workstreams):
    with pytest.raises(ApplicationError, match="Operation 1: op must be one of"):
        reseq(pmo, engagement, [{"op": "explode"}])
    with pytest.raises(ApplicationError, match="no work item 'Z'"):
        reseq(pmo, engagement, [{"op": "drop", "item": "Z"}])
    with pytest.raises(ApplicationError, match="the code B is already used"):
        reseq(pmo, engagement, [{"op": "add", "code": "B", "title": "x", "objective": objective.pk,
                                 "workstream": workstreams["it"].pk, "start": "2026-03-02", "end": "2026-03-03"}])
    with pytest.raises(ApplicationError, match="start must be a date"):
        reseq(pmo, engagement, [{"op": "redate", "item": "B", "start": "tomorrow"}])
    with pytest.raises(ApplicationError, match="would end"):
        reseq(pmo, engagement, [{"op": "redate", "item": "B", "start": "2026-05-01", "end": "2026-04-01"}])
    with pytest.raises(ApplicationError, match="rationale"):
        reseq(pmo, engagement, [{"op": "drop", "item": "F"}], rationale="  ")
    with pytest.raises(ApplicationError, match="leave the plan as it is"):
        reseq(pmo, engagement, [{"op": "move", "item": "C", "after": "B"}])


def test_a_decision_of_another_engagement_is_refused(plan, pmo, engagement, other_engagement, outsider):
    decision = _decision(other_engagement, outsider)
    with pytest.raises(ApplicationError, match="not part of this engagement"):
        reseq(pmo, engagement, [{"op": "drop", "item": "F"}], decision=decision)


def test_a_decision_can_drive_the_change(plan, pmo, engagement, it_input):
    decision = _decision(engagement, pmo, it_input)
    version = reseq(pmo, engagement, [{"op": "drop", "item": "F"}], decision=decision)
    assert version.decision == decision and list(decision.plan_versions.all()) == [version]


def _decision(engagement, actor, an_input=None):
    from django.utils import timezone

    from apps.inputs.services import input_create

    if an_input is None:
        workstream = engagement.workstreams.first()
        an_input = input_create(actor=actor, engagement=engagement, workstream=workstream, kind="requirement",
                                title="Other", body="Text.", priority="should", submit=True)
    session = AlignmentSession.objects.create(engagement=engagement, title="S", scheduled_at=timezone.now(),
                                              created_by=actor)
    item = AgendaItem.objects.create(session=session, input=an_input, title="I")
    return Decision.objects.create(agenda_item=item, engagement=engagement, outcome="adopt", rationale="r",
                                   adopted_input=an_input, decided_by=actor)


def test_dropping_a_work_item_turns_its_trace_links_suspect(plan, pmo, engagement, it_input):
    decision = _decision(engagement, pmo, it_input)
    deliverable = Deliverable.objects.create(engagement=engagement, title="Spec", created_by=pmo)
    section = Section.objects.create(deliverable=deliverable, heading="Loyalty", body="x")
    trace = TraceLink.objects.create(section=section, input_revision=it_input.current_revision, created_by=pmo)
    f = plan["F"]
    for target in ({"input": it_input}, {"decision": decision}, {"section": section}):
        services.workitem_link_add(actor=pmo, work_item=f, **target)
    reseq(pmo, engagement, [{"op": "drop", "item": "F"}], rationale="Marketing does it in the CRM instead.")
    assert all(link.is_suspect for link in f.links.all())
    assert "F Work F was dropped from the plan in version 2" in f.links.first().suspect_reason
    trace.refresh_from_db()
    decision.refresh_from_db()
    assert trace.is_suspect and "dropped from the plan" in trace.suspect_reason
    assert decision.is_suspect
    assert AuditEvent.objects.filter(action="deliverables.tracelink.suspected").count() == 1
    link = f.links.first()
    services.workitem_link_clear_suspect(actor=pmo, link=link)
    link.refresh_from_db()
    assert not link.is_suspect


def test_links_stay_inside_the_engagement(plan, pmo, other_engagement, outsider):
    from apps.inputs.services import input_create

    foreign = input_create(actor=outsider, engagement=other_engagement, workstream=other_engagement.workstreams
                           .first(), kind="requirement", title="Theirs", body="x", priority="should", submit=True)
    with pytest.raises(ApplicationError, match="not part of this engagement"):
        services.workitem_link_add(actor=pmo, work_item=plan["B"], input=foreign)


def test_create_and_update_a_work_item(plan, pmo, engagement, objective, workstreams):
    item = services.workitem_create(actor=pmo, engagement=engagement, objective=objective,
                                    workstream=workstreams["data"], code="H", title="Work H",
                                    planned_start=weeks(9), planned_end=weeks(10), after="F",
                                    depends_on=[plan["F"]])
    assert item.position == 5 and list(item.depends_on.all()) == [plan["F"]]
    assert PlanVersion.objects.get(engagement=engagement, number=2).summary == "H added after F (depends on F)"
    services.workitem_update(actor=pmo, work_item=item, title="Work H, renamed", status="in_progress")
    item.refresh_from_db()
    assert (item.title, item.status) == ("Work H, renamed", "in_progress")
    with pytest.raises(ApplicationError, match="re-sequencing"):
        services.workitem_update(actor=pmo, work_item=item, status="dropped")


# --- deliverable definitions and documents ------------------------------------------------------------

def test_a_lead_of_the_owner_workstream_delivers_a_document(plan, pmo, it_lead, media_root):
    definition = services.definition_create(actor=pmo, work_item=plan["B"], title="Interface spec",
                                            due_date=weeks(2))
    upload = SimpleUploadedFile("spec v1.pdf", b"%PDF-1.7\n% a tiny pdf\n", content_type="application/pdf")
    document = services.document_upload(actor=it_lead, definition=definition, upload=upload)
    assert document.original_name == "spec v1.pdf" and document.size == 22
    assert document.file.name.startswith(f"planning/{plan['B'].engagement_id}/") and "spec" not in document.file.name
    assert (media_root / document.file.name).read_bytes().startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="planning.document.uploaded").exists()


def test_uploads_are_refused_by_type_content_size_and_workstream(plan, pmo, it_lead, data_lead, settings,
                                                               media_root):
    definition = services.definition_create(actor=pmo, work_item=plan["B"], title="Spec", due_date=weeks(2))
    with pytest.raises(ApplicationError, match=r"\.exe cannot be uploaded"):
        services.document_upload(actor=it_lead, definition=definition,
                                 upload=SimpleUploadedFile("tool.exe", b"MZ\x90\x00"))
    with pytest.raises(ApplicationError, match="does not look like a .pdf"):
        services.document_upload(actor=it_lead, definition=definition,
                                 upload=SimpleUploadedFile("tool.pdf", b"MZ\x90\x00"))
    with pytest.raises(ApplicationError, match="not UTF-8 text"):
        services.document_upload(actor=it_lead, definition=definition,
                                 upload=SimpleUploadedFile("notes.txt", b"\xff\xfe\x00bad"))
    settings.PLANNING_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ApplicationError, match="the limit is"):
        services.document_upload(actor=it_lead, definition=definition,
                                 upload=SimpleUploadedFile("notes.txt", b"x" * 11))
    settings.PLANNING_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(PermissionDeniedError):
        services.document_upload(actor=data_lead, definition=definition,
                                 upload=SimpleUploadedFile("notes.txt", b"hello"))
    assert DeliveredDocument.objects.count() == 0
    assert not any(media_root.rglob("*.*")) if media_root.exists() else True
