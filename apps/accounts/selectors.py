"""Reads about memberships. Every scoped read in Concord starts here: `membership_or_404` is the door of an
engagement page, and the Membership it finds becomes the page's `Scope` (apps/core/scope.py)."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.core.scope import Scope

from .models import Invitation, Membership, Organization, Role, User


def membership_for(*, user: User, engagement_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("engagement", "workstream", "organization")
        .filter(user=user, engagement_id=engagement_id, engagement__is_archived=False)
        .first()
    )


def membership_or_404(*, user: User, engagement_id: int) -> Membership:
    """Non-members get the same 404 as for a missing engagement: nothing leaks."""
    membership = membership_for(user=user, engagement_id=engagement_id)
    if membership is None:
        raise Http404("No such engagement")
    return membership


def own_memberships(*, scope: Scope) -> QuerySet[Membership]:
    """The asker's own memberships (one per engagement they belong to), for the home page's role column."""
    if not scope.authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=scope.user)


def membership_list(*, scope: Scope) -> QuerySet[Membership]:
    """The members of the engagement(s) in scope (the members of the user's engagements, for the API)."""
    return Membership.objects.filter(scope.q()).select_related("user", "organization", "workstream", "engagement")


def colleagues_of(*, scope: Scope) -> QuerySet[User]:
    """People who share an engagement in scope with the asker (the asker included): a subquery, no DISTINCT."""
    return User.objects.filter(pk__in=Membership.objects.filter(scope.q()).values("user_id"))


def organizations_visible_to(*, scope: Scope) -> QuerySet[Organization]:
    """Organizations taking part in the engagement(s) in scope: a subquery, no DISTINCT."""
    return Organization.objects.filter(pk__in=Membership.objects.filter(scope.q()).values("organization_id"))


def invitations_pending_for(*, scope: Scope) -> QuerySet[Invitation]:
    """Invitations waiting for the asker to accept or decline (shown on their home page)."""
    if not scope.authenticated:
        return Invitation.objects.none()
    return (Invitation.objects.filter(invitee=scope.user, status=Invitation.Status.PENDING,
                                      engagement__is_archived=False)
            .select_related("engagement", "organization", "workstream", "invited_by"))


def invitations_visible_to(*, scope: Scope) -> QuerySet[Invitation]:
    """Invitations to the asker, and those of engagements where the asker is PMO (which show only what was typed)."""
    if not scope.authenticated:
        return Invitation.objects.none()
    pmo_of = Membership.objects.filter(user=scope.user, role=Role.PMO).values("engagement_id")
    return (Invitation.objects.filter(Q(invitee=scope.user) | Q(engagement_id__in=pmo_of))
            .filter(engagement__is_archived=False).select_related("engagement", "organization", "workstream"))


def invitation_list(*, scope: Scope) -> QuerySet[Invitation]:
    """The unanswered invitations of the engagement(s) in scope, for the PMO's settings page."""
    return (Invitation.objects.filter(scope.q(), status=Invitation.Status.PENDING)
            .select_related("organization", "workstream"))
