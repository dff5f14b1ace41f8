"""The plan through the REST API: work items, re-sequencing (cycles, stale versions, foreign ids), diffs, SVG."""
from __future__ import annotations

import pytest

from apps.planning.models import PlanVersion, WorkItem

from .conftest import weeks

pytestmark = pytest.mark.django_db


def resequence_url(engagement):
    return f"/api/v1/engagements/{engagement.pk}/plan/resequence/"


def test_the_work_item_list_is_scoped_to_the_users_engagements(plan, api_as, pmo, outsider, other_engagement,
                                                               engagement):
    response = api_as(pmo).get("/api/v1/work-items/", {"engagement": engagement.pk})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["B", "C", "D", "F"]
    assert response.json()["results"][2]["depends_on"] == ["C"]
    assert api_as(outsider).get("/api/v1/work-items/").json()["results"] == []
    assert api_as(outsider).get(f"/api/v1/work-items/{plan['B'].pk}/").status_code == 404
    assert api_as(outsider).patch(f"/api/v1/work-items/{plan['B'].pk}/", {"title": "x"}).status_code == 404


def test_non_members_get_404_on_the_plan_routes(plan, api_as, outsider, engagement):
    api = api_as(outsider)
    for url in (f"/api/v1/engagements/{engagement.pk}/plan/", f"/api/v1/engagements/{engagement.pk}/plan/versions/",
                f"/api/v1/engagements/{engagement.pk}/plan/diff/?from=0",
                f"/api/v1/engagements/{engagement.pk}/plan/timeline/"):
        assert api.get(url).status_code == 404, url
    response = api.post(resequence_url(engagement), {"operations": [{"op": "drop", "item": "F"}],
                                                     "rationale": "x", "expected_version": 1}, format="json")
    assert response.status_code == 404
    assert WorkItem.objects.get(code="F").status == "planned"


