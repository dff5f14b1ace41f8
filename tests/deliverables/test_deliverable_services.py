from __future__ import annotations

import hashlib

import pytest

from apps.alignment import services as alignment
from apps.audit.models import AuditEvent
from apps.core.errors import ApplicationError, ImmutableRecordError, PermissionDeniedError, StaleRevisionError
from apps.deliverables import services
from apps.deliverables.models import DeliverableVersion, Section, TraceLink
from apps.inputs.services import input_revise

pytestmark = pytest.mark.django_db


def audit_actions(action_prefix: str) -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith=action_prefix).order_by("id")
                .values_list("action", flat=True))


@pytest.mark.parametrize("persona", ["it_lead", "it_contributor", "customer", "observer", "outsider"])
def test_only_the_pmo_creates_edits_links_and_publishes(drafted, personas, persona, objective):
    user = personas[persona]
    section = drafted.sections.first()
    with pytest.raises(PermissionDeniedError):
        services.deliverable_create(actor=user, engagement=drafted.engagement, title="Other")
    with pytest.raises(PermissionDeniedError):
        services.section_create(actor=user, deliverable=drafted, heading="x")
    with pytest.raises(PermissionDeniedError):
        services.section_update(actor=user, section=section, heading="x", body="y", expected_revision=1)
    with pytest.raises(PermissionDeniedError):
        services.tracelink_add(actor=user, section=section, objective=objective)
    with pytest.raises(PermissionDeniedError):
        services.version_publish(deliverable=drafted, actor=user)


def test_a_section_from_a_merge_decision_starts_with_its_text_and_traces_to_it_and_its_revisions(
        drafted, merge_decision, it_input):
    section = drafted.sections.get(heading="Retention")
    assert section.body == merge_decision.merged_text and section.source_decision == merge_decision
    links = list(section.trace_links.all())
    assert {(link.decision_id, link.decision_version) for link in links if link.decision_id} == {
        (merge_decision.pk, 1)}
    assert {link.input_revision for link in links if link.input_revision_id} == {it_input.current_revision}


def test_only_merge_or_adopt_decisions_seed_sections(deliverable, pmo, merge_decision):
    alignment.decision_revise(actor=pmo, decision=merge_decision, expected_version=1, outcome="reject",
                              rationale="No.")
    with pytest.raises(ApplicationError):
        services.section_create_from_decision(actor=pmo, deliverable=deliverable, decision=merge_decision)


def test_sections_are_ordered_moved_and_deleted_with_audit(drafted, pmo):
    first, second, third = drafted.sections.order_by("order")
    services.section_move(actor=pmo, section=third, direction="up")
    assert list(drafted.sections.order_by("order").values_list("heading", flat=True)) == [
        "Retention", "Goal", "Deletion"]
    with pytest.raises(ApplicationError):
        services.section_move(actor=pmo, section=first, direction="up")
    services.section_delete(actor=pmo, section=second)
    assert list(drafted.sections.order_by("order").values_list("heading", "order")) == [
        ("Retention", 1), ("Goal", 2)]
    assert not TraceLink.objects.filter(section_id=second.pk).exists()
    assert "deliverables.section.moved" in audit_actions("deliverables.section")
    assert "deliverables.section.deleted" in audit_actions("deliverables.section")


def test_a_stale_section_edit_is_refused_and_the_newer_text_is_kept(drafted, pmo):
    section = drafted.sections.get(heading="Deletion")
    services.section_update(actor=pmo, section=section, heading="Deletion", body="Deletion runs hourly.",
                            expected_revision=1)
    with pytest.raises(StaleRevisionError) as exc:
        services.section_update(actor=pmo, section=section, heading="Deletion", body="Mine.", expected_revision=1)
    assert exc.value.current.body == "Deletion runs hourly." and exc.value.current.number == 2
    section.refresh_from_db()
    assert (section.body, section.revision) == ("Deletion runs hourly.", 2)


