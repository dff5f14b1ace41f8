from __future__ import annotations

import pytest

from apps.inputs.models import Input, InputRevision

pytestmark = pytest.mark.django_db


def test_a_lead_writes_an_input_in_the_browser_and_submits_it(as_user, it_lead, engagement, workstreams, objective):
    client = as_user(it_lead)
    form = client.get(f"/e/{engagement.pk}/inputs/new/")
    assert form.status_code == 200
    assert list(form.context["form"].fields["workstream"].queryset) == [workstreams["it"]]
    response = client.post(f"/e/{engagement.pk}/inputs/new/", {
        "workstream": workstreams["it"].pk, "kind": "requirement", "title": "Retention",
        "body": "Keep **logs** for 24 months.", "priority": "must", "tags": "retention, audit",
        "objectives": [objective.pk], "submit": "1",
    })
    item = Input.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/e/{engagement.pk}/inputs/{item.pk}/"
    assert item.status == "submitted" and sorted(t.name for t in item.tags.all()) == ["audit", "retention"]
    page = client.get(response["Location"])
    assert b"<strong>logs</strong>" in page.content


def test_form_errors_are_shown_and_nothing_is_saved(as_user, it_lead, engagement, workstreams):
    response = as_user(it_lead).post(f"/e/{engagement.pk}/inputs/new/", {
        "workstream": workstreams["it"].pk, "kind": "requirement", "title": "", "body": "x" * 20001,
        "priority": "must",
    })
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"title", "body"}
    assert not Input.objects.exists()


def test_a_lead_cannot_pick_another_workstream_in_the_form(as_user, it_lead, engagement, workstreams):
    response = as_user(it_lead).post(f"/e/{engagement.pk}/inputs/new/", {
        "workstream": workstreams["data"].pk, "kind": "requirement", "title": "t", "body": "b", "priority": "must",
    })
    assert response.status_code == 400 and "workstream" in response.context["form"].errors


def test_a_stale_edit_in_the_browser_shows_the_newer_revision_and_keeps_my_text(as_user, it_lead, it_contributor,
                                                                                 make_input, engagement):
    item = make_input(it_lead, "it", title="Retention", body="original text")
    as_user(it_contributor).post(f"/e/{engagement.pk}/inputs/{item.pk}/revise/", {
        "title": "Retention", "body": "colleague's text", "expected_revision": 1})
    response = as_user(it_lead).post(f"/e/{engagement.pk}/inputs/{item.pk}/revise/", {
        "title": "Retention", "body": "MY CAREFUL WORDS", "expected_revision": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "MY CAREFUL WORDS" in html            # the user's text is still in the form
    assert "colleague&#x27;s text" in html or "colleague's text" in html   # the newer revision is shown
    assert response.context["form"]["expected_revision"].value() == "2"
    assert InputRevision.objects.filter(input=item).count() == 2
    saved = as_user(it_lead).post(f"/e/{engagement.pk}/inputs/{item.pk}/revise/", {
        "title": "Retention", "body": "MY CAREFUL WORDS merged", "expected_revision": 2})
    assert saved.status_code == 302
    item.refresh_from_db()
    assert item.current_revision.body == "MY CAREFUL WORDS merged"


def test_the_history_diff_highlights_changed_words(as_user, it_lead, make_input, engagement):
    item = make_input(it_lead, "it", body="Keep logs for 12 months.\nEncrypt them.")
    client = as_user(it_lead)
    client.post(f"/e/{engagement.pk}/inputs/{item.pk}/revise/", {
        "title": item.title, "body": "Keep logs for 24 months.\nEncrypt them.", "expected_revision": 1})
    page = client.get(f"/e/{engagement.pk}/inputs/{item.pk}/diff/?old=1&new=2")
    html = page.content.decode()
    assert "<del>12</del>" in html and "<ins>24</ins>" in html


def test_live_preview_renders_through_the_safe_renderer(as_user, it_lead):
    response = as_user(it_lead).post("/markdown/preview/", {"body": "**bold** <script>alert(1)</script>"})
    assert b"<strong>bold</strong>" in response.content and b"<script" not in response.content


def test_list_filters_and_htmx_partial(as_user, it_lead, data_lead, make_input, engagement):
    make_input(it_lead, "it", title="Azure hosting", tags=["cloud"], submit=True)
    make_input(data_lead, "data", title="AWS lake", priority="must", submit=True)
    make_input(data_lead, "data", title="Data's own draft")  # another workstream's draft: not listed
    client = as_user(it_lead)
    page = client.get(f"/e/{engagement.pk}/inputs/?workstream=data")
    assert [i.title for i in page.context["inputs"]] == ["AWS lake"]
    partial = client.get(f"/e/{engagement.pk}/inputs/?tag=cloud", HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "inputs/_results.html"
    assert [i.title for i in partial.context["inputs"]] == ["Azure hosting"]


def test_observers_see_no_write_controls_and_get_403_on_write_urls(as_user, observer, it_lead, make_input,
                                                                   engagement):
    item = make_input(it_lead, "it", submit=True)
    client = as_user(observer)
    page = client.get(f"/e/{engagement.pk}/inputs/{item.pk}/")
    assert page.status_code == 200 and b"Edit text" not in page.content
    assert client.get(f"/e/{engagement.pk}/inputs/new/").status_code == 403
    assert client.post(f"/e/{engagement.pk}/inputs/{item.pk}/submit/").status_code == 403


def test_list_page_query_count_does_not_grow_with_data(as_user, it_lead, make_input, engagement,
                                                       django_assert_max_num_queries):
    client = as_user(it_lead)
    for n in range(3):
        make_input(it_lead, "it", title=f"Input {n}", tags=["a", "b"])
    with django_assert_max_num_queries(20) as few:
        client.get(f"/e/{engagement.pk}/inputs/")
    for n in range(40):
        make_input(it_lead, "it", title=f"More {n}", tags=["a", "c"])
    with django_assert_max_num_queries(20) as many:
        client.get(f"/e/{engagement.pk}/inputs/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_input_picker_suggests_submitted_inputs_by_reference_or_title(as_user, pmo, it_lead, make_input,
                                                                          engagement, other_engagement, outsider):
    azure = make_input(it_lead, "it", title="Hosting on Azure", submit=True)
    make_input(it_lead, "it", title="Hosting draft")
    client = as_user(pmo)
    by_title = client.get(f"/e/{engagement.pk}/inputs/picker/?input=hosting").content.decode()
    assert f'value="{azure.reference}"' in by_title and "Hosting draft" not in by_title
    by_ref = client.get(f"/e/{engagement.pk}/inputs/picker/?input={azure.reference}").content.decode()
    assert by_ref.count("<option") == 1
    assert as_user(outsider).get(f"/e/{engagement.pk}/inputs/picker/?input=hosting").status_code == 404


def test_live_preview_renders_the_field_that_asked_not_the_first_of_the_form(as_user, it_lead):
    response = as_user(it_lead).post("/markdown/preview/", {"workstream": "2", "title": "T", "minutes": "*minutes*"},
                                     HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="minutes")
    assert response.content.decode().strip() == "<p><em>minutes</em></p>"
