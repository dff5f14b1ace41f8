"""The second tier ("needs a look"), manual findings, confirm/dismiss, and the per-engagement calibration."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.conflicts import services
from apps.conflicts.engine.feedback import DEFAULT, Example, fit, tier
from apps.conflicts.engine.feedback import Calibration as EngineCalibration
from apps.conflicts.models import Calibration, Finding, RelatedPair, RevisionStatement
from apps.conflicts.services import feedback
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.inputs.services import input_revise

from .conftest import DELETE, RETAIN

SEE = "Customers can see their loyalty points balance in the mobile app."
PUSH = "The mobile app sends a push notification when loyalty points expire."


@pytest.fixture
def related_pair(submit, it_lead, marketing_lead) -> RelatedPair:
    submit(it_lead, "it", SEE, title="Balance in the app")
    submit(marketing_lead, "marketing", PUSH, title="Expiry push")
    assert not Finding.objects.exists()
    return RelatedPair.objects.get()


def _statement(input_id: int) -> int:
    return RevisionStatement.objects.filter(input_id=input_id).values_list("pk", flat=True).first()


# --- the engine's calibration layer --------------------------------------------------------------------------


def test_tiers_follow_the_thresholds():
    assert tier(DEFAULT, label="conflict", score=0.2, similarity=0.1) == "conflict"
    assert tier(DEFAULT, label="neutral", score=0.0, similarity=0.5) == "related"
    assert tier(DEFAULT, label="neutral", score=0.0, similarity=0.1) == "none"
    cal = EngineCalibration(related_min=0.3, demote={"conflict": 0.5, "duplicate": 0.0},
                            promote={"conflict": 1.01, "duplicate": 0.8})
    assert tier(cal, label="conflict", score=0.4, similarity=0.9) == "related"
    assert tier(cal, label="neutral", score=0.0, similarity=0.85) == "duplicate"


def test_one_judgement_never_moves_a_threshold_but_a_consistent_few_do():
    assert fit([Example("conflict", 0.4, 0.5, "neutral")]) == DEFAULT
    weak_false = [Example("conflict", 0.30 + i / 100, 0.5, "neutral") for i in range(3)]
    strong_true = [Example("conflict", 0.90, 0.6, "conflict")] * 3
    cal = fit(weak_false + strong_true)
    assert 0.32 < cal.demote["conflict"] < 0.90 and cal.promote == DEFAULT.promote
    missed = [Example("neutral", 0.0, 0.8 + i / 100, "duplicate") for i in range(3)]
    assert fit(missed).promote["duplicate"] <= 0.8


# --- the second tier ------------------------------------------------------------------------------------------


def test_an_unsure_related_pair_lands_in_the_second_tier_not_as_a_finding(related_pair, it_lead, marketing_lead):
    assert related_pair.status == "open" and related_pair.engine_label == "neutral"
    assert related_pair.similarity >= DEFAULT.related_min
    assert {related_pair.statement_a, related_pair.statement_b} == {SEE, PUSH}


def test_a_full_scan_finds_the_same_pair_once(related_pair, full_scan):
    run = full_scan()
    assert run.status == "succeeded" and RelatedPair.objects.count() == 1 and run.related_new == 0


def test_the_second_tier_is_on_the_conflicts_page_and_the_input_page(related_pair, as_user, it_lead, engagement):
    client = as_user(it_lead)
    page = client.get(f"/e/{engagement.pk}/conflicts/").content.decode()
    assert "needs a look" in page and related_pair.reference in page and "Confirm as a finding" in page
    page = client.get(f"/e/{engagement.pk}/inputs/{related_pair.input_a_id}/").content.decode()
    assert related_pair.reference in page and "Flag a conflict or merge candidate by hand" in page


def test_the_conflicts_page_costs_the_same_queries_with_many_related_pairs(related_pair, as_user, it_lead,
                                                                           engagement):
    client = as_user(it_lead)
    url = f"/e/{engagement.pk}/conflicts/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    base = {f: getattr(related_pair, f) for f in (
        "engagement_id", "revision_a_id", "revision_b_id", "input_a_id", "input_b_id", "workstream_a_id",
        "workstream_b_id", "statement_a", "statement_b", "similarity")}
    RelatedPair.objects.bulk_create([RelatedPair(**base, pair_key=f"k{i:062d}") for i in range(40)])
    with CaptureQueriesContext(connection) as many:
        html = client.get(url + "?rpage=2").content.decode()
    assert len(many) == len(few) and "Page 2 of 5" in html


def _fan(related_pair: RelatedPair, similarities: list[float], *, status: str = "open",
         ids: list[int] | None = None) -> list[RelatedPair]:
    """Pairs from related_pair's statement A to made-up statements of B's revision, one per similarity
    (pair i: key and span from its id, so one pair is the same pair whatever order it is inserted in)."""
    base = {f: getattr(related_pair, f) for f in (
        "engagement_id", "revision_a_id", "revision_b_id", "input_a_id", "input_b_id", "workstream_a_id",
        "workstream_b_id", "statement_a", "statement_b", "span_a")}
    ids = list(range(len(similarities))) if ids is None else ids
    return RelatedPair.objects.bulk_create([
        RelatedPair(**base, pair_key=f"{status[0]}{i:063d}", similarity=sim, span_b=[1000 + 10 * i, 1005 + 10 * i],
                    status=status)
        for i, sim in zip(ids, similarities, strict=True)])


def test_a_statement_keeps_only_its_most_similar_related_pairs(related_pair, engagement):
    own = related_pair.similarity
    _fan(related_pair, [0.95, 0.31, 0.90, 0.32, 0.85])
    dismissed = _fan(related_pair, [0.99], status="dismissed")
    removed = services.related_cap(engagement_id=engagement.pk, per_statement=3)
    open_pairs = RelatedPair.objects.filter(status="open")
    assert sorted(open_pairs.values_list("similarity", flat=True), reverse=True) == [0.95, 0.90, 0.85]
    assert removed == 3 and own < 0.85  # the fixture's own pair (A's least similar) went too
    assert RelatedPair.objects.filter(pk=dismissed[0].pk, status="dismissed").exists()  # judgements stay


def test_the_cap_depends_on_the_pairs_not_on_the_order_they_arrived_in(related_pair, engagement):
    pairs = list(enumerate([0.5, 0.7, 0.7, 0.6, 0.4, 0.9]))
    kept = []
    for order in (pairs, list(reversed(pairs)), pairs[3:] + pairs[:3]):
        RelatedPair.objects.exclude(pk=related_pair.pk).delete()
        _fan(related_pair, [s for _, s in order], ids=[i for i, _ in order])
        services.related_cap(engagement_id=engagement.pk, per_statement=2)
        kept.append(sorted(RelatedPair.objects.values_list("pair_key", "similarity")))
    assert kept[0] == kept[1] == kept[2]
    assert sorted(s for _, s in kept[0]) == [0.7, 0.9]  # of two equally similar pairs, one: by pair key


def test_the_cap_counts_both_statements_of_a_pair(related_pair, engagement):
    """B's statement already has its one pair: a more similar pair of B to another statement replaces it."""
    base = {f: getattr(related_pair, f) for f in (
        "engagement_id", "revision_a_id", "revision_b_id", "input_a_id", "input_b_id", "workstream_a_id",
        "workstream_b_id", "statement_a", "statement_b", "span_b")}
    better = RelatedPair.objects.create(**base, pair_key="x" * 64, span_a=[500, 520], similarity=0.99)
    services.related_cap(engagement_id=engagement.pk, per_statement=1)
    assert list(RelatedPair.objects.values_list("pk", flat=True)) == [better.pk]