def test_post_work_items_adds_one_and_records_a_plan_version(plan, api_as, pmo, engagement, objective, workstreams):
    response = api_as(pmo).post("/api/v1/work-items/", {
        "engagement": engagement.pk, "objective": objective.pk, "workstream": workstreams["data"].pk, "code": "G",
        "title": "Work G", "planned_start": weeks(8).isoformat(), "planned_end": weeks(9).isoformat(),
        "after": "F", "depends_on": [plan["F"].pk], "expected_version": 1}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "G" and response.json()["depends_on"] == ["F"]
    assert PlanVersion.objects.get(engagement=engagement, number=2).summary == "G added after F (depends on F)"


def test_post_work_items_refuses_foreign_ids(plan, api_as, pmo, engagement, other_engagement, objective):
    foreign_ws = other_engagement.workstreams.first()
    response = api_as(pmo).post("/api/v1/work-items/", {
        "engagement": engagement.pk, "objective": objective.pk, "workstream": foreign_ws.pk, "code": "G",
        "title": "Work G", "planned_start": "2026-05-01", "planned_end": "2026-05-02"}, format="json")
    assert response.status_code == 400 and "workstream" in response.json()


def test_patch_changes_details_but_not_the_plan(plan, api_as, pmo):
    url = f"/api/v1/work-items/{plan['B'].pk}/"
    response = api_as(pmo).patch(url, {"title": "Work B, renamed", "status": "in_progress"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    refused = api_as(pmo).patch(url, {"planned_end": "2026-12-31"}, format="json")
    assert refused.status_code == 400 and "resequence" in refused.json()["planned_end"][0]


def test_resequence_b_c_d_f_to_b_d_f_g_and_read_the_diff(plan, api_as, pmo, engagement, objective, workstreams):
    response = api_as(pmo).post(resequence_url(engagement), {
        "expected_version": 1, "rationale": "Skip the migration.",
        "operations": [{"op": "depend", "item": "D", "depends_on": ["B"]}, {"op": "drop", "item": "C"},
                       {"op": "add", "code": "G", "title": "Work G", "objective": objective.pk,
                        "workstream": workstreams["it"].pk, "start": weeks(8).isoformat(),
                        "end": weeks(9).isoformat(), "after": "F", "depends_on": ["F"]}]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 2 and response["ETag"] == '"2"'
    diff = api_as(pmo).get(f"/api/v1/engagements/{engagement.pk}/plan/diff/", {"from": 1, "to": 2}).json()
    assert diff["summary"] == "C dropped; G added after F (depends on F); D now depends on B"
    assert diff["changes"][0]["objective"] == "OBJ-1"
    current = api_as(pmo).get(f"/api/v1/engagements/{engagement.pk}/plan/").json()
    assert current["version"] == 2 and current["critical_path"] == ["B", "D", "F", "G"]
    versions = api_as(pmo).get(f"/api/v1/engagements/{engagement.pk}/plan/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]


def test_a_dependency_cycle_is_a_400_naming_the_cycle(plan, api_as, pmo, engagement):
    response = api_as(pmo).post(resequence_url(engagement), {
        "expected_version": 1, "rationale": "Loop.", "operations": [{"op": "depend", "item": "B",
                                                                     "depends_on": ["D"]}]}, format="json")
    assert response.status_code == 400
    assert "Dependency cycle: B → D → C → B" in response.json()["detail"]
    assert PlanVersion.objects.filter(engagement=engagement).count() == 1


def test_stale_edits_get_409_in_the_body_and_412_with_if_match(plan, api_as, pmo, engagement):
    api = api_as(pmo)
    body = {"rationale": "Later.", "operations": [{"op": "redate", "item": "F", "end": weeks(8).isoformat()}]}
    assert api.post(resequence_url(engagement), {**body, "expected_version": 1}, format="json").status_code == 201
    stale = api.post(resequence_url(engagement), {**body, "expected_version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2 and stale["ETag"] == '"2"'
    stale = api.post(resequence_url(engagement), body, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    missing = api.post(resequence_url(engagement), body, format="json")
    assert missing.status_code == 400 and "expected_version" in missing.json()
    assert PlanVersion.objects.filter(engagement=engagement).count() == 2


def test_a_decision_of_another_engagement_is_refused(plan, api_as, pmo, engagement, other_engagement, outsider):
    from .test_services import _decision

    foreign = _decision(other_engagement, outsider)
    response = api_as(pmo).post(resequence_url(engagement), {
        "expected_version": 1, "rationale": "x", "decision": foreign.pk,
        "operations": [{"op": "drop", "item": "F"}]}, format="json")
    assert response.status_code == 400 and "decision" in response.json()


def test_only_the_pmo_resequences(plan, api_as, it_lead, observer, engagement):
    body = {"expected_version": 1, "rationale": "x", "operations": [{"op": "drop", "item": "F"}]}
    assert api_as(it_lead).post(resequence_url(engagement), body, format="json").status_code == 403
    assert api_as(observer).post(resequence_url(engagement), body, format="json").status_code == 403


def test_the_timeline_is_svg_with_the_critical_path(plan, api_as, pmo, engagement):
    response = api_as(pmo).get(f"/api/v1/engagements/{engagement.pk}/plan/timeline/")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "Critical path: B → C → D → F" in svg and svg.count('class="bar critical"') == 4
    old = api_as(pmo).get(f"/api/v1/engagements/{engagement.pk}/plan/timeline/", {"version": 9})
    assert old.status_code == 400


def test_links_and_definitions_through_the_api(plan, api_as, pmo, it_lead, it_input, media_root):
    api = api_as(pmo)
    link = api.post("/api/v1/work-item-links/", {"work_item": plan["B"].pk, "input": it_input.pk}, format="json")
    assert link.status_code == 201 and link.json()["kind"] == "input"
    definition = api.post("/api/v1/deliverable-definitions/", {"work_item": plan["B"].pk, "title": "Spec",
                                                               "due_date": "2026-03-13"}, format="json")
    assert definition.status_code == 201
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = api_as(it_lead).post(f"/api/v1/deliverable-definitions/{definition.json()['id']}/documents/",
                                  {"file": SimpleUploadedFile("spec.md", b"# Spec\n")}, format="multipart")
    assert upload.status_code == 201, upload.json()
    assert upload.json()["download_url"].endswith(f"/plan/documents/{upload.json()['id']}/")
    bad = api_as(it_lead).post(f"/api/v1/deliverable-definitions/{definition.json()['id']}/documents/",
                               {"file": SimpleUploadedFile("x.exe", b"MZ")}, format="multipart")
    assert bad.status_code == 400 and "cannot be uploaded" in bad.json()["detail"]


def test_malformed_operations_are_400s_that_name_the_field(plan, api_as, pmo, engagement):
    api = api_as(pmo)
    bad_date = api.post(resequence_url(engagement), {"expected_version": 1, "rationale": "x", "operations": [
        {"op": "redate", "item": "F", "end": "next week"}]}, format="json")
    assert bad_date.status_code == 400 and "end" in bad_date.json()["operations"]["0"]
    bad_op = api.post(resequence_url(engagement), {"expected_version": 1, "rationale": "x", "operations": [
        {"op": "explode"}]}, format="json")
    assert bad_op.status_code == 400 and "op" in bad_op.json()["operations"]["0"]
    assert PlanVersion.objects.filter(engagement=engagement).count() == 1
