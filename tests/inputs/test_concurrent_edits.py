"""Two people saving on top of the same revision at the same moment: one wins, one is told, none is lost."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from apps.core.errors import StaleRevisionError
from apps.inputs.models import InputRevision
from apps.inputs.services import input_revise

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


def test_concurrent_edits_on_the_same_revision_never_overwrite_each_other(make_input, it_lead, it_contributor):
    item = make_input(it_lead, "it", body="original")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(user, text: str) -> None:
        try:
            barrier.wait()
            input_revise(actor=user, input=item, title=item.title, body=text, expected_revision=1)
            outcomes[text] = "saved"
        except StaleRevisionError:
            outcomes[text] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(it_lead, "lead's text")),
               threading.Thread(target=edit, args=(it_contributor, "contributor's text"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["refused", "saved"]
    bodies = list(InputRevision.objects.filter(input=item).order_by("number").values_list("body", flat=True))
    winner = next(text for text, result in outcomes.items() if result == "saved")
    assert bodies == ["original", winner]
