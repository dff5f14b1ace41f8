"""Importing requirement files: every format, re-imports, revisions, dry runs, errors, all-or-nothing."""
from __future__ import annotations

import pytest

from apps.audit.models import AuditEvent
from apps.conflicts.models import DetectionRun
from apps.core.errors import PermissionDeniedError
from apps.inputs.models import Input, InputRevision
from apps.interchange import services
from apps.interchange.models import ImportJob, InputSource

from .files import HEADER, ROWS, csv_bytes, docx_bytes, reqif_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def _import(actor, engagement, workstream, content, name, **kw):
    return services.import_records(actor=actor, engagement=engagement, workstream=workstream, content=content,
                                   file_name=name, **kw)


def test_a_csv_creates_one_submitted_input_per_row_through_the_input_services(it_lead, engagement, workstreams):
    report = _import(it_lead, engagement, workstreams["it"], csv_bytes(), "jira.csv")

    assert report["counts"] == {"created": 3, "revised": 0, "updated": 0, "unchanged": 0, "errors": 0}
    sso = Input.objects.get(source__external_id="CRM-1")
    assert sso.title == "Single sign-on" and sso.workstream == workstreams["it"]
    assert sso.status == Input.Status.SUBMITTED and sso.priority == "must" and sso.kind == "requirement"
    assert sorted(t.name for t in sso.tags.all()) == ["security", "sso"]
    assert sso.source.system == "jira"
    assert Input.objects.get(source__external_id="CRM-2").kind == "constraint"
    # Same services as a typed input: audited and queued for detection.
    assert AuditEvent.objects.filter(action="inputs.input.created", target_id=str(sso.pk)).exists()
    assert DetectionRun.objects.filter(trigger_revision=sso.current_revision).exists()
    assert AuditEvent.objects.filter(action="interchange.import.completed").count() == 1


def test_re_importing_the_same_file_changes_nothing(it_lead, engagement, workstreams):
    _import(it_lead, engagement, workstreams["it"], csv_bytes(), "jira.csv")
    events = AuditEvent.objects.count()
    revisions = InputRevision.objects.count()

    report = _import(it_lead, engagement, workstreams["it"], csv_bytes(), "jira.csv")

    assert report["counts"]["unchanged"] == 3 and report["counts"]["created"] == 0
    assert InputRevision.objects.count() == revisions
    assert AuditEvent.objects.count() == events + 1  # only the import's own summary


def test_a_changed_row_becomes_a_new_revision_of_the_same_input(it_lead, engagement, workstreams):
    _import(it_lead, engagement, workstreams["it"], csv_bytes(), "jira.csv")
    rows = [list(r) for r in ROWS]
    rows[1][2] = "Interaction logs must be kept for at least 36 months."
    rows[2][4] = "Could"

    report = _import(it_lead, engagement, workstreams["it"], csv_bytes(rows), "jira.csv")

    assert report["counts"] == {"created": 0, "revised": 1, "updated": 1, "unchanged": 1, "errors": 0}
    logs = Input.objects.get(source__external_id="CRM-2")
    assert logs.revision_count == 2 and "36 months" in logs.current_revision.body
    assert AuditEvent.objects.filter(action="inputs.input.revised", target_id=str(logs.pk)).exists()
    assert Input.objects.get(source__external_id="CRM-3").priority == "could"


def test_a_dry_run_writes_nothing_and_reports_what_it_would_do(it_lead, engagement, workstreams):
    _import(it_lead, engagement, workstreams["it"], csv_bytes(ROWS[:1]), "jira.csv")
    counts = (Input.objects.count(), InputRevision.objects.count(), AuditEvent.objects.count(),
              InputSource.objects.count(), ImportJob.objects.count())
    rows = [list(r) for r in ROWS]
    rows[0][2] = "Staff sign in with the corporate identity provider and a second factor."

    report = services.import_preview(actor=it_lead, engagement=engagement, workstream=workstreams["it"],
                                     content=csv_bytes(rows), file_name="jira.csv")

    assert report["dry_run"] is True
    assert report["counts"] == {"created": 2, "revised": 1, "updated": 0, "unchanged": 0, "errors": 0}
    assert (Input.objects.count(), InputRevision.objects.count(), AuditEvent.objects.count(),
            InputSource.objects.count(), ImportJob.objects.count()) == counts


