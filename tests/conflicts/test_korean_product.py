"""Korean through the product: inputs written in Korean are checked after submission and their findings shown
on the input page; a text in a language detection cannot check says so on the page and in the API."""
from __future__ import annotations

import pytest

from apps.conflicts.models import Finding

pytestmark = pytest.mark.django_db

KEEP_5Y = "고객 데이터는 최소 5년 동안 보관해야 한다."
DELETE_1Y = "고객 데이터는 1년 후에 삭제해야 한다."


def test_the_issue_pair_is_found_as_a_numeric_conflict_and_shown_on_the_input_page(
        submit, it_lead, data_lead, engagement, as_user):
    keep = submit(it_lead, "it", KEEP_5Y, title="고객 데이터 보관")
    delete = submit(data_lead, "data", DELETE_1Y, title="고객 데이터 삭제")
    finding = Finding.objects.get()
    assert (finding.label, finding.kind) == ("conflict", "numeric")
    assert {finding.input_a_id, finding.input_b_id} == {keep.pk, delete.pk}
    assert "최소 5년" in finding.explanation and "1년" in finding.explanation
    page = as_user(data_lead).get(f"/e/{engagement.pk}/inputs/{delete.pk}/").content.decode()
    assert finding.reference in page and "최소 5년" in page
    assert 'id="language-notice"' not in page  # Korean is checked: no notice


def test_a_korean_and_an_english_input_are_compared_too(submit, it_lead, data_lead):
    submit(it_lead, "it", "Customer data must be deleted within 1 year of the last purchase.")
    submit(data_lead, "data", KEEP_5Y)
    finding = Finding.objects.get()
    assert (finding.label, finding.kind) == ("conflict", "numeric")


def test_a_text_detection_cannot_read_shows_a_notice_on_the_page_and_in_the_api(
        submit, it_lead, data_lead, engagement, as_user, client):
    client.force_login(data_lead)
    submit(it_lead, "it", "Customer data must be kept for at least 5 years.")
    french = submit(data_lead, "data", "Les données des clients doivent être supprimées après un an.")
    assert not Finding.objects.exists()  # never guessed at
    page = as_user(data_lead).get(f"/e/{engagement.pk}/inputs/{french.pk}/").content.decode()
    assert 'id="language-notice"' in page and "cannot check" in page and "English and Korean" in page
    assert "No conflicts or merge candidates" not in page  # not silent either
    api = client.get(f"/api/v1/input-detection/{french.pk}/").json()
    assert api["fully_checked"] is False and api["languages"] == ["other"]
    assert api["supported_languages"] == ["en", "ko"] and "cannot check" in api["notice"]


def test_outsiders_get_404_for_an_inputs_detection(make_input, it_lead, outsider, client):
    item = make_input(it_lead, "it", body="고객 데이터는 5년 동안 보관한다.")
    client.force_login(outsider)
    assert client.get(f"/api/v1/input-detection/{item.pk}/").status_code == 404


def test_the_api_says_an_english_or_korean_text_was_fully_checked(make_input, it_lead, client):
    item = make_input(it_lead, "it", body="- 고객 데이터는 5년 동안 보관한다.\n- Logs are kept for a year.")
    client.force_login(it_lead)
    detection = client.get(f"/api/v1/input-detection/{item.pk}/").json()
    assert detection == {"input": item.pk, "languages": ["ko", "en"], "supported_languages": ["en", "ko"],
                         "fully_checked": True, "unchecked_statements": [], "notice": ""}