def test_an_incremental_check_applies_the_cap(related_pair, submit, data_lead, settings):
    settings.CONFLICTS_RELATED_PER_STATEMENT = 1
    _fan(related_pair, [0.9])  # A's statement now has a more similar partner than the fixture's pair
    submit(data_lead, "data", "Store managers review the weekly opening hours report.", title="Unrelated")
    assert RelatedPair.objects.filter(pk=related_pair.pk).exists()  # an input A and B were not touched: left as is
    submit(data_lead, "data", SEE.replace("mobile app", "mobile app and the web shop"), title="Also see")
    assert not RelatedPair.objects.filter(pk=related_pair.pk).exists()
    for pair in RelatedPair.objects.filter(status="open"):
        assert RelatedPair.objects.filter(status="open", revision_a_id=pair.revision_a_id,
                                          span_a=pair.span_a).count() <= 1


# --- confirm and dismiss ----------------------------------------------------------------------------------------


def test_a_lead_of_a_concerned_workstream_confirms_a_pair_as_a_manual_finding(related_pair, marketing_lead):
    finding = services.related_pair_confirm(pair=related_pair, actor=marketing_lead, label="conflict",
                                            kind="scope", explanation="The app shows points the push says expired.")
    related_pair.refresh_from_db()
    assert related_pair.status == "confirmed" and related_pair.finding == finding
    assert (finding.origin, finding.label, finding.kind, finding.status) == ("manual", "conflict", "scope", "open")
    assert finding.created_by == marketing_lead and finding.pair_key == related_pair.pair_key
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"conflicts.related_pair.confirmed", "conflicts.finding.flagged"} <= actions
    # the same lifecycle as a detected finding
    services.finding_acknowledge(finding=finding, actor=marketing_lead)
    finding.refresh_from_db()
    assert finding.status == "acknowledged"


