from __future__ import annotations

import pytest

from apps.audit.models import AuditEvent
from apps.conflicts.models import ChoiceSet, DetectionRun, Finding

from .conftest import DELETE, LOYALTY, RETAIN, TABLEAU

pytestmark = pytest.mark.django_db


def test_findings_are_listed_and_filtered(submit, it_lead, marketing_lead, data_lead, engagement, api_as, pmo):
    submit(it_lead, "it", f"- {RETAIN}\n- {LOYALTY}")
    submit(data_lead, "data", DELETE)
    submit(marketing_lead, "marketing", LOYALTY)
    api = api_as(pmo)

    def kinds(**params):
        response = api.get("/api/v1/findings/", {"engagement": engagement.pk, **params})
        assert response.status_code == 200, response.data
        return sorted(f["kind"] for f in response.data["results"])

    assert kinds() == ["duplicate", "numeric"]
    assert kinds(label="conflict") == ["numeric"]
    assert kinds(kind="duplicate") == ["duplicate"]
    assert kinds(workstream="data") == ["numeric"]
    assert kinds(ws_a="it", ws_b="marketing") == ["duplicate"]
    assert kinds(min_score="0.95") == ["duplicate"]  # an exact duplicate scores 1.0
    assert kinds(status="dismissed") == []
    one = api.get("/api/v1/findings/", {"label": "conflict"}).data["results"][0]
    assert one["explanation"] and one["values"] and one["highlights"]["a"] and len(one["fingerprint"]) == 64
    for bad in ({"min_score": "x"}, {"status": "closed"}, {"engagement": "abc"}, {"kind": "nope"}):
        assert api.get("/api/v1/findings/", bad).status_code == 400


def test_findings_never_leak_to_outsiders(retention_conflict, api_as, outsider, other_engagement):
    api = api_as(outsider)
    assert api.get("/api/v1/findings/").data["results"] == []
    assert api.get(f"/api/v1/findings/?engagement={retention_conflict.engagement_id}").data["results"] == []
    for method in ("get", "post", "put", "patch", "delete"):
        assert getattr(api, method)(f"/api/v1/findings/{retention_conflict.pk}/").status_code == 404
    assert api.post(f"/api/v1/findings/{retention_conflict.pk}/acknowledge/").status_code == 404
    assert api.post(f"/api/v1/findings/{retention_conflict.pk}/dismiss/", {"reason": "x"}).status_code == 404
    assert api.get(f"/api/v1/detection-runs/{retention_conflict.run_id}/").status_code == 404
    assert api.get("/api/v1/detection-runs/").data["results"] == []


