"""One predicate per role rule: services raise on it, views answer 403, templates read it as a flag."""
from __future__ import annotations

import pytest

from apps.accounts import policies
from apps.accounts.models import Membership
from apps.core.errors import PermissionDeniedError


def _m(user, engagement):
    return Membership.objects.get(user=user, engagement=engagement)


def test_only_the_pmo_manages(engagement, pmo, it_lead, customer, observer):
    assert policies.is_pmo(_m(pmo, engagement))
    assert not any(policies.is_pmo(_m(u, engagement)) for u in (it_lead, customer, observer))
    assert not policies.is_pmo(None)


def test_writers_and_their_workstreams(engagement, workstreams, pmo, it_lead, customer, observer):
    it, data = workstreams["it"].pk, workstreams["data"].pk
    assert policies.may_write_inputs(_m(it_lead, engagement))
    assert not policies.may_write_inputs(_m(customer, engagement))
    assert not policies.may_write_inputs(_m(observer, engagement))
    assert policies.may_write_in(_m(pmo, engagement), data)
    assert policies.may_write_in(_m(it_lead, engagement), it)
    assert not policies.may_write_in(_m(it_lead, engagement), data)
    assert not policies.may_write_in(None, it)


def test_observers_read_but_do_not_comment(engagement, customer, observer):
    assert policies.may_comment(_m(customer, engagement))
    assert not policies.may_comment(_m(observer, engagement))
    assert policies.is_approver(_m(customer, engagement))


def test_require_pmo_raises_for_anyone_else(engagement, pmo, it_lead, outsider):
    assert policies.require_pmo(actor=pmo, engagement=engagement).user == pmo
    for user in (it_lead, outsider):
        with pytest.raises(PermissionDeniedError):
            policies.require_pmo(actor=user, engagement=engagement)


def test_templates_get_the_same_rules_as_flags(engagement, pmo, it_lead, observer):
    assert policies.flags(_m(pmo, engagement)).manage
    lead = policies.flags(_m(it_lead, engagement))
    assert not lead.manage and lead.write_inputs and lead.speak_for_workstream and lead.comment
    watcher = policies.flags(_m(observer, engagement))
    assert not (watcher.manage or watcher.write_inputs or watcher.speak_for_workstream or watcher.comment)


def test_the_top_bar_names_roles_briefly(engagement, it_lead, customer, pmo):
    short = {m.user.email: m.short_role for m in Membership.objects.filter(engagement=engagement)
             .select_related("user", "workstream")}
    assert short[it_lead.email] == "IT lead"
    assert short[customer.email] == "Approver"
    assert short[pmo.email] == "PMO"
