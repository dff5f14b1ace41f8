"""The per-process warm index follows the corpus: new inputs are added by delta, withdrawals and
priority changes force a resync, so an incremental check never compares with stale statements."""
from __future__ import annotations

import pytest

from apps.conflicts.engine import Statement
from apps.conflicts.services import corpus
from apps.inputs.services import input_update_details, input_withdraw

from .conftest import DELETE, RETAIN

pytestmark = pytest.mark.django_db


def _partners(engagement_id: int, text: str) -> set[str]:
    """Which inputs a new IT statement is found to clash or overlap with."""
    new = [Statement(key="new-1", text=text, start=0, end=len(text),
                     meta={"workstream": "IT", "priority": "must", "input_kind": "requirement", "input_id": "0",
                           "workstream_id": "0"})]
    findings = corpus.check_against_corpus(
        engagement_id=engagement_id, choice_sets=corpus.engine_choice_sets(engagement_id=engagement_id), new=new,
        exclude=corpus.exclusion())
    return {f.b.meta["input_id"] for f in findings}


def test_the_warm_index_adds_new_inputs_and_forgets_withdrawn_ones(submit, it_lead, data_lead, marketing_lead,
                                                                   engagement):
    first = submit(data_lead, "data", DELETE, title="Delete logs")
    assert _partners(engagement.pk, RETAIN) == {str(first.pk)}
    second = submit(marketing_lead, "marketing", DELETE.replace("90 days", "30 days"), title="Delete sooner")
    assert _partners(engagement.pk, RETAIN) == {str(first.pk), str(second.pk)}  # added by delta
    input_withdraw(actor=data_lead, input=first)
    assert _partners(engagement.pk, RETAIN) == {str(second.pk)}  # an older statement left: full resync


def test_a_priority_change_reaches_the_warm_index(submit, it_lead, data_lead, engagement):
    data = submit(data_lead, "data", DELETE, title="Delete logs")
    _partners(engagement.pk, RETAIN)
    stamp = corpus.corpus_stamp(engagement_id=engagement.pk, up_to=10**9)
    input_update_details(actor=data_lead, input=data, priority="wont")
    assert corpus.corpus_stamp(engagement_id=engagement.pk, up_to=10**9) != stamp
    _partners(engagement.pk, RETAIN)
    warm = corpus._WARM[engagement.pk]
    assert {sig[0] for sig in warm.signature.values()} == {"wont"}
