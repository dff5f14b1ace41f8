"""Journeys 1–3 in a real browser: log a contradicting viewpoint, align it into the deliverable, sign v1.

The journeys share the session-scoped server and build on each other's data, so they run in file
order and hand ids over through ``JOURNEY``; a journey whose predecessor failed is skipped, not
run against half-made data. The last test checks the main pages at a phone's width.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

ENGAGEMENT = "Customer Platform Renewal"
DELIVERABLE = "Integrated Requirements Specification"
VIEWPOINT_TITLE = "Delete interaction logs after 30 days"
VIEWPOINT_TEXT = "Customer interaction logs must be deleted after 30 days."
IT_STATEMENT = "Customer interaction logs must be retained for at least 24 months"
SESSION_TITLE = "Alignment session 2: interaction log retention"
MERGED_TEXT = ("Customer interaction logs are deleted **30 days** after collection, except logs flagged in a fraud "
               "investigation or audit, which are kept for up to 24 months.")
RATIONALE = "Privacy by default for everyone; the fraud team's need is limited to flagged cases."
SECTION_HEADING = "Deletion of customer interaction logs"
WRONG_PASSWORD = "not-my-password"  # noqa: S105 - deliberately wrong
PASSWORD = "demo-pass-2026"  # noqa: S105 - the demo users' published password
DETECTION_TIMEOUT = 90_000  # ms: the real worker may still be busy with earlier checks

# Ids handed from one journey to the next (engagement, input, finding, session, decision, version).
JOURNEY: dict[str, int] = {}


def _needs(*keys: str) -> None:
    missing = [k for k in keys if k not in JOURNEY]
    if missing:
        pytest.skip(f"an earlier journey did not produce {', '.join(missing)}")


def _engagement_id(page: Page) -> int:
    listed = page.request.get("/api/v1/engagements/").json()
    return next(e["id"] for e in listed["results"] if e["name"] == ENGAGEMENT)


def _id_from(url: str, segment: str) -> int:
    match = re.search(rf"/{segment}/(\d+)/", url)
    assert match, f"no /{segment}/<id>/ in {url}"
    return int(match.group(1))


# --- Journey 1: a lead logs a viewpoint and sees the conflict the worker found ---------------------------

def test_journey_1_a_marketing_viewpoint_contradicting_it_shows_its_conflict(sign_in, screenshot):
    page = sign_in("marketing.lead@example.com")
    engagement = _engagement_id(page)
    JOURNEY["engagement"] = engagement

    page.goto(f"/e/{engagement}/")
    page.get_by_role("link", name="New input").click()
    expect(page.get_by_role("heading", name="New input")).to_be_visible()
    expect(page.get_by_label("Workstream")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Workstream").select_option(label="Marketing")
    page.get_by_label("Kind").select_option(label="Viewpoint")
    page.get_by_label("Title").fill(VIEWPOINT_TITLE)
    page.get_by_label("Text (Markdown)").press_sequentially(VIEWPOINT_TEXT)  # typed: the preview follows keyup
    page.get_by_label("Priority (MoSCoW)").select_option(label="Must have")
    page.get_by_label("Tags").fill("retention, gdpr")
    page.get_by_label("OBJ-3 Compliant by design").check()
    # The live preview renders the Markdown as the lead types.
    expect(page.locator("#preview")).to_contain_text(VIEWPOINT_TEXT)
    page.get_by_role("button", name="Save and submit").click()

    expect(page.get_by_role("heading", name=VIEWPOINT_TITLE)).to_be_visible()
    expect(page.get_by_text(re.compile(r"saved as submitted"))).to_be_visible()
    input_id = _id_from(page.url, "inputs")
    JOURNEY["input"] = input_id

    findings = page.locator("#input-findings")
    conflict_with_it = findings.get_by_role("listitem").filter(has_text=re.compile(r"Conflict\s+Numeric.* with IT"))
    # The finding appears in place (htmx polling) once the real Celery worker has checked the revision.
    try:
        expect(conflict_with_it).to_be_visible(timeout=DETECTION_TIMEOUT)
    except AssertionError as exc:
        runs = page.request.get(f"/api/v1/detection-runs/?engagement={engagement}").text()
        panel = findings.inner_text()
        raise AssertionError(f"no conflict with IT on the page: {panel!r}; runs: {runs[:3000]}") from exc
    expect(findings.get_by_text("checking…")).to_have_count(0)
    expect(conflict_with_it).to_contain_text("after 30 days")
    expect(conflict_with_it).to_contain_text("at least 24 months")
    screenshot(page, "journey1-input-with-conflict")

    finding_link = conflict_with_it.get_by_role("link", name=re.compile(r"^F-\d+$"))
    reference = finding_link.inner_text()  # F-<number>, counted per engagement; the id is in the link
    JOURNEY["finding_ref"] = reference
    JOURNEY["finding"] = _id_from(finding_link.get_attribute("href"), "findings")
    api = page.request.get(f"/api/v1/findings/{JOURNEY['finding']}/").json()
    assert api["label"] == "conflict", api
    assert {api["input_a"], api["input_b"]} >= {input_id}, api

    finding_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Conflict {reference}: numeric")
    why = page.get_by_role("region", name="Why")
    expect(why).to_contain_text("after 30 days")
    expect(why).to_contain_text("at least 24 months")
    statements = page.locator(".side-by-side")
    expect(statements).to_contain_text(VIEWPOINT_TEXT)
    expect(statements).to_contain_text(IT_STATEMENT)
    expect(page.get_by_role("region", name="Statement A")).to_be_visible()
    expect(page.get_by_role("region", name="Statement B")).to_be_visible()
    screenshot(page, "journey1-finding")

    page.get_by_role("navigation", name="Primary").get_by_role("link", name="Conflicts", exact=True).click()
    expect(page.get_by_role("heading", name="Conflicts", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_be_visible()
    expect(row).to_contain_text("Marketing")
    expect(row).to_contain_text("IT")
    expect(row).to_contain_text("yours")
    screenshot(page, "journey1-conflicts")


# --- Journey 2: the PMO aligns the conflict and publishes it into the deliverable -----------------------

def _agenda_item(page: Page, finding: str):
    """The session page's agenda card of the given finding (its heading reads "n. F-<number> Conflict …")."""
    heading = page.get_by_role("heading", level=3, name=re.compile(rf"^\d+\. {finding} "))
    return page.locator("article.agenda-item").filter(has=heading)


