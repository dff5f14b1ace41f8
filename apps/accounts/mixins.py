"""The door of every engagement page: the asker's membership, resolved once per request.

Non-members get 404 for every method; the membership found here is what the view, its selectors
(as `self.scope`) and its template (`membership`, and the policy flags as `may`) use for the rest of
the request.
"""
from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from apps.core.scope import Scope

from . import policies
from .models import Membership
from .selectors import membership_or_404


class EngagementMixin(LoginRequiredMixin):
    """Resolves `engagement_id` to the user's membership before any method handler runs.

    Anonymous users go to the login page; non-members get 404 for every method.
    """

    membership: Membership
    scope: Scope  # what the page's selectors read with: this membership's engagement, no second lookup
    pmo_only = False
    nav = "overview"  # which top-navigation entry is current

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = membership_or_404(user=request.user, engagement_id=kwargs["engagement_id"])
        self.engagement = self.membership.engagement
        self.scope = Scope.at_door(user=request.user, membership=self.membership)
        self.resolve_objects(**kwargs)
        if self.pmo_only and not policies.is_pmo(self.membership):
            raise PermissionDenied("Only the PMO can do that.")
        return super().dispatch(request, *args, **kwargs)

    def resolve_objects(self, **kwargs: Any) -> None:
        """Load objects named in the URL (scoped); subclasses raise Http404 for foreign ids."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(engagement=self.engagement, membership=self.membership, nav=self.nav,
                       may=policies.flags(self.membership))
        return context
