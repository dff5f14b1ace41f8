"""Errors raised by services. Views and API views translate them; services never return HTTP."""
from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the request; the message is shown to the user as is."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}


class PermissionDeniedError(ApplicationError):
    status_code = 403


class StaleRevisionError(ApplicationError):
    """The caller edited on top of a revision that is no longer current."""

    status_code = 409

    def __init__(self, message: str, *, current: Any):
        super().__init__(message, extra={"current": current})
        self.current = current


class ImmutableRecordError(Exception):
    """Raised when code tries to change or delete a record that is append-only by design."""