def _record_position(sign_in, email: str, session_url: str, finding: str, stance: str, reason: str,
                     workstream: str) -> None:
    page = sign_in(email)
    page.goto(session_url)
    item = _agenda_item(page, finding)
    form = item.get_by_role("group", name=f"Position of {workstream}")
    form.get_by_role("radio", name=stance).check()
    form.get_by_label("Reason").fill(reason)
    form.get_by_role("button", name="Save position").click()
    expect(item.get_by_role("status")).to_have_text("Position saved.")
    # The other concerned workstream's form is not offered: a lead speaks only for their own workstream.
    expect(item.get_by_role("group", name=re.compile(r"^Position of "))).to_have_count(1)
    page.context.close()


def test_journey_2_the_pmo_aligns_the_conflict_and_publishes_v1(sign_in, screenshot):
    _needs("engagement", "input", "finding")
    engagement, finding_id, finding = JOURNEY["engagement"], JOURNEY["finding"], JOURNEY["finding_ref"]
    pmo = sign_in("pmo@example.com")

    # Plan the session, then put every open IT ↔ Marketing conflict on the agenda in one click.
    pmo.goto(f"/e/{engagement}/sessions/")
    pmo.get_by_role("link", name="New session").click()
    expect(pmo.get_by_role("heading", name="Plan an alignment session")).to_be_visible()
    pmo.get_by_label("Title").fill(SESSION_TITLE)
    pmo.get_by_label("When (UTC)").fill("2030-01-15T10:00")
    for person in ("Ivan Taylor", "Maria Keller", "Claire Ustinov"):
        pmo.get_by_role("checkbox", name=re.compile(rf"^{person} <")).check()
    pmo.get_by_role("button", name="Plan session and invite").click()
    expect(pmo.get_by_role("heading", name=SESSION_TITLE, level=1)).to_be_visible()
    session_url = pmo.url
    JOURNEY["session"] = _id_from(session_url, "sessions")
    expect(pmo.get_by_text("The agenda is empty.")).to_be_visible()
    pmo.get_by_role("button", name=re.compile(r"^All \d+ open conflicts? between IT and Marketing$")).click()
    item = _agenda_item(pmo, finding)
    expect(item).to_be_visible()
    expect(item).to_contain_text(VIEWPOINT_TEXT)
    expect(item).to_contain_text(IT_STATEMENT)
    expect(pmo.get_by_role("button", name=re.compile(r"between IT and Marketing$"))).to_have_count(0)

    # Each lead concerned states their own workstream's position.
    _record_position(sign_in, "it.lead@example.com", session_url, finding, "Object",
                     "Fraud investigations need up to 24 months of logs; 30 days is far too short.", "IT")
    _record_position(sign_in, "marketing.lead@example.com", session_url, finding, "Agree",
                     "Thirty days is enough for campaigns if flagged fraud cases are the only exception.", "Marketing")

    # Back as the PMO: start, decide (merge), conclude.
    pmo.reload()
    item = _agenda_item(pmo, finding)
    positions = item.get_by_role("table", name=re.compile(r"^Positions on “"))
    expect(positions.get_by_role("row", name=re.compile(r"^IT Object Fraud investigations"))).to_be_visible()
    expect(positions.get_by_role("row", name=re.compile(r"^Marketing Agree Thirty days"))).to_be_visible()
    expect(item.get_by_text("Start the session to record decisions.")).to_be_visible()
    pmo.get_by_role("button", name="Start session").click()
    expect(pmo.locator("#session-status")).to_have_text("In progress")
    item = _agenda_item(pmo, finding)
    item.get_by_text("Record the decision").click()
    item.get_by_label("Outcome").select_option(label="Merge")
    item.get_by_label("Rationale").fill(RATIONALE)
    item.get_by_label("Integrated text (for merge, Markdown)").fill(MERGED_TEXT)
    item.get_by_role("button", name="Record decision").click()
    notice = item.get_by_role("status").filter(has_text=re.compile(r"^D-\d+ recorded\.$"))
    expect(notice).to_be_visible()
    decision = int(re.search(r"D-(\d+)", notice.inner_text()).group(1))  # the engagement's number
    JOURNEY["decision"] = decision
    # The decision shows up in place (live polling), positions frozen.
    expect(item.get_by_text("Decided: positions are frozen.")).to_be_visible(timeout=15_000)
    pmo.once("dialog", lambda dialog: dialog.accept())
    pmo.get_by_role("button", name="Conclude session").click()
    expect(pmo.get_by_text("Session concluded; its record is ready.")).to_be_visible()
    expect(pmo.get_by_role("heading", level=1)).to_have_text(f"Record of “{SESSION_TITLE}”")
    expect(pmo.get_by_role("main")).to_contain_text(f"D-{decision}")
    pmo.get_by_role("main").get_by_role("link", name=SESSION_TITLE).click()
    expect(pmo.locator("#session-status")).to_have_text("Concluded")
    item = _agenda_item(pmo, finding)
    expect(item.get_by_role("link", name=f"D-{decision}")).to_be_visible()
    decision_id = _id_from(item.get_by_role("link", name=f"D-{decision}").get_attribute("href"), "decisions")
    expect(item).to_contain_text("Merge")
    expect(item.locator(".decision-box")).to_contain_text("30 days")
    api = pmo.request.get(f"/api/v1/decisions/{decision_id}/").json()
    assert api["outcome"] == "merge" and api["finding"] == finding_id and api["reference"] == f"D-{decision}", api
    screenshot(pmo, "journey2-session")

    # The deliverable: a section from the merge decision, then publish v1.
    pmo.get_by_role("navigation", name="Primary").get_by_role("link", name="Deliverables").click()
    pmo.get_by_role("link", name=DELIVERABLE).click()
    expect(pmo.get_by_role("heading", name=re.compile(DELIVERABLE), level=1)).to_be_visible()
    start = pmo.get_by_role("region", name="Start a section from a decision")
    start.get_by_label("Merge or adopt decision").select_option(value=str(decision_id))
    start.get_by_label("Heading").fill(SECTION_HEADING)
    start.get_by_role("button", name="Create section with trace links").click()
    expect(pmo.get_by_text(f"created from D-{decision} with its trace links")).to_be_visible()
    section = pmo.locator("article.section").filter(
        has=pmo.get_by_role("heading", level=2, name=re.compile(rf"^\d+\. {SECTION_HEADING}")))
    expect(section).to_contain_text("30 days")
    links = section.locator(".trace-links")
    expect(links.get_by_role("link", name=f"D-{decision}")).to_be_visible()
    input_ref = pmo.request.get(f"/api/v1/inputs/{JOURNEY['input']}/").json()["reference"]
    expect(links.get_by_role("link", name=input_ref, exact=True)).to_be_visible()
    screenshot(pmo, "journey2-deliverable")

    pmo.once("dialog", lambda dialog: dialog.accept())
    pmo.get_by_role("button", name="Publish v1").click()
    expect(pmo.get_by_text("Published v1.")).to_be_visible()
    expect(pmo.get_by_role("heading", level=1, name=f"{DELIVERABLE} — version 1 Published")).to_be_visible()
    version = _id_from(pmo.url, "versions")
    JOURNEY["version"] = version
    published = pmo.get_by_role("article", name="Published text")
    expect(published).to_contain_text(SECTION_HEADING)
    expect(published).to_contain_text("30 days")
    sha = pmo.locator("#content-sha256").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", sha), sha
    api = pmo.request.get(f"/api/v1/versions/{version}/").json()
    assert api["number"] == 1 and api["content_sha256"] == sha, api
    screenshot(pmo, "journey2-version")

    # The trace matrix: the new input is traced to the new section and to v1.
    pmo.get_by_role("navigation", name="Primary").get_by_role("link", name="Traceability").click()
    expect(pmo.get_by_role("heading", name="Traceability matrix")).to_be_visible()
    pmo.get_by_role("search").get_by_label("Text").fill(VIEWPOINT_TITLE)
    pmo.get_by_role("button", name="Filter").click()
    row = pmo.get_by_role("row").filter(has=pmo.get_by_role("link", name=input_ref, exact=True))
    expect(row).to_be_visible()
    expect(row).to_contain_text(f"D-{decision}")
    expect(row.get_by_role("link", name=SECTION_HEADING[:37], exact=False)).to_be_visible()
    expect(row.get_by_role("link", name="v1", exact=True)).to_be_visible()
    expect(row).to_contain_text("traced")
    screenshot(pmo, "journey2-trace-matrix")

    # Submit v1 for the customer's approval.
    pmo.goto(f"/e/{engagement}/versions/{version}/")
    pmo.get_by_role("region", name="Approval").get_by_role("link", name="Submit for approval").click()
    expect(pmo.get_by_role("heading", name=f"Submit {DELIVERABLE} v1 for approval")).to_be_visible()
    pmo.get_by_role("checkbox", name=re.compile(r"^Claire Ustinov")).check()
    pmo.get_by_role("radio", name="Every named approver").check()
    pmo.get_by_role("button", name="Submit for approval").click()
    expect(pmo.get_by_role("heading", name=f"{DELIVERABLE} v1", level=1)).to_be_visible()
    expect(pmo.locator("#approval-status")).to_contain_text("v1 awaiting approval")
    expect(pmo.get_by_role("region", name="Approval request")).to_contain_text("Claire Ustinov")
    expect(pmo.get_by_role("region", name="Approval request")).to_contain_text("not signed yet")

    pmo.get_by_role("navigation", name="Primary").get_by_role("link", name=ENGAGEMENT).click()
    expect(pmo.get_by_role("heading", name="Needs the PMO")).to_be_visible()
    expect(pmo.get_by_role("link", name=f"{DELIVERABLE} v1")).to_be_visible()
    screenshot(pmo, "journey2-pmo-dashboard")


