"""Deliverables published through the deliverables app's own services, ready to be signed."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from apps.accounts.models import Membership, Role
from apps.approvals import services
from apps.deliverables.models import Deliverable, DeliverableVersion, Section
from apps.deliverables.services import deliverable_create, section_create, version_publish

from ..factories import PASSWORD, UserFactory


@pytest.fixture
def deliverable(pmo, engagement) -> Deliverable:
    d = deliverable_create(actor=pmo, engagement=engagement, title="Integrated Requirements")
    section_create(actor=pmo, deliverable=d, heading="Scope", body="The shop, the app and the data platform.")
    section_create(actor=pmo, deliverable=d, heading="Security", body="Customers sign in with SSO.\nPasswords expire.")
    return d


@pytest.fixture
def publish(pmo) -> Callable[..., DeliverableVersion]:
    """publish(deliverable, changes={"Security": "new body"}) edits sections then publishes the next version."""

    def make(deliverable: Deliverable, changes: dict[str, str] | None = None) -> DeliverableVersion:
        for heading, body in (changes or {}).items():
            # Scenery, not the rule under test: the draft edit goes straight to the row.
            assert Section.objects.filter(deliverable=deliverable, heading=heading).update(body=body) == 1
        return version_publish(deliverable=deliverable, actor=pmo)

    return make


@pytest.fixture
def v1(deliverable, publish) -> DeliverableVersion:
    return publish(deliverable)


@pytest.fixture
def second_approver(engagement, partner_org):
    user = UserFactory(email="second.approver@example.com", full_name="Sam Second")
    Membership.objects.create(user=user, engagement=engagement, organization=partner_org, role=Role.APPROVER)
    return user


@pytest.fixture
def submit(pmo) -> Callable[..., object]:
    def make(version, approvers, policy="all"):
        return services.approval_submit(actor=pmo, version=version, approvers=approvers, policy=policy)

    return make


@pytest.fixture
def sign() -> Callable[..., object]:
    def make(user, version, meaning="approved", password=PASSWORD, comment="", items=None):
        return services.signature_create(actor=user, version=version, meaning=meaning, password=password,
                                         comment=comment, items=items)

    return make


def tamper_stored_bytes(version: DeliverableVersion, new_bytes: bytes) -> None:
    """Change the stored bytes with raw SQL, bypassing the ORM guard (and any PostgreSQL trigger)."""
    table = DeliverableVersion._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"UPDATE {table} SET rendered_html = %s WHERE id = %s", [new_bytes, version.pk])  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
