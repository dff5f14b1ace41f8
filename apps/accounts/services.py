"""Account writes: organizations, and the invitation e-mail that lets a new member choose a password."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.audit.services import audit_log
from apps.core.errors import ApplicationError

from .models import Organization, User


def set_password_path(user: User) -> str:
    """A one-time link (Django's reset token: invalid once the password changes or after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator
                                                              .make_token(user)})


def invitation_email_send(*, user_id: int, engagement_name: str, inviter_name: str, role: str) -> bool:
    """E-mail a newly invited person a link to choose their password. Run by a task, after commit."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False  # already set up: nothing to send
    link = f"{settings.CONCORD_BASE_URL}{set_password_path(user)}"
    body = (f"{inviter_name} invited you to the engagement “{engagement_name}” in Concord as {role}.\n\n"
            f"Choose your password here (the link works once): {link}\n\n"
            f"Then sign in with this e-mail address: {user.email}")
    EmailMessage(subject=f"[Concord] You are invited to {engagement_name}", body=body,
                 from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]).send(fail_silently=False)
    return True


@transaction.atomic
def organization_get_or_create(*, actor: User, name: str) -> Organization:
    """The company named `name` taking part, created and audited if new."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Name the organization.", field="organization")
    if len(name) > Organization._meta.get_field("name").max_length:
        raise ApplicationError("That organization name is too long.", field="organization")
    organization, created = Organization.objects.get_or_create(name=name)  # survives a concurrent insert
    if created:
        audit_log(actor=actor, action="accounts.organization.created", target=organization,
                  changes={"name": organization.name, "kind": organization.kind})
    return organization