# --- Journey 3: the customer signs v1 with their password; the PMO sees the signature ------------------

def _signatures(page: Page, version: int) -> list[dict]:
    response = page.request.get(f"/api/v1/signatures/?version={version}")
    assert response.ok, response.status
    return response.json()["results"]


def test_journey_3_the_customer_signs_v1_and_the_pmo_sees_the_signature(sign_in, screenshot):
    _needs("engagement", "version")
    engagement, version = JOURNEY["engagement"], JOURNEY["version"]
    customer = sign_in("customer@example.com")

    # The request reached the customer: a notification and a "Review …" button on their dashboard.
    customer.goto("/notifications/")
    expect(customer.get_by_role("button", name=f"{DELIVERABLE} v1 awaits your approval", exact=True)).to_be_visible()
    customer.goto("/")
    customer.get_by_role("link", name=ENGAGEMENT).click()
    awaiting = customer.get_by_role("region", name="Awaiting your signature")
    expect(awaiting.get_by_role("link", name=f"Review {DELIVERABLE} v1")).to_be_visible()
    expect(customer.get_by_role("region", name="Your signing history")).to_contain_text(
        "You have not signed anything yet.")
    screenshot(customer, "journey3-customer-dashboard")
    awaiting.get_by_role("link", name=f"Review {DELIVERABLE} v1").click()
    expect(customer).to_have_url(re.compile(rf"/e/{engagement}/versions/{version}/approval/$"))

    expect(customer.get_by_role("heading", name=f"{DELIVERABLE} v1", level=1)).to_be_visible()
    expect(customer.get_by_role("region", name="Document")).to_contain_text(SECTION_HEADING)
    expect(customer.get_by_role("region", name="Document").get_by_text("verified")).to_be_visible()
    signatures = customer.get_by_role("region", name="Signatures on v1")
    expect(signatures).to_contain_text("No signatures on this version.")
    sign = customer.get_by_role("region", name="Sign v1")
    expect(sign).to_be_visible()
    screenshot(customer, "journey3-approval-before-signing")

    # A wrong password is refused and signs nothing.
    sign.get_by_role("radio", name="Approved").check()
    sign.get_by_label("Your password (to sign)").fill(WRONG_PASSWORD)
    sign.get_by_role("button", name="Sign").click()
    sign = customer.get_by_role("region", name="Sign v1")
    expect(sign.get_by_role("alert")).to_contain_text("That password is not correct; nothing was signed.")
    expect(customer.get_by_role("region", name="Signatures on v1")).to_contain_text("No signatures on this version.")
    assert _signatures(customer, version) == []

    # The right password signs v1, bound to the version's hash.
    sign.get_by_role("radio", name="Approved").check()
    sign.get_by_label("Your password (to sign)").fill(PASSWORD)
    sign.get_by_role("button", name="Sign").click()
    expect(customer.get_by_text(re.compile(r"You signed v1: “Approved”"))).to_be_visible()
    signature = customer.get_by_role("region", name="Signatures on v1").get_by_role("listitem")
    expect(signature).to_have_count(1)
    expect(signature).to_contain_text("Claire Ustinov (Northwind Retail)")
    expect(signature).to_contain_text("Approved")
    expect(customer.get_by_role("region", name="Sign v1")).to_have_count(0)  # signed: the form is gone
    signed = _signatures(customer, version)
    published = customer.request.get(f"/api/v1/versions/{version}/").json()
    assert len(signed) == 1, signed
    assert signed[0]["meaning"] == "approved" and signed[0]["signer"] == "Claire Ustinov", signed
    assert signed[0]["content_sha256"] == published["content_sha256"], (signed, published)
    expect(signature).to_contain_text(published["content_sha256"])
    screenshot(customer, "journey3-approval-after-signing")

    customer.get_by_role("navigation", name="Primary").get_by_role("link", name=ENGAGEMENT).click()
    history = customer.get_by_role("region", name="Your signing history")
    expect(history.get_by_role("row", name=re.compile(rf"^{DELIVERABLE} v1 Approved"))).to_be_visible()
    expect(customer.get_by_role("region", name="Awaiting your signature")).to_contain_text(
        "Nothing is waiting for your signature.")
    screenshot(customer, "journey3-customer-dashboard-after-signing")

    # The PMO is told, and sees the signature on the approval page.
    pmo = sign_in("pmo@example.com")
    pmo.goto("/notifications/")
    pmo.get_by_role("button", name=f"{DELIVERABLE} v1: approved", exact=True).click()
    expect(pmo.get_by_role("heading", name=f"{DELIVERABLE} v1", level=1)).to_be_visible()
    assert _id_from(pmo.url, "versions") == version
    expect(pmo.locator("#approval-status")).to_contain_text(
        re.compile(r"^v1 approved by Claire Ustinov \(Northwind Retail\) on \d{2} \w{3} \d{4} \d{2}:\d{2} UTC"))
    expect(pmo.get_by_role("region", name="Signatures on v1")).to_contain_text("Claire Ustinov")
    expect(pmo.get_by_role("region", name="Approval request")).to_contain_text("Approved")
    expect(pmo.get_by_role("region", name="Sign v1")).to_have_count(0)
    assert [s["id"] for s in _signatures(pmo, version)] == [signed[0]["id"]]
    screenshot(pmo, "journey3-pmo-sees-signature")