def test_acknowledge_and_dismiss_through_the_api(retention_conflict, api_as, it_lead, data_lead, observer):
    url = f"/api/v1/findings/{retention_conflict.pk}/"
    assert api_as(observer).post(url + "acknowledge/").status_code == 403
    response = api_as(it_lead).post(url + "acknowledge/")
    assert response.status_code == 200 and response.data["status"] == "acknowledged"
    assert api_as(it_lead).post(url + "acknowledge/").status_code == 400  # no longer open
    missing = api_as(data_lead).post(url + "dismiss/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.data
    blank = api_as(data_lead).post(url + "dismiss/", {"reason": "   "}, format="json")
    assert blank.status_code == 400
    done = api_as(data_lead).post(url + "dismiss/", {"reason": "Different logs."}, format="json")
    assert done.status_code == 200 and done.data["status"] == "dismissed"
    assert done.data["dismissed_reason"] == "Different logs."
    assert AuditEvent.objects.filter(action="conflicts.finding.dismissed").count() == 1


def test_the_pmo_starts_a_scan_through_the_api_and_reads_its_progress(
        make_input, it_lead, data_lead, engagement, api_as, pmo, django_capture_on_commit_callbacks):
    make_input(it_lead, "it", body=RETAIN, submit=True)
    make_input(data_lead, "data", body=DELETE, submit=True)
    api = api_as(pmo)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/detection-runs/", {"engagement": engagement.pk}, format="json")
    assert response.status_code == 201 and response.data["scope"] == "full"
    run = api.get(f"/api/v1/detection-runs/{response.data['id']}/").data
    assert (run["status"], run["done"], run["total"], run["percent"], run["findings_new"]) == (
        "succeeded", 2, 2, 100, 1)
    listed = api.get("/api/v1/detection-runs/", {"engagement": engagement.pk}).data["results"]
    assert response.data["id"] in [r["id"] for r in listed]


def test_starting_a_scan_is_refused_clearly(engagement, other_engagement, api_as, pmo, it_lead):
    assert api_as(it_lead).post("/api/v1/detection-runs/", {"engagement": engagement.pk},
                                format="json").status_code == 403
    foreign = api_as(pmo).post("/api/v1/detection-runs/", {"engagement": other_engagement.pk}, format="json")
    assert foreign.status_code == 400 and "engagement" in foreign.data
    assert api_as(pmo).post("/api/v1/detection-runs/", {}, format="json").status_code == 400
    first = api_as(pmo).post("/api/v1/detection-runs/", {"engagement": engagement.pk}, format="json")
    assert first.status_code == 201  # queued (tests run tasks only on commit)
    again = api_as(pmo).post("/api/v1/detection-runs/", {"engagement": engagement.pk}, format="json")
    assert again.status_code == 400 and "still" in again.data["detail"]
    assert DetectionRun.objects.count() == 1


def test_choice_sets_through_the_api(engagement, api_as, pmo, it_lead, outsider, other_engagement):
    body = {"engagement": engagement.pk, "name": "CDN", "options": [["Akamai"], ["Fastly", "fastly cdn"]]}
    assert api_as(it_lead).post("/api/v1/choice-sets/", body, format="json").status_code == 403
    created = api_as(pmo).post("/api/v1/choice-sets/", body, format="json")
    assert created.status_code == 201 and created.data["options"] == [["akamai"], ["fastly", "fastly cdn"]]
    assert api_as(pmo).post("/api/v1/choice-sets/", {**body, "options": [["x"]]}, format="json").status_code == 400
    assert api_as(pmo).post("/api/v1/choice-sets/", body, format="json").status_code == 400  # same name
    assert [c["name"] for c in api_as(it_lead).get("/api/v1/choice-sets/").data["results"]] == ["CDN"]
    assert api_as(outsider).get(f"/api/v1/choice-sets/{created.data['id']}/").status_code == 404
    assert api_as(outsider).delete(f"/api/v1/choice-sets/{created.data['id']}/").status_code == 404
    assert api_as(it_lead).delete(f"/api/v1/choice-sets/{created.data['id']}/").status_code == 403
    assert api_as(pmo).delete(f"/api/v1/choice-sets/{created.data['id']}/").status_code == 204
    assert not ChoiceSet.objects.exists()


def test_the_api_list_costs_the_same_queries_for_few_or_many_findings(
        submit, it_lead, marketing_lead, data_lead, api_as, pmo, django_assert_max_num_queries):
    submit(it_lead, "it", f"- {RETAIN}\n- {TABLEAU}")
    submit(data_lead, "data", DELETE)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(pmo)
    with CaptureQueriesContext(connection) as ctx:
        api.get("/api/v1/findings/")
    base = len(ctx)
    template = Finding.objects.get()
    for i in range(40):
        template.pk, template.number = None, None  # each copy is a new row; F-numbers are per engagement
        template.fingerprint, template.pair_key = f"{i:064d}", f"{i:063d}x"
        template.save()
    with django_assert_max_num_queries(base):
        assert len(api.get("/api/v1/findings/").data["results"]) == 41


def test_the_openapi_schema_describes_the_conflicts_endpoints(api_as, pmo):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in ("/api/v1/findings/", "/api/v1/findings/{id}/acknowledge/", "/api/v1/findings/{id}/dismiss/",
                 "/api/v1/detection-runs/", "/api/v1/detection-runs/{id}/", "/api/v1/choice-sets/"):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/findings/"]["get"]["parameters"]}
    assert {"engagement", "label", "kind", "status", "workstream", "min_score"} <= params
