"""Look and feel in real Chromium (issue 18, point 9): the navigation fits a 1366 px laptop on one row and is a
menu on a 390 px phone; the dashboard's charts are readable (text ≥ 11 px as shown, nothing clipped, the
symmetric heat map drawn once); the long approval page shows one part at a time, as tabs."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

ENGAGEMENT = "Customer Platform Renewal"
PHONE = {"width": 390, "height": 844}

NAV_ROWS = """() => {
    const items = [...document.querySelectorAll('nav[aria-label="Primary"] a, .userbox a, .userbox button')];
    const centre = el => { const r = el.getBoundingClientRect(); return Math.round(r.top + r.height / 2); };
    return [...new Set(items.map(centre))];
}"""

CHART_TEXT = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll('text')];
    const outside = texts.filter(t => {
        const r = t.getBoundingClientRect();
        return r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
                               || r.bottom > box.bottom + 0.5);
    }).map(t => t.textContent);
    return {label: svg.getAttribute('aria-label'), cells: svg.querySelectorAll('rect').length,
            smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)), outside};
})"""


def _engagement(page: Page) -> int:
    listed = page.request.get("/api/v1/engagements/").json()
    return next(e["id"] for e in listed["results"] if e["name"] == ENGAGEMENT)


def test_the_navigation_is_one_row_at_1366_px_for_every_role(sign_in):
    for email in ("pmo@example.com", "it.lead@example.com", "customer@example.com"):
        page = sign_in(email)
        page.goto(f"/e/{_engagement(page)}/")
        nav = page.get_by_role("navigation", name="Primary")
        expect(nav.get_by_role("link", name="Approvals")).to_be_visible()
        rows = page.evaluate(NAV_ROWS)
        assert max(rows) - min(rows) <= 8, f"{email}: navigation wraps (link centres at {rows})"
        expect(page.get_by_text("Menu", exact=True)).to_be_hidden()  # no toggle on a laptop


def test_on_a_phone_the_navigation_is_a_menu(sign_in, screenshot):
    page = sign_in("pmo@example.com", viewport=PHONE)
    page.goto(f"/e/{_engagement(page)}/")
    nav = page.get_by_role("navigation", name="Primary")
    expect(nav.get_by_role("link", name="Conflicts")).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(nav.get_by_role("link", name="Conflicts")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "phone-menu")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    nav.get_by_role("link", name="Conflicts").click()
    expect(page.get_by_role("heading", name="Conflicts", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Primary").get_by_role("link", name="Conflicts")).to_be_hidden()


def test_the_dashboard_charts_are_readable_and_the_heat_map_is_drawn_once(sign_in):
    for viewport in ({"width": 1366, "height": 900}, PHONE):
        page = sign_in("pmo@example.com", viewport=viewport)
        page.goto(f"/e/{_engagement(page)}/")
        expect(page.get_by_role("heading", name="Where workstreams disagree")).to_be_visible()
        charts = {c["label"]: c for c in page.evaluate(CHART_TEXT)}
        assert len(charts) == 3, charts
        for chart in charts.values():
            assert chart["smallest"] >= 11, (viewport, chart)
            assert not chart["outside"], (viewport, chart)
        # three workstreams: IT×Marketing, IT×Data, Marketing×Data — each pair once
        assert charts["Open conflicts between workstreams"]["cells"] == 3


def _publish_in_own_engagement(page: Page) -> tuple[int, int]:
    """The outsider is PMO of the second demo engagement: a version there leaves the journeys' data alone."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    headers = {"X-CSRFToken": token, "Referer": page.url}
    listed = page.request.get("/api/v1/engagements/").json()["results"]
    engagement = next(e["id"] for e in listed if e["name"] == "Warehouse Relocation")
    deliverable = page.request.post("/api/v1/deliverables/", headers=headers, data={
        "engagement": engagement, "title": f"Relocation plan {page.evaluate('Date.now()')}"}).json()
    for heading, body in (("Scope", "Move the Leeds warehouse to Bradford."), ("Timeline", "Done by May.")):
        created = page.request.post("/api/v1/sections/", headers=headers, data={
            "deliverable": deliverable["id"], "heading": heading, "body": body})
        assert created.ok, created.text()
    published = page.request.post(f"/api/v1/deliverables/{deliverable['id']}/publish/", headers=headers)
    assert published.ok, published.text()
    return engagement, published.json()["id"]


def test_the_approval_page_shows_one_part_at_a_time_as_tabs(sign_in):
    page = sign_in("outsider@example.com")
    page.goto("/")
    engagement, version = _publish_in_own_engagement(page)
    page.goto(f"/e/{engagement}/versions/{version}/approval/")
    tabs = page.get_by_role("tablist", name="Parts of this version")
    expect(tabs.get_by_role("tab")).to_have_text(["Document", "Changes", "Trace summary", "Comments"])
    expect(tabs.get_by_role("tab", name="Document")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("region", name="Document")).to_contain_text("Move the Leeds warehouse")
    expect(page.get_by_role("region", name="Trace summary")).to_be_hidden()
    tabs.get_by_role("tab", name="Trace summary").click()
    expect(page.get_by_role("region", name="Trace summary")).to_be_visible()
    expect(page.get_by_role("region", name="Document")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(tabs.get_by_role("tab", name="Comments")).to_be_focused()
    expect(page.get_by_role("region", name="Comments on sections")).to_be_visible()
    # a link to #comments opens that tab; the aside (signatures, request) stays in view throughout
    page.goto(f"/e/{engagement}/versions/{version}/approval/#comments")
    expect(page.get_by_role("region", name="Comments on sections")).to_be_visible()
    expect(page.get_by_role("region", name="Signatures on v1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollHeight") < 2500
    assert re.search(r"/approval/", page.url)