# --- The main pages at a phone's width ------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}
OVERFLOW = """() => {
    const width = window.innerWidth;
    const culprits = [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > width + 1 && !el.closest('.table, pre, .visually-hidden'))
        .slice(0, 5)
        .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : '')
                   + ' right=' + Math.round(el.getBoundingClientRect().right));
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits};
}"""


def test_the_main_pages_fit_a_phone_screen(sign_in, screenshot):
    pmo = sign_in("pmo@example.com", viewport=PHONE)
    engagement = _engagement_id(pmo)
    session = pmo.request.get(f"/api/v1/sessions/?engagement={engagement}").json()["results"][0]["id"]
    deliverable = next(d["id"] for d in pmo.request.get(f"/api/v1/deliverables/?engagement={engagement}").json()[
        "results"] if d["title"] == DELIVERABLE)
    pages = {
        "engagement": (f"/e/{engagement}/", ENGAGEMENT),
        "inputs": (f"/e/{engagement}/inputs/", "Inputs"),
        "conflicts": (f"/e/{engagement}/conflicts/", "Conflicts"),
        "session": (f"/e/{engagement}/sessions/{session}/", None),
        "deliverable": (f"/e/{engagement}/deliverables/{deliverable}/", DELIVERABLE),
    }
    overflowing = {}
    for name, (path, heading) in pages.items():
        response = pmo.goto(path)
        assert response.ok, (path, response.status)
        h1 = pmo.get_by_role("heading", level=1).first
        expect(h1).to_be_visible()
        if heading:
            expect(h1).to_contain_text(heading)
        measured = pmo.evaluate(OVERFLOW)
        if measured["scrollWidth"] > measured["innerWidth"] + 1:
            overflowing[name] = measured
        if name == "engagement":
            screenshot(pmo, "phone-dashboard")
    assert not overflowing, f"pages wider than a 390 px phone screen: {overflowing}"



