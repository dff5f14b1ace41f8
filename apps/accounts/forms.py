from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.forms import AdminPasswordChangeForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.db import transaction

from .models import User


class InvitationAwarePasswordResetForm(PasswordResetForm):
    """Django skips accounts without a usable password; an invited member who lost the invitation
    e-mail has exactly such an account, and must still be able to ask for a link."""

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email, is_active=True))


class _RevokesTokens:
    """A new password ends every API token: whoever held the old password may have minted some."""

    def save(self, commit: bool = True):  # type: ignore[no-untyped-def]
        from .tokens import api_tokens_revoke_all

        with transaction.atomic():
            user = super().save(commit=commit)  # type: ignore[misc]
            if commit:
                api_tokens_revoke_all(user=user, reason=self.revoke_reason)
        return user


class TokenRevokingSetPasswordForm(_RevokesTokens, SetPasswordForm):
    revoke_reason = "password reset"


class TokenRevokingPasswordChangeForm(_RevokesTokens, PasswordChangeForm):
    revoke_reason = "password changed"


class TokenRevokingAdminPasswordChangeForm(_RevokesTokens, AdminPasswordChangeForm):
    revoke_reason = "password set by an administrator"
