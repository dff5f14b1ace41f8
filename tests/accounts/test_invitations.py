from __future__ import annotations

import re

import pytest
from django.core import mail

from apps.accounts.models import User
from apps.engagements.services import member_invite

from ..factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    """The set-password path in the e-mail (CONCORD_BASE_URL is empty in tests)."""
    return re.search(r"(/accounts/reset/\S+/)", message.body).group(1)


def test_an_invited_newcomer_gets_a_link_to_choose_a_password_and_can_then_sign_in(
        pmo, engagement, workstreams, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member_invite(actor=pmo, engagement=engagement, email="New.Dev@Partner.example", full_name="New Dev",
                      organization=OrganizationFactory(name="Contoso"), role="contributor",
                      workstream=workstreams["data"])
    user = User.objects.get(email="new.dev@partner.example")
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["new.dev@partner.example"] and engagement.name in message.body
    link = _link(message)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "Str0ng-new-pass!",
                                                         "new_password2": "Str0ng-new-pass!"})
    assert done.status_code == 302
    assert client.login(username="new.dev@partner.example", password="Str0ng-new-pass!")
    assert not client.get(link, follow=True).context["validlink"]  # the link works once


def test_inviting_someone_who_already_has_an_account_mails_them_to_sign_in_without_a_password_link(
        pmo, engagement, outsider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member_invite(actor=pmo, engagement=engagement, email=outsider.email, full_name="", role="observer",
                      organization=OrganizationFactory(name="Globex"))
    (message,) = mail.outbox
    assert message.to == [outsider.email] and "/accounts/reset/" not in message.body
    assert "accept or decline" in message.body


def test_forgot_password_also_reaches_invited_members_without_a_password(pmo, engagement, client,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        member_invite(actor=pmo, engagement=engagement, email="late@partner.example", full_name="Late",
                      organization=OrganizationFactory(name="Contoso"), role="observer")
    response = client.post("/accounts/password-reset/", {"email": "late@partner.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
