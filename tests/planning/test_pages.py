"""The plan pages as a PMO, a lead and an outsider use them."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.planning import services
from apps.planning.models import PlanVersion

pytestmark = pytest.mark.django_db


def form_for(plan, **changes):
    """The re-sequence form as the page sends it, unchanged unless told."""
    data = {"expected_version": "1", "rationale": "Better path."}
    for n, code in enumerate(["B", "C", "D", "F"], start=1):
        item = plan[code]
        key = str(item.pk)
        data.update({f"pos_{key}": str(n), f"start_{key}": item.planned_start.isoformat(),
                     f"end_{key}": item.planned_end.isoformat(),
                     f"deps_{key}": ", ".join(d.code for d in item.depends_on.all())})
    data.update(changes)
    return data


def test_the_plan_page_shows_sequences_chart_and_unplanned_objectives(plan, as_user, pmo, engagement):
    from apps.engagements.models import Objective

    Objective.objects.create(engagement=engagement, code="OBJ-9", title="Nobody works on this")
    page = as_user(pmo).get(reverse("planning:plan", args=[engagement.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "critical path" in html and "no work item" in html
    assert "B → C → D → F" in html


def test_the_pmo_resequences_in_the_browser_and_lands_on_the_diff(plan, as_user, pmo, engagement, objective):
    client = as_user(pmo)
    url = reverse("planning:resequence", args=[engagement.pk, objective.pk])
    assert client.get(url).status_code == 200
    data = form_for(plan, **{f"drop_{plan['C'].pk}": "1", f"deps_{plan['D'].pk}": "B", "new_code": "G",
                             "new_title": "Work G", "new_workstream": str(plan["B"].workstream_id),
                             "new_after": "F", "new_start": "2026-05-04", "new_end": "2026-05-15",
                             "new_deps": "F", "rationale": "Skip the migration."})
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("?from=1&to=2")
    diff = client.get(response["Location"]).content.decode()
    assert "C dropped; G added after F (depends on F); D now depends on B" in diff
    assert PlanVersion.objects.get(engagement=engagement, number=2).rationale == "Skip the migration."


def test_a_cycle_in_the_form_is_explained_and_the_input_kept(plan, as_user, pmo, engagement, objective):
    url = reverse("planning:resequence", args=[engagement.pk, objective.pk])
    response = as_user(pmo).post(url, form_for(plan, **{f"deps_{plan['B'].pk}": "F", "rationale": "Loop."}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dependency cycle: B → F → D → C → B" in html and "Loop." in html


def test_a_stale_form_is_refused_with_409(plan, as_user, pmo, engagement, objective):
    services.plan_resequence(actor=pmo, engagement=engagement, operations=[{"op": "drop", "item": "F"}],
                             rationale="Gone.", expected_version=1)
    url = reverse("planning:resequence", args=[engagement.pk, objective.pk])
    response = as_user(pmo).post(url, form_for(plan, **{f"pos_{plan['B'].pk}": "9"}))
    assert response.status_code == 409 and "now version 2" in response.content.decode()
    assert PlanVersion.objects.filter(engagement=engagement).count() == 2


def test_leads_read_the_plan_but_cannot_resequence(plan, as_user, it_lead, engagement, objective):
    client = as_user(it_lead)
    assert client.get(reverse("planning:plan", args=[engagement.pk])).status_code == 200
    assert client.get(reverse("planning:resequence", args=[engagement.pk, objective.pk])).status_code == 403


def test_documents_are_served_to_members_only_as_downloads(plan, as_user, client, pmo, it_lead, observer, outsider,
                                                          other_engagement, engagement):
    definition = services.definition_create(actor=pmo, work_item=plan["B"], title="Spec", due_date=plan["B"]
                                            .planned_end)
    upload_url = reverse("planning:upload", args=[engagement.pk, definition.pk])
    response = as_user(it_lead).post(upload_url, {"file": SimpleUploadedFile("spec.pdf", b"%PDF-1.4 spec")})
    assert response.status_code == 302
    document = definition.documents.get()
    url = reverse("planning:document", args=[engagement.pk, document.pk])
    download = as_user(observer).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 spec"
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == \
        "nosniff"
    client.logout()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("planning:document", args=[other_engagement.pk, document.pk])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_a_refused_upload_says_why_and_stores_nothing(plan, as_user, pmo, engagement, media_root):
    definition = services.definition_create(actor=pmo, work_item=plan["B"], title="Spec", due_date=plan["B"]
                                            .planned_end)
    client = as_user(pmo)
    response = client.post(reverse("planning:upload", args=[engagement.pk, definition.pk]),
                           {"file": SimpleUploadedFile("evil.html", b"<script>")}, follow=True)
    assert ".html cannot be uploaded" in response.content.decode()
    assert definition.documents.count() == 0


def test_the_work_item_page_links_and_defines_deliverables(plan, as_user, pmo, engagement, it_input):
    client = as_user(pmo)
    item_url = reverse("planning:item", args=[engagement.pk, plan["D"].pk])
    client.post(reverse("planning:link-add", args=[engagement.pk, plan["D"].pk]), {"target": f"input:{it_input.pk}"})
    client.post(reverse("planning:definition-add", args=[engagement.pk, plan["D"].pk]),
                {"title": "API specification", "due_date": "2026-04-10"})
    html = client.get(item_url).content.decode()
    assert it_input.reference in html and "API specification" in html and "Needed by" in html
    assert client.post(reverse("planning:link-add", args=[engagement.pk, plan["D"].pk]),
                       {"target": "input:999999"}).status_code == 302
    assert plan["D"].links.count() == 1


def test_the_plan_page_keeps_a_constant_number_of_queries(plan, as_user, pmo, engagement, objective, workstreams):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(pmo)
    url = reverse("planning:plan", args=[engagement.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    ops = [{"op": "add", "code": f"X{n}", "title": f"Extra {n}", "objective": objective.pk,
            "workstream": workstreams["it"].pk, "start": "2026-06-01", "end": "2026-06-05", "after": "F",
            "depends_on": ["F"]} for n in range(60)]
    services.plan_resequence(actor=pmo, engagement=engagement, operations=ops, rationale="More.",
                             expected_version=1)
    assert count() == small


def test_coming_from_a_decision_preselects_it(plan, as_user, pmo, engagement, objective, it_input):
    from .test_services import _decision

    decision = _decision(engagement, pmo, it_input)
    page = as_user(pmo).get(reverse("alignment:decision", args=[engagement.pk, decision.pk]))
    link = reverse("planning:resequence", args=[engagement.pk, objective.pk]) + f"?decision={decision.pk}"
    assert link in page.content.decode()
    form = as_user(pmo).get(link).content.decode()
    assert f'<option value="{decision.pk}" selected>' in form