# --- Journey 1 in Korean: two leads write in Korean, the worker finds the numeric conflict -------------------

KO_IT_TEXT = "고객 데이터는 최소 5년 동안 보관해야 한다."
KO_MARKETING_TEXT = "고객 데이터는 1년 후에 삭제해야 한다."


def _new_input(page: Page, engagement: int, workstream: str, title: str, text: str) -> None:
    page.goto(f"/e/{engagement}/inputs/new/")
    page.get_by_label("Workstream").select_option(label=workstream)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Text (Markdown)").fill(text)
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_journey_1_in_korean_the_issue_pair_is_found_as_a_numeric_conflict(sign_in, screenshot):
    it = sign_in("it.lead@example.com")
    engagement = _engagement_id(it)
    _new_input(it, engagement, "IT", "고객 데이터 보관 기간", KO_IT_TEXT)
    marketing = sign_in("marketing.lead@example.com")
    _new_input(marketing, engagement, "Marketing", "고객 데이터 삭제", KO_MARKETING_TEXT)
    findings = marketing.locator("#input-findings")
    conflict = findings.get_by_role("listitem").filter(has_text=re.compile(r"Conflict\s+Numeric.* with IT")).filter(
        has_text="최소 5년")
    expect(conflict).to_be_visible(timeout=DETECTION_TIMEOUT)
    expect(conflict).to_contain_text("1년")  # the explanation, in Korean
    expect(findings.locator("#language-notice")).to_have_count(0)
    screenshot(marketing, "journey1-korean-input-with-conflict")
