"""The approval pages, as a user meets them."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.approvals.models import ApprovalSubmission, SectionComment, Signature
from apps.audit.models import AuditEvent

from ..factories import PASSWORD


def url(name, engagement, version=None, **kw):
    args = [engagement.pk] + ([version.pk] if version is not None else [])
    return reverse(f"approvals:{name}", args=args, kwargs=kw or None) if not kw else reverse(
        f"approvals:{name}", kwargs={"engagement_id": engagement.pk, "version_id": version.pk, **kw})


def test_the_approver_signs_in_the_browser_with_a_password_prompt(as_user, customer, engagement, v1, submit):
    submit(v1, [customer])
    client = as_user(customer)
    page = client.get(url("version", engagement, v1))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="password"' in html and 'autocomplete="current-password"' in html
    assert "Customers sign in with SSO." in html  # the stored document
    response = client.post(url("sign", engagement, v1), {"meaning": "approved", "password": PASSWORD})
    assert response.status_code == 302
    signature = Signature.objects.get()
    page = client.get(url("version", engagement, v1)).content.decode()
    assert "Claire Ustinov" in page and signature.content_sha256 in page and "Approved" in page
    assert "v1 approved by Claire Ustinov (Northwind Retail)" in page


def test_a_wrong_password_in_the_browser_says_why_and_signs_nothing(as_user, customer, engagement, v1, submit):
    submit(v1, [customer])
    response = as_user(customer).post(url("sign", engagement, v1), {"meaning": "approved", "password": "nope"})
    assert response.status_code == 403
    assert "That password is not correct; nothing was signed." in response.content.decode()
    assert "nope" not in response.content.decode()
    assert not Signature.objects.exists()


def test_a_locked_signer_gets_429_with_retry_after_in_the_browser(as_user, customer, engagement, v1, submit, settings):
    settings.SIGNING_LOCKOUT_ATTEMPTS = 1
    submit(v1, [customer])
    client = as_user(customer)
    client.post(url("sign", engagement, v1), {"meaning": "approved", "password": "nope"})
    response = client.post(url("sign", engagement, v1), {"meaning": "approved", "password": PASSWORD})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "locked" in response.content.decode()


def test_requesting_changes_without_a_comment_is_a_form_error(as_user, customer, engagement, v1, submit):
    submit(v1, [customer])
    response = as_user(customer).post(url("sign", engagement, v1),
                                      {"meaning": "changes_requested", "password": PASSWORD})
    assert response.status_code == 400
    assert "comment is required" in response.content.decode()


def test_the_sign_form_is_shown_only_to_a_named_approver_who_has_not_signed(as_user, pmo, customer, observer,
                                                                           engagement, v1, submit, sign):
    submit(v1, [customer])
    assert 'id="sign"' not in as_user(pmo).get(url("version", engagement, v1)).content.decode()
    assert 'id="sign"' not in as_user(observer).get(url("version", engagement, v1)).content.decode()
    assert 'id="sign"' in as_user(customer).get(url("version", engagement, v1)).content.decode()
    sign(customer, v1)
    assert 'id="sign"' not in as_user(customer).get(url("version", engagement, v1)).content.decode()


def test_the_pmo_submits_from_the_browser(as_user, pmo, customer, engagement, v1):
    client = as_user(pmo)
    page = client.get(url("submit", engagement, v1))
    assert page.status_code == 200 and "Claire Ustinov (Northwind Retail)" in page.content.decode()
    response = client.post(url("submit", engagement, v1), {"approvers": [customer.pk], "policy": "all"})
    assert response.status_code == 302
    assert ApprovalSubmission.objects.get(version=v1).status == "pending"


def test_non_pmo_members_cannot_submit_or_withdraw(as_user, customer, it_lead, engagement, v1, submit):
    for user in (customer, it_lead):
        assert as_user(user).get(url("submit", engagement, v1)).status_code == 403
        assert as_user(user).post(url("submit", engagement, v1), {"approvers": [customer.pk]}).status_code == 403
    submit(v1, [customer])
    assert as_user(it_lead).post(url("withdraw", engagement, v1)).status_code == 403
    assert ApprovalSubmission.objects.get(version=v1).status == "pending"


def test_the_pmo_withdraws_from_the_browser(as_user, pmo, customer, engagement, v1, submit):
    submit(v1, [customer])
    assert as_user(pmo).post(url("withdraw", engagement, v1)).status_code == 302
    assert ApprovalSubmission.objects.get(version=v1).status == "withdrawn"


def test_outsiders_get_404_on_every_route_and_method(as_user, outsider, other_engagement, engagement, v1, customer,
                                                     submit):
    submit(v1, [customer])
    client = as_user(outsider)
    for name in ("version", "submit", "sign", "withdraw", "comment"):
        assert client.get(url(name, engagement, v1)).status_code == 404, name
        assert client.post(url(name, engagement, v1), {}).status_code == 404, name
    assert client.get(reverse("approvals:overview", args=[engagement.pk])).status_code == 404
    for fmt in ("md", "html", "pdf", "docx"):
        assert client.get(url("export", engagement, v1, fmt=fmt)).status_code == 404
    # a member of one engagement cannot reach a version through another engagement's URL
    assert client.get(reverse("approvals:version", args=[other_engagement.pk, v1.pk])).status_code == 404


def test_the_diff_is_against_the_last_approved_version(as_user, customer, engagement, v1, submit, sign, deliverable,
                                                       publish):
    submit(v1, [customer])
    sign(customer, v1)
    v2 = publish(deliverable, {"Security": "Customers sign in with SSO.\nStaff use MFA."})
    html = as_user(customer).get(url("version", engagement, v2)).content.decode()
    assert "Changes since v1, the last approved version" in html
    assert "<ins>Staff</ins> <ins>use MFA</ins>" in html
    assert "v1 approved by Claire Ustinov (Northwind Retail)" in html and "v2 not submitted for approval" in html


def test_a_first_version_has_no_diff_base(as_user, customer, engagement, v1):
    html = as_user(customer).get(url("version", engagement, v1)).content.decode()
    assert "No earlier version of this deliverable was approved" in html


def test_comments_on_sections(as_user, customer, observer, engagement, v1):
    client = as_user(customer)
    response = client.post(url("comment", engagement, v1), {"section_heading": "Security", "body": "Which SSO?"})
    assert response.status_code == 302
    comment = SectionComment.objects.get()
    assert comment.section_heading == "Security"
    assert AuditEvent.objects.filter(action="approvals.comment.created", target_id=str(comment.pk)).exists()
    assert "Which SSO?" in client.get(url("version", engagement, v1)).content.decode()
    assert as_user(observer).post(url("comment", engagement, v1), {"body": "x"}).status_code == 403
    bad = as_user(customer).post(url("comment", engagement, v1), {"section_heading": "Nope", "body": "x"})
    assert bad.status_code == 400


def test_the_approvals_page_lists_pending_signatures_and_open_items(as_user, pmo, customer, second_approver,
                                                                    engagement, v1, submit, sign, deliverable,
                                                                    publish):
    submit(v1, [customer, second_approver])
    sign(customer, v1, meaning="changes_requested", comment="Security: require MFA")
    v2 = publish(deliverable, {"Security": "MFA for staff."})
    submit(v2, [customer])
    html = as_user(pmo).get(reverse("approvals:overview", args=[engagement.pk])).content.decode()
    assert "Integrated Requirements v2" in html  # awaiting approval
    assert "require MFA" in html and "open" in html
    assert "Changes requested" in html  # in the signature history
    assert f'<option value="{v2.pk}"' in html  # the PMO can mark it addressed in v2
    assert 'aria-current="page">Approvals' in html


def test_the_pmo_marks_an_item_addressed_and_the_approver_sees_it(as_user, pmo, customer, engagement, v1, submit,
                                                                  sign, deliverable, publish):
    submit(v1, [customer])
    signature = sign(customer, v1, meaning="changes_requested", comment="Security: require MFA")
    v2 = publish(deliverable, {"Security": "MFA for staff."})
    item = signature.change_items.get()
    address = reverse("approvals:address_item", args=[engagement.pk, item.pk])
    assert as_user(customer).post(address, {"version": v2.pk}).status_code == 403
    assert as_user(pmo).post(address, {"version": v2.pk, "note": "done"}).status_code == 302
    html = as_user(customer).get(url("version", engagement, v2)).content.decode()
    assert "addressed in v2" in html


def test_the_overview_query_count_does_not_grow_with_signatures(as_user, pmo, customer, engagement, deliverable,
                                                                publish, submit, sign,
                                                                django_assert_max_num_queries):
    client = as_user(pmo)
    version = publish(deliverable)
    submit(version, [customer])
    sign(customer, version, meaning="changes_requested", comment="a\nb")
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("approvals:overview", args=[engagement.pk]))
    for n in range(2, 7):
        version = publish(deliverable, {"Scope": f"Scope {n}"})
        submit(version, [customer])
        sign(customer, version, meaning="changes_requested", comment=f"c{n}\nd{n}\ne{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("approvals:overview", args=[engagement.pk]))


@pytest.mark.parametrize("name", ["version", "submit"])
def test_anonymous_users_are_sent_to_login(client, engagement, v1, name):
    response = client.get(url(name, engagement, v1))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_the_template_tags_other_pages_include(rf, customer, pmo, engagement, v1, submit, deliverable):
    from django.template import Context, Template

    from apps.accounts.models import Membership

    submit(v1, [customer])
    request = rf.get("/")
    request.user = pmo
    html = Template("{% load approvals %}{% approval_status deliverable %}|{% approval_panel version %}").render(
        Context({"deliverable": deliverable, "version": v1, "request": request,
                 "membership": Membership.objects.get(user=pmo, engagement=engagement)}))
    assert html.startswith("No version approved yet; v1 awaiting approval|")
    assert "Review and sign" in html and f"/versions/{v1.pk}/export/pdf/" in html
