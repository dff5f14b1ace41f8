"""Who is asking, and how far their reads reach: the one argument every scoped selector takes.

A page behind the engagement door (`apps.accounts.mixins.EngagementMixin`) already holds the asker's
Membership; its scope (`Scope.at_door`) keeps reads to that engagement with a plain
`engagement_id = …`, and answers role questions (drafts of which workstream) from that row, without
asking the database again. An API list reaches every engagement the user belongs to
(`Scope.of_user`), optionally narrowed to one (`?engagement=`), through one subquery on the user's
memberships: no join, no DISTINCT.

Selectors take it as `scope=` (keyword-only) and filter with `scope.q(path)`; a selector that reads
the rows under one object (a session's agenda, an input's revisions) takes that object instead, since
the object itself was loaded through a scoped selector.

It lives in core (below accounts) so the API plumbing here can build it: it reaches memberships
through the user's `memberships` relation and reads a Membership by its fields, never importing one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q


class DoorMembership(Protocol):  # an accounts.Membership, described (core sits below accounts)
    engagement_id: int
    workstream_id: int | None
    role: str


@dataclass(frozen=True)
class Scope:
    user: Any  # the asking user (AnonymousUser reads nothing)
    membership: DoorMembership | None = None  # found at the door: reads stay in its engagement
    engagement_id: int | None = None  # without a door: narrow to this engagement (if the user belongs)

    @classmethod
    def at_door(cls, *, user: Any, membership: DoorMembership) -> Scope:
        return cls(user=user, membership=membership)

    @classmethod
    def of_user(cls, user: Any, *, engagement_id: int | None = None) -> Scope:
        return cls(user=user, engagement_id=engagement_id)

    @property
    def authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    def engagement_ids(self) -> Any:
        """The engagements reads may reach: a list of one at the door, else a subquery of the user's."""
        if self.membership is not None:
            return [self.membership.engagement_id]
        if not self.authenticated:
            return []
        mine = self.user.memberships.filter(engagement__is_archived=False)
        if self.engagement_id is not None:
            mine = mine.filter(engagement_id=self.engagement_id)
        return mine.values("engagement_id")

    def q(self, path: str = "engagement") -> Q:
        """A filter keeping rows whose engagement (reached through `path`; "pk" for engagements) is in scope."""
        field = "pk" if path == "pk" else f"{path}_id"
        if self.membership is not None:
            return Q(**{field: self.membership.engagement_id})
        return Q(**{f"{field}__in": self.engagement_ids()})
