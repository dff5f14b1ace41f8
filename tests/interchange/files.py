"""Requirement files written by the tests themselves (never copies of real exports)."""
from __future__ import annotations

import csv
import io

import docx
from openpyxl import Workbook

HEADER = ["Key", "Summary", "Description", "Type", "Priority", "Labels"]
ROWS = [
    ["CRM-1", "Single sign-on", "Staff must sign in to the CRM with the corporate identity provider.",
     "Requirement", "Must have", "security, sso"],
    ["CRM-2", "Retain interaction logs", "Interaction logs must be kept for at least 24 months.",
     "constraint", "S", "retention"],
    ["CRM-3", "Weekly newsletter", "Marketing sends one newsletter per week.", "", "", ""],
]


def csv_bytes(rows: list[list[str]] | None = None, header: list[str] | None = None, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header or HEADER)
    writer.writerows(ROWS if rows is None else rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]] | None = None, header: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Requirements"
    ws.append(header or ["Req ID", "Name", "Requirement text", "MoSCoW"])
    for row in rows if rows is not None else [[101, "Uptime", "The portal must be available 99.9 % of the month.", "M"],
                                               [102, "Page speed", "Pages load in under 2 seconds.", "should"]]:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    d = docx.Document()
    d.add_heading("Security", level=1)
    d.add_paragraph("All customer data must be encrypted at rest.")
    d.add_heading("Retention", level=1)
    d.add_paragraph("Logs are kept for 30 days.", style="List Number")
    d.add_paragraph("REQ-9: Backups are kept for one year.", style="List Number")
    d.add_heading("REQ-7 Availability", level=2)
    d.add_paragraph("The portal must be available 99.9 % of the month.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


REQIF = """<?xml version="1.0" encoding="UTF-8"?>
<REQ-IF xmlns="http://www.omg.org/spec/ReqIF/20110401/reqif.xsd" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <THE-HEADER>
    <REQ-IF-HEADER IDENTIFIER="hdr-1">
      <CREATION-TIME>2026-01-01T10:00:00+00:00</CREATION-TIME>
      <REQ-IF-TOOL-ID>tests</REQ-IF-TOOL-ID>
      <REQ-IF-VERSION>1.0</REQ-IF-VERSION>
      <SOURCE-TOOL-ID>tests</SOURCE-TOOL-ID>
      <TITLE>Written by the tests</TITLE>
    </REQ-IF-HEADER>
  </THE-HEADER>
  <CORE-CONTENT>
    <REQ-IF-CONTENT>
      <DATATYPES>
        <DATATYPE-DEFINITION-STRING IDENTIFIER="dt-str" LAST-CHANGE="2026-01-01T10:00:00+00:00" MAX-LENGTH="10000"/>
        <DATATYPE-DEFINITION-XHTML IDENTIFIER="dt-xhtml" LAST-CHANGE="2026-01-01T10:00:00+00:00"/>
      </DATATYPES>
      <SPEC-TYPES>
        <SPEC-OBJECT-TYPE IDENTIFIER="sot-req" LAST-CHANGE="2026-01-01T10:00:00+00:00" LONG-NAME="Requirement">
          <SPEC-ATTRIBUTES>
            <ATTRIBUTE-DEFINITION-STRING IDENTIFIER="ad-name" LAST-CHANGE="2026-01-01T10:00:00+00:00" LONG-NAME="ReqIF.Name">
              <TYPE><DATATYPE-DEFINITION-STRING-REF>dt-str</DATATYPE-DEFINITION-STRING-REF></TYPE>
            </ATTRIBUTE-DEFINITION-STRING>
            <ATTRIBUTE-DEFINITION-XHTML IDENTIFIER="ad-text" LAST-CHANGE="2026-01-01T10:00:00+00:00" LONG-NAME="ReqIF.Text">
              <TYPE><DATATYPE-DEFINITION-XHTML-REF>dt-xhtml</DATATYPE-DEFINITION-XHTML-REF></TYPE>
            </ATTRIBUTE-DEFINITION-XHTML>
          </SPEC-ATTRIBUTES>
        </SPEC-OBJECT-TYPE>
      </SPEC-TYPES>
      <SPEC-OBJECTS>
        <SPEC-OBJECT IDENTIFIER="req-A" LAST-CHANGE="2026-01-01T10:00:00+00:00">
          <TYPE><SPEC-OBJECT-TYPE-REF>sot-req</SPEC-OBJECT-TYPE-REF></TYPE>
          <VALUES>
            <ATTRIBUTE-VALUE-STRING THE-VALUE="Data &amp; privacy">
              <DEFINITION><ATTRIBUTE-DEFINITION-STRING-REF>ad-name</ATTRIBUTE-DEFINITION-STRING-REF></DEFINITION>
            </ATTRIBUTE-VALUE-STRING>
            <ATTRIBUTE-VALUE-XHTML>
              <DEFINITION><ATTRIBUTE-DEFINITION-XHTML-REF>ad-text</ATTRIBUTE-DEFINITION-XHTML-REF></DEFINITION>
              <THE-VALUE><xhtml:div><xhtml:p>Personal data must be deleted {when}.</xhtml:p></xhtml:div></THE-VALUE>
            </ATTRIBUTE-VALUE-XHTML>
          </VALUES>
        </SPEC-OBJECT>
        <SPEC-OBJECT IDENTIFIER="req-B" LAST-CHANGE="2026-01-01T10:00:00+00:00">
          <TYPE><SPEC-OBJECT-TYPE-REF>sot-req</SPEC-OBJECT-TYPE-REF></TYPE>
          <VALUES>
            <ATTRIBUTE-VALUE-STRING THE-VALUE="Audit trail">
              <DEFINITION><ATTRIBUTE-DEFINITION-STRING-REF>ad-name</ATTRIBUTE-DEFINITION-STRING-REF></DEFINITION>
            </ATTRIBUTE-VALUE-STRING>
            <ATTRIBUTE-VALUE-XHTML>
              <DEFINITION><ATTRIBUTE-DEFINITION-XHTML-REF>ad-text</ATTRIBUTE-DEFINITION-XHTML-REF></DEFINITION>
              <THE-VALUE><xhtml:div><xhtml:p>Every change is <xhtml:b>logged</xhtml:b>.</xhtml:p></xhtml:div></THE-VALUE>
            </ATTRIBUTE-VALUE-XHTML>
          </VALUES>
        </SPEC-OBJECT>
      </SPEC-OBJECTS>
    </REQ-IF-CONTENT>
  </CORE-CONTENT>
</REQ-IF>
"""  # noqa: E501 - a file as a tool writes it


def reqif_bytes(when: str = "after 90 days") -> bytes:
    return REQIF.replace("{when}", when).encode("utf-8")