def test_only_the_concerned_workstreams_and_the_pmo_can_judge(related_pair, data_lead, observer, pmo):
    for outsider in (data_lead, observer):
        with pytest.raises(PermissionDeniedError):
            services.related_pair_dismiss(pair=related_pair, actor=outsider)
    services.related_pair_dismiss(pair=related_pair, actor=pmo, reason="Different features.")
    related_pair.refresh_from_db()
    assert related_pair.status == "dismissed" and related_pair.decided_by == pmo


def test_a_confirmation_needs_an_explanation_and_a_valid_kind(related_pair, it_lead):
    with pytest.raises(ApplicationError) as exc:
        services.related_pair_confirm(pair=related_pair, actor=it_lead, label="conflict", explanation=" ")
    assert exc.value.field == "explanation"
    with pytest.raises(ApplicationError) as exc:
        services.related_pair_confirm(pair=related_pair, actor=it_lead, label="duplicate", kind="numeric",
                                      explanation="Same thing.")
    assert exc.value.field == "kind"
    related_pair.refresh_from_db()
    assert related_pair.status == "open" and not Finding.objects.exists()


def test_a_dismissed_pair_stays_dismissed_on_a_rescan(related_pair, it_lead, full_scan):
    services.related_pair_dismiss(pair=related_pair, actor=it_lead)
    full_scan()
    assert RelatedPair.objects.get().status == "dismissed"


def test_a_revision_supersedes_the_open_pairs_of_the_input(related_pair, it_lead,
                                                            django_capture_on_commit_callbacks):
    item = related_pair.input_a if related_pair.workstream_a.slug == "it" else related_pair.input_b
    with django_capture_on_commit_callbacks(execute=True):
        input_revise(actor=it_lead, input=item, title="Balance", body=SEE + " It refreshes hourly.",
                     expected_revision=1)
    assert RelatedPair.objects.get(pk=related_pair.pk).status == "superseded"
    with pytest.raises(ApplicationError):
        services.related_pair_confirm(pair=related_pair, actor=it_lead, label="conflict",
                                      explanation="Too late.")


# --- flagging by hand -----------------------------------------------------------------------------------------


def test_a_lead_flags_two_statements_by_hand(make_input, it_lead, data_lead, marketing_lead, engagement):
    a = make_input(it_lead, "it", body="Invoices are archived as PDF.", submit=True)
    b = make_input(data_lead, "data", body="Invoices are stored as XML only.", submit=True)
    from apps.conflicts.services import corpus

    corpus.statements_record_missing(engagement_id=engagement.pk)
    finding = services.finding_flag(engagement=engagement, actor=data_lead, statement_a_id=_statement(a.pk),
                                    statement_b_id=_statement(b.pk), label="conflict", kind="exclusive_choice",
                                    explanation="PDF vs XML for the same invoices.")
    assert finding.origin == "manual" and finding.label == "conflict" and finding.workstream_a.slug in ("it", "data")
    assert AuditEvent.objects.filter(action="conflicts.finding.flagged").exists()
    with pytest.raises(ApplicationError, match="already"):
        services.finding_flag(engagement=engagement, actor=it_lead, statement_a_id=_statement(b.pk),
                              statement_b_id=_statement(a.pk), label="duplicate", explanation="Same.")
    with pytest.raises(PermissionDeniedError):  # neither statement is Marketing's
        services.finding_flag(engagement=engagement, actor=marketing_lead, statement_a_id=_statement(a.pk),
                              statement_b_id=_statement(b.pk), label="conflict", explanation="x")
    with pytest.raises(ApplicationError):  # two statements of one input
        services.finding_flag(engagement=engagement, actor=it_lead, statement_a_id=_statement(a.pk),
                              statement_b_id=_statement(a.pk), label="conflict", explanation="x")


