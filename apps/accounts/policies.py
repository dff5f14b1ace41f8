"""Who may do what in an engagement: one predicate per rule, written once.

Each rule is a plain function of the asker's Membership (None for a non-member). The same function
answers everywhere:

- a service raises on it (`require(...)` → PermissionDeniedError, a 403 in the API);
- an HTML view answers 403 on it (`EngagementMixin.pmo_only`, or `PermissionDenied` in a handler);
- a template reads it as one flag (`may.<rule>`, built by `flags()` for the page's membership).

Rules about the state of an object (a concluded session, a withdrawn input) stay with that object's
app; the rules here are about the asker's role and workstream.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.db.models import Model

from apps.core.errors import PermissionDeniedError

from .models import WORKSTREAM_ROLES, Membership, Role, User


def membership_of(*, user: User, engagement_id: int) -> Membership | None:
    """The asker's membership in one engagement (None for a non-member), for services to check rules on."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, engagement_id=engagement_id).first()


def require(allowed: bool, message: str) -> None:
    """A service's refusal when a rule says no."""
    if not allowed:
        raise PermissionDeniedError(message)


# --- the rules ------------------------------------------------------------------------------------------

def is_pmo(membership: Membership | None) -> bool:
    """The PMO sets the engagement up, runs scans and sessions, decides, composes and publishes."""
    return membership is not None and membership.role == Role.PMO


def is_approver(membership: Membership | None) -> bool:
    """A customer approver signs published versions they are named on."""
    return membership is not None and membership.role == Role.APPROVER


def may_write_inputs(membership: Membership | None) -> bool:
    """PMO, leads and contributors write inputs; approvers and observers only read."""
    return membership is not None and membership.role in (Role.PMO, Role.LEAD, Role.CONTRIBUTOR)


def may_write_in(membership: Membership | None, workstream_id: int | None) -> bool:
    """The PMO writes for any workstream; a lead or contributor only for their own."""
    if is_pmo(membership):
        return True
    return (membership is not None and membership.role in WORKSTREAM_ROLES
            and membership.workstream_id is not None and membership.workstream_id == workstream_id)


def speaks_for_workstream(membership: Membership | None) -> bool:
    """Leads and contributors state their own workstream's position in an alignment session."""
    return membership is not None and membership.role in WORKSTREAM_ROLES and membership.workstream_id is not None


class _Finding(Protocol):  # a conflicts.Finding; accounts sits below conflicts, so described, not imported
    engagement_id: int
    workstream_a_id: int | None
    workstream_b_id: int | None


def may_act_on_finding(membership: Membership | None, finding: _Finding) -> bool:
    """PMO, or a lead/contributor of one of the finding's two workstreams; observers and approvers only read."""
    if membership is None or membership.engagement_id != finding.engagement_id:
        return False
    return is_pmo(membership) or (membership.role in WORKSTREAM_ROLES
                                  and membership.workstream_id in (finding.workstream_a_id, finding.workstream_b_id))


def may_comment(membership: Membership | None) -> bool:
    """Everyone in the engagement but observers comments on published versions."""
    return membership is not None and membership.role != Role.OBSERVER


# --- the PMO-only rule as services use it -----------------------------------------------------------------

def require_pmo(*, actor: User, engagement: Model) -> Membership:
    """Raise unless `actor` is the PMO of `engagement`; returns their membership."""
    membership = membership_of(user=actor, engagement_id=engagement.pk)
    if membership is None or not is_pmo(membership):
        raise PermissionDeniedError("Only the PMO of this engagement can do that.")
    return membership


# --- the same rules as template flags --------------------------------------------------------------------

@dataclass(frozen=True)
class Flags:
    """What the page's asker may do, for templates: `{% if may.manage %}`. Object-specific rules
    (may this member edit *this* input?) are computed by the view with the same predicates."""

    manage: bool
    write_inputs: bool
    speak_for_workstream: bool
    comment: bool
    approve: bool


def flags(membership: Membership | None) -> Flags:
    return Flags(manage=is_pmo(membership), write_inputs=may_write_inputs(membership),
                 speak_for_workstream=speaks_for_workstream(membership), comment=may_comment(membership),
                 approve=is_approver(membership))