def test_trace_links_are_added_and_removed_explicitly_and_audited(drafted, pmo, it_input, other_engagement):
    section = drafted.sections.get(heading="Deletion")
    link = services.tracelink_add(actor=pmo, section=section, input_revision=it_input.current_revision)
    with pytest.raises(ApplicationError):  # one link per input and section
        services.tracelink_add(actor=pmo, section=section, input_revision=it_input.current_revision)
    with pytest.raises(ApplicationError):
        services.tracelink_add(actor=pmo, section=section)
    services.tracelink_remove(actor=pmo, link=link)
    assert not TraceLink.objects.filter(pk=link.pk).exists()
    assert audit_actions("deliverables.tracelink")[-2:] == ["deliverables.tracelink.added",
                                                            "deliverables.tracelink.removed"]


def test_a_draft_input_cannot_be_traced_by_the_service_or_the_api(drafted, pmo, it_lead, make_input, api_as):
    draft = make_input(it_lead, "it", title="Still thinking", body="Maybe 12 months.")
    section = drafted.sections.get(heading="Deletion")
    with pytest.raises(ApplicationError, match="draft"):
        services.tracelink_add(actor=pmo, section=section, input_revision=draft.current_revision)
    refused = api_as(pmo).post("/api/v1/trace-links/", {"section": section.pk,
                                                        "input_revision": draft.current_revision.pk}, format="json")
    assert refused.status_code == 400 and "draft" in refused.json()["detail"]
    assert not TraceLink.objects.filter(input_revision__input=draft).exists()


def test_a_new_input_revision_turns_links_to_older_revisions_suspect_until_the_pmo_clears_them(
        drafted, pmo, data_lead, data_input):
    link = TraceLink.objects.get(section__heading="Deletion")
    input_revise(actor=data_lead, input=data_input, title=data_input.title, body="Delete within 60 days.",
                 expected_revision=1)
    link.refresh_from_db()
    assert link.is_suspect and link.suspect_since and "r2" in link.suspect_reason
    assert AuditEvent.objects.filter(action="deliverables.tracelink.suspected", target_id=str(link.pk)).exists()
    services.tracelink_clear_suspect(actor=pmo, link=link)
    data_input.refresh_from_db()
    assert not link.is_suspect and link.input_revision == data_input.current_revision
    assert AuditEvent.objects.filter(action="deliverables.tracelink.suspect_cleared").exists()


def test_revising_a_decision_turns_links_to_it_suspect_and_clearing_repoints_them(drafted, pmo, merge_decision):
    link = TraceLink.objects.get(decision=merge_decision)
    alignment.decision_revise(actor=pmo, decision=merge_decision, expected_version=1, outcome="merge",
                              rationale="Refined.", merged_text="Logs go after 60 days.")
    link.refresh_from_db()
    assert link.is_suspect and "version 2" in link.suspect_reason
    services.tracelink_clear_suspect(actor=pmo, link=link)
    assert (link.is_suspect, link.decision_version) == (False, 2)


def test_publishing_freezes_the_exact_bytes_their_hash_the_manifest_and_numbers_versions(drafted, pmo,
                                                                                       data_input, it_input):
    v1 = services.version_publish(deliverable=drafted, actor=pmo)
    stored = bytes(DeliverableVersion.objects.get(pk=v1.pk).rendered_html)
    assert v1.number == 1 and v1.content_sha256 == hashlib.sha256(stored).hexdigest()
    assert stored.decode().startswith('<article class="deliverable">') and "<strong>90 days</strong>" in stored.decode()
    manifest = {s["heading"]: s for s in v1.trace_manifest}
    assert manifest["Deletion"]["input_revisions"][0]["input"] == data_input.reference
    assert manifest["Deletion"]["input_revisions"][0]["body_sha256"] == data_input.current_revision.body_sha256
    assert manifest["Retention"]["decisions"][0]["version"] == 1
    assert manifest["Goal"]["objectives"][0]["code"] == "OBJ-1"
    assert v1.suspect_links == []
    with pytest.raises(ApplicationError):  # nothing changed
        services.version_publish(deliverable=drafted, actor=pmo)
    section = drafted.sections.get(heading="Goal")
    services.section_update(actor=pmo, section=section, heading="Goal", body="One view.", expected_revision=1)
    assert services.version_publish(deliverable=drafted, actor=pmo).number == 2
    assert AuditEvent.objects.filter(action="deliverables.version.published").count() == 2


