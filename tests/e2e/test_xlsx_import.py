"""The IT lead imports an Excel export in a real browser: chooses the columns, sees the preview and the
dry run, imports through the Celery worker, then re-uploads the same file and is told nothing would change.
"""
from __future__ import annotations

import io
import re

from openpyxl import Workbook
from playwright.sync_api import Page, expect

ENGAGEMENT = "Customer Platform Renewal"
IMPORT_TIMEOUT = 90_000  # ms: the worker may still be busy with detection runs of other journeys
ROWS = [
    ["PORT-1", "Portal availability", "The customer portal must be available 99.9 % of each calendar month.", "M"],
    ["PORT-2", "Portal page speed", "Portal pages must load in under 2 seconds on a 4G connection.", "S"],
    ["PORT-3", "Portal accessibility", "The customer portal must meet WCAG 2.1 level AA.", "M"],
]


def _xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    # Column names no export convention uses, so the lead has to map them.
    ws.append(["Nr", "Caption", "Wording", "MoSCoW"])
    for row in ROWS:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _engagement_id(page: Page) -> int:
    listed = page.request.get("/api/v1/engagements/").json()
    return next(e["id"] for e in listed["results"] if e["name"] == ENGAGEMENT)


def _upload(page: Page, engagement: int) -> None:
    page.goto(f"/e/{engagement}/inputs/")
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Import inputs")).to_be_visible()
    expect(page.get_by_label("Into workstream")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("File (.csv, .xlsx, .docx, .reqif)").set_input_files(
        files=[{"name": "portal-requirements.xlsx", "buffer": _xlsx(),
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Import portal-requirements.xlsx")).to_be_visible()


def test_the_it_lead_imports_an_xlsx_with_column_mapping_and_preview(sign_in, screenshot):
    page = sign_in("it.lead@example.com")
    engagement = _engagement_id(page)
    _upload(page, engagement)

    # The first rows of the file, as they are, and the dry run asking for the missing columns.
    raw = page.get_by_role("table", name="First rows of the file")
    expect(raw).to_contain_text("Portal availability")
    expect(raw).to_contain_text("Wording")
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Choose the column that holds the identifier")

    # Choosing columns updates the preview in place (htmx), one choice at a time.
    page.get_by_label("Identifier column (required)").select_option("Nr")
    page.get_by_label("Title column (required)").select_option("Caption")
    page.get_by_label("Text column (required)").select_option("Wording")
    page.get_by_label("Priority column").select_option("MoSCoW")
    expect(preview).not_to_contain_text("Choose the column")
    mapped = page.get_by_role("table", name="Preview of the import")
    expect(mapped).to_contain_text("PORT-1")
    expect(mapped.get_by_role("row").filter(has_text="Portal page speed")).to_contain_text("create a new input")
    expect(preview.get_by_role("status")).to_contain_text("3")
    screenshot(page, "import-xlsx-mapping-preview")

    page.get_by_role("button", name="Import", exact=True).click()
    # The worker imports all rows in one transaction; the page follows its progress.
    expect(page.get_by_role("heading", name=re.compile(r"Status: Imported"))).to_be_visible(timeout=IMPORT_TIMEOUT)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "3")
    records = page.get_by_role("region", name="Records")
    expect(records.get_by_role("row")).to_have_count(4)
    screenshot(page, "import-xlsx-done")

    records.get_by_role("row").filter(has_text="PORT-3").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Portal accessibility")).to_be_visible()
    expect(page.get_by_text("The customer portal must meet WCAG 2.1 level AA.", exact=True)).to_be_visible()

    # The same file uploaded again and mapped the same way: the dry run finds every row already there.
    _upload(page, engagement)
    page.get_by_label("Identifier column (required)").select_option("Nr")
    page.get_by_label("Title column (required)").select_option("Caption")
    page.get_by_label("Text column (required)").select_option("Wording")
    mapped = page.get_by_role("table", name="Preview of the import")
    expect(mapped.get_by_role("row").filter(has_text="PORT-1")).to_contain_text("leave IN-")
    expect(mapped).not_to_contain_text("create a new input")
