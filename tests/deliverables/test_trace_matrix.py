from __future__ import annotations

import csv
import io
import time
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from apps.deliverables import services, trace
from apps.inputs.services import input_revise

pytestmark = pytest.mark.django_db


def rows_by_ref(engagement, **filters) -> dict[str, trace.TraceRow]:
    inputs = trace.matrix_inputs(engagement=engagement, filters=filters)
    return {r.input.reference: r for r in trace.build_rows(engagement=engagement, inputs=inputs)}


def test_each_row_runs_from_objective_through_decision_and_section_to_published_versions(
        drafted, pmo, engagement, it_input, data_input, merge_decision, objective):
    from apps.inputs.services import input_update_details

    input_update_details(actor=pmo, input=it_input, objectives=[objective])
    version = services.version_publish(deliverable=drafted, actor=pmo)
    rows = rows_by_ref(engagement)
    it_row = rows[it_input.reference]
    assert [o.code for o in it_row.objectives] == ["OBJ-1"]
    assert [d.pk for d in it_row.decisions] == [merge_decision.pk]
    assert [s.heading for s in it_row.sections] == ["Retention"]
    assert it_row.versions == [(drafted.title, 1, version.pk)] and it_row.status == "traced"
    record = trace.row_record(rows[data_input.reference])
    assert record["sections"][0]["heading"] == "Deletion" and record["traced_revisions"] == [1]


def test_filters_pick_workstream_objective_and_trace_status(drafted, engagement, make_input, marketing_lead,
                                                           data_lead, data_input, it_input):
    untraced = make_input(marketing_lead, "marketing", title="Loose end", body="Nobody traces me.", submit=True)
    input_revise(actor=data_lead, input=data_input, title=data_input.title, body="Delete after 10 days.",
                 expected_revision=1)
    assert set(rows_by_ref(engagement, status="untraced")) == {untraced.reference}
    assert set(rows_by_ref(engagement, status="suspect")) == {data_input.reference}
    assert set(rows_by_ref(engagement, status="traced")) == {it_input.reference}
    assert set(rows_by_ref(engagement, workstream="marketing")) == {untraced.reference}


def test_dangerous_cells_are_escaped_in_exports():
    assert trace.escape_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    for prefix in ("+", "-", "@", "\t", "\r"):
        assert trace.escape_cell(prefix + "x") == "'" + prefix + "x"
    assert trace.escape_cell("plain") == "plain" and trace.escape_cell(3) == 3


def test_csv_and_xlsx_downloads_parse_back_with_injection_escaped(drafted, engagement, pmo, make_input,
                                                                 marketing_lead, as_user):
    evil = make_input(marketing_lead, "marketing", title="=cmd|' /C calc'!A0", body="Formula title.", submit=True)
    client = as_user(pmo)
    url = reverse("deliverables:trace", args=[engagement.pk])
    csv_response = client.get(url + "?download=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0] == trace.HEADER
    evil_row = next(r for r in rows if r[1] == evil.reference)
    assert evil_row[2] == "'=cmd|' /C calc'!A0" and evil_row[-1] == "untraced"
    xlsx_response = client.get(url + "?download=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == trace.HEADER and len(values) == len(rows)
    cell = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == evil.reference)[2]
    assert cell.value == "'=cmd|' /C calc'!A0" and cell.data_type == "s"


def test_the_xlsx_download_is_byte_identical_for_the_same_rows(drafted, engagement, pmo, as_user, monkeypatch):
    url = reverse("deliverables:trace", args=[engagement.pk]) + "?download=xlsx"
    client = as_user(pmo)
    first = client.get(url).content
    real = time.time
    with monkeypatch.context() as patch:  # the ZIP writer dates entries with time.time()
        patch.setattr(time, "time", lambda: real() + 3600)
        later = client.get(url).content
    assert first == later
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    # Live data has no moment of its own: no created/modified date is claimed (openpyxl would write "now").
    assert "dcterms:created" not in core and "dcterms:modified" not in core
    sheet = load_workbook(io.BytesIO(first)).active  # and it still opens
    assert next(sheet.iter_rows(values_only=True))[0] == "Objectives"


def test_the_api_serves_json_csv_and_xlsx_and_hides_the_matrix_from_outsiders(drafted, engagement, pmo,
                                                                              outsider, api_as, it_input):
    api = api_as(pmo)
    base = f"/api/v1/engagements/{engagement.pk}/trace-matrix/"
    as_json = api.get(base)
    assert as_json.status_code == 200 and as_json["Content-Type"].startswith("application/json")
    body = as_json.json()
    assert body["count"] == 2 and {r["input"]["ref"] for r in body["results"]} >= {it_input.reference}
    as_csv = api.get(base + "?format=csv")
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    assert "attachment" in as_csv["Content-Disposition"]
    assert list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))[0] == trace.HEADER
    as_xlsx = api.get(base + "?format=xlsx")
    assert as_xlsx.status_code == 200 and as_xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert next(load_workbook(io.BytesIO(as_xlsx.content)).active.iter_rows(values_only=True))[0] == "Objectives"
    assert api.get(base + "?status=bogus").status_code == 400
    assert api.get(base + "?status=untraced").json()["count"] == 0
    for fmt in ("", "?format=csv", "?format=xlsx"):
        denied = api_as(outsider).get(base + fmt)
        assert denied.status_code == 404 and denied["Content-Type"].startswith("application/json"), fmt


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def test_the_matrix_costs_the_same_queries_for_10_or_120_rows(deliverable, engagement, pmo, make_input, it_lead,
                                                              objective, as_user, api_as):
    def grow(n: int) -> None:
        section = services.section_create(actor=pmo, deliverable=deliverable, heading=f"S{n}")
        for k in range(n):
            item = make_input(it_lead, "it", title=f"Input {n}-{k}", body=f"Requirement number {n}-{k}.",
                              submit=True, objectives=[objective])
            if k % 2:
                services.tracelink_add(actor=pmo, section=section, input_revision=item.current_revision)

    client, api = as_user(pmo), api_as(pmo)
    page = reverse("deliverables:trace", args=[engagement.pk])
    api_url = f"/api/v1/engagements/{engagement.pk}/trace-matrix/"
    grow(10)
    services.version_publish(deliverable=deliverable, actor=pmo)
    few_page = _queries(lambda: client.get(page))
    few_api = _queries(lambda: api.get(api_url))
    few_csv = _queries(lambda: api.get(api_url + "?format=csv"))
    grow(110)
    services.version_publish(deliverable=deliverable, actor=pmo)
    assert _queries(lambda: client.get(page)) == few_page
    assert _queries(lambda: api.get(api_url)) == few_api
    assert _queries(lambda: api.get(api_url + "?format=csv")) == few_csv
