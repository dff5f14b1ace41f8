"""A draft belongs to its workstream and the PMO until it is submitted: nobody else sees it, anywhere."""
from __future__ import annotations

import pytest

from apps.core.errors import ApplicationError
from apps.core.scope import Scope
from apps.deliverables.services import deliverable_create, section_create, tracelink_add
from apps.inputs.policies import input_visible_q, input_visible_to
from apps.inputs.requests import input_request_answers, input_request_create
from apps.inputs.services import input_withdraw

pytestmark = pytest.mark.django_db

SECRET = "Quietly drop the loyalty discount in Q3"


@pytest.fixture
def draft(make_input, marketing_lead):
    return make_input(marketing_lead, "marketing", title=SECRET, body=f"{SECRET}; do not tell IT yet.")


@pytest.fixture
def readers(it_lead, customer, observer, data_lead):
    return {"it_lead": it_lead, "customer": customer, "observer": observer, "data_lead": data_lead}


def test_a_draft_is_a_404_in_the_api_for_other_workstreams_and_the_customer(api_as, draft, readers):
    for user in readers.values():
        api = api_as(user)
        assert api.get(f"/api/v1/inputs/{draft.pk}/").status_code == 404, user
        assert api.get(f"/api/v1/inputs/{draft.pk}/revisions/").status_code == 404, user
        listed = api.get(f"/api/v1/inputs/?engagement={draft.engagement_id}").json()
        assert draft.pk not in [row["id"] for row in listed["results"]], user
        assert draft.pk not in [row["id"] for row in api.get(f"/api/v1/inputs/?q={SECRET[:10]}").json()["results"]]
        assert api.get("/api/v1/inputs/?status=draft").json()["count"] == 0, user


def test_its_workstream_and_the_pmo_see_the_draft(api_as, draft, marketing_lead, pmo, engagement, workstreams):
    from tests.conftest import _member
    from tests.factories import OrganizationFactory

    contributor = _member(engagement, OrganizationFactory(name="Adatum"), "mkt.dev@example.com", "Mia Dev",
                          "contributor", workstreams["marketing"])
    for user in (marketing_lead, contributor, pmo):
        assert api_as(user).get(f"/api/v1/inputs/{draft.pk}/").status_code == 200, user


def test_the_html_pages_hide_the_draft(as_user, draft, it_lead, engagement):
    client = as_user(it_lead)
    assert client.get(f"/e/{engagement.pk}/inputs/{draft.pk}/").status_code == 404
    assert SECRET not in client.get(f"/e/{engagement.pk}/inputs/").content.decode()
    assert SECRET not in client.get(f"/e/{engagement.pk}/inputs/?q=loyalty").content.decode()
    assert SECRET not in client.get(f"/e/{engagement.pk}/inputs/?status=draft&workstream=marketing").content.decode()


def test_dashboard_counts_do_not_count_another_workstreams_drafts(as_user, draft, it_lead, customer, observer,
                                                                 marketing_lead, engagement):
    for user in (it_lead, customer, observer):
        page = as_user(user).get(f"/e/{engagement.pk}/")
        assert page.context["totals"]["draft"] == 0, user
        assert SECRET not in page.content.decode(), user
    assert as_user(marketing_lead).get(f"/e/{engagement.pk}/").context["totals"]["draft"] == 1


def test_a_draft_withdrawn_before_submission_stays_private(draft, marketing_lead, it_lead, api_as):
    input_withdraw(actor=marketing_lead, input=draft)
    assert api_as(it_lead).get(f"/api/v1/inputs/{draft.pk}/").status_code == 404
    assert api_as(marketing_lead).get(f"/api/v1/inputs/{draft.pk}/").status_code == 200


def test_once_submitted_everyone_in_the_engagement_sees_it(draft, marketing_lead, it_lead, customer, api_as):
    from apps.inputs.services import input_submit

    input_submit(actor=marketing_lead, input=draft)
    for user in (it_lead, customer):
        assert api_as(user).get(f"/api/v1/inputs/{draft.pk}/").status_code == 200


def test_answers_to_an_input_request_hide_drafts_and_do_not_count_them(pmo, engagement, workstreams, make_input,
                                                                      marketing_lead, it_lead, api_as):
    import datetime as dt

    request = input_request_create(actor=pmo, engagement=engagement, topic="Loyalty",
                                   due_date=dt.date.today() + dt.timedelta(days=7),
                                   workstreams=[workstreams["marketing"], workstreams["it"]])
    make_input(marketing_lead, "marketing", title=SECRET, answers_request=request)
    seen_by_it = {a.workstream.slug: a.inputs
                  for a in input_request_answers(scope=Scope.of_user(it_lead), request=request)}
    assert seen_by_it["marketing"] == []
    seen_by_pmo = {a.workstream.slug: a.inputs
                   for a in input_request_answers(scope=Scope.of_user(pmo), request=request)}
    assert [i.title for i in seen_by_pmo["marketing"]] == [SECRET]
    assert api_as(it_lead).get(f"/api/v1/input-requests/{request.pk}/").json()["answered_workstreams"] == []


def test_a_draft_cannot_be_traced_into_the_deliverable(draft, pmo, engagement, api_as):
    deliverable = deliverable_create(actor=pmo, engagement=engagement, title="Plan")
    section = section_create(actor=pmo, deliverable=deliverable, heading="Loyalty", body="Text.")
    with pytest.raises(ApplicationError):
        tracelink_add(actor=pmo, section=section, input_revision=draft.current_revision)


def test_the_policy_predicate_matches_the_queryset(draft, personas):
    from apps.inputs.models import Input

    for user in personas.values():
        membership = user.memberships.filter(engagement=draft.engagement).first()
        by_rule = input_visible_to(membership=membership, input=draft)
        by_query = Input.objects.filter(input_visible_q(scope=Scope.of_user(user)), pk=draft.pk,
                                         engagement__memberships__user=user).exists()
        assert by_rule == by_query, user


def test_detection_never_compares_a_draft(draft, it_lead, make_input, django_capture_on_commit_callbacks):
    from apps.conflicts.models import Finding

    with django_capture_on_commit_callbacks(execute=True):
        make_input(it_lead, "it", title="Keep the loyalty discount", body="Keep the loyalty discount in Q3.",
                   submit=True)
    assert not Finding.objects.filter(input_a=draft).exists() and not Finding.objects.filter(input_b=draft).exists()