def test_flagging_a_pair_that_needs_a_look_confirms_it(related_pair, it_lead, engagement):
    finding = services.finding_flag(engagement=engagement, actor=it_lead,
                                    statement_a_id=_statement(related_pair.input_a_id),
                                    statement_b_id=_statement(related_pair.input_b_id), label="duplicate",
                                    kind="overlap", explanation="Both are about the points balance in the app.")
    related_pair.refresh_from_db()
    assert related_pair.status == "confirmed" and related_pair.finding == finding


def test_the_input_page_flag_form_creates_a_finding(make_input, it_lead, data_lead, as_user, engagement):
    a = make_input(it_lead, "it", body="Invoices are archived as PDF.", submit=True)
    b = make_input(data_lead, "data", body="Invoices are stored as XML only.", submit=True)
    from apps.conflicts.services import corpus

    corpus.statements_record_missing(engagement_id=engagement.pk)
    client = as_user(it_lead)
    response = client.post(f"/e/{engagement.pk}/inputs/{a.pk}/flag/", {
        "statement": _statement(a.pk), "other_input": b.reference, "other_statement": 1, "label": "conflict",
        "kind": "exclusive_choice", "explanation": "PDF vs XML."})
    finding = Finding.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/findings/{finding.pk}/")
    response = client.post(f"/e/{engagement.pk}/inputs/{a.pk}/flag/", {
        "statement": _statement(a.pk), "other_input": b.reference, "other_statement": 9, "label": "conflict",
        "explanation": "x"}, follow=True)
    assert "has no current statement no. 9" in response.content.decode() and Finding.objects.count() == 1


# --- calibration from judgements, and its reversal ---------------------------------------------------------------


def _weak_conflicts(submit, it_lead, data_lead, n: int) -> list[Finding]:
    for i in range(n):
        submit(it_lead, "it", RETAIN.replace("24", str(20 + i)), title=f"Retain {i}")
    submit(data_lead, "data", DELETE, title="Delete logs")
    return list(Finding.objects.filter(label="conflict").order_by("pk"))


def test_dismissals_recalibrate_the_engagement_and_the_pmo_can_reset_it(submit, it_lead, data_lead, pmo,
                                                                       engagement, observer):
    findings = _weak_conflicts(submit, it_lead, data_lead, 3)
    assert len(findings) == 3
    for f in findings:
        services.finding_dismiss(finding=f, actor=data_lead, reason="Different kinds of logs.")
    current = services.calibration_current(engagement_id=engagement.pk)
    assert current.demote["conflict"] > max(f.score for f in findings)  # such calls now go to the second tier
    assert Calibration.objects.filter(engagement=engagement).count() == 1
    assert AuditEvent.objects.filter(action="conflicts.calibration.refitted").exists()
    with pytest.raises(PermissionDeniedError):
        services.calibration_reset(engagement=engagement, actor=data_lead)
    services.calibration_reset(engagement=engagement, actor=pmo)
    assert services.calibration_current(engagement_id=engagement.pk) == DEFAULT
    assert Calibration.objects.filter(engagement=engagement).count() == 2  # history kept
    assert AuditEvent.objects.filter(action="conflicts.calibration.reset").exists()
    assert feedback.calibration_examples(engagement_id=engagement.pk) == []  # earlier judgements no longer count


def test_a_recalibrated_engagement_shows_weak_calls_in_the_second_tier(submit, it_lead, data_lead, engagement):
    Calibration.objects.create(engagement=engagement, reason="test", params={
        **DEFAULT.as_dict(), "demote": {"conflict": 1.0, "duplicate": 0.0}})
    submit(it_lead, "it", RETAIN)
    submit(data_lead, "data", DELETE)
    assert not Finding.objects.exists()
    pair = RelatedPair.objects.get()
    assert pair.engine_label == "conflict" and pair.engine_kind == "numeric"


