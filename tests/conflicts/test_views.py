from __future__ import annotations

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.conflicts.models import ChoiceSet, DetectionRun, Finding

from .conftest import DELETE, LOYALTY, POWER_BI, RETAIN, TABLEAU

pytestmark = pytest.mark.django_db

MEMBERS = ["pmo", "it_lead", "marketing_lead", "data_lead", "it_contributor", "customer", "observer"]


def _pages(engagement, finding, run) -> list[str]:
    e = engagement.pk
    return [f"/e/{e}/conflicts/", f"/e/{e}/merge-candidates/", f"/e/{e}/findings/{finding.pk}/", f"/e/{e}/runs/",
            f"/e/{e}/runs/{run.pk}/", f"/e/{e}/runs/{run.pk}/progress/", f"/e/{e}/choice-sets/",
            f"/e/{e}/inputs/{finding.input_a_id}/findings/"]


@pytest.mark.parametrize("persona", MEMBERS)
def test_every_member_reads_every_conflicts_page(retention_conflict, engagement, personas, persona, as_user):
    client = as_user(personas[persona])
    for url in _pages(engagement, retention_conflict, retention_conflict.run):
        assert client.get(url).status_code == 200, url


def test_outsiders_get_404_everywhere_and_anonymous_visitors_sign_in(
        retention_conflict, engagement, outsider, other_engagement, as_user, client):
    pages = _pages(engagement, retention_conflict, retention_conflict.run)
    for url in pages:
        assert client.get(url).status_code == 302
    outsider_client = as_user(outsider)
    f = retention_conflict
    posts = [f"/e/{engagement.pk}/findings/{f.pk}/acknowledge/", f"/e/{engagement.pk}/findings/{f.pk}/dismiss/",
             f"/e/{engagement.pk}/runs/new/", f"/e/{engagement.pk}/choice-sets/"]
    for url in pages:
        assert outsider_client.get(url).status_code == 404, url
    for url in posts:
        assert outsider_client.post(url, {"reason": "x"}).status_code == 404, url
    # a finding of the victim through the outsider's own engagement is not found either
    assert outsider_client.get(f"/e/{other_engagement.pk}/findings/{f.pk}/").status_code == 404


def test_the_conflicts_page_shows_the_matrix_and_the_explanation(retention_conflict, engagement, as_user, pmo,
                                                                  workstreams):
    response = as_user(pmo).get(f"/e/{engagement.pk}/conflicts/")
    html = response.content.decode()
    assert "90 days" in html and retention_conflict.reference in html
    rows = {cell.row.slug: {c.column.slug: c.count for c in row} for row in response.context["matrix_rows"]
            for cell in row[:1]}
    assert rows["it"]["data"] == rows["data"]["it"] == 1 and rows["it"]["marketing"] == 0
    assert "Run full scan" in html


def test_filters_narrow_the_list(submit, it_lead, data_lead, marketing_lead, engagement, as_user, pmo):
    submit(it_lead, "it", f"- {RETAIN}\n- {TABLEAU}")
    submit(data_lead, "data", DELETE)
    submit(marketing_lead, "marketing", POWER_BI)
    client = as_user(pmo)
    url = f"/e/{engagement.pk}/conflicts/"

    def refs(**params):
        return {f.kind for f in client.get(url, params).context["findings"]}

    assert refs() == {"numeric", "exclusive_choice"}
    assert refs(kind="numeric") == {"numeric"}
    assert refs(ws_a="marketing", ws_b="it") == {"exclusive_choice"}
    assert refs(ws_a="data") == {"numeric"}
    assert refs(min_score="0.99") == set()
    assert refs(status="dismissed") == set()
    bad = client.get(url, {"min_score": "lots"})
    assert bad.status_code == 200 and "min_score" in bad.context["filter_form"].errors


def test_a_lead_sees_findings_touching_their_workstream_marked_and_can_filter_to_them(
        submit, it_lead, data_lead, marketing_lead, engagement, as_user):
    submit(it_lead, "it", RETAIN)
    submit(data_lead, "data", f"- {DELETE}\n- {TABLEAU}")
    submit(marketing_lead, "marketing", POWER_BI)
    client = as_user(it_lead)
    url = f"/e/{engagement.pk}/conflicts/"
    response = client.get(url)
    assert response.context["my_ws"] == it_lead.memberships.get().workstream_id
    assert response.content.decode().count('class="mine"') == 1
    mine = client.get(url, {"mine": "on"}).context["findings"]
    assert [f.kind for f in mine] == ["numeric"]


