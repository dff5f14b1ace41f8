"""The Content-Security-Policy in real Chromium: enforced (eval and inline script refused), and no page of
the product, Swagger UI included, trips it. The journeys are watched for violations too (conftest)."""
from __future__ import annotations

from playwright.sync_api import expect

from .conftest import is_csp_violation

PAGES = ["/", "/notifications/", "/accounts/settings/", "/accounts/password/"]


def test_swagger_ui_loads_under_the_policy_and_pages_have_no_violation(browser, live_concord, sign_in,
                                                                       csp_violations):
    context = browser.new_context(base_url=live_concord)
    messages: list[str] = []
    context.on("console", lambda msg: messages.append(msg.text) if is_csp_violation(msg.text) else None)
    page = context.new_page()
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Concord API", timeout=20_000)
    page.goto("/accounts/login/")
    # The policy is enforced, not merely sent: Chromium refuses an inline script injected into the page.
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__inlineRan = 1';
                          document.body.appendChild(s); }""")
    assert page.evaluate("() => window.__inlineRan === undefined")
    context.close()
    assert any("inline script" in m for m in messages), messages
    blocked_on_purpose = len(messages)
    assert blocked_on_purpose >= 1

    pmo = sign_in("pmo@example.com")
    engagement = next(e["id"] for e in pmo.request.get("/api/v1/engagements/").json()["results"]
                      if e["name"] == "Customer Platform Renewal")
    for part in ("", "inputs/", "conflicts/", "sessions/", "deliverables/", "trace/", "approvals/", "settings/"):
        PAGES.append(f"/e/{engagement}/{part}")
    for path in PAGES:
        response = pmo.goto(path)
        assert response.status < 400, path
        assert "script-src 'self';" in response.headers["content-security-policy"] + ";", path
    # A form that asks first (data-confirm, handled by concord.js) still asks: dismissing keeps the input.
    first_input = pmo.request.get(f"/api/v1/inputs/?engagement={engagement}").json()["results"][0]["id"]
    pmo.goto(f"/e/{engagement}/inputs/{first_input}/")
    asked: list[str] = []
    pmo.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    pmo.get_by_role("button", name="Withdraw").click()
    assert asked and "Withdraw this input?" in asked[0]
    expect(pmo.get_by_role("button", name="Withdraw")).to_be_visible()
    assert not csp_violations  # sign_in's pages; checked again at teardown
