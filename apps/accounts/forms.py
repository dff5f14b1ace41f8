from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.forms import PasswordResetForm

from .models import User


class InvitationAwarePasswordResetForm(PasswordResetForm):
    """Django skips accounts without a usable password; an invited member who lost the invitation
    e-mail has exactly such an account, and must still be able to ask for a link."""

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email, is_active=True))
