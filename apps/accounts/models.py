"""People and the companies they work for, and what they may do in each engagement."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True, max_length=254)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]


class Organization(models.Model):
    class Kind(models.TextChoices):
        CLIENT = "client", "Client"
        PARTNER = "partner", "Partner / vendor"

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PARTNER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PMO = "pmo", "PMO"
    LEAD = "lead", "Workstream lead"
    CONTRIBUTOR = "contributor", "Contributor"
    APPROVER = "approver", "Customer approver"
    OBSERVER = "observer", "Observer"


WORKSTREAM_ROLES = {Role.LEAD, Role.CONTRIBUTOR}


class Membership(models.Model):
    """user × engagement × organization × role (+ workstream for leads and contributors)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    workstream = models.ForeignKey(
        "engagements.Workstream", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "engagement"], name="membership_one_per_engagement"),
            models.CheckConstraint(
                condition=Q(role__in=["lead", "contributor"], workstream__isnull=False)
                | (~Q(role__in=["lead", "contributor"]) & Q(workstream__isnull=True)),
                name="membership_workstream_iff_workstream_role",
            ),
        ]
        ordering = ["engagement_id", "role", "user__full_name"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.engagement}"

    @property
    def short_role(self) -> str:
        """The role as the top bar shows it, short enough for one row on a laptop: “IT lead”, “Approver”."""
        if self.workstream_id and self.role == Role.LEAD:
            return gettext("%(workstream)s lead") % {"workstream": self.workstream.name}
        if self.workstream_id and self.role == Role.CONTRIBUTOR:
            return gettext("%(workstream)s contributor") % {"workstream": self.workstream.name}
        if self.role == Role.APPROVER:
            return gettext("Approver")
        return str(self.get_role_display())


class Invitation(models.Model):
    """A PMO's offer of a role in an engagement; the invited person joins only by accepting it.

    The inviter sees the address and role they typed, never the invited account's details (its name,
    whether it existed): that is what let anyone enumerate accounts across tenants.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices)
    workstream = models.ForeignKey("engagements.Workstream", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "invitee"], condition=Q(status="pending"),
                                    name="invitation_one_pending_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} in {self.engagement_id} ({self.status})"