def test_errors_name_file_row_and_column_and_nothing_is_half_imported(it_lead, engagement, workstreams):
    rows = [list(r) for r in ROWS]
    rows[1][1] = ""  # no title in file row 3
    rows[2][4] = "urgent-ish"  # unknown priority in file row 4
    before = Input.objects.count(), AuditEvent.objects.count()

    with pytest.raises(services.ImportFailed) as caught:
        _import(it_lead, engagement, workstreams["it"], csv_bytes(rows), "jira.csv")

    texts = [str(i) for i in caught.value.issues]
    assert "jira.csv, row 3, column 'Summary': The title is empty." in texts
    assert any(t.startswith("jira.csv, row 4, column 'Priority': Unknown priority 'urgent-ish'") for t in texts)
    assert (Input.objects.count(), AuditEvent.objects.count()) == before  # row 2 was fine, yet not imported


def test_a_duplicate_identifier_in_the_file_names_both_rows(it_lead, engagement, workstreams):
    rows = [ROWS[0], ROWS[1], [ROWS[0][0], "Again", "Same key twice.", "", "", ""]]
    with pytest.raises(services.ImportFailed) as caught:
        _import(it_lead, engagement, workstreams["it"], csv_bytes(rows), "jira.csv")
    assert str(caught.value.issues[0]) == "jira.csv, row 4, column 'Key': The identifier 'CRM-1' is also used in row 2."
    assert not Input.objects.exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"", "jira.csv: the file is empty."),
    (b"\xff\xfe\x00K\x00e\x00y", "jira.csv: Not UTF-8 text"),
    (b"Key,Summary\nA,B\n", "jira.csv: Choose the column that holds the text."),
    (b"Key,Key,Text\n", "jira.csv, row 1, column 'Key': Two columns have this name"),
])
def test_malformed_csv_files_are_refused_with_a_clear_error(it_lead, engagement, workstreams, content, message):
    with pytest.raises(services.ApplicationError) as caught:
        _import(it_lead, engagement, workstreams["it"], content, "jira.csv")
    assert caught.value.message.startswith(message)
    assert not Input.objects.exists()


def test_an_xlsx_with_a_chosen_column_mapping(it_lead, engagement, workstreams):
    mapping = {"external_id": "Req ID", "title": "Name", "body": "Requirement text", "priority": "MoSCoW"}
    report = _import(it_lead, engagement, workstreams["it"], xlsx_bytes(), "portal.xlsx", mapping=mapping)

    assert report["counts"]["created"] == 2
    uptime = Input.objects.get(source__external_id="101")  # an Excel number, not "101.0"
    assert uptime.priority == "must" and uptime.source.system == "portal"


def test_an_xlsx_that_is_not_a_workbook_and_a_bad_cell(it_lead, engagement, workstreams):
    with pytest.raises(services.ApplicationError, match="Not an Excel workbook"):
        _import(it_lead, engagement, workstreams["it"], b"PK\x03\x04 not really", "portal.xlsx")
    bad = xlsx_bytes(rows=[[1, "Ok", "Fine.", "M"], [2, "Long", "x" * 20001, "M"]])
    with pytest.raises(services.ImportFailed) as caught:
        _import(it_lead, engagement, workstreams["it"], bad,
                "portal.xlsx", mapping={"external_id": "Req ID", "title": "Name", "body": "Requirement text"})
    assert str(caught.value.issues[0]).startswith("portal.xlsx, row 3, column 'Requirement text': The text is 20001")
    assert not Input.objects.exists()


def test_a_docx_gives_one_input_per_heading_or_numbered_item(it_lead, engagement, workstreams):
    report = _import(it_lead, engagement, workstreams["it"], docx_bytes(), "spec.docx")

    assert report["counts"]["created"] == 4
    by_id = {s.external_id: s.input for s in InputSource.objects.select_related("input__current_revision")}
    assert set(by_id) == {"security", "retention#1", "REQ-9", "REQ-7"}
    assert by_id["security"].current_revision.body == "All customer data must be encrypted at rest."
    assert by_id["REQ-7"].title == "Availability"
    assert by_id["REQ-9"].current_revision.body == "Backups are kept for one year."
    again = _import(it_lead, engagement, workstreams["it"], docx_bytes(), "spec.docx")
    assert again["counts"]["unchanged"] == 4


def test_a_file_that_is_not_a_docx_is_refused(it_lead, engagement, workstreams):
    with pytest.raises(services.ApplicationError, match="Not a Word document"):
        _import(it_lead, engagement, workstreams["it"], b"plain text", "spec.docx")


