"""Exports of a published version: Markdown, standalone HTML, PDF and DOCX."""
from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
import zlib

import pytest
from django.urls import reverse

from apps.approvals import services as approval_services
from apps.approvals.selectors import signatures_for_version
from apps.deliverables import exports
from apps.deliverables.models import Deliverable, DeliverableVersion
from apps.deliverables.services import deliverable_create, section_create, tracelink_add, version_publish

from ..factories import PASSWORD


@pytest.fixture
def traced_version(pmo, engagement, objective, it_lead, make_input) -> DeliverableVersion:
    item = make_input(it_lead, "it", title="Single sign-on", body="Customers sign in with SSO.", submit=True)
    deliverable: Deliverable = deliverable_create(actor=pmo, engagement=engagement, title="Integrated Requirements")
    scope = section_create(actor=pmo, deliverable=deliverable, heading="Scope", body="Shop | app & *data*.")
    security = section_create(actor=pmo, deliverable=deliverable, heading="Security",
                              body="- Customers sign in with **SSO**\n- Staff use MFA")
    tracelink_add(actor=pmo, section=security, input_revision=item.current_revision)
    tracelink_add(actor=pmo, section=scope, objective=objective)
    return version_publish(deliverable=deliverable, actor=pmo)


@pytest.fixture
def signed(traced_version, pmo, customer):
    approval_services.approval_submit(actor=pmo, version=traced_version, approvers=[customer], policy="all")
    approval_services.signature_create(actor=customer, version=traced_version, meaning="approved",
                                       password=PASSWORD, comment="Looks right.")
    return traced_version


def _fresh(version):
    return DeliverableVersion.objects.select_related("deliverable__engagement", "published_by").get(pk=version.pk)


def _export(version, fmt):
    return exports.export_version(_fresh(version), signatures_for_version(version=version), fmt)[0]


def _export_an_hour_later(version, fmt, monkeypatch):
    """Export with the wall clock an hour on (ZIP writers date entries with time.time())."""
    real = time.time
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: real() + 3600)
        return _export(version, fmt)


@pytest.mark.parametrize("fmt", ["md", "html", "pdf", "docx"])
def test_exporting_the_same_version_twice_gives_identical_bytes(signed, fmt, monkeypatch):
    assert _export(signed, fmt) == _export(signed, fmt) == _export_an_hour_later(signed, fmt, monkeypatch)


def test_the_docx_package_is_dated_by_the_version_not_the_clock(signed):
    from docx import Document

    data = _export(signed, "docx")
    published = signed.published_at.astimezone(dt.UTC)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        infos = package.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
        stamp = (published.year, published.month, published.day, published.hour, published.minute,
                 published.second - published.second % 2)  # ZIP dates keep even seconds
        assert {i.date_time for i in infos} == {stamp}
    props = Document(io.BytesIO(data)).core_properties  # and it still opens
    assert props.created == props.modified == published.replace(microsecond=0)
    assert props.author == props.last_modified_by == str(signed.published_by)
    assert props.title == "Integrated Requirements v1" and props.revision == 1


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated (WeasyPrint keeps the Info dictionary in an object stream)."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_pdf_carries_the_versions_author_and_dates_in_its_metadata(signed):
    objects = _pdf_objects(_export(signed, "pdf"))
    stamp = signed.published_at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")
    assert f"/CreationDate (D:{stamp}".encode() in objects and f"/ModDate (D:{stamp}".encode() in objects
    assert f"/Author ({signed.published_by})".encode() in objects


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_download_route_gives_identical_bytes_twice(as_user, pmo, engagement, signed, fmt):
    client = as_user(pmo)
    link = reverse("approvals:export", args=[engagement.pk, signed.pk, fmt])
    first, second = client.get(link), client.get(link)
    assert first.status_code == 200
    assert first.content == second.content == _export(signed, fmt)
    assert first["Content-Disposition"] == f'attachment; filename="integrated-requirements-v1.{fmt}"'


def test_a_later_signature_changes_the_html_signature_page_but_not_the_document(traced_version, pmo, customer):
    before = _export(traced_version, "html")
    approval_services.approval_submit(actor=pmo, version=traced_version, approvers=[customer])
    approval_services.signature_create(actor=customer, version=traced_version, meaning="approved", password=PASSWORD)
    after = _export(traced_version, "html")
    assert before != after
    document = bytes(traced_version.rendered_html)
    assert document in before and document in after


