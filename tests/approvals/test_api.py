"""The sign-off API: same rules as the pages, scoped by membership, in the OpenAPI schema."""
from __future__ import annotations

import pytest

from apps.approvals.models import ApprovalSubmission, Signature, SigningLock

from ..factories import PASSWORD


def test_the_pmo_submits_a_version_through_the_api(api_as, pmo, customer, v1):
    response = api_as(pmo).post(f"/api/v1/versions/{v1.pk}/submit/", {"approvers": [customer.pk], "policy": "any"},
                                format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["policy"] == "any" and body["approvers"] == [customer.pk]


@pytest.mark.parametrize("payload", [{"approvers": []}, {"approvers": ["x"]}, {"approvers": [1], "policy": "most"},
                                     {}])
def test_bad_submit_bodies_are_400(api_as, pmo, v1, payload):
    assert api_as(pmo).post(f"/api/v1/versions/{v1.pk}/submit/", payload, format="json").status_code == 400
    assert not ApprovalSubmission.objects.exists()


def test_submitting_a_non_approver_is_400_naming_the_field(api_as, pmo, it_lead, outsider, v1):
    response = api_as(pmo).post(f"/api/v1/versions/{v1.pk}/submit/", {"approvers": [it_lead.pk, outsider.pk]},
                                format="json")
    assert response.status_code == 400 and "approvers" in response.json()


def test_only_the_pmo_submits_through_the_api(api_as, it_lead, customer, v1):
    response = api_as(customer).post(f"/api/v1/versions/{v1.pk}/submit/", {"approvers": [customer.pk]},
                                     format="json")
    assert response.status_code == 403
    assert api_as(it_lead).post(f"/api/v1/versions/{v1.pk}/submit/", {"approvers": [customer.pk]},
                                format="json").status_code == 403


def test_sign_answers_201_with_the_signature(api_as, customer, v1, submit):
    submit(v1, [customer])
    response = api_as(customer).post(f"/api/v1/versions/{v1.pk}/sign/",
                                     {"meaning": "approved", "password": PASSWORD, "comment": "Fine."}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["signer"] == "Claire Ustinov" and body["organization"] == "Northwind Retail"
    assert body["meaning"] == "approved" and body["content_sha256"] == v1.content_sha256
    assert body["signed_at"].endswith("Z") or body["signed_at"].endswith("+00:00")
    assert "password" not in body


@pytest.mark.parametrize("password", ["wrong", "", None])
def test_sign_with_a_wrong_or_missing_password_is_403_and_writes_nothing_but_the_counter(api_as, customer, v1,
                                                                                          submit, password):
    submit(v1, [customer])
    payload = {"meaning": "approved"} | ({"password": password} if password is not None else {})
    response = api_as(customer).post(f"/api/v1/versions/{v1.pk}/sign/", payload, format="json")
    assert response.status_code == 403
    assert "nothing was signed" in response.json()["detail"].lower()
    assert not Signature.objects.exists()
    assert ApprovalSubmission.objects.get(version=v1).status == "pending"
    assert SigningLock.objects.get(user=customer).failures == 1


def test_sign_is_429_with_retry_after_while_locked(api_as, customer, v1, submit, settings):
    settings.SIGNING_LOCKOUT_ATTEMPTS = 3
    settings.SIGNING_LOCKOUT_SECONDS = 300
    submit(v1, [customer])
    api = api_as(customer)
    url = f"/api/v1/versions/{v1.pk}/sign/"
    codes = [api.post(url, {"meaning": "approved", "password": "bad"}, format="json").status_code for _ in range(3)]
    assert codes == [403, 403, 403]
    locked = api.post(url, {"meaning": "approved", "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert 1 <= int(locked["Retry-After"]) <= 301
    assert not Signature.objects.exists()


def test_version_ids_outside_my_engagements_are_404_before_anything_else(api_as, outsider, other_engagement,
                                                                         customer, v1, submit):
    submit(v1, [customer])
    api = api_as(outsider)
    for action in ("sign", "submit"):
        assert api.post(f"/api/v1/versions/{v1.pk}/{action}/", {}, format="json").status_code == 404
        assert api.get(f"/api/v1/versions/{v1.pk}/{action}/").status_code == 404
    assert api_as(customer).post("/api/v1/versions/999999/sign/", {}, format="json").status_code == 404
    assert not SigningLock.objects.exists()


def test_a_non_approver_member_gets_403_from_sign(api_as, it_lead, customer, v1, submit):
    submit(v1, [customer])
    response = api_as(it_lead).post(f"/api/v1/versions/{v1.pk}/sign/", {"meaning": "approved", "password": PASSWORD},
                                    format="json")
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_signing_twice_through_the_api_is_refused(api_as, customer, second_approver, v1, submit):
    submit(v1, [customer, second_approver])
    api = api_as(customer)
    url = f"/api/v1/versions/{v1.pk}/sign/"
    assert api.post(url, {"meaning": "approved", "password": PASSWORD}, format="json").status_code == 201
    assert api.post(url, {"meaning": "rejected", "password": PASSWORD}, format="json").status_code == 400
    assert Signature.objects.count() == 1


def test_signatures_are_listed_read_only_per_version(api_as, customer, observer, outsider, other_engagement, v1,
                                                    submit, sign):
    submit(v1, [customer])
    signature = sign(customer, v1)
    listing = api_as(observer).get(f"/api/v1/signatures/?version={v1.pk}")
    assert listing.status_code == 200
    [row] = listing.json()["results"]
    assert {k: row[k] for k in ("id", "signer", "organization", "meaning", "content_sha256")} == {
        "id": signature.pk, "signer": "Claire Ustinov", "organization": "Northwind Retail", "meaning": "approved",
        "content_sha256": v1.content_sha256}
    assert "signed_at" in row
    assert api_as(outsider).get(f"/api/v1/signatures/?version={v1.pk}").json()["results"] == []
    assert api_as(outsider).get(f"/api/v1/signatures/{signature.pk}/").status_code == 404
    assert api_as(observer).get("/api/v1/signatures/?version=abc").status_code == 400


def test_the_version_routes_of_this_app_are_only_submit_and_sign(api_as, customer):
    from django.urls import reverse

    assert reverse("version-approval-sign", args=[1]) == "/api/v1/versions/1/sign/"
    assert reverse("version-approval-submit", args=[1]) == "/api/v1/versions/1/submit/"
    from django.urls import NoReverseMatch

    for name in ("version-approval-list", "version-approval-detail"):
        with pytest.raises(NoReverseMatch):
            reverse(name)


def test_the_schema_documents_the_endpoints(api_as, customer):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "post" in paths["/api/v1/versions/{id}/sign/"]
    assert "post" in paths["/api/v1/versions/{id}/submit/"]
    assert set(paths["/api/v1/signatures/{id}/"]) == {"get"}
    assert "429" in paths["/api/v1/versions/{id}/sign/"]["post"]["responses"]
