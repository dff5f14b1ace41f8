"""Imports through the API and the browser pages, with membership scoping."""
from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.inputs.models import Input
from apps.interchange.models import ImportJob

from .files import ROWS, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


UNGUESSABLE = ["Nr", "Caption", "Wording", "MoSCoW"]


def _upload(name, content):
    return SimpleUploadedFile(name, content)


def test_an_api_dry_run_reports_and_writes_nothing(it_lead, engagement, api_as):
    response = api_as(it_lead).post("/api/v1/imports/", {
        "engagement": engagement.pk, "workstream": "it", "file": _upload("jira.csv", csv_bytes()), "dry_run": "true",
    }, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["created"] == 3
    assert not Input.objects.exists() and not ImportJob.objects.exists()


def test_an_api_import_is_a_job_whose_progress_and_report_can_be_read(it_lead, engagement, api_as,
                                                                       django_capture_on_commit_callbacks):
    api = api_as(it_lead)
    mapping = {"external_id": "Req ID", "title": "Name", "body": "Requirement text", "priority": "MoSCoW"}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports/", {
            "engagement": engagement.pk, "workstream": "it", "file": _upload("portal.xlsx", xlsx_bytes()),
            "mapping": json.dumps(mapping)}, format="multipart")
    assert response.status_code == 202, response.content
    job = api.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert job["status"] == "done"
    assert job["progress"] == {"processed": 2, "total": 2}
    assert job["report"]["counts"]["created"] == 2
    assert Input.objects.filter(workstream__slug="it").count() == 2


def test_an_api_import_with_errors_answers_400_naming_row_and_column_and_keeps_no_job(it_lead, engagement, api_as):
    rows = [list(r) for r in ROWS]
    rows[2][1] = ""
    response = api_as(it_lead).post("/api/v1/imports/", {
        "engagement": engagement.pk, "workstream": "it", "file": _upload("jira.csv", csv_bytes(rows))},
        format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["issues"][0] == {"file": "jira.csv", "row": 4, "column": "Summary", "message": "The title is empty.",
                                 "text": "jira.csv, row 4, column 'Summary': The title is empty."}
    assert not ImportJob.objects.exists() and not Input.objects.exists()


def test_api_imports_are_refused_to_other_workstreams_and_hidden_from_outsiders(
        it_lead, marketing_lead, observer, outsider, other_engagement, engagement, api_as):
    post = {"engagement": engagement.pk, "workstream": "it", "file": _upload("jira.csv", csv_bytes())}
    assert api_as(marketing_lead).post("/api/v1/imports/", post, format="multipart").status_code == 403
    post["file"] = _upload("jira.csv", csv_bytes())
    assert api_as(observer).post("/api/v1/imports/", post, format="multipart").status_code == 403
    post["file"] = _upload("jira.csv", csv_bytes())
    assert api_as(outsider).post("/api/v1/imports/", post, format="multipart").status_code == 404
    post["file"] = _upload("jira.csv", csv_bytes())
    post["mapping"] = "{not json"
    response = api_as(it_lead).post("/api/v1/imports/", post, format="multipart")
    assert response.status_code == 400 and "mapping" in response.json()


def test_the_browser_flow_upload_map_preview_import(it_lead, engagement, as_user, django_capture_on_commit_callbacks):
    client = as_user(it_lead)
    page = client.get(f"/e/{engagement.pk}/imports/")
    assert page.status_code == 200 and b"Upload and preview" in page.content
    from apps.engagements.models import Workstream

    workstream = Workstream.objects.get(engagement=engagement, slug="it")
    response = client.post(f"/e/{engagement.pk}/imports/", {
        "workstream": workstream.pk, "file": _upload("portal.xlsx", xlsx_bytes(header=UNGUESSABLE)), "submit": "on"})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    detail = client.get(response["Location"])
    assert b"Which column holds what" in detail.content
    assert b"The portal must be available 99.9 % of the month." in detail.content  # raw first rows
    assert b"Choose the column that holds the identifier" in detail.content  # no header names it

    mapping = {"external_id": "Nr", "title": "Caption", "body": "Wording", "priority": "MoSCoW"}
    preview = client.post(f"/e/{engagement.pk}/imports/{job.pk}/preview/", mapping)
    assert preview.status_code == 200
    assert b"create a new input" in preview.content and b"Uptime" in preview.content
    job.refresh_from_db()
    assert job.mapping == mapping and not Input.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/e/{engagement.pk}/imports/{job.pk}/start/", mapping)
    assert started.status_code == 302
    done = client.get(started["Location"])
    assert b"Imported" in done.content and b"IN-" in done.content
    assert Input.objects.count() == 2


def test_import_pages_404_for_outsiders_and_other_workstreams_cannot_see_a_job(
        it_lead, marketing_lead, pmo, outsider, other_engagement, engagement, as_user):
    from apps.engagements.models import Workstream
    from apps.interchange.services import importjob_create

    job = importjob_create(actor=it_lead, engagement=engagement, workstream=Workstream.objects.get(
        engagement=engagement, slug="it"), file_name="jira.csv", content=csv_bytes())
    url = f"/e/{engagement.pk}/imports/{job.pk}/"
    assert as_user(pmo).get(url).status_code == 200
    assert as_user(marketing_lead).get(url).status_code == 404
    assert as_user(outsider).get(url).status_code == 404
