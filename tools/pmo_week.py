"""Screenshots of a PMO's working week in the seeded demo, for docs/pmo-week.md.

    .venv/bin/python tools/pmo_week.py            # writes docs/screenshots/week/*.png
    .venv/bin/python tools/pmo_week.py --keep     # leaves the server's temporary directory for a look

It builds its own world, so it never touches var/ or a running `make run`: a fresh SQLite file in a temporary
directory, `migrate` and `seed_demo`, then `runserver` on a free loopback port with DEBUG on and no broker (the
same in-process tasks as `make run`, so detection has run by the time a page is reloaded). Chromium (Debian's
/usr/bin/chromium, or CONCORD_BROWSER) then walks Monday to Friday through the real pages as the demo people,
and each step saves one viewport-sized PNG, reduced to a 64-colour palette so the files stay small.

The steps click only what exists in the product; a step whose page is missing fails loudly rather than
taking a screenshot of an error page.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots" / "week"
PASSWORD = "demo-pass-2026"  # noqa: S105 - the demo users' published password
ENGAGEMENT = "Customer Platform Renewal"
DELIVERABLE = "Integrated Requirements Specification"
VIEWPORT = {"width": 1366, "height": 860}
NEW_TITLE = "Delete interaction logs after 30 days"
NEW_TEXT = "Customer interaction logs must be deleted after 30 days."
SESSION = "Alignment session 2: interaction log retention"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def demo_server(keep: bool) -> Iterator[str]:
    var = Path(tempfile.mkdtemp(prefix="concord-week-"))
    env = {**os.environ, "DEBUG": "1", "CONCORD_VAR_DIR": str(var), "DATABASE_URL": "", "REDIS_URL": "",
           "PYTHONHASHSEED": "0"}
    env.pop("DATABASE_URL")
    env.pop("REDIS_URL")
    manage = [sys.executable, str(ROOT / "manage.py")]
    port = _free_port()
    for args in (["migrate", "--noinput"], ["seed_demo", "--port", str(port)]):
        subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url + "/accounts/login/", timeout=2)  # noqa: S310 - our own loopback server
                break
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        if keep:
            print(f"kept {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)


class Week:
    """The browser, one signed-in page per person, and the screenshots taken so far."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.pages: dict[str, object] = {}
        self.shots: list[Path] = []
        self.ids: dict[str, int] = {}

    def as_(self, email: str):
        if email not in self.pages:
            context = self.browser.new_context(base_url=self.base_url, viewport=VIEWPORT)
            context.set_default_timeout(20_000)
            page = context.new_page()
            page.goto("/accounts/login/")
            page.get_by_label("E-mail").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            self.pages[email] = page
        return self.pages[email]

    def shot(self, page, name: str, *, scroll_to=None) -> None:
        from PIL import Image

        if scroll_to is not None:
            scroll_to.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -90)")  # keep the heading above it in view
        path = OUT / f"{name}.png"
        page.screenshot(path=str(path))
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
            small.save(path, optimize=True)
        self.shots.append(path)
        print(f"  {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")

    @property
    def engagement(self) -> int:
        if "engagement" not in self.ids:
            listed = self.as_("pmo@example.com").request.get("/api/v1/engagements/").json()["results"]
            self.ids["engagement"] = next(e["id"] for e in listed if e["name"] == ENGAGEMENT)
        return self.ids["engagement"]


def _id(url: str, segment: str) -> int:
    match = re.search(rf"/{segment}/(\d+)/", url)
    if not match:
        raise RuntimeError(f"no /{segment}/<id>/ in {url}")
    return int(match.group(1))


# --- the days --------------------------------------------------------------------------------------------------

