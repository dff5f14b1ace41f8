"""Each role lands on a dashboard for its job, computed from the data."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.alignment.models import AgendaItem, AlignmentSession
from apps.approvals.models import ApprovalSubmission
from apps.conflicts.models import Finding
from apps.inputs.requests import input_request_create
from apps.workspace import charts
from apps.workspace.dashboards import (
    approver_dashboard,
    integration_trend,
    lead_dashboard,
    pmo_dashboard,
    section_changes,
)

from ..test_every_route import world  # noqa: F401 - one of every object in one engagement

pytestmark = pytest.mark.django_db


def test_the_pmo_sees_open_conflicts_as_a_workstream_heat_map(world, personas, client):  # noqa: F811
    data = pmo_dashboard(engagement=world["engagement"])
    names = [w.slug for w in data.workstreams]
    it, dt_ = names.index("it"), names.index("data")
    open_conflicts = Finding.objects.filter(engagement=world["engagement"], label="conflict",
                                            status__in=["open", "acknowledged", "in_alignment"]).count()
    assert data.stats["open_conflicts"] == open_conflicts >= 1
    matrix = {(w.slug, j): n for w, row in data.heatmap_rows for j, n in enumerate(row)}
    assert matrix[("it", dt_)] == matrix[("data", it)] >= 1
    assert "<svg" in data.heatmap_svg and "open conflicts" in data.heatmap_svg
    client.force_login(personas["pmo"])
    page = client.get(f"/e/{world['engagement'].pk}/")
    assert page.context["dashboard"] == "pmo"
    assert b"Where workstreams disagree" in page.content and b"Integration into the deliverable" in page.content


def test_the_integration_trend_counts_inputs_once_a_section_traces_them(world):  # noqa: F811
    points = integration_trend(engagement=world["engagement"], weeks=4)
    assert len(points) == 4
    # The world traces input A (of 2 submitted) from a section: 50% by this week.
    assert points[-1][1] == 50
    assert all(0 <= value <= 100 for _, value in points)


def test_a_lead_sees_what_waits_for_their_workstream(world, personas, pmo, engagement, workstreams):  # noqa: F811
    session = AlignmentSession.objects.create(engagement=engagement, title="Retention",
                                              scheduled_at=timezone.now() + dt.timedelta(days=2), created_by=pmo)
    session.participants.add(personas["data_lead"])
    waiting = AgendaItem.objects.create(session=session, finding=world["finding"], title="Retention clash")
    request = input_request_create(actor=pmo, engagement=engagement, topic="Consent logs",
                                   due_date=timezone.localdate() + dt.timedelta(days=3),
                                   workstreams=[workstreams["data"]])
    membership = personas["data_lead"].memberships.get(engagement=engagement)
    data = lead_dashboard(membership=membership)
    assert waiting in data.awaiting_position
    assert request in data.requests and data.requests[0].n_mine == 0
    assert session in data.sessions
    assert world["finding"] in data.open_findings
    # Marketing is not concerned by the IT/Data finding.
    marketing = lead_dashboard(membership=personas["marketing_lead"].memberships.get(engagement=engagement))
    assert waiting not in marketing.awaiting_position and not marketing.open_findings


def test_the_approver_sees_versions_awaiting_their_signature_and_what_changed(world, personas):  # noqa: F811
    customer = personas["customer"]
    engagement = world["engagement"]
    # In the world the customer already signed v1 (changes requested): nothing waits.
    assert approver_dashboard(user=customer, engagement=engagement).awaiting == []
    from apps.deliverables.models import DeliverableVersion

    v2 = DeliverableVersion.objects.create(
        deliverable=world["deliverable"], number=2, markdown_source="# x", rendered_html=b"<p>v2</p>",
        content_sha256="0" * 64, published_by=personas["pmo"],
        sections=[{"heading": "x", "body": "Changed text", "order": 0},
                  {"heading": "New section", "body": "New", "order": 1}])
    submission = ApprovalSubmission.objects.create(version=v2, submitted_by=personas["pmo"])
    submission.approvers.add(customer)
    data = approver_dashboard(user=customer, engagement=engagement)
    assert [s.version for s in data.awaiting] == [v2]
    # Nothing approved yet (v1 got "changes requested"): every section of v2 is new to the customer.
    assert data.last_approved is None
    assert {c["change"] for c in data.changes_since} == {"added"}
    assert [s.version for s in data.history] == [world["version"]]
    # Against v1 (section "x" with "Text"), v2 changed "x" and added "New section".
    changes = {c["heading"]: c["change"] for c in section_changes(world["version"], v2)}
    assert changes == {"x": "changed", "New section": "added"}


def test_observers_get_the_plain_overview(world, personas, client):  # noqa: F811
    client.force_login(personas["observer"])
    page = client.get(f"/e/{world['engagement'].pk}/")
    assert page.context["dashboard"] == "observer" and page.context["recent_inputs"] is not None


def test_charts_escape_labels_and_draw_empty_states():
    svg = charts.heatmap_svg(["<script>", "Data"], [[1, 2], [2, 0]], title="t<>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "No open conflicts" in charts.bar_svg([], title="x")
    trend = charts.trend_svg([(dt.date(2026, 11, 2), 10), (dt.date(2026, 11, 9), 60)], title="trend")
    assert trend.count("<circle") == 2


def test_the_heat_map_draws_each_pair_of_workstreams_once():
    sym = [[0, 2, 1], [2, 0, 3], [1, 3, 0]]
    svg = charts.heatmap_svg(["IT", "Marketing", "Data"], sym, title="t")
    assert svg.count("<rect") == 3  # IT×Marketing, IT×Data, Marketing×Data
    assert svg.count(": 3 open conflicts") == 1 and svg.count(": 2 open conflicts") == 1
    with_self = charts.heatmap_svg(["IT", "Data"], [[1, 2], [2, 0]], title="t")
    assert with_self.count("<rect") == 3  # a workstream's findings with itself add the diagonal


def test_charts_are_drawn_at_natural_size_with_text_of_at_least_11_px():
    import re

    for svg in (charts.heatmap_svg(["IT", "Marketing"], [[0, 1], [1, 0]], title="h"),
                charts.bar_svg([("Exclusive choice", 2), ("Numeric", 1)], title="b"),
                charts.trend_svg([(dt.date(2026, 11, 2) + dt.timedelta(weeks=k), k * 10) for k in range(8)],
                                 title="t")):
        width = int(re.search(r'width="(\d+)"', svg).group(1))
        assert f'viewBox="0 0 {width} ' in svg and width <= charts.MAX_WIDTH
        assert min(int(size) for size in re.findall(r'font-size="(\d+)"', svg)) >= 11
