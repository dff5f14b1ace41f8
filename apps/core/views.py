"""HTML view plumbing every app shares: service-error translation and stale-edit handling."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views import defaults

from apps.core.errors import ApplicationError, StaleRevisionError


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


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for whatever the page's <link rel="icon"> says: the static icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
