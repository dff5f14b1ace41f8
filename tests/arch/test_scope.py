"""The asker's Scope: what every scoped selector reads with.

At an engagement page's door it carries the Membership found there, so reads stay in that engagement
and role-dependent reads (drafts) are answered from that row; in the API it reaches every engagement the
user belongs to, optionally narrowed to one. Either way the same rows come back.
"""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.selectors import membership_or_404
from apps.core.scope import Scope
from apps.engagements.selectors import engagement_list
from apps.inputs.selectors import input_list


def _door(user, engagement):
    return Scope.at_door(user=user, membership=membership_or_404(user=user, engagement_id=engagement.pk))


def test_the_door_and_the_api_scope_read_the_same_inputs_for_every_persona(personas, engagement, make_input,
                                                                           it_lead, marketing_lead):
    make_input(it_lead, "it", title="IT draft")
    make_input(marketing_lead, "marketing", title="Marketing submitted", submit=True)
    for name, user in personas.items():
        if name == "outsider":
            continue
        at_door = sorted(i.title for i in input_list(scope=_door(user, engagement)))
        by_api = sorted(i.title for i in input_list(scope=Scope.of_user(user, engagement_id=engagement.pk)))
        assert at_door == by_api, name
    assert sorted(i.title for i in input_list(scope=_door(it_lead, engagement))) == ["IT draft", "Marketing submitted"]
    assert [i.title for i in input_list(scope=_door(marketing_lead, engagement))] == ["Marketing submitted"]


def test_a_door_scope_filters_on_its_engagement_without_asking_for_memberships(pmo, engagement, other_engagement):
    scope = _door(pmo, engagement)
    with CaptureQueriesContext(connection) as ctx:
        assert list(engagement_list(scope=scope)) == [engagement]
    assert len(ctx.captured_queries) == 1
    assert "accounts_membership" not in ctx.captured_queries[0]["sql"]


def test_outside_the_door_a_user_reads_only_their_engagements_and_anonymous_reads_nothing(
        pmo, outsider, engagement, other_engagement):
    assert list(engagement_list(scope=Scope.of_user(pmo))) == [engagement]
    assert list(engagement_list(scope=Scope.of_user(pmo, engagement_id=other_engagement.pk))) == []
    assert list(engagement_list(scope=Scope.of_user(outsider))) == [other_engagement]
    assert list(engagement_list(scope=Scope.of_user(AnonymousUser()))) == []
