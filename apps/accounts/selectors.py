"""Reads about memberships. Every scoped read in Concord starts from `membership_for`."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

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


def membership_list(*, user: User, engagement_id: int) -> QuerySet[Membership]:
    membership_or_404(user=user, engagement_id=engagement_id)
    return Membership.objects.filter(engagement_id=engagement_id).select_related(
        "user", "organization", "workstream"
    )


def memberships_visible_to(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(
        engagement__memberships__user=user, engagement__is_archived=False
    ).select_related("user", "organization", "workstream", "engagement")


def colleagues_of(*, user: User) -> QuerySet[User]:
    """People who share an engagement with the user (the user included)."""
    return User.objects.filter(memberships__engagement__memberships__user=user,
                               memberships__engagement__is_archived=False).distinct()


def organizations_visible_to(*, user: User) -> QuerySet[Organization]:
    """Organizations taking part in any engagement the user belongs to."""
    return Organization.objects.filter(
        memberships__engagement__memberships__user=user
    ).distinct()


def invitations_pending_for(*, user: User) -> QuerySet[Invitation]:
    """Invitations waiting for `user` to accept or decline (shown on their home page)."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return (Invitation.objects.filter(invitee=user, status=Invitation.Status.PENDING, engagement__is_archived=False)
            .select_related("engagement", "organization", "workstream", "invited_by"))


def invitations_visible_to(*, user: User) -> QuerySet[Invitation]:
    """Invitations to `user`, and those of engagements where `user` is PMO (which show only what was typed)."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    pmo_of = Membership.objects.filter(user=user, role=Role.PMO).values("engagement_id")
    return (Invitation.objects.filter(Q(invitee=user) | Q(engagement_id__in=pmo_of))
            .filter(engagement__is_archived=False).select_related("engagement", "organization", "workstream"))


def invitation_list(*, engagement_id: int) -> QuerySet[Invitation]:
    """An engagement's unanswered invitations, for its PMO's settings page."""
    return (Invitation.objects.filter(engagement_id=engagement_id, status=Invitation.Status.PENDING)
            .select_related("organization", "workstream"))
