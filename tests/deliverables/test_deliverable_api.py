from __future__ import annotations

import hashlib

import pytest

from apps.deliverables import services
from apps.deliverables.models import Deliverable, DeliverableVersion, Section, TraceLink
from apps.inputs.services import input_revise

pytestmark = pytest.mark.django_db


def test_outsiders_get_404_on_every_deliverable_resource(drafted, pmo, outsider, api_as):
    version = services.version_publish(deliverable=drafted, actor=pmo)
    section = drafted.sections.first()
    link = TraceLink.objects.filter(section=section).first()
    api = api_as(outsider)
    for url in [f"/api/v1/deliverables/{drafted.pk}/", f"/api/v1/deliverables/{drafted.pk}/sections/",
                f"/api/v1/sections/{section.pk}/", f"/api/v1/trace-links/{link.pk}/", f"/api/v1/versions/{version.pk}/",
                f"/api/v1/versions/{version.pk}/compare/?with={version.pk}"]:
        assert api.get(url).status_code == 404, url
    for url in [f"/api/v1/deliverables/{drafted.pk}/publish/", f"/api/v1/sections/{section.pk}/move/",
                f"/api/v1/trace-links/{link.pk}/clear-suspect/"]:
        assert api.post(url, {}, format="json").status_code == 404, url
    assert api.patch(f"/api/v1/sections/{section.pk}/", {"body": "x"}, format="json").status_code == 404
    assert api.delete(f"/api/v1/sections/{section.pk}/").status_code == 404
    assert api.delete(f"/api/v1/trace-links/{link.pk}/").status_code == 404
    for url in ["/api/v1/deliverables/", "/api/v1/sections/", "/api/v1/trace-links/", "/api/v1/versions/"]:
        assert api.get(url).json()["count"] == 0, url


@pytest.mark.parametrize("persona", ["it_lead", "customer", "observer"])
def test_non_pmo_members_read_but_get_403_on_writes(drafted, personas, persona, api_as, engagement):
    api = api_as(personas[persona])
    section = drafted.sections.first()
    assert api.get(f"/api/v1/deliverables/{drafted.pk}/").status_code == 200
    assert api.post("/api/v1/deliverables/", {"engagement": engagement.pk, "title": "Mine"},
                    format="json").status_code == 403
    assert api.post(f"/api/v1/deliverables/{drafted.pk}/publish/").status_code == 403
    assert api.patch(f"/api/v1/sections/{section.pk}/", {"body": "x", "expected_revision": 1},
                     format="json").status_code == 403
    assert api.post("/api/v1/sections/", {"deliverable": drafted.pk, "heading": "x"}, format="json").status_code == 403
    assert not DeliverableVersion.objects.exists() and Deliverable.objects.count() == 1


def test_publish_through_the_api_exposes_number_hash_bytes_and_manifest(drafted, pmo, api_as):
    api = api_as(pmo)
    response = api.post(f"/api/v1/deliverables/{drafted.pk}/publish/")
    assert response.status_code == 201
    version = api.get(f"/api/v1/versions/{response.json()['id']}/").json()
    stored = bytes(DeliverableVersion.objects.get(pk=version["id"]).rendered_html)
    assert version["number"] == 1 and version["rendered_html"] == stored.decode()
    assert version["content_sha256"] == hashlib.sha256(version["rendered_html"].encode()).hexdigest()
    assert {s["heading"] for s in version["trace_manifest"]} == {"Retention", "Deletion", "Goal"}
    listed = api.get(f"/api/v1/versions/?deliverable={drafted.pk}").json()["results"]
    assert [v["number"] for v in listed] == [1] and "rendered_html" not in listed[0]
    assert api.post(f"/api/v1/deliverables/{drafted.pk}/publish/").status_code == 400  # nothing changed


def test_versions_cannot_be_changed_through_the_api(drafted, pmo, api_as):
    version = services.version_publish(deliverable=drafted, actor=pmo)
    api = api_as(pmo)
    assert api.patch(f"/api/v1/versions/{version.pk}/", {"number": 7}, format="json").status_code == 405
    assert api.delete(f"/api/v1/versions/{version.pk}/").status_code == 405
    assert DeliverableVersion.objects.get(pk=version.pk).number == 1


def test_sections_through_the_api_refuse_stale_edits_with_409_or_412(drafted, pmo, api_as):
    api = api_as(pmo)
    section = drafted.sections.get(heading="Deletion")
    url = f"/api/v1/sections/{section.pk}/"
    ok = api.patch(url, {"body": "New text.", "expected_revision": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["revision"] == 2 and ok["ETag"] == '"2"'
    stale = api.patch(url, {"body": "Mine.", "expected_revision": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["current_revision"]["body"] == "New text."
    assert api.patch(url, {"body": "Mine."}, format="json", HTTP_IF_MATCH='"1"').status_code == 412
    assert api.patch(url, {"body": "Mine."}, format="json").status_code == 400  # which revision?
    section.refresh_from_db()
    assert section.body == "New text."


def test_sections_links_and_clearing_through_the_api(drafted, pmo, api_as, it_input, it_lead, merge_decision,
                                                     other_engagement):
    api = api_as(pmo)
    created = api.post("/api/v1/sections/", {"deliverable": drafted.pk, "heading": "Security", "body": "TLS."},
                       format="json")
    assert created.status_code == 201
    sid = created.json()["id"]
    link = api.post("/api/v1/trace-links/", {"section": sid, "input_revision": it_input.current_revision.pk},
                    format="json")
    assert link.status_code == 201 and link.json()["target"] == f"{it_input.reference} r1"
    both = api.post("/api/v1/trace-links/", {"section": sid, "input_revision": it_input.current_revision.pk,
                                             "decision": merge_decision.pk}, format="json")
    assert both.status_code == 400
    input_revise(actor=it_lead, input=it_input, title=it_input.title, body="Keep 12 months.", expected_revision=1)
    suspect = api.get(f"/api/v1/trace-links/?section={sid}&suspect=1").json()["results"]
    assert [s["id"] for s in suspect] == [link.json()["id"]]
    cleared = api.post(f"/api/v1/trace-links/{link.json()['id']}/clear-suspect/")
    assert cleared.json()["is_suspect"] is False and cleared.json()["revision"] == 2
    moved = api.post(f"/api/v1/sections/{sid}/move/", {"direction": "up"}, format="json")
    assert moved.status_code == 200 and moved.json()["order"] == 3
    seeded = api.post("/api/v1/sections/from-decision/", {"deliverable": drafted.pk, "decision": merge_decision.pk},
                      format="json")
    assert seeded.status_code == 201 and seeded.json()["body"] == merge_decision.merged_text
    assert api.delete(f"/api/v1/trace-links/{link.json()['id']}/").status_code == 204
    assert api.delete(f"/api/v1/sections/{sid}/").status_code == 204
    assert not Section.objects.filter(pk=sid).exists()


def test_compare_through_the_api_gives_unified_diffs_per_section(drafted, pmo, api_as):
    v1 = services.version_publish(deliverable=drafted, actor=pmo)
    goal = drafted.sections.get(heading="Goal")
    services.section_update(actor=pmo, section=goal, heading="Goal", body="Two views.", expected_revision=1)
    v2 = services.version_publish(deliverable=drafted, actor=pmo)
    body = api_as(pmo).get(f"/api/v1/versions/{v2.pk}/compare/?with={v1.pk}").json()
    changed = [s for s in body["sections"] if s["state"] == "changed"]
    assert (body["old"], body["new"]) == (1, 2) and len(changed) == 1
    assert "-One customer view." in changed[0]["unified"] and "+Two views." in changed[0]["unified"]
