"""Schemathesis over the served OpenAPI schema (/api/schema/), in-process through Django's WSGI handler.

Bounded so `make test` stays quick: one database set-up (the demo engagement), then a few derandomized
examples per operation as the demo PMO: valid requests aimed at real objects (so response bodies are
checked against the schema, not only 404s) and invalid ones. Every answer must be a non-5xx whose body
and content type match what the schema documents for that status.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from apps.accounts.models import User
from apps.accounts.tokens import api_token_create
from apps.deliverables.models import Deliverable
from apps.deliverables.services import version_publish
from apps.engagements.models import Engagement
from apps.inputs.requests import input_request_create

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 5
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

# Loaded once at collection, through the app itself (the schema view reads no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())


@contextmanager
def keep_the_test_transaction_open():
    """Django closes the database connection after each request (CONN_MAX_AGE=0); its test client stops that
    (and restores it after each of its requests), and so must this in-process WSGI run, or the test's
    transaction and its data would be gone."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _first_ids(user: User) -> dict[str, int]:
    """One real object per resource, as the API lists it to `user`."""
    api, ids = APIClient(), {}
    api.force_authenticate(user)
    for path in schema.raw_schema["paths"]:
        resource = path.split("/")[3]
        if "{id}" in path and resource not in ids:
            response = api.get(f"/api/v1/{resource}/")
            rows = response.json() if response.status_code == 200 else []
            rows = rows.get("results", []) if isinstance(rows, dict) else rows
            if rows and isinstance(rows[0], dict) and "id" in rows[0]:
                ids[resource] = rows[0]["id"]
    return ids


def _describe(exc: BaseException) -> str:
    """One line per failed check: what, and where in the response body."""
    lines = []
    for failure in getattr(exc, "exceptions", None) or [exc]:
        where = "/".join(str(p) for p in getattr(failure, "instance_path", None) or [])
        detail = getattr(failure, "_validation_message", None) or str(failure).splitlines()[0]
        lines.append(f"  {getattr(failure, 'title', type(failure).__name__)} at /{where}: {str(detail)[:300]}")
    return "\n".join(lines)


def test_every_api_operation_answers_without_server_errors_and_as_documented():
    call_command("seed_demo", force=True, verbosity=0)
    pmo = User.objects.get(email="pmo@example.com")
    engagement = Engagement.objects.get(memberships__user=pmo, name="Customer Platform Renewal")
    # what the demo lacks, so those operations answer with bodies too: an input request, a published version
    input_request_create(actor=pmo, engagement=engagement, topic="Budget", description="Figures by Friday.",
                         due_date=dt.date.today() + dt.timedelta(days=7),
                         workstreams=list(engagement.workstreams.all()))
    version_publish(deliverable=Deliverable.objects.filter(engagement=engagement).first(), actor=pmo)
    headers = {"Authorization": f"Token {api_token_create(user=pmo, via='schemathesis')[1]}"}
    ids = _first_ids(pmo)
    failures, tried = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        real = {"id": ids[operation.path.split("/")[3]]} if "{id}" in operation.path and \
            operation.path.split("/")[3] in ids else None
        strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real),
                             operation.as_strategy(GenerationMode.NEGATIVE))

        @given(case=strategy)
        @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        tried += 1
        try:
            with keep_the_test_transaction_open():
                run()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, report them together
            failures.append(f"{operation.label}: {_describe(exc)}")
    assert tried > 50
    assert not failures, f"{len(failures)} of {tried} operations failed:\n\n" + "\n\n".join(failures)
