"""Walks every URL pattern the project defines and checks it for every role.

A new route cannot forget its checks: if it names an object this walker does not know, the walker
fails and asks for the object to be added to OBJECT_KWARGS / API_BASENAMES below.

For each route, filled with the ids of objects of a "victim" engagement:
- an outsider (member of another engagement only) gets 404 for GET, POST, PUT, PATCH and DELETE;
- anonymous visitors are sent to the login page (HTML) or refused with 401/403 (API);
- every member role can GET without a server error, and never gets 404 for their own engagement;
- no response to the outsider anywhere contains the victim's marker text;
- an observer's write attempts on any route never change anything (no audit event is written).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import Role
from apps.audit.models import AuditEvent

MARKER = "ZQXJ-victim-secret"

# Routes anyone may open, or that belong to Django itself.
PUBLIC_PREFIXES = ("admin/", "accounts/login/", "accounts/logout/", "api/schema/", "api/docs/", "static/",
                   "api/v1/auth/token/", "accounts/password-reset/", "accounts/reset/")


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    kwarg_names: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            route = prefix + str(entry.pattern)
            kwargs = tuple(entry.pattern.regex.groupindex)
            if "format" in kwargs:
                continue  # DRF's format-suffix twins of the same views
            yield Route(name, route, kwargs)


def all_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        if route.route.startswith(PUBLIC_PREFIXES):
            continue
        seen.setdefault(route.name, route)
    return sorted(seen.values(), key=lambda r: r.route)


@pytest.fixture
def world(db, engagement, workstreams, personas, objective, make_input):
    """One of every kind of object in the victim engagement, named with the marker."""
    from apps.inputs.services import input_update_details

    pmo, it_lead, data_lead = personas["pmo"], personas["it_lead"], personas["data_lead"]
    engagement.name = f"{MARKER} engagement"
    engagement.save()
    objective.title = f"{MARKER} objective"
    objective.save()
    a = make_input(it_lead, "it", title=f"{MARKER} A", body="Keep logs for 24 months.", submit=True)
    b = make_input(data_lead, "data", title=f"{MARKER} B", body="Delete logs within 90 days.", submit=True)
    input_update_details(actor=it_lead, input=a, objectives=[objective])
    objects = {"engagement": engagement, "input": a, "input_b": b, "objective": objective,
               "workstream": workstreams["it"], "revision": a.current_revision}
    from apps.accounts.models import Membership

    membership = Membership.objects.get(user=it_lead, engagement=engagement)
    objects.update(membership=membership, organization=membership.organization)
    from apps.inputs.requests import input_request_create

    objects["input_request"] = input_request_create(
        actor=pmo, engagement=engagement, topic=f"{MARKER} request", due_date=timezone.localdate() + timedelta(days=7),
        workstreams=[workstreams["it"], workstreams["data"]])
    objects.update(_other_apps_objects(engagement, workstreams, pmo, personas["customer"], a, b, objective))
    objects.update(_interchange_objects(engagement, workstreams, it_lead))
    objects.update(_planning_objects(engagement, workstreams, pmo, objective, objects))
    return objects


def _interchange_objects(engagement, workstreams, it_lead) -> dict:
    from apps.interchange.services import importjob_create

    content = f"Key,Title,Text\nK-1,{MARKER} row,Logs are kept.\n".encode()
    job = importjob_create(actor=it_lead, engagement=engagement, workstream=workstreams["it"],
                           file_name="victim.csv", content=content)
    from apps.webhooks.models import Webhook

    hook = Webhook.objects.create(engagement=engagement, url="https://hooks.example.com/x", events=["ping"],
                                  secret_encrypted="-", secret_hint=f"{MARKER}"[:16], created_by=it_lead)
    return {"import_job": job, "webhook": hook}


def _planning_objects(engagement, workstreams, pmo, objective, objects) -> dict:
    from django.core.files.base import ContentFile

    from apps.planning import services as planning
    from apps.planning.models import DeliveredDocument

    item = planning.workitem_create(actor=pmo, engagement=engagement, objective=objective,
                                    workstream=workstreams["it"], code="W1", title=f"{MARKER} work",
                                    planned_start=timezone.localdate(), planned_end=timezone.localdate())
    link = planning.workitem_link_add(actor=pmo, work_item=item, input=objects["input"])
    definition = planning.definition_create(actor=pmo, work_item=item, title=f"{MARKER} deliverable",
                                            due_date=timezone.localdate())
    document = DeliveredDocument(definition=definition, original_name="spec.txt", content_type="text/plain",
                                 size=6, sha256="0" * 64, uploaded_by=pmo)
    document.file.save("spec.txt", ContentFile(MARKER.encode()), save=False)
    document.save()
    return {"work_item": item, "work_item_link": link, "definition": definition, "document": document}


def _other_apps_objects(engagement, workstreams, pmo, customer, a, b, objective) -> dict:
    from apps.accounts.models import Membership
    from apps.alignment.models import AgendaItem, AlignmentSession, Decision, Position
    from apps.approvals.models import ApprovalSubmission, ChangeRequestItem, SectionComment, Signature
    from apps.conflicts.models import ChoiceSet, DetectionRun, Finding
    from apps.deliverables.models import Deliverable, DeliverableVersion, Section, TraceLink
    from apps.notifications.models import Notification

    run = DetectionRun.objects.create(engagement=engagement, scope="full", status="succeeded", total=1, done=1)
    finding = Finding.objects.filter(engagement=engagement).first() or Finding.objects.create(
        engagement=engagement, fingerprint=hashlib.sha256(MARKER.encode()).hexdigest(), label="conflict",
        kind="numeric", revision_a=a.current_revision, revision_b=b.current_revision, input_a=a, input_b=b,
        workstream_a=a.workstream, workstream_b=b.workstream, statement_a=a.current_revision.body,
        statement_b=b.current_revision.body, rule="test", score=0.9, explanation=f"{MARKER} clash", run=run)
    choice_set = ChoiceSet.objects.create(engagement=engagement, name=f"{MARKER} CDN", options=[["akamai"], ["fastly"]])
    from apps.conflicts.models import Calibration, RelatedPair
    from apps.conflicts.services import statements_record

    statements_record(revision=a.current_revision)
    statement = a.current_revision.statements.first()
    related_pair = RelatedPair.objects.create(
        engagement=engagement, pair_key=hashlib.sha256(b"related").hexdigest(), revision_a=a.current_revision,
        revision_b=b.current_revision, input_a=a, input_b=b, workstream_a=a.workstream, workstream_b=b.workstream,
        statement_a=f"{MARKER} a", statement_b=f"{MARKER} b", similarity=0.5)
    calibration = Calibration.objects.create(engagement=engagement, params={}, reason=f"{MARKER} calibration")
    session = AlignmentSession.objects.create(engagement=engagement, title=f"{MARKER} session",
                                              scheduled_at=timezone.now() + timedelta(days=1), created_by=pmo)
    item = AgendaItem.objects.create(session=session, finding=finding, title=f"{MARKER} item")
    position = Position.objects.create(agenda_item=item, workstream=a.workstream, stance="agree", reason="ok",
                                       recorded_by=a.author)
    decision = Decision.objects.create(agenda_item=item, engagement=engagement, outcome="merge", rationale="why",
                                       merged_text=f"{MARKER} merged", decided_by=pmo)
    deliverable = Deliverable.objects.create(engagement=engagement, title=f"{MARKER} spec", created_by=pmo)
    section = Section.objects.create(deliverable=deliverable, heading=f"{MARKER} section", body="Text")
    link = TraceLink.objects.create(section=section, input_revision=a.current_revision, created_by=pmo)
    html = f"<h2>{MARKER} section</h2><p>Text</p>".encode()
    version = DeliverableVersion.objects.create(
        deliverable=deliverable, number=1, markdown_source="# x", rendered_html=html,
        content_sha256=hashlib.sha256(html).hexdigest(), published_by=pmo,
        sections=[{"heading": "x", "body": "Text", "order": 0, "section_id": section.pk}])
    submission = ApprovalSubmission.objects.create(version=version, submitted_by=pmo, policy="all")
    submission.approvers.add(customer)
    org = Membership.objects.get(user=customer, engagement=engagement).organization
    signature = Signature.objects.create(
        submission=submission, version=version, signer=customer, signer_name=customer.full_name,
        signer_organization=org.name, meaning="changes_requested", comment="fix", content_sha256=version.content_sha256,
        signed_at=timezone.now())
    change_item = ChangeRequestItem.objects.create(signature=signature, text=f"{MARKER} change")
    comment = SectionComment.objects.create(version=version, section_heading="x", author=customer, body=MARKER)
    notification = Notification.objects.create(recipient=pmo, engagement=engagement, kind="finding",
                                               title=f"{MARKER} note")
    from types import SimpleNamespace

    from knox.models import AuthToken

    from apps.accounts.tokens import token_id

    api_token = SimpleNamespace(pk=token_id(AuthToken.objects.create(user=pmo)[0]))  # the URL names a digest prefix
    return {"api_token": api_token, "related_pair": related_pair, "statement": statement, "calibration": calibration,
            "finding": finding, "run": run, "choice_set": choice_set, "session": session, "agenda_item": item,
            "position": position, "decision": decision, "deliverable": deliverable, "section": section,
            "trace_link": link, "version": version, "submission": submission, "signature": signature,
            "change_item": change_item, "comment": comment, "notification": notification}


# URL kwarg → which object of the victim engagement fills it.
OBJECT_KWARGS = {
    "engagement_id": "engagement", "input_id": "input", "finding_id": "finding", "run_id": "run",
    "choice_set_id": "choice_set", "session_id": "session", "item_id": "agenda_item",
    "agenda_item_id": "agenda_item", "position_id": "position", "decision_id": "decision",
    "deliverable_id": "deliverable", "section_id": "section", "link_id": "trace_link",
    "trace_link_id": "trace_link", "version_id": "version", "submission_id": "submission",
    "signature_id": "signature", "change_item_id": "change_item", "comment_id": "comment",
    "notification_id": "notification", "request_id": "input_request", "objective_id": "objective",
    "workstream_id": "workstream", "pair_id": "related_pair", "work_item_id": "work_item",
    "work_item_link_id": "work_item_link", "definition_id": "definition", "document_id": "document",
    "token_ref": "api_token", "job_id": "import_job", "webhook_id": "webhook",
}
# Where one app uses a kwarg name another app uses for a different object.
ROUTE_KWARGS = {"approvals:address_item": {"item_id": "change_item"}}
# Non-object kwargs and the value to use.
PLAIN_KWARGS = {"number": 1, "fmt": "md", "format_name": "md"}
# DRF router basename → object whose pk fills {pk}.
API_BASENAMES = {
    "engagement": "engagement", "objective": "objective", "workstream": "workstream", "input": "input",
    "membership": "membership", "organization": "organization", "input-request": "input_request",
    "finding": "finding", "detection-run": "run", "choice-set": "choice_set", "session": "session",
    "alignment-session": "session", "agenda-item": "agenda_item", "position": "position",
    "decision": "decision", "deliverable": "deliverable", "section": "section", "trace-link": "trace_link",
    "version": "version", "version-approval": "version", "signature": "signature",
    "submission": "submission", "change-request-item": "change_item", "section-comment": "comment",
    "notification": "notification", "engagement-trace": "engagement", "related-pair": "related_pair",
    "statement": "statement", "calibration": "calibration", "work-item": "work_item",
    "work-item-link": "work_item_link", "deliverable-definition": "definition", "engagement-plan": "engagement",
    "input-detection": "input",
    "import": "import_job", "version-reqif": "version", "webhook": "webhook",
}
# Routes about the signed-in user's own settings (not an engagement's data): anyone may change their own.
SELF_SERVICE_PREFIXES = ("notifications/", "api/v1/notifications/", "accounts/settings/", "accounts/password/",
                         "api/v1/auth/tokens/")
# Objects that belong to one user rather than to the engagement: other members get 404 too.
# Import jobs (their files may hold a workstream's drafts) are seen by the PMO and that workstream's writers.
# Webhooks are the PMO's configuration.
PER_USER = {"notification", "api_token", "import_job", "webhook"}


def _basename(route: Route) -> str:
    short = route.name.split(":")[-1]
    for suffix in ("-detail", "-list"):
        if short.endswith(suffix):
            return short[: -len(suffix)]
    # action routes: "<basename>-<action>"
    for basename in sorted(API_BASENAMES, key=len, reverse=True):
        if short.startswith(basename + "-"):
            return basename
    return short


def build_url(route: Route, world: dict) -> tuple[str, set[str]]:
    """The route's URL for the victim's objects, and which kinds of object it names."""
    kwargs, kinds = {}, set()
    for name in route.kwarg_names:
        if name == "pk":
            basename = _basename(route)
            assert basename in API_BASENAMES, f"{route.name}: add basename {basename!r} to API_BASENAMES"
            key = API_BASENAMES[basename]
        elif name in ROUTE_KWARGS.get(route.name, {}):
            key = ROUTE_KWARGS[route.name][name]
        elif name in OBJECT_KWARGS:
            key = OBJECT_KWARGS[name]
        elif name in PLAIN_KWARGS:
            kwargs[name] = PLAIN_KWARGS[name]
            continue
        else:
            raise AssertionError(f"{route.name} ({route.route}) names {name!r}: teach the walker which object it is")
        kwargs[name] = world[key].pk
        kinds.add(key)
    return reverse(route.name, kwargs=kwargs), kinds


def _client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


METHODS = ("get", "post", "put", "patch", "delete")


def test_the_walker_finds_the_routes_it_must_check():
    names = {r.name for r in all_routes()}
    assert {"engagements:detail", "inputs:detail", "inputs:revise", "input-detail", "input-revise"} <= names


@pytest.mark.django_db
def test_outsiders_get_404_on_every_route_and_method_that_names_a_victim_object(world, outsider, other_engagement):
    client = _client_for(outsider)
    failures = []
    for route in all_routes():
        if not route.kwarg_names:
            continue
        url, _kinds = build_url(route, world)
        for method in METHODS:
            response = getattr(client, method)(url)
            if response.status_code != 404:
                failures.append(f"{method.upper()} {url} ({route.name}) → {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_no_route_shows_an_outsider_anything_of_the_victim(world, outsider, other_engagement):
    client = _client_for(outsider)
    for route in all_routes():
        if route.kwarg_names and any(k not in PLAIN_KWARGS for k in route.kwarg_names):
            continue  # covered by the 404 test
        url, _ = build_url(route, world)
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} → {response.status_code}"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARKER.encode() not in body, f"GET {url} leaks the victim's data to an outsider"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(world):
    client = _client_for(None)
    failures = []
    for route in all_routes():
        url, _ = build_url(route, world)
        response = client.get(url)
        if route.is_api:
            ok = response.status_code in (401, 403)
        else:
            ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
        if not ok:
            failures.append(f"GET {url} ({route.name}) → {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["pmo", "it_lead", "marketing_lead", "it_contributor", "customer", "observer"])
def test_every_member_role_can_open_every_route_without_errors(world, personas, persona):
    client = _client_for(personas[persona])
    failures = []
    for route in all_routes():
        url, kinds = build_url(route, world)
        response = client.get(url)
        expected_404 = bool(kinds & PER_USER) and persona != "pmo"
        if response.status_code >= 500 or (response.status_code == 404 and not expected_404):
            failures.append(f"GET {url} ({route.name}) as {persona} → {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_an_observer_changes_nothing_whatever_they_send(world, personas):
    client = _client_for(personas["observer"])
    for route in all_routes():
        if route.route.startswith(SELF_SERVICE_PREFIXES):
            continue
        url, _ = build_url(route, world)
        for method in ("post", "put", "patch", "delete"):
            before = AuditEvent.objects.count()
            response = getattr(client, method)(url, {"title": "x", "body": "y", "reason": "z"}, format="json")
            assert response.status_code < 500, f"{method.upper()} {url} → {response.status_code}"
            assert AuditEvent.objects.count() == before, f"{method.upper()} {url} by an observer changed data"


def test_roles_are_what_the_walker_expects():
    assert set(Role.values) == {"pmo", "lead", "contributor", "approver", "observer"}
