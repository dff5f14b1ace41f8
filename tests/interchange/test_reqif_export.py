"""A published version as ReqIF: valid against the OMG XSD the reqif wheel ships, and it round-trips."""
from __future__ import annotations

import pytest

from apps.deliverables import services as deliverables
from apps.inputs.models import Input
from apps.interchange import services
from apps.interchange.reqif_export import export_reqif, reqif_schema_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(pmo, engagement):
    deliverable = deliverables.deliverable_create(actor=pmo, engagement=engagement, title="Integrated Spec")
    deliverables.section_create(actor=pmo, deliverable=deliverable, heading="Retention & <deletion>",
                                body='Logs are deleted after **30 days**.\n\n- except "flagged" logs\n- kept 24 months')
    deliverables.section_create(actor=pmo, deliverable=deliverable, heading="Goal", body="One customer view.")
    return deliverables.version_publish(deliverable=deliverable, actor=pmo)


def test_the_export_is_valid_against_the_reqif_schema_and_deterministic(published):
    xml = export_reqif(published)
    assert reqif_schema_errors(xml) == []
    assert export_reqif(published) == xml
    assert b"Retention &amp; &lt;deletion&gt;" in xml


def test_the_schema_check_can_fail():
    from tests.interchange.files import reqif_bytes

    broken = reqif_bytes().replace(b"<REQ-IF-TOOL-ID>", b"<NOT-IN-SCHEMA/><REQ-IF-TOOL-ID>")
    assert reqif_schema_errors(broken)


def test_the_export_round_trips_through_the_import(published, pmo, engagement, workstreams, make_input):
    xml = export_reqif(published)
    report = services.import_records(actor=pmo, engagement=engagement, workstream=workstreams["data"], content=xml,
                                     file_name="spec-v1.reqif")
    assert report["counts"]["created"] == 2
    retention = Input.objects.get(title="Retention & <deletion>")
    section = published.sections[0] if published.sections[0]["heading"].startswith("Retention") else \
        published.sections[1]
    assert retention.current_revision.body == section["body"]
    again = services.import_records(actor=pmo, engagement=engagement, workstream=workstreams["data"], content=xml,
                                    file_name="spec-v1.reqif")
    assert again["counts"]["unchanged"] == 2


def test_the_api_and_the_page_serve_the_export_to_members_only(published, engagement, customer, outsider,
                                                                other_engagement, api_as, as_user):
    response = api_as(customer).get(f"/api/v1/versions/{published.pk}/export/reqif/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert 'filename="integrated-spec-v1.reqif"' in response["Content-Disposition"]
    assert reqif_schema_errors(response.content) == []
    assert api_as(outsider).get(f"/api/v1/versions/{published.pk}/export/reqif/").status_code == 404
    page = as_user(customer).get(f"/e/{engagement.pk}/versions/{published.pk}/reqif/")
    assert page.status_code == 200 and page.content == response.content
