"""Setting an engagement up: the PMO's administrative writes."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from apps.accounts.models import WORKSTREAM_ROLES, Membership, Organization, Role, User
from apps.accounts.policies import require_pmo
from apps.accounts.tokens import api_tokens_revoke_if_unattached
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError
from apps.core.jobs import enqueue_on_commit

from .models import DEFAULT_WORKSTREAMS, Engagement, Objective, Workstream


@transaction.atomic
def engagement_create(
    *,
    actor: User,
    name: str,
    organization: Organization,
    description: str = "",
    client: Organization | None = None,
    workstreams: tuple[str, ...] | None = None,
) -> Engagement:
    """Create an engagement; its creator becomes its first PMO member."""
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
    organization: Organization,
    role: str,
    workstream: Workstream | None = None,
) -> Membership:
    """Add a person (creating their account if new) to the engagement with one role.

    A new account gets an unusable password; they set one through the password-reset mail.
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
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=None, full_name=full_name.strip() or email)
    if Membership.objects.filter(user=user, engagement=engagement).exists():
        raise ApplicationError(f"{email} is already a member of this engagement.", field="email")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, engagement=engagement, organization=organization, role=role, workstream=workstream
            )
    except IntegrityError as exc:  # a concurrent invite of the same person
        raise ApplicationError(f"{email} is already a member of this engagement.", field="email") from exc
    audit_log(actor=actor, action="accounts.membership.created", target=membership, engagement=engagement,
              changes={"user": email, "role": role, "organization": organization.name,
                       "workstream": workstream.name if workstream else None})
    if created:
        from apps.accounts.tasks import send_invitation_email

        enqueue_on_commit(send_invitation_email.name, user.pk, engagement.name, actor.get_full_name(),
                          membership.get_role_display())
    return membership


@transaction.atomic
def member_remove(*, actor: User, membership: Membership) -> None:
    require_pmo(actor=actor, engagement=membership.engagement)
    if membership.user_id == actor.pk:
        raise ApplicationError("You cannot remove your own PMO membership.")
    audit_log(actor=actor, action="accounts.membership.removed", target=membership,
              engagement=membership.engagement, changes={"user": membership.user.email, "role": membership.role})
    membership.delete()
    api_tokens_revoke_if_unattached(user=membership.user, actor=actor)
