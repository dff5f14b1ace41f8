"""Refuse malformed requests at the door, before any view or query sees them.

- A NUL byte anywhere in the path, query string or a posted form field: PostgreSQL cannot store or compare text holding
  one, so a filter such as `?q=%00` would end in a DataError (a 500) deep inside a queryset.
- A JSON body nested deeper than `JSON_MAX_DEPTH`: Python's JSON decoder recurses per level and
  raises RecursionError near 1,000, which no parser turns into a 400 (the anonymous token endpoint
  included). No Concord payload needs more than a few levels.

Both answer 400: JSON under /api/, a plain page elsewhere. Form fields with NUL are already refused
by Django's and DRF's CharField validators.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

JSON_MAX_DEPTH = 64
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_STRING = re.compile(rb'"(?:\\.|[^"\\])*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def json_depth(body: bytes) -> int:
    """Deepest nesting of arrays/objects in a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class RejectMalformedInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or "%00" in query or "\x00" in query or any(
                "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return bad_request(request, "The request contains a NUL character (%00); remove it.")
        if request.method == "POST" and request.content_type in FORM_TYPES and any(
                "\x00" in key or "\x00" in value for key, values in request.POST.lists() for value in values):
            # a form field is checked by its form, but some code reads fields before any form does (the
            # sign-in lockout looks the username up first)
            return bad_request(request, "The form contains a NUL character; remove it.")
        if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            body = request.body
            if body.count(b"[") + body.count(b"{") > JSON_MAX_DEPTH and json_depth(body) > JSON_MAX_DEPTH:
                return bad_request(request, f"The JSON body is nested more than {JSON_MAX_DEPTH} levels deep.")
        return self.get_response(request)


class NotFoundPageMiddleware:
    """With DEBUG on, answer a 404 with the site's own page, not Django's technical one.

    `make run` runs with DEBUG on so a crash shows its traceback, but the technical 404 lists every URL
    pattern of the site to whoever mistypes an address, and looks like a crash to someone trying the
    demo. Only the 404 is swapped (through the same handler production uses); 500s keep the debug page.
    `TECHNICAL_404=1` brings Django's page back when a developer wants to see why a URL did not resolve.
    Inactive when DEBUG is off: production already renders handler404.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.active = settings.DEBUG and not getattr(settings, "TECHNICAL_404", False)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (self.active and response.status_code == 404 and not is_api(request)
                and response.get("Content-Type", "").startswith("text/html")):
            from apps.core.views import error_404

            return error_404(request, None)
        return response
