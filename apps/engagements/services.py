"""Setting an engagement up: the PMO's administrative writes."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.models import WORKSTREAM_ROLES, Invitation, Membership, Organization, Role, User
from apps.accounts.policies import may_create_engagement, require_pmo
from apps.accounts.services import organization_get_or_create
from apps.accounts.tokens import api_tokens_revoke_if_unattached
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.core.jobs import enqueue_on_commit

from .models import DEFAULT_WORKSTREAMS, Engagement, Objective, Workstream


@transaction.atomic
def engagement_create(
    *,
    actor: User,
    name: str,
    organization: Organization | str,
    description: str = "",
    client: Organization | None = None,
    workstreams: tuple[str, ...] | None = None,
    by_operator: bool = False,
) -> Engagement:
    """Create an engagement; its creator becomes its first PMO member (for `organization`, an
    Organization or the name of one, created if new).

    Who may is `may_create_engagement` (settings.ENGAGEMENT_CREATORS). `by_operator` is for whoever runs
    the site from the shell (demo seeding, benchmarks, test set-up); pages and the API never pass it.
    """
    if not by_operator and not may_create_engagement(actor):
        raise PermissionDeniedError("You cannot create engagements here; ask a PMO or an administrator.")
    if isinstance(organization, str):
        organization = organization_get_or_create(actor=actor, name=organization)
    engagement = Engagement.objects.create(
        name=name.strip(), description=description, client=client or organization, created_by=actor
    )
    names = workstreams if workstreams is not None else tuple(n for n, _ in DEFAULT_WORKSTREAMS)
    for ws_name in names:
        Workstream.objects.create(engagement=engagement, name=ws_name, slug=slugify(ws_name) or "ws")
    Membership.objects.create(user=actor, engagement=engagement, organization=organization, role=Role.PMO)
    audit_log(
        actor=actor, action="engagements.engagement.created", target=engagement, engagement=engagement,
        changes={"name": engagement.name, "workstreams": list(names)},
    )
    return engagement


@transaction.atomic
def engagement_update(*, actor: User, engagement: Engagement, name: str, description: str) -> Engagement:
    require_pmo(actor=actor, engagement=engagement)
    changes = {}
    if name.strip() != engagement.name:
        changes["name"] = [engagement.name, name.strip()]
    if description != engagement.description:
        changes["description"] = "changed"
    engagement.name, engagement.description = name.strip(), description
    engagement.save(update_fields=["name", "description", "updated_at"])
    audit_log(actor=actor, action="engagements.engagement.updated", target=engagement, engagement=engagement,
              changes=changes)
    return engagement


@transaction.atomic
def objective_create(*, actor: User, engagement: Engagement, code: str, title: str, description: str = "") -> Objective:
    require_pmo(actor=actor, engagement=engagement)
    code = code.strip()
    if Objective.objects.filter(engagement=engagement, code=code).exists():
        raise ApplicationError(f"An objective with code {code!r} already exists.", field="code")
    objective = Objective.objects.create(engagement=engagement, code=code, title=title.strip(), description=description)
    audit_log(actor=actor, action="engagements.objective.created", target=objective, engagement=engagement,
              changes={"code": code, "title": objective.title})
    return objective


@transaction.atomic
def workstream_create(*, actor: User, engagement: Engagement, name: str, description: str = "") -> Workstream:
    require_pmo(actor=actor, engagement=engagement)
    name = name.strip()
    slug = slugify(name)
    if not slug:
        raise ApplicationError("A workstream needs a name with letters or digits.", field="name")
    if Workstream.objects.filter(engagement=engagement, slug=slug).exists() or Workstream.objects.filter(
        engagement=engagement, name__iexact=name
    ).exists():
        raise ApplicationError(f"A workstream named {name!r} already exists.", field="name")
    workstream = Workstream.objects.create(engagement=engagement, name=name, slug=slug, description=description)
    audit_log(actor=actor, action="engagements.workstream.created", target=workstream, engagement=engagement,
              changes={"name": name})
    return workstream


@transaction.atomic
def member_invite(
    *,
    actor: User,
    engagement: Engagement,
    email: str,
    full_name: str,
    organization: Organization | str,
    role: str,
    workstream: Workstream | None = None,
) -> Invitation:
    """Invite a person to the engagement with one role; they join when they accept.

    The answer is the same whether or not the address already has an account, and carries only what the
    inviter typed: the account's name is never shown to them. A new address gets an account with an
    unusable password and a link to choose one; an existing account gets a note to sign in and answer.
    """
    require_pmo(actor=actor, engagement=engagement)
    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}.", field="role")
    if role in WORKSTREAM_ROLES and workstream is None:
        raise ApplicationError("Leads and contributors belong to a workstream; choose one.", field="workstream")
    if role not in WORKSTREAM_ROLES:
        workstream = None
    if workstream is not None and workstream.engagement_id != engagement.pk:
        raise ApplicationError("That workstream is not part of this engagement.", field="workstream")
    if isinstance(organization, str):
        organization = organization_get_or_create(actor=actor, name=organization)
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=" ".join(full_name.split()) or email)
    if Membership.objects.filter(user=user, engagement=engagement).exists():
        raise ApplicationError(f"{email} is already a member of this engagement.", field="email")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                engagement=engagement, invitee=user, email=email, organization=organization, role=role,
                workstream=workstream, invited_by=actor,
            )
    except IntegrityError as exc:  # the unique pending constraint: invited already (or concurrently)
        raise ApplicationError(f"{email} already has a pending invitation to this engagement.", field="email") from exc
    audit_log(actor=actor, action="accounts.invitation.created", target=invitation, engagement=engagement,
              changes={"email": email, "role": role, "organization": organization.name,
                       "workstream": workstream.name if workstream else None})
    from apps.accounts.tasks import send_invitation_email

    enqueue_on_commit(send_invitation_email.name, invitation.pk)
    return invitation


def _pending_for(*, actor: User, invitation: Invitation) -> Invitation:
    locked = Invitation.objects.select_for_update().select_related("engagement").get(pk=invitation.pk)
    if locked.invitee_id != actor.pk:
        raise PermissionDeniedError("Only the invited person can answer this invitation.")
    if locked.status != Invitation.Status.PENDING:
        raise ApplicationError(f"This invitation is {locked.get_status_display().lower()} already.")
    if locked.engagement.is_archived:
        raise ApplicationError("That engagement is archived.")
    return locked


@transaction.atomic
def invitation_accept(*, actor: User, invitation: Invitation) -> Membership:
    """The invited person joins with the role the invitation names."""
    locked = _pending_for(actor=actor, invitation=invitation)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=actor, engagement=locked.engagement, organization=locked.organization, role=locked.role,
                workstream=locked.workstream,
            )
    except IntegrityError as exc:
        raise ApplicationError("You are already a member of this engagement.") from exc
    locked.status, locked.responded_at = Invitation.Status.ACCEPTED, timezone.now()
    locked.save(update_fields=["status", "responded_at"])
    audit_log(actor=actor, action="accounts.invitation.accepted", target=locked, engagement=locked.engagement,
              changes={"email": locked.email, "role": locked.role})
    audit_log(actor=actor, action="accounts.membership.created", target=membership, engagement=locked.engagement,
              changes={"user": actor.email, "role": locked.role, "organization": locked.organization.name,
                       "workstream": locked.workstream.name if locked.workstream else None,
                       "invitation": locked.pk})
    return membership


@transaction.atomic
def invitation_decline(*, actor: User, invitation: Invitation) -> Invitation:
    locked = _pending_for(actor=actor, invitation=invitation)
    locked.status, locked.responded_at = Invitation.Status.DECLINED, timezone.now()
    locked.save(update_fields=["status", "responded_at"])
    audit_log(actor=actor, action="accounts.invitation.declined", target=locked, engagement=locked.engagement,
              changes={"email": locked.email, "role": locked.role})
    return locked


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """The PMO withdraws an invitation that has not been answered yet."""
    locked = Invitation.objects.select_for_update().select_related("engagement").get(pk=invitation.pk)
    require_pmo(actor=actor, engagement=locked.engagement)
    if locked.status != Invitation.Status.PENDING:
        raise ApplicationError(f"This invitation is {locked.get_status_display().lower()} already.")
    locked.status, locked.responded_at = Invitation.Status.REVOKED, timezone.now()
    locked.save(update_fields=["status", "responded_at"])
    audit_log(actor=actor, action="accounts.invitation.revoked", target=locked, engagement=locked.engagement,
              changes={"email": locked.email, "role": locked.role})
    return locked


@transaction.atomic
def member_remove(*, actor: User, membership: Membership) -> None:
    require_pmo(actor=actor, engagement=membership.engagement)
    if membership.user_id == actor.pk:
        raise ApplicationError("You cannot remove your own PMO membership.")
    audit_log(actor=actor, action="accounts.membership.removed", target=membership,
              engagement=membership.engagement, changes={"user": membership.user.email, "role": membership.role})
    membership.delete()
    api_tokens_revoke_if_unattached(user=membership.user, actor=actor)
