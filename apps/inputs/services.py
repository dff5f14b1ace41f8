"""Every write to inputs: create, revise, submit, withdraw, change metadata.

HTML views and API views both call these, so each rule lives here once.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from apps.accounts import policies
from apps.accounts.models import Membership, User
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.core.hashing import sha256_text
from apps.core.stale import refuse_stale_edit
from apps.engagements import numbering
from apps.engagements.models import Engagement, Objective, Workstream
from apps.engagements.numbering import reference_numbers

from . import hooks
from .models import BODY_MAX, TITLE_MAX, Input, InputRequest, InputRevision, Tag
from .requests import validate_answer

MAX_TAGS = 20


def _writer_membership(*, actor: User, engagement_id: int, workstream_id: int) -> Membership:
    membership = Membership.objects.filter(user=actor, engagement_id=engagement_id).first()
    if membership is None or not policies.may_write_inputs(membership):
        raise PermissionDeniedError("Your role in this engagement is read-only.")
    if not policies.may_write_in(membership, workstream_id):
        raise PermissionDeniedError("You can only write inputs for your own workstream.")
    return membership


def _clean_text(*, title: str, body: str) -> tuple[str, str]:
    title = (title or "").strip()
    if not title:
        raise ApplicationError("Give the input a title.", field="title")
    if len(title) > TITLE_MAX:
        raise ApplicationError(f"The title is {len(title)} characters; the limit is {TITLE_MAX}.", field="title")
    body = (body or "").replace("\r\n", "\n")
    if not body.strip():
        raise ApplicationError("The text cannot be empty.", field="body")
    if len(body) > BODY_MAX:
        raise ApplicationError(f"The text is {len(body)} characters; the limit is {BODY_MAX}.", field="body")
    return title, body


def _tags(*, engagement: Engagement, names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({n.strip().lower()[:50] for n in names if n and n.strip()})
    if len(cleaned) > MAX_TAGS:
        raise ApplicationError(f"At most {MAX_TAGS} tags per input.", field="tags")
    return [Tag.objects.get_or_create(engagement=engagement, name=name)[0] for name in cleaned]


def _objectives(*, engagement: Engagement, objectives: Sequence[Objective]) -> list[Objective]:
    for objective in objectives:
        if objective.engagement_id != engagement.pk:
            raise ApplicationError("That objective is not part of this engagement.", field="objectives")
    return list(objectives)


def _new_revision(*, input: Input, title: str, body: str, actor: User) -> InputRevision:
    revision = InputRevision.objects.create(
        input=input, number=input.revision_count + 1, title=title, body=body,
        body_sha256=sha256_text(body), author=actor,
    )
    input.revision_count = revision.number
    input.current_revision = revision
    input.title = title
    return revision


@transaction.atomic
def input_create(
    *,
    actor: User,
    engagement: Engagement,
    workstream: Workstream,
    kind: str,
    title: str,
    body: str,
    priority: str = Input.Priority.SHOULD,
    tags: Iterable[str] = (),
    objectives: Sequence[Objective] = (),
    submit: bool = False,
    answers_request: InputRequest | None = None,
) -> Input:
    if workstream.engagement_id != engagement.pk:
        raise ApplicationError("That workstream is not part of this engagement.", field="workstream")
    _writer_membership(actor=actor, engagement_id=engagement.pk, workstream_id=workstream.pk)
    if kind not in Input.Kind.values:
        raise ApplicationError(f"Unknown kind {kind!r}.", field="kind")
    if priority not in Input.Priority.values:
        raise ApplicationError(f"Unknown priority {priority!r}.", field="priority")
    title, body = _clean_text(title=title, body=body)
    validate_answer(request=answers_request, engagement=engagement, workstream=workstream)
    item = Input.objects.create(
        engagement=engagement, workstream=workstream, kind=kind, title=title, priority=priority, author=actor,
        answers_request=answers_request,
        number=reference_numbers(engagement_id=engagement.pk, kind=numbering.INPUT),
    )
    revision = _new_revision(input=item, title=title, body=body, actor=actor)
    item.save(update_fields=["revision_count", "current_revision", "title"])
    item.tags.set(_tags(engagement=engagement, names=tags))
    item.objectives.set(_objectives(engagement=engagement, objectives=objectives))
    audit_log(actor=actor, action="inputs.input.created", target=item, engagement=engagement,
              changes={"workstream": workstream.name, "kind": kind, "title": title, "revision": 1,
                       "body_sha256": revision.body_sha256,
                       "answers_request": answers_request.pk if answers_request else None})
    if submit:
        input_submit(actor=actor, input=item)
    return item


def _lock(input: Input) -> Input:
    return Input.objects.select_for_update().get(pk=input.pk)


@transaction.atomic
def input_revise(
    *, actor: User, input: Input, title: str, body: str, expected_revision: int | None
) -> InputRevision:
    """Save new text as the next revision, refusing to build on a stale one.

    The row lock makes two concurrent editors queue; the second then sees the first's
    revision number and is refused instead of silently overwriting it.
    """
    locked = _lock(input)
    _writer_membership(actor=actor, engagement_id=locked.engagement_id, workstream_id=locked.workstream_id)
    if locked.status == Input.Status.WITHDRAWN:
        raise ApplicationError("This input was withdrawn; it can no longer be revised.")
    current = locked.current_revision
    refuse_stale_edit(
        expected=expected_revision, current=locked.revision_count, field="expected_revision",
        missing="Say which revision you edited (expected_revision or If-Match).",
        stale=(f"Revision {locked.revision_count} was saved by {current.author if current else 'someone'} after "
               f"you opened revision {expected_revision}; your text was not saved over it."),
        current_text=lambda: current)
    title, body = _clean_text(title=title, body=body)
    if current is not None and current.title == title and current.body == body:
        raise ApplicationError("Nothing changed: the text is the same as revision "
                               f"{locked.revision_count}.", field="body")
    previous = current
    revision = _new_revision(input=locked, title=title, body=body, actor=actor)
    locked.save(update_fields=["revision_count", "current_revision", "title", "updated_at"])
    audit_log(actor=actor, action="inputs.input.revised", target=locked, engagement=locked.engagement_id,
              changes={"revision": revision.number, "body_sha256": revision.body_sha256,
                       "previous_sha256": previous.body_sha256 if previous else None})
    hooks.revision_created(revision=revision, previous=previous)
    input.refresh_from_db()
    return revision


@transaction.atomic
def input_submit(*, actor: User, input: Input) -> Input:
    locked = _lock(input)
    _writer_membership(actor=actor, engagement_id=locked.engagement_id, workstream_id=locked.workstream_id)
    if locked.status != Input.Status.DRAFT:
        raise ApplicationError(f"Only drafts can be submitted; this input is {locked.get_status_display().lower()}.")
    locked.status = Input.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_log(actor=actor, action="inputs.input.submitted", target=locked, engagement=locked.engagement_id,
              changes={"status": ["draft", "submitted"], "revision": locked.revision_count})
    hooks.input_submitted(input=locked)
    input.refresh_from_db()
    return input


@transaction.atomic
def input_withdraw(*, actor: User, input: Input, reason: str = "") -> Input:
    locked = _lock(input)
    _writer_membership(actor=actor, engagement_id=locked.engagement_id, workstream_id=locked.workstream_id)
    if locked.status == Input.Status.WITHDRAWN:
        raise ApplicationError("This input is already withdrawn.")
    old = locked.status
    locked.status = Input.Status.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="inputs.input.withdrawn", target=locked, engagement=locked.engagement_id,
              changes={"status": [old, "withdrawn"], "reason": reason[:500]})
    hooks.input_withdrawn(input=locked)
    input.refresh_from_db()
    return input


@transaction.atomic
def input_update_details(
    *,
    actor: User,
    input: Input,
    kind: str | None = None,
    priority: str | None = None,
    tags: Iterable[str] | None = None,
    objectives: Sequence[Objective] | None = None,
) -> Input:
    """Metadata that is not text: no new revision, but audited."""
    locked = _lock(input)
    _writer_membership(actor=actor, engagement_id=locked.engagement_id, workstream_id=locked.workstream_id)
    changes: dict[str, object] = {}
    if kind is not None and kind != locked.kind:
        if kind not in Input.Kind.values:
            raise ApplicationError(f"Unknown kind {kind!r}.", field="kind")
        changes["kind"] = [locked.kind, kind]
        locked.kind = kind
    if priority is not None and priority != locked.priority:
        if priority not in Input.Priority.values:
            raise ApplicationError(f"Unknown priority {priority!r}.", field="priority")
        changes["priority"] = [locked.priority, priority]
        locked.priority = priority
    locked.save(update_fields=["kind", "priority", "updated_at"])
    if tags is not None:
        new_tags = _tags(engagement=locked.engagement, names=tags)
        old_names = sorted(t.name for t in locked.tags.all())
        if old_names != [t.name for t in new_tags]:
            changes["tags"] = [old_names, [t.name for t in new_tags]]
            locked.tags.set(new_tags)
    if objectives is not None:
        new_objs = _objectives(engagement=locked.engagement, objectives=objectives)
        old_codes = sorted(o.code for o in locked.objectives.all())
        if old_codes != sorted(o.code for o in new_objs):
            changes["objectives"] = [old_codes, sorted(o.code for o in new_objs)]
            locked.objectives.set(new_objs)
    if changes:
        audit_log(actor=actor, action="inputs.input.details_changed", target=locked,
                  engagement=locked.engagement_id, changes=changes)
        if "priority" in changes or "kind" in changes:
            hooks.input_details_changed(input=locked)
    input.refresh_from_db()
    return input
