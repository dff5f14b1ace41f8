"""Account pages that need more than Django's stock views."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from . import tokens
from .forms import TokenRevokingPasswordChangeForm
from .throttling import password_reset_refusal


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, but a flood of reset e-mails (one address, or one mailbox) is refused with 429."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = password_reset_refusal(request)
        if wait is not None:
            minutes = max(1, -(-wait // 60))
            response = render(request, "accounts/password_reset.html", {
                "form": self.get_form(), "throttled": (
                    f"Too many reset e-mails were asked for; none was sent. Try again in {minutes} minute"
                    f"{'s' if minutes != 1 else ''}, and check your spam folder for the earlier ones.")},
                status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own settings: API tokens (create, list, revoke) and a link to change the password."""
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "create-token":
            token, new_token = tokens.api_token_create(user=request.user, via="account settings")
            messages.success(request, "Token created. Copy it now: it is shown only once.")
        elif action == "revoke":
            if tokens.api_token_revoke(user=request.user, token_ref=request.POST.get("token", "")):
                messages.success(request, "Token revoked; scripts using it now get 401.")
            else:
                messages.error(request, "No such token (already revoked or expired?).")
            return redirect("accounts:settings")
        elif action == "revoke-all":
            count = tokens.api_tokens_revoke_all(user=request.user, reason="revoked by its owner")
            messages.success(request, f"{count} token{'s' if count != 1 else ''} revoked.")
            return redirect("accounts:settings")
        else:
            messages.error(request, "Unknown action.")
            return redirect("accounts:settings")
    rows = [{"id": tokens.token_id(t), "created": t.created, "expiry": t.expiry}
            for t in tokens.api_tokens_of(user=request.user)]
    return render(request, "accounts/settings.html", {
        "tokens": rows, "new_token": new_token, "ttl_hours": settings.API_TOKEN_TTL_HOURS})


class TokenRevokingPasswordChangeView(auth_views.PasswordChangeView):
    form_class = TokenRevokingPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        messages.success(self.request, "Password changed. Every API token was revoked; create a new one if a "
                                       "script needs it.")
        return response
