"""HTML view plumbing every app shares: service-error translation and stale-edit handling."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse

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
