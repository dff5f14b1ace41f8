"""HTML view plumbing: membership resolution and service-error translation."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from apps.accounts.models import Membership
from apps.accounts.selectors import membership_or_404
from apps.core.errors import ApplicationError, StaleRevisionError


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


class StaleEditMixin:
    """One way to save an edit that names the revision it was made on.

    A stale edit (someone saved in between) re-renders the form with the user's own text kept,
    the newer version shown beside it (`newer` in the context, status 409), and the form now
    pointing at that newer revision, so merging and saving again is one click. The view provides
    `_form(data)`; `save(cleaned_data)` calls the service and returns the success response.
    """

    stale_noun = "text"

    def save_edit(self, form: Any, save: Callable[[dict[str, Any]], HttpResponse]) -> HttpResponse:
        if form.is_valid():
            try:
                return save(form.cleaned_data)
            except StaleRevisionError as exc:
                data = self.request.POST.copy()  # type: ignore[attr-defined]
                data["expected_revision"] = str(exc.current.number)
                form = self._form(data)  # type: ignore[attr-defined]
                form.is_valid()
                form.add_error(None, f"{exc.message} Compare with the newer {self.stale_noun} below, merge, "
                                     "then save again.")
                context = self.get_context_data(form=form, newer=exc.current)  # type: ignore[attr-defined]
                return self.render_to_response(context, status=409)  # type: ignore[attr-defined]
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)  # type: ignore[attr-defined]


# --- error pages: JSON under /api/ (an API client never parses an HTML page), the templates elsewhere ---

def _api_error(request: HttpRequest, status: int, detail: str) -> HttpResponse | None:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return None


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 400, "Bad request.") or defaults.bad_request(request, exception)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403, "You do not have permission to do that.") or defaults.permission_denied(
        request, exception)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404, "Not found.") or defaults.page_not_found(request, exception)


def error_500(request: HttpRequest) -> HttpResponse:
    return (_api_error(request, 500, "Something went wrong on our side; nothing was saved. Please try again later.")
            or defaults.server_error(request))