def monday(week: Week) -> None:
    """Inputs arrive: the PMO's dashboard, a request for input, a Marketing viewpoint that clashes with IT."""
    pmo = week.as_("pmo@example.com")
    pmo.goto(f"/e/{week.engagement}/")
    pmo.get_by_role("heading", name="Where workstreams disagree").wait_for()
    week.shot(pmo, "mon-1-pmo-dashboard")
    pmo.goto(f"/e/{week.engagement}/requests/")
    week.shot(pmo, "mon-2-input-requests")
    lead = week.as_("marketing.lead@example.com")
    lead.goto(f"/e/{week.engagement}/inputs/new/")
    lead.get_by_label("Workstream").select_option(label="Marketing")
    lead.get_by_label("Kind").select_option(label="Viewpoint")
    lead.get_by_label("Title").fill(NEW_TITLE)
    lead.get_by_label("Text (Markdown)").fill(NEW_TEXT)
    lead.get_by_label("Priority (MoSCoW)").select_option(label="Must have")
    lead.get_by_role("button", name="Save and submit").click()
    lead.get_by_role("heading", name=NEW_TITLE).wait_for()
    week.ids["input"] = _id(lead.url, "inputs")
    lead.reload()  # detection ran in-process after the save; the findings panel shows it
    findings = lead.locator("#input-findings")
    findings.get_by_role("link", name=re.compile(r"^F-\d+$")).first.wait_for()
    week.shot(lead, "mon-3-new-viewpoint-with-conflict")


def tuesday(week: Week) -> None:
    """Detection's findings are triaged: the conflict list, one finding, a false positive dismissed."""
    pmo = week.as_("pmo@example.com")
    pmo.goto(f"/e/{week.engagement}/conflicts/")
    week.shot(pmo, "tue-1-conflicts")
    lead = week.as_("marketing.lead@example.com")
    lead.goto(f"/e/{week.engagement}/inputs/{week.ids['input']}/")
    link = lead.locator("#input-findings").get_by_role("link", name=re.compile(r"^F-\d+$")).first
    week.ids["finding_ref"] = link.inner_text()
    link.click()
    week.ids["finding"] = _id(lead.url, "findings")
    week.shot(lead, "tue-2-finding")
    # A finding the Data lead reads as a false positive: dismissed with a reason; the other side is told.
    data = week.as_("data.lead@example.com")
    listed = data.request.get(f"/api/v1/findings/?engagement={week.engagement}&status=open").json()["results"]
    mine = [f for f in listed if "Data" in (f["workstream_a_name"], f["workstream_b_name"])
            and f["id"] != week.ids["finding"]]
    if not mine:
        raise RuntimeError("the seeded demo has no open finding touching Data to dismiss")
    data.goto(f"/e/{week.engagement}/findings/{mine[-1]['id']}/")
    data.get_by_label("Why is this a false positive?").fill(
        "Different data: campaign clicks are aggregated, not personal logs.")
    data.get_by_role("button", name="Dismiss as false positive").click()
    data.get_by_text("Dismissed by").wait_for()
    week.shot(data, "tue-3-dismissed-by")


def wednesday(week: Week) -> None:
    """The alignment session: agenda from the open conflicts, each workstream's position."""
    pmo = week.as_("pmo@example.com")
    pmo.goto(f"/e/{week.engagement}/sessions/new/")
    pmo.get_by_label("Title").fill(SESSION)
    pmo.get_by_label("When (UTC)").fill("2030-01-16T10:00")
    for person in ("Ivan Taylor", "Maria Keller", "Claire Ustinov"):
        pmo.get_by_role("checkbox", name=re.compile(rf"^{person} <")).check()
    pmo.get_by_role("button", name="Plan session and invite").click()
    pmo.get_by_role("heading", name=SESSION, level=1).wait_for()
    week.ids["session_url"] = pmo.url
    pmo.get_by_role("button", name=re.compile(r"^All \d+ open conflicts? between IT and Marketing$")).click()
    item = _agenda_item(pmo, week.ids["finding_ref"])
    item.wait_for()
    for email, workstream, stance, reason in (
            ("it.lead@example.com", "IT", "Object", "Fraud investigations need up to 24 months of logs."),
            ("marketing.lead@example.com", "Marketing", "Agree", "Thirty days is enough for campaigns.")):
        lead = week.as_(email)
        lead.goto(week.ids["session_url"])
        form = _agenda_item(lead, week.ids["finding_ref"]).get_by_role("group", name=f"Position of {workstream}")
        form.get_by_role("radio", name=stance).check()
        form.get_by_label("Reason").fill(reason)
        form.get_by_role("button", name="Save position").click()
        _agenda_item(lead, week.ids["finding_ref"]).get_by_role("status").wait_for()
    pmo.reload()
    week.shot(pmo, "wed-1-session-positions", scroll_to=_agenda_item(pmo, week.ids["finding_ref"]))


