"""Journey 4: outsider@example.com cannot reach any page or API object of the demo engagement."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def _demo_ids(page) -> dict[str, int]:
    return page.evaluate("""async () => {
        const e = await (await fetch('/api/v1/engagements/')).json();
        const demo = e.results.find(x => x.name === 'Customer Platform Renewal');
        const i = await (await fetch('/api/v1/inputs/?engagement=' + demo.id)).json();
        return {engagement: demo.id, input: i.results[0].id};
    }""")


def test_the_outsider_cannot_reach_the_demo_engagement(sign_in, screenshot):
    pmo = sign_in("pmo@example.com")
    ids = _demo_ids(pmo)
    page = sign_in("outsider@example.com")
    expect(page.get_by_role("heading", name="Your engagements")).to_be_visible()
    expect(page.get_by_text("Warehouse Relocation")).to_be_visible()
    expect(page.get_by_text("Customer Platform Renewal")).to_have_count(0)
    screenshot(page, "outsider-home")
    for path in (f"/e/{ids['engagement']}/", f"/e/{ids['engagement']}/inputs/",
                 f"/e/{ids['engagement']}/inputs/{ids['input']}/", f"/e/{ids['engagement']}/conflicts/",
                 f"/e/{ids['engagement']}/sessions/", f"/e/{ids['engagement']}/deliverables/",
                 f"/e/{ids['engagement']}/trace/", f"/e/{ids['engagement']}/settings/"):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    api = page.request
    for path in (f"/api/v1/engagements/{ids['engagement']}/", f"/api/v1/inputs/{ids['input']}/"):
        assert api.get(path).status == 404, path
        assert api.delete(path, headers={"X-CSRFToken": "x"}).status in (403, 404), path
    listed = api.get(f"/api/v1/inputs/?engagement={ids['engagement']}").json()
    assert listed["count"] == 0
    body = page.goto("/api/v1/engagements/").text()
    assert not re.search("Customer Platform Renewal", body)
