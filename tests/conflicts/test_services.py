from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.conflicts import services
from apps.conflicts.engine import scan
from apps.conflicts.models import DetectionRun, Finding, RevisionStatement
from apps.conflicts.services import corpus, detection, finding_inserts
from apps.conflicts.services import scan as scan_service
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.inputs.services import input_revise, input_update_details, input_withdraw
from apps.notifications.models import Notification

from .conftest import AKAMAI, DELETE, FASTLY, LOYALTY, POWER_BI, RETAIN, TABLEAU

pytestmark = pytest.mark.django_db


# --- incremental check -----------------------------------------------------------------------------------------

def test_a_submitted_input_that_contradicts_another_workstream_produces_one_explained_conflict(
        retention_conflict, engagement):
    f = retention_conflict
    assert (f.label, f.kind, f.status) == ("conflict", "numeric", "open")
    assert {f.workstream_a.slug, f.workstream_b.slug} == {"it", "data"}
    assert "24 months" in f.explanation and "90 days" in f.explanation
    assert sorted(f.values) == sorted(["at least 24 months", "within 90 days"])
    it_side = "a" if f.workstream_a.slug == "it" else "b"
    statement = getattr(f, f"statement_{it_side}")
    start, end = f.highlights[it_side][0]
    assert statement[start:end] == "at least 24 months"
    span = getattr(f, f"span_{it_side}")
    assert getattr(f, f"revision_{it_side}").body[span[0]:span[1]].startswith("Customer interaction logs")
    run = f.run
    assert (run.scope, run.status, run.findings_new, run.done, run.total) == ("incremental", "succeeded", 1, 1, 1)


def test_the_finding_is_audited_and_both_leads_are_notified(retention_conflict, it_lead, data_lead, marketing_lead):
    f = retention_conflict
    event = AuditEvent.objects.get(action="conflicts.findings.detected")
    assert event.changes["findings"] == [f.reference]
    notified = set(Notification.objects.filter(kind="finding").values_list("recipient_id", flat=True))
    assert notified == {it_lead.pk, data_lead.pk}
    assert Notification.objects.filter(recipient=it_lead).get().url == f"/e/{f.engagement_id}/findings/{f.pk}/"


def test_submitting_stores_the_statements_of_the_revision_with_spans(submit, it_lead):
    item = submit(it_lead, "it", f"# Logs\n\n- {RETAIN}\n- {TABLEAU}")
    rows = list(RevisionStatement.objects.filter(revision=item.current_revision).order_by("ordinal"))
    assert [r.text for r in rows] == [RETAIN, TABLEAU]
    assert all(item.current_revision.body[r.start:r.end] == r.text for r in rows)
    services.statements_record(revision=item.current_revision)  # idempotent
    assert RevisionStatement.objects.filter(revision=item.current_revision).count() == 2


def test_statements_of_the_same_workstream_are_not_compared_by_default(submit, it_lead, it_contributor):
    submit(it_lead, "it", RETAIN)
    submit(it_contributor, "it", DELETE)
    assert not Finding.objects.exists()


def test_the_own_workstream_can_be_checked_too_when_the_setting_says_so(submit, it_lead, it_contributor, settings):
    settings.CONFLICTS_CHECK_OWN_WORKSTREAM = True
    submit(it_lead, "it", RETAIN)
    submit(it_contributor, "it", DELETE)
    f = Finding.objects.get()
    assert f.workstream_a == f.workstream_b and f.kind == "numeric"


def test_two_statements_of_one_input_never_make_a_finding(submit, it_lead, settings):
    settings.CONFLICTS_CHECK_OWN_WORKSTREAM = True
    submit(it_lead, "it", f"- {RETAIN}\n- {DELETE}")
    assert not Finding.objects.exists()