def _agenda_item(page, finding_ref: str):
    heading = page.get_by_role("heading", level=3, name=re.compile(rf"^\d+\. {re.escape(finding_ref)} "))
    return page.locator("article.agenda-item").filter(has=heading)


def thursday(week: Week) -> None:
    """Decisions: the PMO adopts one side, the section is drafted from it; the escalated decision waits on the
    customer."""
    pmo = week.as_("pmo@example.com")
    pmo.goto(week.ids["session_url"])
    pmo.get_by_role("button", name="Start session").click()
    item = _agenda_item(pmo, week.ids["finding_ref"])
    item.get_by_text("Record the decision").click()
    item.get_by_label("Outcome").select_option(label="Adopt one side")
    side = item.get_by_label("Adopted side (for adopt)")
    side.select_option(side.locator("option", has_text="[Marketing]").get_attribute("value"))
    item.get_by_label("Rationale").fill("The fraud team's 24-month need is covered by session 1's exception; "
                                        "everything else follows the shorter period.")
    item.get_by_role("button", name="Record decision").click()
    item.get_by_role("status").filter(has_text=re.compile(r"^D-\d+ recorded\.$")).wait_for()
    pmo.once("dialog", lambda dialog: dialog.accept())
    pmo.get_by_role("button", name="Conclude session").click()
    pmo.get_by_text("Session concluded; its record is ready.").wait_for()
    week.shot(pmo, "thu-1-session-record")
    pmo.goto(f"/e/{week.engagement}/deliverables/")
    pmo.get_by_role("link", name=DELIVERABLE).click()
    week.ids["deliverable_url"] = pmo.url
    start = pmo.get_by_role("region", name="Start a section from a decision")
    start.get_by_label("Merge or adopt decision").select_option(index=0)
    start.get_by_role("button", name="Create section with trace links").click()
    pmo.get_by_text("with its trace links").wait_for()
    week.shot(pmo, "thu-2-section-from-adopt-decision",
              scroll_to=pmo.locator("article.section").last)
    pmo.goto(f"/e/{week.engagement}/decisions/?outcome=escalate")
    week.shot(pmo, "thu-3-escalated-decisions")


def friday(week: Week) -> None:
    """Publish v1, submit it with a cover note, the customer signs, the PMO sees the signature."""
    pmo = week.as_("pmo@example.com")
    pmo.goto(week.ids["deliverable_url"])
    pmo.once("dialog", lambda dialog: dialog.accept())
    pmo.get_by_role("button", name=re.compile(r"^Publish v\d+$")).click()
    pmo.get_by_text(re.compile(r"^Published v\d+\.")).wait_for()
    version = _id(pmo.url, "versions")
    week.shot(pmo, "fri-1-published-version")
    pmo.goto(f"/e/{week.engagement}/versions/{version}/approval/submit/")
    pmo.get_by_label("Cover note").fill("v1 integrates session 1 and 2: retention, the active-customer definition "
                                        "and the hosting question, which is still with you.")
    week.shot(pmo, "fri-2-submit-with-cover-note")
    pmo.get_by_role("button", name="Submit for approval").click()
    pmo.locator("#approval-status").wait_for()
    customer = week.as_("customer@example.com")
    customer.goto(f"/e/{week.engagement}/versions/{version}/approval/")
    customer.get_by_role("region", name=re.compile(r"^Sign v\d+$")).wait_for()
    week.shot(customer, "fri-3-customer-reviews")
    sign = customer.get_by_role("region", name=re.compile(r"^Sign v\d+$"))
    sign.get_by_role("radio", name="Approved").check()
    sign.get_by_label("Your password (to sign)").fill(PASSWORD)
    sign.get_by_role("button", name="Sign").click()
    customer.get_by_text(re.compile(r"You signed v\d+")).wait_for()
    pmo.goto(f"/e/{week.engagement}/versions/{version}/approval/")
    week.shot(pmo, "fri-4-pmo-sees-signature")


DAYS: list[Callable[[Week], None]] = [monday, tuesday, wednesday, thursday, friday]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary server directory")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with demo_server(args.keep) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CONCORD_BROWSER", "/usr/bin/chromium"))
        try:
            week = Week(browser, base_url)
            for day in DAYS:
                print(f"{day.__name__.capitalize()}: {day.__doc__.splitlines()[0]}")
                day(week)
        finally:
            browser.close()
    print(f"{len(week.shots)} screenshots in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
