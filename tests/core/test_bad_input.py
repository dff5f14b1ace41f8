"""Bad input is a clear 400/404 — JSON under /api/ — never a 5xx (issue #15, point 3)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.test import Client

from apps.inputs import selectors as input_selectors
from apps.inputs.models import InputRequest

pytestmark = pytest.mark.django_db

NUL_FILTERS = ["q", "tag", "workstream", "status", "kind", "priority"]


@pytest.fixture
def api(api_as, pmo, it_input):
    return api_as(pmo)


@pytest.mark.parametrize("name", NUL_FILTERS)
def test_a_nul_byte_in_an_input_filter_is_a_json_400(api, name):
    response = api.get("/api/v1/inputs/", {name: "\x00"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/findings/?workstream=%00", "/api/v1/findings/?q=a%00b",
                                  "/api/v1/input-requests/?status=%00"])
def test_a_nul_byte_in_other_api_filters_is_a_400(api, path):
    assert api.get(path).status_code == 400


def test_a_nul_byte_in_page_filters_is_a_400_not_a_database_error(as_user, pmo, engagement, it_input):
    client = as_user(pmo)
    for path in (f"/e/{engagement.pk}/inputs/?q=%00", f"/e/{engagement.pk}/trace/?workstream=%00",
                 f"/e/{engagement.pk}/inputs/picker/?input=%00", f"/e/{engagement.pk}/conflicts/?workstream=%00"):
        assert client.get(path).status_code == 400, path


def test_the_trace_matrix_api_refuses_a_nul_byte(api, engagement):
    assert api.get(f"/api/v1/engagements/{engagement.pk}/trace-matrix/?q=%00").status_code == 400


@pytest.mark.parametrize("raw", ["%C2%B2", "%D9%A3", "9" * 40])
def test_an_id_that_is_not_ascii_digits_is_a_json_404(api, it_input, raw):
    response = api.get(f"/api/v1/inputs/{raw}/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize("query", ["engagement=²", "engagement=٣", "objective=abc", "objective=²"])
def test_an_id_filter_that_is_not_an_id_is_a_400_naming_it(api, query):
    response = api.get(f"/api/v1/inputs/?{query}")
    assert response.status_code == 400 and query.split("=")[0] in response.json()


@pytest.mark.parametrize("header", [b"\xb2".decode("latin-1"), '"²"', "9" * 5000])
def test_a_malformed_if_match_is_a_400(api, it_input, header):
    response = api.post(f"/api/v1/inputs/{it_input.pk}/revise/", {"title": "t", "body": "b"}, format="json",
                        HTTP_IF_MATCH=header)
    assert response.status_code == 400 and "If-Match" in response.json()


@pytest.mark.parametrize("body", ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000])
@pytest.mark.parametrize("path", ["/api/v1/inputs/", "/api/v1/engagements/", "/api/v1/auth/token/"])
def test_json_nested_1000_deep_is_a_400_everywhere_even_anonymous(api_as, pmo, path, body):
    for client in (api_as(pmo), api_as(None)):
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 400 and "nested" in response.json()["detail"], (path, response.status_code)


def test_ordinary_nesting_is_still_accepted(api_as, it_lead, engagement, workstreams):
    response = api_as(it_lead).post("/api/v1/inputs/", {
        "engagement": engagement.pk, "workstream": workstreams["it"].pk, "kind": "requirement", "title": "[x] {y}",
        "body": "Brackets [[[in]]] {{{text}}} do not count.", "tags": ["a"]}, format="json")
    assert response.status_code == 201


def test_an_unexpected_error_in_the_api_answers_json_500(pmo, monkeypatch, it_input):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(input_selectors, "input_list", broken)
    client = Client(raise_request_exception=False)
    client.force_login(pmo)
    response = client.get("/api/v1/inputs/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert "nothing was saved" in response.json()["detail"]


def test_unknown_api_paths_answer_json(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_a_line_break_in_a_request_topic_does_not_lose_its_email(api_as, pmo, engagement, workstreams, it_lead,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(pmo).post("/api/v1/input-requests/", {
            "engagement": engagement.pk, "topic": "Budget\r\nBcc: victim@example.com",
            "due_date": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
            "workstreams": [workstreams["it"].pk]}, format="json")
    assert response.status_code == 201
    assert InputRequest.objects.get().topic == "Budget Bcc: victim@example.com"
    (message,) = mail.outbox
    assert message.to == [it_lead.email] and "\n" not in message.subject and message.bcc == []
    assert json.loads(json.dumps(message.subject))


def test_a_nul_byte_in_a_posted_form_is_a_400_even_before_sign_in(api_as):
    response = api_as(None).post("/api/v1/auth/token/", {"username": "a\x00", "password": "x\x00"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
