"""Traceability from the plan: work item → the inputs, decisions and deliverable sections it serves."""
from __future__ import annotations

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.policies import require_pmo
from apps.alignment.models import Decision
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError
from apps.deliverables.models import Section
from apps.inputs.models import Input

from ..models import WorkItem, WorkItemLink


@transaction.atomic
def workitem_link_add(*, actor: User, work_item: WorkItem, input: Input | None = None,
                      decision: Decision | None = None, section: Section | None = None) -> WorkItemLink:
    work_item = WorkItem.objects.select_related("engagement").get(pk=work_item.pk)
    require_pmo(actor=actor, engagement=work_item.engagement)
    if work_item.is_dropped:
        raise ApplicationError(f"{work_item.code} is dropped; link the work that replaced it instead.")
    targets = [t for t in (input, decision, section) if t is not None]
    if len(targets) != 1:
        raise ApplicationError("Link a work item to exactly one input, decision or section.", field="target")
    engagement_id = work_item.engagement_id
    existing = WorkItemLink.objects.filter(work_item=work_item)
    if input is not None:
        if input.engagement_id != engagement_id:
            raise ApplicationError("That input is not part of this engagement.", field="input")
        duplicate, label = existing.filter(input=input).exists(), input.reference
    elif decision is not None:
        if decision.engagement_id != engagement_id:
            raise ApplicationError("That decision is not part of this engagement.", field="decision")
        duplicate, label = existing.filter(decision=decision).exists(), decision.reference
    else:
        assert section is not None
        section = Section.objects.select_related("deliverable").get(pk=section.pk)
        if section.deliverable.engagement_id != engagement_id:
            raise ApplicationError("That section is not part of this engagement.", field="section")
        duplicate, label = existing.filter(section=section).exists(), section.heading
    if duplicate:
        raise ApplicationError(f"{work_item.code} is already linked to {label}.", field="target")
    link = WorkItemLink.objects.create(work_item=work_item, input=input, decision=decision, section=section,
                                       created_by=actor)
    audit_log(actor=actor, action="planning.workitemlink.added", target=link, engagement=engagement_id,
              changes={"work_item": work_item.code, "kind": link.kind, "target": label})
    return link


@transaction.atomic
def workitem_link_remove(*, actor: User, link: WorkItemLink) -> None:
    link = WorkItemLink.objects.select_related("work_item__engagement").get(pk=link.pk)
    require_pmo(actor=actor, engagement=link.work_item.engagement)
    audit_log(actor=actor, action="planning.workitemlink.removed", target=link,
              engagement=link.work_item.engagement_id,
              changes={"work_item": link.work_item.code, "kind": link.kind, "was_suspect": link.is_suspect})
    link.delete()


@transaction.atomic
def workitem_link_clear_suspect(*, actor: User, link: WorkItemLink) -> WorkItemLink:
    """The PMO reviewed a link of a dropped work item (e.g. moved the work elsewhere) and keeps it as history."""
    locked = WorkItemLink.objects.select_for_update().get(pk=link.pk)
    locked = WorkItemLink.objects.select_related("work_item__engagement").get(pk=locked.pk)
    require_pmo(actor=actor, engagement=locked.work_item.engagement)
    if not locked.is_suspect:
        raise ApplicationError("This link is not suspect.")
    reason = locked.suspect_reason
    locked.is_suspect, locked.suspect_reason, locked.suspect_since = False, "", None
    locked.save(update_fields=["is_suspect", "suspect_reason", "suspect_since", "updated_at"])
    audit_log(actor=actor, action="planning.workitemlink.suspect_cleared", target=locked,
              engagement=locked.work_item.engagement_id, changes={"work_item": locked.work_item.code,
                                                                  "reason": reason})
    link.refresh_from_db()
    return link
