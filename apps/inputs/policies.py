"""Who may see an input: the one rule, used by every read path.

A draft is a workstream's own work in progress. Until it is submitted, only the people who write for
that workstream (its leads and contributors) and the PMO may see it: not another workstream (often
another company), not the customer, not an observer. A draft withdrawn before it was ever submitted
stays private too. Every read of inputs (selectors, counts, pickers, answers to requests, links in
request bodies) filters with `input_visible_q`; a single object is checked with `input_visible_to`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from apps.accounts.models import WORKSTREAM_ROLES, Membership, Role
from apps.core.scope import Scope

if TYPE_CHECKING:
    from .models import Input


def input_is_private(input: Input) -> bool:
    """Never submitted: a draft, or a draft withdrawn before anyone else saw it."""
    return input.status == "draft" or (input.status == "withdrawn" and input.submitted_at is None)


def input_private_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": "draft"}) | Q(**{f"{prefix}status": "withdrawn",
                                                     f"{prefix}submitted_at__isnull": True})


def input_visible_q(*, scope: Scope, prefix: str = "") -> Q:
    """A filter for inputs (or rows reaching an input through `prefix`, e.g. "input__") the asker may see.

    Membership of the engagement is checked by the scope's own filter; this only hides private inputs
    from everyone but their workstream's writers and the PMO. At the door the asker's membership answers
    in Python (no query); without one, two subqueries on the user's memberships (no joins, no duplicates).
    """
    if not scope.authenticated:
        return Q(pk__in=[])
    public = ~input_private_q(prefix)
    membership = scope.membership
    if membership is not None:
        if membership.role == Role.PMO:
            return Q()
        if membership.role in WORKSTREAM_ROLES and membership.workstream_id is not None:
            return public | Q(**{f"{prefix}workstream_id": membership.workstream_id})
        return public
    pmo_of = Membership.objects.filter(user=scope.user, role=Role.PMO).values("engagement_id")
    writes_for = Membership.objects.filter(user=scope.user, role__in=WORKSTREAM_ROLES).values("workstream_id")
    return (public
            | Q(**{f"{prefix}engagement_id__in": pmo_of})
            | Q(**{f"{prefix}workstream_id__in": writes_for}))


def input_visible_to(*, membership: Membership | None, input: Input) -> bool:
    """The same rule for one input and the asker's membership of its engagement."""
    if membership is None or membership.engagement_id != input.engagement_id:
        return False
    if not input_is_private(input):
        return True
    if membership.role == Role.PMO:
        return True
    return membership.role in WORKSTREAM_ROLES and membership.workstream_id == input.workstream_id
