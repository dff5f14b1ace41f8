"""API plumbing shared by every app: error translation and membership-scoped viewsets."""
from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback
from rest_framework.viewsets import GenericViewSet

from .errors import ApplicationError, ImmutableRecordError, StaleRevisionError
from .ids import is_id
from .scope import Scope

logger = logging.getLogger("django.request")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = _known_error(exc, context)
    if response is not None:
        return response
    # Anything else is our bug. An API client still gets JSON (not Django's HTML 500 page); the error is
    # logged with its traceback the way Django logs one, and the request's transaction rolls back.
    request = context.get("request")
    logger.error("Internal Server Error: %s", getattr(request, "path", "?"), exc_info=exc,
                 extra={"status_code": 500, "request": getattr(request, "_request", None)})
    set_rollback()
    return Response({"detail": "Something went wrong on our side; nothing was saved. Please try again later."},
                    status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def _known_error(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StaleRevisionError):
        return stale_response(exc, header=False)
    if isinstance(exc, ApplicationError):
        payload: dict[str, Any] = {"detail": exc.message}
        if exc.field:
            payload[exc.field] = [exc.message]
        return Response(payload, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": "; ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ImmutableRecordError):
        return Response({"detail": str(exc)}, status=status.HTTP_405_METHOD_NOT_ALLOWED)
    return drf_exception_handler(exc, context)


def revision_payload(revision: Any) -> dict[str, Any] | None:
    if revision is None:
        return None
    return {
        "number": revision.number,
        "title": revision.title,
        "body": revision.body,
        "body_sha256": revision.body_sha256,
        "author": str(revision.author),
        "created_at": revision.created_at.isoformat(),
    }


# Edits name the revision they were made on: If-Match: "<n>" (answered 412 when stale) or a body field
# (answered 409). Both refusals carry the current revision so the client can merge.
STALE_RESPONSES = {409: OpenApiTypes.OBJECT, 412: OpenApiTypes.OBJECT}


def if_match(request: Request) -> int | None:
    raw = request.headers.get("If-Match")
    if not raw:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not is_id(value):
        raise ValidationError({"If-Match": ['Send the revision number you edited, e.g. If-Match: "3".']})
    return int(value)


def stale_response(exc: StaleRevisionError, *, header: bool) -> Response:
    return Response({"detail": exc.message, "current_revision": revision_payload(exc.current)},
                    status=status.HTTP_412_PRECONDITION_FAILED if header else status.HTTP_409_CONFLICT,
                    headers={"ETag": f'"{exc.current.number}"'})


def query_int(params: Any, name: str, *, noun: str = "an id") -> int | None:
    """An optional id in the query string; anything else is a 400 naming the parameter."""
    value = params.get(name)
    if value in (None, ""):
        return None
    if not is_id(value):
        raise ValidationError({name: [f"Must be {noun}."]})
    return int(value)


class ScopedViewSet(GenericViewSet):
    """A viewset whose objects are looked up in the user's scope *before* anything else.

    DRF picks the handler after `initial()`; checking the object there means a non-member
    gets 404 for every method, never a 405 or 403 that would reveal the object exists.
    """

    def scope(self, *, engagement_id: int | None = None) -> Scope:
        """The asker's reach: every engagement they belong to, or the one named (`?engagement=`)."""
        return Scope.of_user(self.request.user, engagement_id=engagement_id)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        lookup = self.lookup_url_kwarg or self.lookup_field
        if lookup in kwargs:
            value = kwargs[lookup]
            if not is_id(value) or not self.get_queryset().filter(**{self.lookup_field: value}).exists():
                raise Http404


class ServiceCreateMixin:
    """POST creates through a service: validated serializer data become its keyword arguments.

    Views stay thin and the rule lives in the service (`create_service(actor=..., **data)`).
    """

    create_service: Any

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        created = self.create_service(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)  # type: ignore[attr-defined]


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id in a request body, accepted only if the asking user may see it.

    `scope` is a selector `(*, scope: Scope) -> QuerySet` of the rows the asker may see; foreign ids read
    as "does not exist". Scoping lives in the selectors, never in the serializer.
    """

    def __init__(self, *, scope: Any, **kwargs: Any):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return self.scope(scope=Scope.of_user(request.user))