def test_drafts_are_not_checked(make_input, it_lead, data_lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_input(it_lead, "it", body=RETAIN, submit=True)
        make_input(data_lead, "data", body=DELETE, submit=False)
    assert not Finding.objects.exists()
    assert DetectionRun.objects.count() == 1


def test_the_same_statement_twice_is_a_merge_candidate(submit, it_lead, marketing_lead):
    submit(it_lead, "it", LOYALTY)
    submit(marketing_lead, "marketing", LOYALTY)
    f = Finding.objects.get()
    assert (f.label, f.kind) == ("duplicate", "duplicate")


def test_an_engagement_choice_set_turns_two_vendors_into_an_exclusive_choice_conflict(
        submit, run_after_commit, pmo, engagement, it_lead, marketing_lead):
    services.choice_set_create(engagement=engagement, actor=pmo, name="CDN vendor",
                               options=[["Akamai"], ["Fastly", "fastly cdn"]])
    submit(it_lead, "it", AKAMAI)
    submit(marketing_lead, "marketing", FASTLY)
    f = Finding.objects.get()
    assert (f.kind, f.rule) == ("exclusive_choice", "choice_set")
    assert "CDN vendor" in f.explanation


def test_priority_conflicts_come_from_the_inputs_priority(submit, it_lead, data_lead):
    need = "Returning visitors see personalised offers on the home page."
    submit(it_lead, "it", need, priority="must")
    submit(data_lead, "data", need, priority="wont")
    f = Finding.objects.get()
    assert f.kind == "priority"


def test_changing_priority_supersedes_priority_findings_and_checks_again(
        submit, it_lead, data_lead, django_capture_on_commit_callbacks):
    need = "Returning visitors see personalised offers on the home page."
    submit(it_lead, "it", need, priority="must")
    wont = submit(data_lead, "data", need, priority="wont")
    old = Finding.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        input_update_details(actor=data_lead, input=wont, priority="must")
    old.refresh_from_db()
    assert old.status == "open" and old.kind == "duplicate"  # same pair, re-decided: now the same need twice


# --- lifecycle on revision and withdrawal ------------------------------------------------------------------

def test_a_new_revision_supersedes_the_old_findings_and_the_new_text_is_checked(
        retention_conflict, data_lead, django_capture_on_commit_callbacks):
    old = retention_conflict
    data_input = old.input_a if old.workstream_a.slug == "data" else old.input_b
    with django_capture_on_commit_callbacks(execute=True):
        input_revise(actor=data_lead, input=data_input, title="Delete logs",
                     body="Customer interaction logs must be deleted within 30 days after collection.",
                     expected_revision=1)
    old.refresh_from_db()
    assert old.status == "superseded"
    new = Finding.objects.exclude(pk=old.pk).get()
    assert new.status == "open" and "30 days" in new.explanation
    assert data_input.current_revision_id in (new.revision_a_id, new.revision_b_id)
    assert AuditEvent.objects.filter(action="conflicts.findings.superseded").exists()


def test_reverting_to_the_earlier_text_reopens_the_superseded_finding(
        retention_conflict, data_lead, django_capture_on_commit_callbacks):
    old = retention_conflict
    data_input = old.input_a if old.workstream_a.slug == "data" else old.input_b
    with django_capture_on_commit_callbacks(execute=True):
        input_revise(actor=data_lead, input=data_input, title="Delete logs", body="Logs are kept as needed.",
                     expected_revision=1)
        input_revise(actor=data_lead, input=data_input, title="Delete logs", body=DELETE, expected_revision=2)
    old.refresh_from_db()
    assert old.status == "open" and Finding.objects.count() == 1
    assert data_input.current_revision_id in (old.revision_a_id, old.revision_b_id)


def test_withdrawing_an_input_supersedes_its_open_findings(retention_conflict, it_lead):
    f = retention_conflict
    it_input = f.input_a if f.workstream_a.slug == "it" else f.input_b
    input_withdraw(actor=it_lead, input=it_input)
    f.refresh_from_db()
    assert f.status == "superseded"


def test_a_check_of_a_revision_that_is_no_longer_current_does_nothing(
        make_input, it_lead, data_lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_input(it_lead, "it", body=RETAIN, submit=True)
    data_input = make_input(data_lead, "data", body=DELETE, submit=True)  # its check is still queued
    stale_run = DetectionRun.objects.filter(status="queued").get()
    input_revise(actor=data_lead, input=data_input, title="t", body="Nothing to see.", expected_revision=1)
    services.detection_run_execute(run_id=stale_run.pk)
    stale_run.refresh_from_db()
    assert stale_run.status == "succeeded" and stale_run.findings_new == 0
    assert not Finding.objects.exists()


# --- full scans: idempotent, resumable ---------------------------------------------------------------------

def _seed(make_input, it_lead, marketing_lead, data_lead) -> None:
    make_input(it_lead, "it", body=f"- {RETAIN}\n- {TABLEAU}\n- {LOYALTY}", submit=True)
    make_input(data_lead, "data", body=f"- {DELETE}\n- {POWER_BI}", submit=True)
    make_input(marketing_lead, "marketing", body=f"- {LOYALTY}\n- Campaign pages load in under 2 seconds.",
               submit=True)
    make_input(data_lead, "data", body="Campaign pages may take up to 6 seconds to load.", submit=True)


def test_a_full_scan_finds_what_the_engine_finds_over_the_same_statements(
        make_input, it_lead, marketing_lead, data_lead, full_scan, engagement):
    _seed(make_input, it_lead, marketing_lead, data_lead)  # on_commit never runs: no incremental findings
    run = full_scan()
    assert run.status == "succeeded" and run.done == run.total == 8
    rows = corpus.statement_rows(engagement_id=engagement.pk)
    expected = scan([corpus.engine_statement(r) for r in rows], choice_sets=corpus.engine_choice_sets(
        engagement_id=engagement.pk), exclude=corpus.exclusion())
    by_pair = {frozenset((f.a.text, f.b.text)): f.verdict.kind for f in expected}
    found = {frozenset((f.statement_a, f.statement_b)): f.kind for f in Finding.objects.all()}
    assert found == by_pair
    assert {"numeric", "exclusive_choice", "duplicate"} <= set(found.values())
    assert run.findings_new == len(found)


def test_re_running_a_scan_creates_nothing_new(make_input, it_lead, marketing_lead, data_lead, full_scan):
    _seed(make_input, it_lead, marketing_lead, data_lead)
    first = full_scan()
    fingerprints = set(Finding.objects.values_list("fingerprint", flat=True))
    second = full_scan()
    assert set(Finding.objects.values_list("fingerprint", flat=True)) == fingerprints
    assert (second.findings_new, second.findings_seen) == (0, first.findings_new)


def test_incremental_checks_and_a_full_scan_do_not_duplicate_each_other(
        submit, it_lead, data_lead, marketing_lead, full_scan):
    submit(it_lead, "it", f"- {RETAIN}\n- {LOYALTY}")
    submit(data_lead, "data", DELETE)
    submit(marketing_lead, "marketing", LOYALTY)
    before = Finding.objects.count()
    assert before == 2
    run = full_scan()
    assert Finding.objects.count() == before and run.findings_new == 0


def test_a_scan_interrupted_after_some_batches_resumes_and_ends_with_the_same_findings(
        make_input, it_lead, marketing_lead, data_lead, full_scan, settings, monkeypatch, engagement, pmo,
        django_capture_on_commit_callbacks):
    settings.CONFLICTS_SCAN_BATCH = 2
    _seed(make_input, it_lead, marketing_lead, data_lead)
    undisturbed = full_scan()
    expected = set(Finding.objects.values_list("fingerprint", flat=True))
    Finding.objects.all().delete()

    real_commit = scan_service._commit
    calls = {"n": 0}

    def dying_commit(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")  # not an Exception: nothing marks the run failed
        return real_commit(**kwargs)

    run = DetectionRun.objects.create(engagement=engagement, scope="full", triggered_by=pmo)
    monkeypatch.setattr(scan_service, "_commit", dying_commit)
    with pytest.raises(SystemExit):
        services.detection_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "running" and run.done == 4 and 0 < run.done < run.total
    assert list(run.batches.values_list("number", flat=True)) == [0, 1]
    monkeypatch.setattr(scan_service, "_commit", real_commit)
    services.detection_run_execute(run_id=run.pk)  # the run re-enqueued by a starting worker
    run.refresh_from_db()
    assert run.status == "succeeded" and run.done == run.total == undisturbed.total
    assert set(Finding.objects.values_list("fingerprint", flat=True)) == expected
    assert run.findings_new == len(expected)


def test_a_batch_run_twice_writes_its_findings_once(make_input, it_lead, marketing_lead, data_lead, settings,
                                                    engagement, pmo, monkeypatch):
    """Chord idempotency: a batch delivered again (its worker died after committing) changes nothing."""
    settings.CONFLICTS_SCAN_BATCH = 3
    _seed(make_input, it_lead, marketing_lead, data_lead)
    run = DetectionRun.objects.create(engagement=engagement, scope="full", triggered_by=pmo)
    dispatched = []
    monkeypatch.setattr(scan_service, "_dispatch", lambda run_id, numbers: dispatched.extend(numbers))
    services.detection_run_execute(run_id=run.pk)  # plans, dispatches nothing (captured)
    assert dispatched == [0, 1, 2]
    assert scan_service.scan_batch_execute(run_id=run.pk, number=0) is True
    first = sorted(Finding.objects.values_list("fingerprint", flat=True))
    run.refresh_from_db()
    done, new = run.done, run.findings_new
    # the same batch again, also from a process that has to rebuild its plan
    assert scan_service.scan_batch_execute(run_id=run.pk, number=0) is False
    scan_service.scan_plans_clear()
    prepared = scan_service._prepared_for(run)
    assert scan_service._commit(run_id=run.pk, prepared=prepared, result=prepared.plan.run_batch(0)) is False
    run.refresh_from_db()
    assert (run.done, run.findings_new, run.batches.count()) == (done, new, 1)
    assert sorted(Finding.objects.values_list("fingerprint", flat=True)) == first
    for k in (2, 1, 2):  # the rest out of order, one twice: the last new one finishes the run
        scan_service.scan_batch_execute(run_id=run.pk, number=k)
    run.refresh_from_db()
    assert run.status == "succeeded" and run.done == run.total == 8 and run.batches.count() == 3
    fingerprints = list(Finding.objects.values_list("fingerprint", flat=True))
    assert len(fingerprints) == len(set(fingerprints)) == run.findings_new


def test_a_resumed_scan_starts_over_when_the_data_changed_meanwhile(
        make_input, it_lead, marketing_lead, data_lead, engagement, pmo):
    _seed(make_input, it_lead, marketing_lead, data_lead)
    run = DetectionRun.objects.create(engagement=engagement, scope="full", status="running", done=5, total=99,
                                      snapshot="0" * 64)
    services.detection_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded" and run.done == run.total == 8 and run.findings_new == Finding.objects.count()


def test_two_copies_of_one_incremental_run_cannot_both_commit(engagement, pmo):
    run = DetectionRun.objects.create(engagement=engagement, scope="incremental", status="running", done=4,
                                      total=10)
    assert detection._commit_batch(run_id=run.pk, expected_done=4, new_done=6, detections=[]) is True
    assert detection._commit_batch(run_id=run.pk, expected_done=4, new_done=6, detections=[]) is False


def test_a_dismissed_pair_stays_dismissed_on_every_rescan(retention_conflict, it_lead, full_scan):
    f = services.finding_dismiss(finding=retention_conflict, actor=it_lead, reason="Different log types.")
    run = full_scan()
    f.refresh_from_db()
    assert f.status == "dismissed" and Finding.objects.count() == 1 and run.findings_new == 0


def test_a_dismissal_carries_over_to_a_revision_that_keeps_both_statements(
        retention_conflict, it_lead, data_lead, django_capture_on_commit_callbacks):
    services.finding_dismiss(finding=retention_conflict, actor=it_lead, reason="Different log types.")
    data_input = retention_conflict.input_a if retention_conflict.workstream_a.slug == "data" else \
        retention_conflict.input_b
    with django_capture_on_commit_callbacks(execute=True):
        input_revise(actor=data_lead, input=data_input, title="Delete logs",
                     body=f"{DELETE}\n\nReviewed by the privacy office.", expected_revision=1)
    new = Finding.objects.exclude(pk=retention_conflict.pk).get()
    assert new.status == "dismissed" and retention_conflict.reference in new.dismissed_reason
    assert not Notification.objects.filter(title__contains=new.reference).exists()


def test_the_fingerprint_is_the_two_sides_in_canonical_order_and_the_kind(retention_conflict):
    f = retention_conflict
    sides = sorted([[f.input_a_id, f.revision_a.body_sha256, *f.span_a], [f.input_b_id, f.revision_b.body_sha256,
                                                                         *f.span_b]])
    from apps.core.hashing import canonical_json, sha256_text

    assert [f.input_a_id, f.revision_a.body_sha256, *f.span_a] == sides[0]
    assert f.fingerprint == sha256_text(canonical_json({"engagement": f.engagement_id, "sides": sides,
                                                        "kind": f.kind}))
    assert f.pair_key == sha256_text(canonical_json({"engagement": f.engagement_id, "sides": sides}))


# --- starting scans ---------------------------------------------------------------------------------------------

def test_only_the_pmo_starts_a_full_scan(engagement, it_lead, observer):
    for user in (it_lead, observer):
        with pytest.raises(PermissionDeniedError):
            services.detection_run_start(engagement=engagement, actor=user)
    assert not DetectionRun.objects.exists()


def test_a_second_scan_waits_for_the_first_but_a_stale_one_is_given_up(engagement, pmo):
    first = services.detection_run_start(engagement=engagement, actor=pmo)
    assert AuditEvent.objects.filter(action="conflicts.detection_run.started").count() == 1
    with pytest.raises(ApplicationError) as exc:
        services.detection_run_start(engagement=engagement, actor=pmo)
    assert exc.value.extra["run"] == first
    DetectionRun.objects.filter(pk=first.pk).update(updated_at=timezone.now() - timedelta(hours=2))
    second = services.detection_run_start(engagement=engagement, actor=pmo)
    first.refresh_from_db()
    assert first.status == "failed" and second.status == "queued"


def test_the_nightly_start_queues_one_scan_per_active_engagement(engagement, other_engagement, pmo):
    services.detection_run_start(engagement=engagement, actor=pmo)  # already active: skipped
    started = services.detection_nightly_start()
    assert list(DetectionRun.objects.filter(pk__in=started).values_list("engagement_id", "scope")) == [
        (other_engagement.pk, "nightly")]


# --- findings lifecycle --------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona,allowed", [("pmo", True), ("it_lead", True), ("it_contributor", True),
                                             ("data_lead", True), ("marketing_lead", False), ("customer", False),
                                             ("observer", False)])
def test_who_may_acknowledge_a_finding(retention_conflict, personas, persona, allowed):
    if allowed:
        f = services.finding_acknowledge(finding=retention_conflict, actor=personas[persona])
        assert f.status == "acknowledged"
        assert AuditEvent.objects.filter(action="conflicts.finding.acknowledged", target_id=str(f.pk)).exists()
    else:
        with pytest.raises(PermissionDeniedError):
            services.finding_acknowledge(finding=retention_conflict, actor=personas[persona])
        retention_conflict.refresh_from_db()
        assert retention_conflict.status == "open"


def test_dismissing_needs_a_reason_and_is_audited(retention_conflict, data_lead):
    with pytest.raises(ApplicationError) as exc:
        services.finding_dismiss(finding=retention_conflict, actor=data_lead, reason="  ")
    assert exc.value.field == "reason"
    f = services.finding_dismiss(finding=retention_conflict, actor=data_lead, reason="Not the same logs.")
    assert (f.status, f.dismissed_reason) == ("dismissed", "Not the same logs.")
    event = AuditEvent.objects.get(action="conflicts.finding.dismissed")
    assert event.changes["reason"] == "Not the same logs."
    with pytest.raises(ApplicationError):
        services.finding_acknowledge(finding=f, actor=data_lead)


def test_alignment_contract_in_alignment_then_resolved_with_the_decision(retention_conflict, pmo, it_lead, engagement):
    from apps.alignment.models import AgendaItem, AlignmentSession, Decision

    with pytest.raises(PermissionDeniedError):
        services.finding_mark_in_alignment(finding=retention_conflict, actor=it_lead)
    f = services.finding_mark_in_alignment(finding=retention_conflict, actor=pmo)
    assert f.status == "in_alignment"
    assert services.finding_mark_in_alignment(finding=f, actor=pmo).status == "in_alignment"  # idempotent
    session = AlignmentSession.objects.create(engagement=engagement, title="S", scheduled_at=timezone.now(),
                                              created_by=pmo)
    item = AgendaItem.objects.create(session=session, finding=f, title="F")
    decision = Decision.objects.create(agenda_item=item, engagement=engagement, outcome="adopt", rationale="r",
                                       decided_by=pmo)
    f = services.finding_resolve(finding=f, actor=pmo, decision=decision)
    assert f.status == "resolved"
    event = AuditEvent.objects.get(action="conflicts.finding.resolved")
    assert event.changes["decision"] == decision.pk
    assert AuditEvent.objects.filter(action="conflicts.finding.in_alignment").count() == 1


def test_a_superseded_finding_cannot_go_to_alignment(retention_conflict, pmo):
    Finding.objects.filter(pk=retention_conflict.pk).update(status="superseded")
    retention_conflict.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.finding_mark_in_alignment(finding=retention_conflict, actor=pmo)


# --- choice sets ------------------------------------------------------------------------------------------------

def test_choice_sets_need_two_distinct_options_and_a_unique_name(engagement, pmo, it_lead):
    with pytest.raises(PermissionDeniedError):
        services.choice_set_create(engagement=engagement, actor=it_lead, name="CDN", options=[["a"], ["b"]])
    with pytest.raises(ApplicationError):
        services.choice_set_create(engagement=engagement, actor=pmo, name="CDN", options=[["akamai"]])
    with pytest.raises(ApplicationError):
        services.choice_set_create(engagement=engagement, actor=pmo, name="CDN", options=[["akamai"], ["Akamai"]])
    cs = services.choice_set_create(engagement=engagement, actor=pmo, name=" CDN ",
                                    options=[["Akamai "], ["fastly", "Fastly CDN"]])
    assert (cs.name, cs.options) == ("CDN", [["akamai"], ["fastly", "fastly cdn"]])
    with pytest.raises(ApplicationError):
        services.choice_set_create(engagement=engagement, actor=pmo, name="cdn", options=[["x"], ["y"]])
    assert services.parse_options("AWS | Amazon Web Services\n\nAzure") == [["AWS ", " Amazon Web Services"],
                                                                            ["Azure"]]
    services.choice_set_delete(choice_set=cs, actor=pmo)
    assert AuditEvent.objects.filter(action__startswith="conflicts.choice_set.").count() == 2


def test_writing_finding_rows_inserts_each_pair_once_and_returns_the_ids_of_the_new_ones(retention_conflict):
    from django.db import transaction

    base = {f.attname: getattr(retention_conflict, f.attname) for f in finding_inserts.insert_fields()}
    base["number"] = None  # new rows get their F-number from insert_new, not from the copied finding
    rows = [{**base, "fingerprint": f"{n:064x}", "pair_key": f"{n:064d}", "score": n / 10,
             "values": [f"v{n}", "w"], "highlights": {"a": [[0, n]], "b": []}} for n in range(1, 4)]
    with transaction.atomic():
        first = finding_inserts.insert_new(rows[:2])
        again = finding_inserts.insert_new(rows)  # the same transaction: twice, overlapping
    assert set(first) == {rows[0]["pair_key"], rows[1]["pair_key"]} and set(again) == {rows[2]["pair_key"]}
    stored = Finding.objects.get(pk=again[rows[2]["pair_key"]])
    assert (stored.score, stored.values, stored.highlights, stored.status, stored.dismissed_reason) == (
        0.3, ["v3", "w"], {"a": [[0, 3]], "b": []}, "open", "")
    assert stored.created_at is not None and stored.updated_at is not None
    assert Finding.objects.count() == 4