def test_the_merge_candidates_list_holds_duplicates_only(submit, it_lead, marketing_lead, data_lead, engagement,
                                                         as_user, pmo):
    submit(it_lead, "it", f"- {LOYALTY}\n- {RETAIN}")
    submit(marketing_lead, "marketing", LOYALTY)
    submit(data_lead, "data", DELETE)
    response = as_user(pmo).get(f"/e/{engagement.pk}/merge-candidates/")
    assert [f.label for f in response.context["findings"]] == ["duplicate"]
    assert response.context["nav"] == "merge-candidates"


def test_the_finding_page_shows_both_statements_with_the_clash_marked(retention_conflict, engagement, as_user, pmo):
    html = as_user(pmo).get(f"/e/{engagement.pk}/findings/{retention_conflict.pk}/").content.decode()
    assert "<mark>at least 24 months</mark>" in html and "<mark>within 90 days</mark>" in html
    assert "Acknowledge" in html and "Dismiss as false positive" in html


def test_user_text_on_the_finding_page_is_escaped(submit, it_lead, data_lead, engagement, as_user, pmo):
    submit(it_lead, "it",
           "Customer <b>interaction</b> logs must be retained for at least 24 months <script>x</script>.")
    submit(data_lead, "data", "Customer interaction logs must be deleted within 90 days <img src=x onerror=alert(1)>.")
    f = Finding.objects.get()
    html = as_user(pmo).get(f"/e/{engagement.pk}/findings/{f.pk}/").content.decode()
    assert "<script>x" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html


@pytest.mark.parametrize("persona", ["customer", "observer", "marketing_lead"])
def test_people_outside_the_two_workstreams_cannot_act(retention_conflict, engagement, personas, persona, as_user):
    client = as_user(personas[persona])
    url = f"/e/{engagement.pk}/findings/{retention_conflict.pk}/"
    assert "Acknowledge</button>" not in client.get(url).content.decode()
    assert client.post(url + "acknowledge/").status_code == 403
    assert client.post(url + "dismiss/", {"reason": "nope"}).status_code == 403
    retention_conflict.refresh_from_db()
    assert retention_conflict.status == "open"


def test_acknowledging_with_htmx_swaps_the_actions_in_place(retention_conflict, engagement, as_user, it_contributor):
    url = f"/e/{engagement.pk}/findings/{retention_conflict.pk}/acknowledge/"
    response = as_user(it_contributor).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="finding-actions"') and "Acknowledged" in html
    retention_conflict.refresh_from_db()
    assert retention_conflict.status == "acknowledged"


