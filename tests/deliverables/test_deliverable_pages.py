from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.deliverables import services
from apps.deliverables.coverage import coverage_for
from apps.deliverables.models import DeliverableVersion, Section, TraceLink
from apps.inputs.services import input_revise

pytestmark = pytest.mark.django_db


def deliverable_urls(deliverable, version=None) -> dict[str, str]:
    e, d = deliverable.engagement_id, deliverable.pk
    section = deliverable.sections.order_by("order").first()
    link = TraceLink.objects.filter(section=section).first()
    urls = {
        "list": reverse("deliverables:list", args=[e]), "detail": reverse("deliverables:detail", args=[e, d]),
        "publish": reverse("deliverables:publish", args=[e, d]),
        "compare": reverse("deliverables:compare", args=[e, d]),
        "section_create": reverse("deliverables:section-create", args=[e, d]),
        "from_decision": reverse("deliverables:section-from-decision", args=[e, d]),
        "section_edit": reverse("deliverables:section-edit", args=[e, d, section.pk]),
        "section_move": reverse("deliverables:section-move", args=[e, d, section.pk]),
        "section_delete": reverse("deliverables:section-delete", args=[e, d, section.pk]),
        "link_add": reverse("deliverables:link-add", args=[e, d, section.pk]),
        "link_clear": reverse("deliverables:link-clear", args=[e, d, section.pk, link.pk]),
        "link_remove": reverse("deliverables:link-remove", args=[e, d, section.pk, link.pk]),
        "trace": reverse("deliverables:trace", args=[e]),
    }
    if version is not None:
        urls["version"] = reverse("deliverables:version", args=[e, version.pk])
    return urls


def test_outsiders_get_404_on_every_deliverable_route_and_method(drafted, pmo, outsider, as_user):
    version = services.version_publish(deliverable=drafted, actor=pmo)
    client = as_user(outsider)
    for name, url in deliverable_urls(drafted, version).items():
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"direction": "up"}).status_code == 404, name
    assert client.get(deliverable_urls(drafted)["trace"] + "?download=csv").status_code == 404


@pytest.mark.parametrize("persona", ["it_lead", "customer", "observer"])
def test_non_pmo_members_read_deliverables_but_cannot_change_them(drafted, pmo, personas, persona, as_user):
    version = services.version_publish(deliverable=drafted, actor=pmo)
    client = as_user(personas[persona])
    urls = deliverable_urls(drafted, version)
    for name in ("list", "detail", "compare", "trace", "version"):
        assert client.get(urls[name]).status_code == 200, name
    assert client.get(urls["section_edit"]).status_code == 403
    for name in ("publish", "section_create", "from_decision", "section_move", "section_delete", "link_add",
                 "link_clear", "link_remove"):
        assert client.post(urls[name], {"heading": "x", "direction": "down"}).status_code == 403, name
    assert client.post(urls["list"], {"title": "Mine"}).status_code == 403
    assert DeliverableVersion.objects.count() == 1 and Section.objects.count() == 3


def test_the_pmo_publishes_v1_in_the_browser_and_the_version_page_shows_the_stored_bytes(drafted, pmo, as_user):
    client = as_user(pmo)
    response = client.post(deliverable_urls(drafted)["publish"])
    version = DeliverableVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "deliverables:version", args=[drafted.engagement_id, version.pk])
    page = client.get(response["Location"]).content.decode()
    assert bytes(version.rendered_html).decode() in page
    assert version.content_sha256 in page and "Trace manifest" in page and "Paula Moreno" in page
    assert "suspect" not in page.lower().split("trace manifest")[0]


def test_a_version_published_with_suspect_links_says_so(drafted, pmo, data_lead, data_input, as_user):
    input_revise(actor=data_lead, input=data_input, title=data_input.title, body="Delete after 30 days.",
                 expected_revision=1)
    client = as_user(pmo)
    detail = client.get(deliverable_urls(drafted)["detail"]).content.decode()
    assert "source changed — re-align" in detail
    client.post(deliverable_urls(drafted)["publish"])
    version = DeliverableVersion.objects.get()
    page = client.get(reverse("deliverables:version", args=[drafted.engagement_id, version.pk])).content.decode()
    assert "Published with 1 suspect trace link" in page and f"{data_input.reference} r1" in page