def test_reqif_imports_by_identifier_and_a_changed_text_revises(it_lead, engagement, workstreams):
    report = _import(it_lead, engagement, workstreams["it"], reqif_bytes(), "doors-export.reqif")
    assert report["counts"]["created"] == 2 and report["source_system"] == "reqif"
    privacy = Input.objects.get(source__external_id="req-A")
    assert privacy.title == "Data & privacy"
    assert privacy.current_revision.body == "Personal data must be deleted after 90 days."

    # Another file name, same ReqIF identifiers: still the same inputs.
    report = _import(it_lead, engagement, workstreams["it"], reqif_bytes("after 30 days"), "doors-v2.reqif")
    assert report["counts"] == {"created": 0, "revised": 1, "updated": 0, "unchanged": 1, "errors": 0}
    privacy.refresh_from_db()
    assert privacy.revision_count == 2


@pytest.mark.parametrize(("content", "message"), [
    (b"<REQ-IF><unclosed>", "Not a ReqIF file that can be read"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><REQ-IF>&x;</REQ-IF>',
     "DOCTYPE and ENTITY declarations are not allowed"),
    (reqif_bytes().replace(b"<SPEC-OBJECTS>", b"<SPEC-OBJECTS-GONE>").replace(b"</SPEC-OBJECTS>",
                                                                            b"</SPEC-OBJECTS-GONE>"),
     "The ReqIF file has no SPEC-OBJECTS"),
])
def test_malformed_reqif_is_refused(it_lead, engagement, workstreams, content, message):
    with pytest.raises(services.ApplicationError) as caught:
        _import(it_lead, engagement, workstreams["it"], content, "bad.reqif")
    assert message in caught.value.message
    assert not Input.objects.exists()


def test_only_the_workstreams_writers_and_the_pmo_may_import(pmo, it_lead, marketing_lead, customer, observer,
                                                              engagement, workstreams):
    for user in (marketing_lead, customer, observer):
        with pytest.raises(PermissionDeniedError):
            _import(user, engagement, workstreams["it"], csv_bytes(), "jira.csv")
    assert _import(pmo, engagement, workstreams["it"], csv_bytes(), "jira.csv")["counts"]["created"] == 3


def test_an_identifier_imported_into_another_workstream_is_an_error(pmo, engagement, workstreams):
    _import(pmo, engagement, workstreams["it"], csv_bytes(ROWS[:1]), "jira.csv")
    with pytest.raises(services.ImportFailed, match="was imported into IT"):
        _import(pmo, engagement, workstreams["data"], csv_bytes(ROWS[:1]), "jira.csv")


def test_draft_imports_are_not_checked_until_submitted(it_lead, engagement, workstreams):
    _import(it_lead, engagement, workstreams["it"], csv_bytes(), "jira.csv", submit=False)
    assert set(Input.objects.values_list("status", flat=True)) == {"draft"}
    assert not DetectionRun.objects.exists()


def test_a_job_imports_in_the_worker_with_progress_and_its_report(it_lead, engagement, workstreams,
                                                                   django_capture_on_commit_callbacks):
    job = services.importjob_create(actor=it_lead, engagement=engagement, workstream=workstreams["it"],
                                    file_name="jira.csv", content=csv_bytes())
    assert job.mapping == {"external_id": "Key", "title": "Summary", "body": "Description", "kind": "Type",
                           "priority": "Priority", "tags": "Labels"}
    with django_capture_on_commit_callbacks(execute=True):  # tasks run eagerly in tests, after commit
        services.importjob_start(actor=it_lead, job=job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.report["counts"]["created"] == 3 and job.processed == 3
    assert InputSource.objects.filter(last_job=job).count() == 3
    from apps.interchange.progress import progress_get

    assert progress_get(job.pk) == (3, 3)
    with pytest.raises(services.ApplicationError, match="already"):
        services.importjob_start(actor=it_lead, job=job)


def test_a_job_with_errors_is_refused_before_queueing(it_lead, engagement, workstreams):
    rows = [list(r) for r in ROWS]
    rows[0][2] = ""
    job = services.importjob_create(actor=it_lead, engagement=engagement, workstream=workstreams["it"],
                                    file_name="jira.csv", content=csv_bytes(rows))
    with pytest.raises(services.ImportFailed, match="row 2, column 'Description'"):
        services.importjob_start(actor=it_lead, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED and not Input.objects.exists()


def test_header_guessing_covers_common_exports():
    from apps.interchange.readers.tabular import guess_mapping

    assert guess_mapping(HEADER) == {"external_id": "Key", "title": "Summary", "body": "Description", "kind": "Type",
                                     "priority": "Priority", "tags": "Labels"}
    assert guess_mapping(["Req ID", "Name", "Requirement text"]) == {"external_id": "Req ID", "title": "Name",
                                                                     "body": "Requirement text"}