def test_the_html_export_is_standalone_and_ends_with_signatures_and_the_trace_matrix(signed):
    html = _export(signed, "html").decode()
    assert "<style>" in html
    assert not re.search(r"<script|<link|src=\"https?:|url\(", html, flags=re.I)
    assert bytes(signed.rendered_html).decode() in html  # the exact signed bytes
    signature_page = html[html.index('class="signature-page"'):]
    assert "Claire Ustinov" in signature_page and "Northwind Retail" in signature_page
    assert "Approved" in signature_page and " UTC" in signature_page
    assert signed.content_sha256 in signature_page
    appendix = html[html.index('class="appendix"'):]
    assert "traceability matrix" in appendix
    assert "IT-" in appendix or "r1" in appendix  # the input revision the Security section traces to
    assert "OBJ-1" in appendix
    assert html.index('class="signature-page"') > html.index('class="document"')
    assert html.index('class="appendix"') > html.index('class="signature-page"')


def test_the_markdown_export_holds_the_source_the_signatures_and_the_matrix(signed):
    text = _export(signed, "md").decode()
    assert signed.markdown_source.strip() in text
    assert "| Claire Ustinov | Northwind Retail | Approved |" in text
    assert signed.content_sha256 in text
    assert "## Appendix: traceability matrix" in text and "OBJ-1" in text


def test_markdown_table_cells_escape_pipes_and_newlines():
    assert exports._cell("a|b\nc") == "a\\|b c"


def test_the_pdf_export_is_a_pdf_with_several_pages(signed):
    pdf = _export(signed, "pdf")
    assert pdf.startswith(b"%PDF-")
    html = exports.export_html(_fresh(signed), signatures_for_version(version=signed), for_pdf=True).decode()
    assert "break-before: page" in html and "Claire Ustinov" in html


def test_the_docx_export_holds_sections_signatures_and_the_matrix(signed):
    from docx import Document

    doc = Document(io.BytesIO(_export(signed, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Scope" in text and "Security" in text and "Customers sign in with SSO" in text
    assert "Claire Ustinov" in cells and signed.content_sha256 in cells and "Approved" in cells
    assert "OBJ-1" in cells
    assert any(p.style.name == "List Bullet" for p in doc.paragraphs)


def test_an_unsigned_version_exports_with_an_empty_signature_page(traced_version):
    assert "Not signed." in _export(traced_version, "html").decode()
    assert "Not signed." in _export(traced_version, "md").decode()


def test_any_member_can_export_and_unknown_formats_are_404(as_user, observer, engagement, signed):
    client = as_user(observer)
    for fmt, ctype in (("md", "text/markdown"), ("html", "text/html"), ("pdf", "application/pdf"),
                       ("docx", "application/vnd.openxmlformats")):
        response = client.get(reverse("approvals:export", args=[engagement.pk, signed.pk, fmt]))
        assert response.status_code == 200 and response["Content-Type"].startswith(ctype)
    assert client.get(reverse("approvals:export", args=[engagement.pk, signed.pk, "exe"])).status_code == 404


def test_the_html_download_forbids_scripts(as_user, observer, engagement, signed):
    response = as_user(observer).get(reverse("approvals:export", args=[engagement.pk, signed.pk, "html"]))
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_trace_rows_read_the_published_manifest():
    rows = exports.trace_rows([
        {"section_id": 1, "number": 1, "heading": "Scope", "input_revisions": [
            {"input": "IT-3", "revision": 2, "title": "SSO", "workstream": "IT", "body_sha256": "ab" * 32,
             "suspect": True}],
         "decisions": [{"decision": "D-1", "version": 2, "outcome": "adopt", "suspect": False}],
         "objectives": [{"code": "OBJ-1", "title": "One view"}]},
        {"section_id": 2, "number": 2, "heading": "Empty", "input_revisions": [], "decisions": [], "objectives": []},
    ])
    assert [(r.section, r.kind, r.reference, r.suspect) for r in rows] == [
        ("1. Scope", "Input revision", "IT-3 r2", True), ("1. Scope", "Decision", "D-1 v2", False),
        ("1. Scope", "Objective", "OBJ-1", False), ("2. Empty", "", "", False)]
