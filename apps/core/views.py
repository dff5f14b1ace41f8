"""HTML view plumbing: membership resolution and service-error translation."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from apps.accounts.models import Membership
from apps.accounts.selectors import membership_or_404


class EngagementMixin(LoginRequiredMixin):
    """Resolves `engagement_id` to the user's membership before any method handler runs.

    Anonymous users go to the login page; non-members get 404 for every method.
    """

    membership: Membership
    pmo_only = False
    nav = "overview"  # which top-navigation entry is current

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = membership_or_404(user=request.user, engagement_id=kwargs["engagement_id"])
        self.engagement = self.membership.engagement
        self.resolve_objects(**kwargs)
        if self.pmo_only and not self.membership.is_pmo:
            raise PermissionDenied("Only the PMO can do that.")
        return super().dispatch(request, *args, **kwargs)

    def resolve_objects(self, **kwargs: Any) -> None:
        """Load objects named in the URL (scoped); subclasses raise Http404 for foreign ids."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(engagement=self.engagement, membership=self.membership, nav=self.nav)
        return context


def add_service_error(form: Any, exc: Exception) -> None:
    """Show a service's refusal on the form: on its field when it names one the form has."""
    field = getattr(exc, "field", None)
    message = getattr(exc, "message", str(exc))
    form.add_error(field if field in getattr(form, "fields", {}) else None, message)
