"""The strategic PMO re-sequences the demo plan in a real browser and reads the change in plain words.

Runs on the session's seeded demo (plan version 2: A → B → D → F → G for OBJ-1). The PMO first tries a change
that would make the plan wait for itself (refused, naming the cycle, nothing saved), then swaps D and F with a
rationale and lands on the diff between the two versions.
"""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect


def test_the_pmo_resequences_the_plan_and_sees_the_diff(sign_in, screenshot):
    page = sign_in("pmo@example.com")
    page.get_by_role("link", name="Customer Platform Renewal").first.click()
    page.get_by_role("navigation").get_by_role("link", name="Plan", exact=True).click()
    expect(page.get_by_role("heading", name="Plan of work")).to_be_visible()
    expect(page.locator("#plan-version")).to_contain_text("Version 2")
    expect(page.locator("svg.plan-timeline")).to_be_visible()
    expect(page.locator("svg.plan-timeline g.bar.critical")).to_have_count(5)  # A → B → D → F → G
    screenshot(page, "plan-timeline")

    page.get_by_role("link", name="Re-sequence OBJ-1").first.click()
    expect(page.get_by_role("heading", name=re.compile("Re-sequence OBJ-1"))).to_be_visible()
    # A change that closes a loop: A would wait for G, which waits (through F, D, B) for A.
    page.get_by_label("A depends on").fill("G")
    page.locator("#rationale").fill("Start with reporting.")
    page.get_by_role("button", name=re.compile("Save as plan version 3")).click()
    expect(page.get_by_role("alert")).to_contain_text("Dependency cycle: A → G → F → D → B → A")
    expect(page.locator("#rationale")).to_have_value("Start with reporting.")  # nothing the PMO typed is lost

    # The better path: segments (F) before the API (D), which now waits for them.
    page.get_by_label("A depends on").fill("")
    # F takes D's start; D starts the Monday after F's two weeks.
    d_start = dt.date.fromisoformat(page.get_by_label("Start of D").input_value())
    f_length = (dt.date.fromisoformat(page.get_by_label("End of F").input_value())
                - dt.date.fromisoformat(page.get_by_label("Start of F").input_value()))
    d_length = (dt.date.fromisoformat(page.get_by_label("End of D").input_value()) - d_start)
    f_end = d_start + f_length
    new_d_start = f_end + dt.timedelta(days=3)
    page.get_by_label("Start of F").fill(d_start.isoformat())
    page.get_by_label("End of F").fill(f_end.isoformat())
    page.get_by_label("Start of D").fill(new_d_start.isoformat())
    page.get_by_label("End of D").fill((new_d_start + d_length).isoformat())
    page.get_by_label("Place of F").fill("2.5")
    page.get_by_label("F depends on").fill("B")
    page.get_by_label("D depends on").fill("F")
    page.get_by_label("G depends on").fill("D")
    page.locator("#rationale").fill("Marketing can define segments from the data model alone; the API then "
                                    "serves the agreed segments.")
    page.get_by_role("button", name=re.compile("Save as plan version 3")).click()

    page.wait_for_url(re.compile(r"/plan/diff/\?from=2&to=3"))
    summary = page.locator("#plan-diff-summary")
    expect(summary).to_contain_text("D and F swapped")
    expect(summary).to_contain_text("F now depends on B instead of D")
    expect(summary).to_contain_text("D re-dated")
    expect(page.get_by_text("Marketing can define segments from the data model alone")).to_be_visible()
    screenshot(page, "plan-diff")

    page.get_by_role("link", name="Plan of work").click()
    expect(page.locator("#plan-version")).to_contain_text("Version 3")
    expect(page.locator("#plan-last-change")).to_contain_text("D and F swapped")