def test_dismissing_needs_a_reason_in_the_browser_too(retention_conflict, engagement, as_user, data_lead):
    client = as_user(data_lead)
    url = f"/e/{engagement.pk}/findings/{retention_conflict.pk}/dismiss/"
    assert client.post(url, {"reason": ""}).status_code == 400
    htmx = client.post(url, {"reason": ""}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and "field-error" in htmx.content.decode()
    done = client.post(url, {"reason": "Different log types."})
    assert done.status_code == 302
    retention_conflict.refresh_from_db()
    assert (retention_conflict.status, retention_conflict.dismissed_reason) == ("dismissed", "Different log types.")
    again = client.post(url, {"reason": "twice"}, HTTP_HX_REQUEST="true")
    assert "only open or acknowledged" in again.content.decode()


def test_the_pmo_starts_a_full_scan_from_the_browser_and_follows_it(
        make_input, it_lead, data_lead, engagement, as_user, pmo, django_capture_on_commit_callbacks):
    make_input(it_lead, "it", body=RETAIN, submit=True)
    make_input(data_lead, "data", body=DELETE, submit=True)
    client = as_user(pmo)
    response = client.post(f"/e/{engagement.pk}/runs/new/")
    run = DetectionRun.objects.get(scope="full")
    assert response.status_code == 302 and response["Location"] == f"/e/{engagement.pk}/runs/{run.pk}/"
    queued = client.get(f"/e/{engagement.pk}/runs/{run.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in queued  # polls while queued/running
    with django_capture_on_commit_callbacks(execute=True):
        from apps.conflicts.tasks import execute_run

        execute_run.delay(run.pk)
    progress = client.get(f"/e/{engagement.pk}/runs/{run.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' not in progress  # finished: polling stops
    assert "2 / 2" in progress and Finding.objects.get().reference in progress


@pytest.mark.parametrize("persona", ["it_lead", "customer", "observer"])
def test_only_the_pmo_starts_scans_and_manages_choice_sets(engagement, personas, persona, as_user):
    client = as_user(personas[persona])
    before = AuditEvent.objects.count()
    assert client.post(f"/e/{engagement.pk}/runs/new/").status_code == 403
    assert client.post(f"/e/{engagement.pk}/choice-sets/", {"name": "CDN", "options": "a\nb"}).status_code == 403
    assert "Run full scan" not in client.get(f"/e/{engagement.pk}/conflicts/").content.decode()
    assert AuditEvent.objects.count() == before and not DetectionRun.objects.exists()


def test_the_pmo_adds_and_removes_a_choice_set_in_the_browser(engagement, as_user, pmo):
    client = as_user(pmo)
    bad = client.post(f"/e/{engagement.pk}/choice-sets/", {"name": "CDN", "options": "Akamai"})
    assert bad.status_code == 400 and "options" in bad.context["form"].errors
    ok = client.post(f"/e/{engagement.pk}/choice-sets/", {"name": "CDN", "options": "Akamai\nFastly | Fastly CDN"})
    assert ok.status_code == 302
    cs = ChoiceSet.objects.get()
    assert cs.options == [["akamai"], ["fastly", "fastly cdn"]]
    assert client.post(f"/e/{engagement.pk}/choice-sets/{cs.pk}/delete/").status_code == 302
    assert not ChoiceSet.objects.exists()


def test_the_input_page_says_checking_until_the_worker_is_done_then_shows_the_conflict(
        make_input, it_lead, data_lead, engagement, as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_input(it_lead, "it", body=RETAIN, submit=True)
    item = make_input(data_lead, "data", body=DELETE, submit=True)  # its check is queued, not yet run
    client = as_user(data_lead)
    page = client.get(f"/e/{engagement.pk}/inputs/{item.pk}/").content.decode()
    assert "checking…" in page and f'hx-get="/e/{engagement.pk}/inputs/{item.pk}/findings/"' in page
    from apps.conflicts.tasks import execute_run

    execute_run.delay(DetectionRun.objects.get(status="queued").pk)  # the worker's turn
    panel = client.get(f"/e/{engagement.pk}/inputs/{item.pk}/findings/").content.decode()
    assert "checking…" not in panel and "hx-trigger" not in panel
    assert Finding.objects.get().reference in panel and "IN-" in panel


def test_the_engagement_overview_counts_open_findings(retention_conflict, engagement, as_user, pmo):
    html = as_user(pmo).get(reverse("engagements:detail", args=[engagement.pk])).content.decode()
    assert "open conflicts" in html and f"/e/{engagement.pk}/conflicts/" in html


def _make_findings(n: int, *, engagement, a, b) -> None:
    rows = []
    for i in range(n):
        rows.append(Finding(
            engagement=engagement, fingerprint=f"{i:064d}", pair_key=f"{i:063d}p", label="conflict",
            kind="numeric", revision_a=a.current_revision, revision_b=b.current_revision, input_a=a, input_b=b,
            workstream_a=a.workstream, workstream_b=b.workstream, statement_a=f"A {i}", statement_b=f"B {i}",
            rule="numeric", score=0.5, explanation=f"clash {i}"))
    Finding.objects.bulk_create(rows)


def test_the_list_pages_cost_the_same_queries_for_10_or_80_findings(
        make_input, it_lead, data_lead, engagement, as_user, pmo, django_assert_max_num_queries,
        django_assert_num_queries):
    a = make_input(it_lead, "it", body=RETAIN, submit=True)
    b = make_input(data_lead, "data", body=DELETE, submit=True)
    client = as_user(pmo)
    urls = [f"/e/{engagement.pk}/conflicts/", f"/e/{engagement.pk}/inputs/{a.pk}/findings/",
            f"/e/{engagement.pk}/inputs/{a.pk}/"]
    _make_findings(10, engagement=engagement, a=a, b=b)
    counts = {}
    for url in urls:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx)
    Finding.objects.all().delete()
    _make_findings(80, engagement=engagement, a=a, b=b)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