def test_the_calibration_page_shows_the_current_thresholds_and_history(as_user, pmo, it_lead, engagement):
    Calibration.objects.create(engagement=engagement, reason="F-1 dismissed", examples=3, params={
        **DEFAULT.as_dict(), "related_min": 0.42})
    html = as_user(it_lead).get(f"/e/{engagement.pk}/calibration/").content
    assert b"0.42" in html and b"F-1 dismissed" in html and b"Reset to the shipped default" not in html
    client = as_user(pmo)
    assert b"Reset to the shipped default" in client.get(f"/e/{engagement.pk}/calibration/").content
    response = client.post(f"/e/{engagement.pk}/calibration/")
    assert response.status_code == 302 and services.calibration_current(engagement_id=engagement.pk) == DEFAULT
    assert as_user(it_lead).post(f"/e/{engagement.pk}/calibration/").status_code == 403


# --- the API ------------------------------------------------------------------------------------------------


def test_the_api_lists_confirms_and_dismisses_related_pairs(related_pair, api_as, it_lead, outsider, engagement):
    api = api_as(it_lead)
    listed = api.get(f"/api/v1/related-pairs/?engagement={engagement.pk}").json()
    assert [r["id"] for r in listed["results"]] == [related_pair.pk]
    assert api_as(outsider).get(f"/api/v1/related-pairs/{related_pair.pk}/").status_code == 404
    response = api.post(f"/api/v1/related-pairs/{related_pair.pk}/confirm/",
                        {"label": "duplicate", "kind": "overlap", "explanation": "Same balance."}, format="json")
    assert response.status_code == 201 and response.json()["origin"] == "manual"
    again = api.post(f"/api/v1/related-pairs/{related_pair.pk}/dismiss/", {}, format="json")
    assert again.status_code == 400  # already confirmed


def test_the_api_flags_by_statement_and_resets_calibration(make_input, it_lead, data_lead, pmo, api_as,
                                                           engagement):
    a = make_input(it_lead, "it", body="Invoices are archived as PDF.", submit=True)
    make_input(data_lead, "data", body="Invoices are stored as XML only.", submit=True)
    from apps.conflicts.services import corpus

    corpus.statements_record_missing(engagement_id=engagement.pk)
    api = api_as(data_lead)
    statements = api.get(f"/api/v1/statements/?engagement={engagement.pk}").json()["results"]
    assert len(statements) == 2 and statements[0]["input"] == a.pk
    response = api.post("/api/v1/findings/flag/", {
        "engagement": engagement.pk, "statement_a": statements[0]["id"], "statement_b": statements[1]["id"],
        "label": "conflict", "kind": "exclusive_choice", "explanation": "PDF vs XML."}, format="json")
    assert response.status_code == 201 and response.json()["label"] == "conflict"
    assert api.post("/api/v1/calibrations/reset/", {"engagement": engagement.pk}, format="json").status_code == 403
    reset = api_as(pmo).post("/api/v1/calibrations/reset/", {"engagement": engagement.pk}, format="json")
    assert reset.status_code == 201
    history = api_as(pmo).get(f"/api/v1/calibrations/?engagement={engagement.pk}").json()["results"]
    assert history[0]["params"] == DEFAULT.as_dict()


def test_the_schema_documents_the_new_endpoints(api_as, pmo):
    schema = api_as(pmo).get("/api/schema/").content.decode()
    for path in ("/api/v1/related-pairs/{id}/confirm/", "/api/v1/related-pairs/{id}/dismiss/",
                 "/api/v1/findings/flag/", "/api/v1/statements/", "/api/v1/calibrations/reset/"):
        assert path in schema


def test_the_run_page_shows_batches_and_who_committed_them(related_pair, full_scan, settings, as_user, pmo,
                                                           engagement):
    settings.CONFLICTS_SCAN_BATCH = 1
    run = full_scan()
    assert (run.status, run.batch_count, run.batches.count()) == ("succeeded", 2, 2)
    html = as_user(pmo).get(f"/e/{engagement.pk}/runs/{run.pk}/").content.decode()
    assert "2 of 2 batches of 1 statements committed, by 1 worker process" in html
