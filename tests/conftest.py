"""Named personas and a small engagement, in the spirit of pretix's conftest.

`engagement` has IT, Marketing and Data workstreams and these members:
pmo, it_lead, marketing_lead, data_lead, it_contributor, customer (approver), observer.
`outsider` is PMO of `other_engagement` and nothing else.
"""
from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.backends.signals import connection_created
from rest_framework.test import APIClient

from apps.accounts.models import Membership, Role, User
from apps.engagements.models import Engagement, Objective, Workstream
from apps.engagements.services import engagement_create
from apps.inputs.models import Input
from apps.inputs.services import input_create

from .factories import PASSWORD, OrganizationFactory, UserFactory


def _allow_truncate_in_tests(sender, connection, **kwargs) -> None:
    """Append-only tables refuse TRUNCATE (a PostgreSQL trigger); the test suite's own table flushing
    between transactional tests is the one TRUNCATE allowed, for this test process's connections only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET concord.allow_truncate = 'on'")


connection_created.connect(_allow_truncate_in_tests)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_org(db):
    return OrganizationFactory(name="Northwind Retail", kind="client")


@pytest.fixture
def partner_org(db):
    return OrganizationFactory(name="Fabrikam Digital", kind="partner")


@pytest.fixture
def pmo(db) -> User:
    return UserFactory(email="pmo@example.com", full_name="Paula Moreno")


@pytest.fixture
def engagement(pmo, client_org) -> Engagement:
    return engagement_create(actor=pmo, name="Customer Platform Renewal", organization=client_org)


@pytest.fixture
def workstreams(engagement) -> dict[str, Workstream]:
    return {w.slug: w for w in Workstream.objects.filter(engagement=engagement)}


@pytest.fixture
def objective(engagement) -> Objective:
    return Objective.objects.create(engagement=engagement, code="OBJ-1", title="One view of every customer")


def _member(engagement, organization, email, name, role, workstream=None) -> User:
    user = UserFactory(email=email, full_name=name)
    Membership.objects.create(user=user, engagement=engagement, organization=organization, role=role,
                              workstream=workstream)
    return user


@pytest.fixture
def it_lead(engagement, workstreams, partner_org) -> User:
    return _member(engagement, partner_org, "it.lead@example.com", "Ivan Taylor", Role.LEAD, workstreams["it"])


@pytest.fixture
def marketing_lead(engagement, workstreams, client_org) -> User:
    return _member(engagement, client_org, "marketing.lead@example.com", "Maria Keller", Role.LEAD,
                   workstreams["marketing"])


@pytest.fixture
def data_lead(engagement, workstreams, partner_org) -> User:
    return _member(engagement, partner_org, "data.lead@example.com", "Dev Anand", Role.LEAD, workstreams["data"])


@pytest.fixture
def it_contributor(engagement, workstreams, partner_org) -> User:
    return _member(engagement, partner_org, "it.dev@example.com", "Ida Coder", Role.CONTRIBUTOR, workstreams["it"])


@pytest.fixture
def customer(engagement, client_org) -> User:
    return _member(engagement, client_org, "customer@example.com", "Claire Ustinov", Role.APPROVER)


@pytest.fixture
def observer(engagement, partner_org) -> User:
    return _member(engagement, partner_org, "observer@example.com", "Oscar Bernard", Role.OBSERVER)


@pytest.fixture
def outsider(db) -> User:
    return UserFactory(email="outsider@example.com", full_name="Otto Sider")


@pytest.fixture
def other_engagement(outsider) -> Engagement:
    org = OrganizationFactory(name="Globex Logistics", kind="client")
    return engagement_create(actor=outsider, name="Warehouse Relocation", organization=org)


@pytest.fixture
def personas(pmo, it_lead, marketing_lead, data_lead, it_contributor, customer, observer, outsider) -> dict[str, User]:
    return {"pmo": pmo, "it_lead": it_lead, "marketing_lead": marketing_lead, "data_lead": data_lead,
            "it_contributor": it_contributor, "customer": customer, "observer": observer, "outsider": outsider}


@pytest.fixture
def make_input(engagement, workstreams) -> Callable[..., Input]:
    """make_input(author, "it", body=..., submit=True, **fields) — through the real service."""

    def make(author: User, workstream: str, *, title: str = "An input", body: str = "Some text.",
             kind: str = "requirement", priority: str = "should", submit: bool = False, **extra) -> Input:
        return input_create(actor=author, engagement=engagement, workstream=workstreams[workstream], kind=kind,
                            title=title, body=body, priority=priority, submit=submit, **extra)

    return make


@pytest.fixture
def it_input(make_input, it_lead) -> Input:
    """IT's submitted retention requirement; `data_input` contradicts it."""
    return make_input(it_lead, "it", title="Retain interaction logs",
                      body="Interaction logs must be kept for at least 24 months.", submit=True)


@pytest.fixture
def data_input(make_input, data_lead) -> Input:
    return make_input(data_lead, "data", title="Delete interaction logs",
                      body="Interaction logs must be deleted within 90 days.", submit=True)


@pytest.fixture
def as_user(client) -> Callable[[User], object]:
    """Log the Django test client in as a user and return it."""

    def login(user: User):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_as() -> Callable[[User | None], APIClient]:
    def make(user: User | None) -> APIClient:
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return api

    return make


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files (delivered documents) go to a per-test directory, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
