"""Every main page runs the same, small number of SQL queries with 10 inputs and with 1,000."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.workspace.scale import populate

from .test_every_route import world  # noqa: F401 - the fixture with one of every object

MAX_QUERIES = 20

# (persona, url name, kwargs as world keys)
PAGES = [
    ("pmo", "engagements:detail", {"engagement_id": "engagement"}),
    ("it_lead", "engagements:detail", {"engagement_id": "engagement"}),
    ("customer", "engagements:detail", {"engagement_id": "engagement"}),
    ("observer", "engagements:detail", {"engagement_id": "engagement"}),
    ("it_lead", "inputs:list", {"engagement_id": "engagement"}),
    ("it_lead", "inputs:detail", {"engagement_id": "engagement", "input_id": "input"}),
    ("pmo", "inputs:requests", {"engagement_id": "engagement"}),
    ("pmo", "conflicts:list", {"engagement_id": "engagement"}),
    ("pmo", "conflicts:merge-candidates", {"engagement_id": "engagement"}),
    ("it_lead", "conflicts:finding", {"engagement_id": "engagement", "finding_id": "finding"}),
    ("pmo", "conflicts:runs", {"engagement_id": "engagement"}),
    ("pmo", "alignment:list", {"engagement_id": "engagement"}),
    ("pmo", "alignment:detail", {"engagement_id": "engagement", "session_id": "session"}),
    ("pmo", "alignment:decisions", {"engagement_id": "engagement"}),
    ("pmo", "deliverables:list", {"engagement_id": "engagement"}),
    ("pmo", "deliverables:detail", {"engagement_id": "engagement", "deliverable_id": "deliverable"}),
    ("pmo", "deliverables:version", {"engagement_id": "engagement", "version_id": "version"}),
    ("pmo", "deliverables:trace", {"engagement_id": "engagement"}),
    ("customer", "approvals:overview", {"engagement_id": "engagement"}),
    ("customer", "approvals:version", {"engagement_id": "engagement", "version_id": "version"}),
    ("pmo", "notifications:list", {}),
]


def _count(client, url: str) -> int:
    client.get(url)  # warm caches (session, content types) so only the page's own queries count
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"{url} → {response.status_code}"
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_main_pages_keep_a_constant_query_count_from_10_to_1000_inputs(world, personas, client):  # noqa: F811
    engagement = world["engagement"]
    populate(engagement=engagement, n_inputs=8)
    # Every list a page shows must be non-empty already, or prefetches that skip empty lists look like growth.
    from apps.inputs.services import input_create

    input_create(actor=personas["it_lead"], engagement=engagement, workstream=world["workstream"],
                 kind="requirement", title="A draft", body="Draft text.")
    urls = [(persona, reverse(name, kwargs={k: world[v].pk for k, v in kwargs.items()}))
            for persona, name, kwargs in PAGES]
    small = {}
    for persona, url in urls:
        client.force_login(personas[persona])
        small[(persona, url)] = _count(client, url)
    populate(engagement=engagement, n_inputs=990, seed=11)
    report, failures = [], []
    for persona, url in urls:
        client.force_login(personas[persona])
        large = _count(client, url)
        few = small[(persona, url)]
        report.append(f"{url} as {persona}: {few} → {large}")
        if large > few or large > MAX_QUERIES:
            failures.append(report[-1])
    print("\n".join(report))
    assert not failures, "query counts grew or exceed the budget:\n" + "\n".join(failures)