def test_a_stale_section_edit_in_the_browser_keeps_the_users_text(drafted, pmo, as_user):
    section = drafted.sections.get(heading="Deletion")
    services.section_update(actor=pmo, section=section, heading="Deletion", body="Theirs.", expected_revision=1)
    url = reverse("deliverables:section-edit", args=[drafted.engagement_id, drafted.pk, section.pk])
    response = as_user(pmo).post(url, {"heading": "Deletion", "body": "My careful rewrite.", "expected_revision": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "My careful rewrite." in html and "Theirs." in html and 'name="expected_revision" value="2"' in html
    section.refresh_from_db()
    assert section.body == "Theirs."


def test_links_are_added_cleared_and_removed_in_the_browser(drafted, pmo, it_input, it_lead, as_user):
    client = as_user(pmo)
    section = drafted.sections.get(heading="Goal")
    url = reverse("deliverables:link-add", args=[drafted.engagement_id, drafted.pk, section.pk])
    client.post(url, {"input": it_input.reference})  # IN-<number> of the engagement, as typed
    link = TraceLink.objects.get(section=section, input_revision__input=it_input)
    input_revise(actor=it_lead, input=it_input, title=it_input.title, body="Keep for 18 months.",
                 expected_revision=1)
    link.refresh_from_db()
    assert link.is_suspect
    client.post(reverse("deliverables:link-clear", args=[drafted.engagement_id, drafted.pk, section.pk, link.pk]))
    link.refresh_from_db()
    assert not link.is_suspect and link.input_revision.number == 2
    client.post(reverse("deliverables:link-remove", args=[drafted.engagement_id, drafted.pk, section.pk, link.pk]))
    assert not TraceLink.objects.filter(pk=link.pk).exists()


def test_the_compare_page_diffs_two_versions_section_by_section(drafted, pmo, as_user):
    services.version_publish(deliverable=drafted, actor=pmo)
    goal = drafted.sections.get(heading="Goal")
    services.section_update(actor=pmo, section=goal, heading="Goal", body="One customer view for all.",
                            expected_revision=1)
    services.version_publish(deliverable=drafted, actor=pmo)
    page = as_user(pmo).get(deliverable_urls(drafted)["compare"] + "?old=1&new=2").content.decode()
    assert "1 of 3 sections changed" in page and "<ins>" in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_deliverable_page_costs_the_same_queries_for_few_or_many_sections(drafted, pmo, data_input,
                                                                             objective, as_user):
    client = as_user(pmo)
    url = deliverable_urls(drafted)["detail"]
    few = _queries(client, url)
    for n in range(25):
        section = services.section_create(actor=pmo, deliverable=drafted, heading=f"Extra {n}", body=f"Text {n}")
        services.tracelink_add(actor=pmo, section=section, input_revision=data_input.current_revision)
        services.tracelink_add(actor=pmo, section=section, objective=objective)
    services.version_publish(deliverable=drafted, actor=pmo)
    assert _queries(client, url) == few


def test_coverage_figures_are_computed_from_the_data(drafted, pmo, engagement, it_input, data_input, data_lead,
                                                    make_input, marketing_lead, merge_decision):
    make_input(marketing_lead, "marketing", title="Untraced", body="Nobody links this.", submit=True)
    make_input(marketing_lead, "marketing", title="Draft", body="Drafts do not count.")
    services.section_create(actor=pmo, deliverable=drafted, heading="Empty", body="")
    from apps.alignment import services as alignment

    alignment.decision_revise(actor=pmo, decision=merge_decision, expected_version=1, outcome="defer",
                              rationale="Wait.", due_date=dt.date(2031, 1, 1), owner=pmo)
    input_revise(actor=data_lead, input=data_input, title=data_input.title, body="Delete after 45 days.",
                 expected_revision=1)
    cov = coverage_for(engagement=engagement)
    # it_input (via the decision's section) and data_input are traced; the marketing one is not; drafts don't count
    assert (cov.submitted, cov.traced, cov.untraced, cov.percent) == (3, 2, 1, 67)
    assert (cov.sections, cov.sections_without_source) == (4, 1)
    # the data input's link, and the decision link that saw v1 of the now-revised decision
    assert cov.suspect_links == 2
    assert cov.deferred == 1 and cov.deliverables == 1
    html = render_to_string("deliverables/_coverage_panel.html", {"engagement": engagement, "membership": None})
    assert 'id="cov-share">67%' in html and ">1</a></div><div class=\"stat-label\">input traced nowhere" in html


def test_coverage_costs_a_constant_number_of_queries(drafted, engagement, pmo, make_input, marketing_lead):
    with CaptureQueriesContext(connection) as few:
        coverage_for(engagement=engagement)
    for n in range(15):
        make_input(marketing_lead, "marketing", title=f"More {n}", body=f"Body number {n}.", submit=True)
        services.section_create(actor=pmo, deliverable=drafted, heading=f"S{n}")
    with CaptureQueriesContext(connection) as many:
        coverage_for(engagement=engagement)
    assert len(many.captured_queries) == len(few.captured_queries) == 4


def test_a_trace_link_names_its_input_by_reference_and_bad_references_are_explained(drafted, pmo, it_input, as_user,
                                                                                    make_input, it_lead):
    from apps.deliverables.models import TraceLink

    section = drafted.sections.first()
    url = f"/e/{drafted.engagement_id}/deliverables/{drafted.pk}/sections/{section.pk}/links/"
    client = as_user(pmo)
    before = TraceLink.objects.filter(section=section).count()
    draft = make_input(it_lead, "it", title="Still a draft")
    for bad, message in [("IN-999999", "is not a submitted input"), (draft.reference, "is not a submitted input"),
                         ("twelve", "such as IN-12")]:
        response = client.post(url, {"input": bad}, follow=True)
        assert message in response.content.decode()
    assert TraceLink.objects.filter(section=section).count() == before
    fresh = make_input(it_lead, "it", title="Backups", body="Nightly backups.", submit=True)
    client.post(url, {"input": fresh.reference.lower()})
    assert TraceLink.objects.filter(section=section, input_revision=fresh.current_revision).count() == 1