def test_the_same_text_renders_to_the_same_bytes(drafted, pmo):
    from apps.deliverables.rendering import SectionText, render_document

    sections = [SectionText(s.heading, s.body) for s in drafted.sections.order_by("order")]
    assert render_document(title="T", sections=sections).html_bytes == render_document(
        title="T", sections=sections).html_bytes


def test_user_markdown_is_sanitised_before_it_is_frozen(deliverable, pmo):
    services.section_create(actor=pmo, deliverable=deliverable, heading="<b>x</b>",
                            body="<script>alert(1)</script> [a](javascript:alert(1))")
    html = bytes(services.version_publish(deliverable=deliverable, actor=pmo).rendered_html).decode()
    assert "<script" not in html and "javascript:" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_published_versions_cannot_be_changed_or_deleted(drafted, pmo):
    version = services.version_publish(deliverable=drafted, actor=pmo)
    version.content_sha256 = "0" * 64
    with pytest.raises(ImmutableRecordError):
        version.save()
    with pytest.raises(ImmutableRecordError):
        version.delete()
    with pytest.raises(ImmutableRecordError):
        DeliverableVersion.objects.filter(pk=version.pk).update(number=9)
    with pytest.raises(ImmutableRecordError):
        DeliverableVersion.objects.filter(pk=version.pk).delete()
    assert DeliverableVersion.objects.get(pk=version.pk).number == 1


def test_a_deliverable_with_suspect_links_can_be_published_and_the_version_records_them(
        drafted, pmo, data_lead, data_input):
    input_revise(actor=data_lead, input=data_input, title=data_input.title, body="Delete within 30 days.",
                 expected_revision=1)
    version = services.version_publish(deliverable=drafted, actor=pmo)
    assert [(s["heading"], s["target"]) for s in version.suspect_links] == [
        ("Deletion", f"{data_input.reference} r1")]
    deletion = next(s for s in version.trace_manifest if s["heading"] == "Deletion")
    assert deletion["input_revisions"][0]["suspect"] is True


def test_publishing_needs_at_least_one_section(deliverable, pmo):
    with pytest.raises(ApplicationError):
        services.version_publish(deliverable=deliverable, actor=pmo)
    assert not Section.objects.exists()


def test_two_versions_compare_section_by_section(drafted, pmo):
    from apps.deliverables.compare import compare_sections

    v1 = services.version_publish(deliverable=drafted, actor=pmo)
    goal = drafted.sections.get(heading="Goal")
    services.section_update(actor=pmo, section=goal, heading="Goal", body="One customer view, everywhere.",
                            expected_revision=1)
    services.section_delete(actor=pmo, section=drafted.sections.get(heading="Deletion"))
    services.section_create(actor=pmo, deliverable=drafted, heading="Archive", body="Archived yearly.")
    v2 = services.version_publish(deliverable=drafted, actor=pmo)
    diffs = {d.heading: d for d in compare_sections(v1.sections, v2.sections)}
    assert {h: d.state for h, d in diffs.items()} == {"Retention": "same", "Goal": "changed", "Archive": "added",
                                                     "Deletion": "removed"}
    assert any("<ins>everywhere</ins>" in row.new_html or "<ins>, everywhere</ins>" in row.new_html
               for row in diffs["Goal"].rows)


def test_on_postgresql_the_database_itself_refuses_to_change_a_published_version(drafted, pmo):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; the ORM guard is tested above")
    version = services.version_publish(deliverable=drafted, actor=pmo)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE deliverables_deliverableversion SET number = 9 WHERE id = %s", [version.pk])
    assert DeliverableVersion.objects.get(pk=version.pk).number == 1
