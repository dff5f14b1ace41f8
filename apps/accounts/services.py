"""Account writes: organizations, and the invitation e-mail (with a password link for a new account)."""
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

from .models import Invitation, Organization, User


def set_password_path(user: User) -> str:
    """A one-time link (Django's reset token: invalid once the password changes or after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator
                                                              .make_token(user)})


def invitation_email_send(*, invitation_id: int) -> bool:
    """E-mail the invited person: sign in (choosing a password first if the account is new) and accept or
    decline on the home page. Run by a task, after commit; nothing is sent for an answered invitation."""
    invitation = (Invitation.objects.select_related("invitee", "engagement", "invited_by")
                  .filter(pk=invitation_id, status=Invitation.Status.PENDING, invitee__is_active=True).first())
    if invitation is None:
        return False
    user = invitation.invitee
    base = settings.CONCORD_BASE_URL
    lines = [f"{invitation.invited_by.get_full_name()} invited you to the engagement “{invitation.engagement.name}” "
             f"in Concord as {invitation.get_role_display()}."]
    if not user.has_usable_password():
        lines.append(f"Choose your password here (the link works once): {base}{set_password_path(user)}")
    lines.append(f"Then sign in with this e-mail address ({user.email}) and accept or decline the invitation on "
                 f"your home page: {base}{reverse('home')}")
    subject = " ".join(f"[Concord] You are invited to {invitation.engagement.name}".split())
    EmailMessage(subject=subject, body="\n\n".join(lines), from_email=settings.DEFAULT_FROM_EMAIL,
                 to=[user.email]).send(fail_silently=False)
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
