"""Every write to alignment sessions: agenda, positions, decisions, minutes and the session's states.

HTML views and API views both call these, so each rule lives here once. Each service writes its
AuditEvent inside its own transaction.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts import policies
from apps.accounts.models import WORKSTREAM_ROLES, Membership, User
from apps.accounts.policies import require_pmo
from apps.audit.services import audit_log
from apps.conflicts.models import Finding
from apps.conflicts.services import finding_mark_in_alignment, finding_release_from_alignment, finding_resolve
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.core.hashing import sha256_text
from apps.core.stale import CurrentText, refuse_stale_edit
from apps.engagements import numbering
from apps.engagements.models import Engagement, Workstream
from apps.engagements.numbering import reference_numbers
from apps.inputs.models import Input, InputRevision
from apps.notifications.services import notify

from . import hooks
from .models import AgendaItem, AlignmentSession, Decision, DecisionRevision, Position

TITLE_MAX = 200
MINUTES_MAX = 50000
REASON_MAX = 5000
TEXT_MAX = 20000
# Findings the PMO may still put on an agenda: not yet in alignment, resolved, dismissed or superseded.
# The fields each decision outcome uses besides the rationale; _clean_decision keeps these and blanks the rest.
# Forms read it to show only the chosen outcome's fields.
DECISION_OUTCOME_FIELDS: dict[str, tuple[str, ...]] = {
    "adopt": ("adopted_input",),
    "merge": ("merged_text",),
    "defer": ("due_date", "owner"),
    "escalate": ("due_date", "owner"),
    "reject": (),
}


# --- helpers ------------------------------------------------------------------------------------------

def _lock_session(session: AlignmentSession) -> AlignmentSession:
    return AlignmentSession.objects.select_for_update().get(pk=session.pk)


def _require_open(session: AlignmentSession) -> None:
    if session.status == AlignmentSession.Status.CONCLUDED:
        raise ApplicationError("This session is concluded; its record can no longer change.")


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ApplicationError("Give the session a title.", field="title")
    if len(title) > TITLE_MAX:
        raise ApplicationError(f"The title is {len(title)} characters; the limit is {TITLE_MAX}.", field="title")
    return title


def _clean_participants(*, engagement: Engagement, participants: Iterable[User]) -> list[User]:
    people = list({u.pk: u for u in participants}.values())
    member_ids = set(
        Membership.objects.filter(engagement=engagement, user__in=people).values_list("user_id", flat=True)
    )
    strangers = [u for u in people if u.pk not in member_ids]
    if strangers:
        raise ApplicationError("Participants must be members of this engagement.", field="participants")
    return people


def _session_url(session: AlignmentSession) -> str:
    return reverse("alignment:detail", kwargs={"engagement_id": session.engagement_id, "session_id": session.pk})


def _invite(*, session: AlignmentSession, users: Sequence[User], actor: User) -> None:
    recipients = [u for u in users if u.pk != actor.pk]
    if not recipients:
        return
    notify(
        recipients=recipients, kind="session_invite", title=f"You are invited to “{session.title}”",
        body=f"Alignment session on {session.scheduled_at:%d %b %Y %H:%M} UTC.",
        url=_session_url(session), engagement=session.engagement,
        dedupe_key=f"session_invite:{session.pk}",
    )


def minutes_snapshot(session: AlignmentSession) -> CurrentText:
    """The current minutes, so a stale-edit refusal carries them back to the editor."""
    return CurrentText(number=session.minutes_revision, title=session.title, body=session.minutes,
                       author=session.minutes_updated_by or session.created_by, created_at=session.updated_at)


# --- sessions -----------------------------------------------------------------------------------------

@transaction.atomic
def session_create(
    *,
    actor: User,
    engagement: Engagement,
    title: str,
    scheduled_at: dt.datetime,
    participants: Iterable[User] = (),
    findings: Sequence[Finding] = (),
    inputs: Sequence[Input] = (),
) -> AlignmentSession:
    require_pmo(actor=actor, engagement=engagement)
    title = _clean_title(title)
    if scheduled_at is None:
        raise ApplicationError("Say when the session takes place.", field="scheduled_at")
    people = _clean_participants(engagement=engagement, participants=participants)
    session = AlignmentSession.objects.create(engagement=engagement, title=title, scheduled_at=scheduled_at,
                                              created_by=actor)
    session.participants.set(people)
    audit_log(actor=actor, action="alignment.session.created", target=session, engagement=engagement,
              changes={"title": title, "scheduled_at": scheduled_at.isoformat(),
                       "participants": sorted(u.email for u in people)})
    if findings:
        agenda_add_findings(actor=actor, session=session, findings=findings)
    if inputs:
        agenda_add_inputs(actor=actor, session=session, inputs=inputs)
    _invite(session=session, users=people, actor=actor)
    return session


@transaction.atomic
def session_update(
    *, actor: User, session: AlignmentSession, title: str, scheduled_at: dt.datetime, participants: Iterable[User]
) -> AlignmentSession:
    locked = _lock_session(session)
    require_pmo(actor=actor, engagement=locked.engagement)
    _require_open(locked)
    title = _clean_title(title)
    if scheduled_at is None:
        raise ApplicationError("Say when the session takes place.", field="scheduled_at")
    people = _clean_participants(engagement=locked.engagement, participants=participants)
    before = set(locked.participants.values_list("pk", flat=True))
    changes: dict[str, Any] = {}
    if title != locked.title:
        changes["title"] = [locked.title, title]
    if scheduled_at != locked.scheduled_at:
        changes["scheduled_at"] = [locked.scheduled_at.isoformat(), scheduled_at.isoformat()]
    added = [u for u in people if u.pk not in before]
    removed_ids = before - {u.pk for u in people}
    if added or removed_ids:
        changes["participants"] = {"added": sorted(u.email for u in added),
                                   "removed": sorted(User.objects.filter(pk__in=removed_ids)
                                                     .values_list("email", flat=True))}
    if not changes:
        return locked
    locked.title, locked.scheduled_at = title, scheduled_at
    locked.save(update_fields=["title", "scheduled_at", "updated_at"])
    locked.participants.set(people)
    audit_log(actor=actor, action="alignment.session.updated", target=locked, engagement=locked.engagement_id,
              changes=changes)
    _invite(session=locked, users=added, actor=actor)
    session.refresh_from_db()
    return locked


@transaction.atomic
def session_start(*, actor: User, session: AlignmentSession) -> AlignmentSession:
    locked = _lock_session(session)
    require_pmo(actor=actor, engagement=locked.engagement)
    if locked.status != AlignmentSession.Status.PLANNED:
        raise ApplicationError(f"Only a planned session can start; this one is {locked.get_status_display().lower()}.")
    locked.status = AlignmentSession.Status.IN_PROGRESS
    locked.started_at = timezone.now()
    locked.save(update_fields=["status", "started_at", "updated_at"])
    audit_log(actor=actor, action="alignment.session.started", target=locked, engagement=locked.engagement_id,
              changes={"status": ["planned", "in_progress"]})
    session.refresh_from_db()
    return session


@transaction.atomic
def session_conclude(*, actor: User, session: AlignmentSession) -> AlignmentSession:
    locked = _lock_session(session)
    require_pmo(actor=actor, engagement=locked.engagement)
    if locked.status != AlignmentSession.Status.IN_PROGRESS:
        raise ApplicationError("Start the session before concluding it." if locked.status == "planned"
                               else "This session is already concluded.")
    items = AgendaItem.objects.filter(session=locked)
    decided = items.filter(decision__isnull=False).count()
    locked.status = AlignmentSession.Status.CONCLUDED
    locked.concluded_at = timezone.now()
    locked.save(update_fields=["status", "concluded_at", "updated_at"])
    audit_log(actor=actor, action="alignment.session.concluded", target=locked, engagement=locked.engagement_id,
              changes={"status": ["in_progress", "concluded"], "agenda_items": items.count(), "decided": decided})
    # Nobody will decide its undecided findings here now: release each one this was the last live agenda of,
    # as agenda_item_remove does, or it would stay "in alignment" and no other agenda could take it. The session
    # is already concluded (in this transaction) and the findings are locked, in pk order, before looking at
    # their other agendas, so two sessions concluding over the same finding cannot each still see the other
    # as live and both leave it in alignment.
    undecided = items.filter(finding__isnull=False, decision__isnull=True).values_list("finding_id", flat=True)
    for finding in Finding.objects.select_for_update().filter(pk__in=list(undecided)).order_by("pk"):
        if not _on_a_live_agenda(finding):
            finding_release_from_alignment(finding=finding, actor=actor)
    session.refresh_from_db()
    return session


@transaction.atomic
def session_minutes_save(
    *, actor: User, session: AlignmentSession, minutes: str, expected_revision: int | None
) -> AlignmentSession:
    """Save the minutes, refusing to overwrite minutes someone else saved after the editor opened them."""
    locked = _lock_session(session)
    require_pmo(actor=actor, engagement=locked.engagement)
    _require_open(locked)
    refuse_stale_edit(
        expected=expected_revision, current=locked.minutes_revision, field="expected_revision",
        missing="Say which minutes revision you edited (expected_revision).",
        stale=(f"The minutes were saved by {locked.minutes_updated_by or locked.created_by} (revision "
               f"{locked.minutes_revision}) after you opened revision {expected_revision}; your text was not "
               "saved over them."),
        current_text=lambda: minutes_snapshot(locked))
    minutes = (minutes or "").replace("\r\n", "\n")
    if len(minutes) > MINUTES_MAX:
        raise ApplicationError(f"The minutes are {len(minutes)} characters; the limit is {MINUTES_MAX}.",
                               field="minutes")
    if minutes == locked.minutes:
        raise ApplicationError("Nothing changed in the minutes.", field="minutes")
    previous = sha256_text(locked.minutes)
    locked.minutes = minutes
    locked.minutes_revision += 1
    locked.minutes_updated_by = actor
    locked.save(update_fields=["minutes", "minutes_revision", "minutes_updated_by", "updated_at"])
    audit_log(actor=actor, action="alignment.session.minutes_saved", target=locked, engagement=locked.engagement_id,
              changes={"minutes_revision": locked.minutes_revision, "sha256": sha256_text(minutes),
                       "previous_sha256": previous})
    session.refresh_from_db()
    return session


# --- agenda ---------------------------------------------------------------------------------------------

def _next_order(session: AlignmentSession) -> int:
    return (AgendaItem.objects.filter(session=session).aggregate(m=Max("order"))["m"] or 0) + 1


def _request_positions(*, item: AgendaItem, workstream_ids: Iterable[int], actor: User) -> None:
    ids = set(workstream_ids)
    recipients = [m.user for m in Membership.objects.filter(
        engagement_id=item.session.engagement_id, workstream_id__in=ids, role__in=list(WORKSTREAM_ROLES)
    ).select_related("user") if m.user_id != actor.pk]
    if not recipients:
        return
    notify(
        recipients=recipients, kind="position_requested", title=f"Your position is requested: {item.title[:120]}",
        body=f"On the agenda of “{item.session.title}”. Record agree, object or abstain with a reason.",
        url=f"{_session_url(item.session)}#item-{item.pk}",
        engagement=item.session.engagement, dedupe_key=f"position_requested:{item.pk}",
    )


def _finding_title(finding: Finding) -> str:
    text = f"{finding.reference} {finding.get_label_display()} ({finding.get_kind_display().lower()}): " \
           f"{finding.explanation}"
    return text[:300]


@transaction.atomic
def agenda_add_findings(*, actor: User, session: AlignmentSession, findings: Sequence[Finding]) -> list[AgendaItem]:
    locked = _lock_session(session)
    require_pmo(actor=actor, engagement=locked.engagement)
    _require_open(locked)
    if not findings:
        raise ApplicationError("Pick at least one finding.", field="findings")
    on_agenda = set(AgendaItem.objects.filter(session=locked, finding__isnull=False).values_list("finding_id",
                                                                                                flat=True))
    by_id = {f.pk: f for f in Finding.objects.filter(pk__in=[f.pk for f in findings])}
    items: list[AgendaItem] = []
    order = _next_order(locked)
    for requested in findings:
        finding = by_id.get(requested.pk)
        if finding is None or finding.engagement_id != locked.engagement_id:
            raise ApplicationError("That finding is not part of this engagement.", field="findings")
        if finding.pk in on_agenda:
            raise ApplicationError(f"{finding.reference} is already on this agenda.", field="findings")
        if not finding.is_awaiting:
            raise ApplicationError(f"{finding.reference} is {finding.get_status_display().lower()}; only open "
                                   "findings can be put on an agenda.", field="findings")
        item = AgendaItem.objects.create(session=locked, order=order, finding=finding, title=_finding_title(finding))
        order += 1
        on_agenda.add(finding.pk)
        audit_log(actor=actor, action="alignment.agenda_item.added", target=item, engagement=locked.engagement_id,
                  changes={"session": locked.pk, "finding": finding.reference})
        finding_mark_in_alignment(finding=finding, actor=actor)
        item.session = locked
        _request_positions(item=item, workstream_ids=[finding.workstream_a_id, finding.workstream_b_id], actor=actor)
        items.append(item)
    return items


@transaction.atomic
def agenda_add_inputs(*, actor: User, session: AlignmentSession, inputs: Sequence[Input]) -> list[AgendaItem]:
    locked = _lock_session(session)
    require_pmo(actor=actor, engagement=locked.engagement)
    _require_open(locked)
    if not inputs:
        raise ApplicationError("Pick at least one input.", field="inputs")
    on_agenda = set(AgendaItem.objects.filter(session=locked, input__isnull=False).values_list("input_id", flat=True))
    items: list[AgendaItem] = []
    order = _next_order(locked)
    for item_input in inputs:
        if item_input.engagement_id != locked.engagement_id:
            raise ApplicationError("That input is not part of this engagement.", field="inputs")
        if item_input.status != Input.Status.SUBMITTED:
            raise ApplicationError(f"{item_input.reference} is {item_input.get_status_display().lower()}; only "
                                   "submitted inputs can be put on an agenda.", field="inputs")
        if item_input.pk in on_agenda:
            raise ApplicationError(f"{item_input.reference} is already on this agenda.", field="inputs")
        item = AgendaItem.objects.create(session=locked, order=order, input=item_input,
                                         title=f"{item_input.reference} {item_input.title}"[:300])
        order += 1
        on_agenda.add(item_input.pk)
        audit_log(actor=actor, action="alignment.agenda_item.added", target=item, engagement=locked.engagement_id,
                  changes={"session": locked.pk, "input": item_input.reference})
        item.session = locked
        _request_positions(item=item, workstream_ids=[item_input.workstream_id], actor=actor)
        items.append(item)
    return items


@transaction.atomic
def agenda_add_conflicts_between(
    *, actor: User, session: AlignmentSession, workstream_a: Workstream, workstream_b: Workstream
) -> list[AgendaItem]:
    """The one-click shortcut: every open conflict between two workstreams not yet on this agenda."""
    require_pmo(actor=actor, engagement=session.engagement)
    for ws in (workstream_a, workstream_b):
        if ws.engagement_id != session.engagement_id:
            raise ApplicationError("That workstream is not part of this engagement.", field="workstream_a")
    if workstream_a.pk == workstream_b.pk:
        raise ApplicationError("Choose two different workstreams.", field="workstream_b")
    pair = (Q(workstream_a=workstream_a, workstream_b=workstream_b)
            | Q(workstream_a=workstream_b, workstream_b=workstream_a))
    findings = list(
        Finding.objects.filter(pair, engagement_id=session.engagement_id, label=Finding.Label.CONFLICT,
                               status__in=Finding.AWAITING_STATUSES)
        .exclude(agenda_items__session=session).order_by("id")
    )
    if not findings:
        raise ApplicationError(f"There are no open conflicts between {workstream_a.name} and {workstream_b.name} "
                               "left to put on this agenda.", field="workstream_a")
    return agenda_add_findings(actor=actor, session=session, findings=findings)


@transaction.atomic
def agenda_item_remove(*, actor: User, item: AgendaItem) -> None:
    locked_session = _lock_session(item.session)
    require_pmo(actor=actor, engagement=locked_session.engagement)
    _require_open(locked_session)
    if Decision.objects.filter(agenda_item=item).exists():
        raise ApplicationError("This item is decided; it stays on the record.")
    audit_log(actor=actor, action="alignment.agenda_item.removed", target=item,
              engagement=locked_session.engagement_id,
              changes={"session": locked_session.pk, "title": item.title,
                       "positions": list(item.positions.values_list("workstream__name", "stance"))})
    # Lock the finding before looking at its other agendas, so two removals of the same finding from two
    # sessions cannot each still see the other's item and both leave it in alignment.
    finding = Finding.objects.select_for_update().get(pk=item.finding_id) if item.finding_id else None
    item.positions.all().delete()
    item.delete()
    if finding is not None and not _on_a_live_agenda(finding):
        # Nobody will decide it now: without this it would stay "in alignment" and could never be put on
        # another agenda (only open and acknowledged findings can).
        finding_release_from_alignment(finding=finding, actor=actor)


def _on_a_live_agenda(finding: Finding) -> bool:
    """Still on the agenda of a session that can decide it (planned or in progress)."""
    return AgendaItem.objects.filter(finding=finding).exclude(
        session__status=AlignmentSession.Status.CONCLUDED).exists()


# --- positions -------------------------------------------------------------------------------------------

@transaction.atomic
def position_record(*, actor: User, item: AgendaItem, stance: str, reason: str) -> Position:
    """A lead or contributor states their own workstream's stance; changeable until the item is decided."""
    locked = AgendaItem.objects.select_for_update(of=("self",)).select_related("session").get(pk=item.pk)
    membership = Membership.objects.filter(user=actor, engagement_id=locked.session.engagement_id).first()
    if not policies.speaks_for_workstream(membership):
        raise PermissionDeniedError("Only workstream leads and contributors record positions, each for their own "
                                    "workstream.")
    if locked.session.status == AlignmentSession.Status.CONCLUDED:
        raise ApplicationError("This session is concluded; positions are frozen.")
    if Decision.objects.filter(agenda_item=locked).exists():
        raise ApplicationError("This item is decided; positions are frozen.")
    if stance not in Position.Stance.values:
        raise ApplicationError("Choose agree, object or abstain.", field="stance")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Give a reason for your workstream's position.", field="reason")
    if len(reason) > REASON_MAX:
        raise ApplicationError(f"The reason is {len(reason)} characters; the limit is {REASON_MAX}.", field="reason")
    position = Position.objects.filter(agenda_item=locked, workstream_id=membership.workstream_id).first()
    if position is None:
        position = Position.objects.create(agenda_item=locked, workstream_id=membership.workstream_id, stance=stance,
                                           reason=reason, recorded_by=actor)
        action, changes = "alignment.position.recorded", {"stance": stance}
    else:
        if position.stance == stance and position.reason == reason:
            return position
        changes = {"stance": [position.stance, stance]} if position.stance != stance else {"stance": stance}
        if position.reason != reason:
            changes["reason"] = "changed"
        position.stance, position.reason, position.recorded_by = stance, reason, actor
        position.save(update_fields=["stance", "reason", "recorded_by", "updated_at"])
        action = "alignment.position.changed"
    changes.update(workstream=membership.workstream.name, agenda_item=locked.pk)
    audit_log(actor=actor, action=action, target=position, engagement=locked.session.engagement_id, changes=changes)
    return position


# --- decisions -------------------------------------------------------------------------------------------

def _item_inputs(item: AgendaItem) -> list[Input]:
    if item.finding_id:
        return [item.finding.input_a, item.finding.input_b]
    return [item.input]


def _current_revisions(item: AgendaItem) -> list[InputRevision]:
    ids = [i.pk for i in _item_inputs(item)]
    return [i.current_revision for i in Input.objects.filter(pk__in=ids).select_related("current_revision")
            if i.current_revision is not None]


def _clean_decision(
    *,
    item: AgendaItem,
    outcome: str,
    rationale: str,
    adopted_input: Input | None,
    merged_text: str,
    due_date: dt.date | None,
    owner: User | None,
) -> dict[str, Any]:
    if outcome not in Decision.Outcome.values:
        raise ApplicationError("Choose adopt, merge, defer, escalate or reject.", field="outcome")
    rationale = (rationale or "").replace("\r\n", "\n").strip()
    if not rationale:
        raise ApplicationError("A decision needs a rationale: say why.", field="rationale")
    if len(rationale) > TEXT_MAX:
        raise ApplicationError(f"The rationale is {len(rationale)} characters; the limit is {TEXT_MAX}.",
                               field="rationale")
    merged_text = (merged_text or "").replace("\r\n", "\n").strip()
    cleaned: dict[str, Any] = {"outcome": outcome, "rationale": rationale, "adopted_input": None,
                               "merged_text": "", "due_date": None, "owner": None}
    if outcome == Decision.Outcome.ADOPT:
        sides = {i.pk: i for i in _item_inputs(item)}
        if adopted_input is None:
            raise ApplicationError("Say which input is adopted.", field="adopted_input")
        if adopted_input.pk not in sides:
            raise ApplicationError("The adopted input must be one of the inputs on this agenda item.",
                                   field="adopted_input")
        cleaned["adopted_input"] = sides[adopted_input.pk]
    elif outcome == Decision.Outcome.MERGE:
        if not merged_text:
            raise ApplicationError("A merge needs the integrated text.", field="merged_text")
        if len(merged_text) > TEXT_MAX:
            raise ApplicationError(f"The integrated text is {len(merged_text)} characters; the limit is {TEXT_MAX}.",
                                   field="merged_text")
        cleaned["merged_text"] = merged_text
    elif outcome in (Decision.Outcome.DEFER, Decision.Outcome.ESCALATE):
        if outcome == Decision.Outcome.DEFER and due_date is None:
            raise ApplicationError("A deferral needs a due date.", field="due_date")
        if outcome == Decision.Outcome.DEFER and owner is None:
            raise ApplicationError("A deferral needs an owner who follows it up.", field="owner")
        if owner is not None and not Membership.objects.filter(user=owner,
                                                               engagement_id=item.session.engagement_id).exists():
            raise ApplicationError("The owner must be a member of this engagement.", field="owner")
        cleaned["due_date"], cleaned["owner"] = due_date, owner
    return cleaned


def _snapshot(decision: Decision, source_ids: list[int]) -> DecisionRevision:
    return DecisionRevision.objects.create(
        decision=decision, version=decision.version, outcome=decision.outcome, rationale=decision.rationale,
        adopted_input=decision.adopted_input, merged_text=decision.merged_text, due_date=decision.due_date,
        owner=decision.owner, decided_by=decision.decided_by, source_revision_ids=sorted(source_ids),
    )


def _describe(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {
        "outcome": cleaned["outcome"],
        "adopted_input": cleaned["adopted_input"].reference if cleaned["adopted_input"] else None,
        "merged_text_sha256": sha256_text(cleaned["merged_text"]) if cleaned["merged_text"] else None,
        "due_date": cleaned["due_date"].isoformat() if cleaned["due_date"] else None,
        "owner": cleaned["owner"].email if cleaned["owner"] else None,
        "rationale_sha256": sha256_text(cleaned["rationale"]),
    }


@transaction.atomic
def decision_record(
    *,
    actor: User,
    item: AgendaItem,
    outcome: str,
    rationale: str,
    adopted_input: Input | None = None,
    merged_text: str = "",
    due_date: dt.date | None = None,
    owner: User | None = None,
) -> Decision:
    locked = AgendaItem.objects.select_for_update(of=("self",)).select_related(
        "session", "finding__input_a", "finding__input_b", "input").get(pk=item.pk)
    require_pmo(actor=actor, engagement=locked.session.engagement)
    if locked.session.status == AlignmentSession.Status.PLANNED:
        raise ApplicationError("Start the session before recording decisions.")
    if locked.session.status == AlignmentSession.Status.CONCLUDED:
        raise ApplicationError("This session is concluded; revise an existing decision instead.")
    if Decision.objects.filter(agenda_item=locked).exists():
        raise ApplicationError("This item is already decided; revise the decision instead.")
    cleaned = _clean_decision(item=locked, outcome=outcome, rationale=rationale, adopted_input=adopted_input,
                              merged_text=merged_text, due_date=due_date, owner=owner)
    number = reference_numbers(engagement_id=locked.session.engagement_id, kind=numbering.DECISION)
    decision = Decision.objects.create(agenda_item=locked, engagement_id=locked.session.engagement_id,
                                       decided_by=actor, version=1, number=number, **cleaned)
    sources = _current_revisions(locked)
    decision.source_revisions.set(sources)
    _snapshot(decision, [r.pk for r in sources])
    audit_log(actor=actor, action="alignment.decision.recorded", target=decision,
              engagement=locked.session.engagement_id,
              changes={**_describe(cleaned), "agenda_item": locked.pk, "version": 1,
                       "source_revisions": sorted(f"{r.input.reference} r{r.number}" for r in sources)})
    if locked.finding_id:
        finding_resolve(finding=locked.finding, actor=actor, decision=decision)
    hooks.decision_recorded(decision=decision)  # e.g. outgoing webhooks, written in this transaction
    return decision


def decision_snapshot(decision: Decision) -> CurrentText:
    return CurrentText(number=decision.version, title=decision.reference, body=decision.rationale,
                       author=decision.decided_by, created_at=decision.updated_at)


@transaction.atomic
def decision_revise(
    *,
    actor: User,
    decision: Decision,
    expected_version: int | None,
    outcome: str,
    rationale: str,
    adopted_input: Input | None = None,
    merged_text: str = "",
    due_date: dt.date | None = None,
    owner: User | None = None,
) -> Decision:
    """Record a new version of a decision; every trace link that saw an older version turns suspect."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    require_pmo(actor=actor, engagement=locked.engagement)
    refuse_stale_edit(
        expected=expected_version, current=locked.version, field="expected_version",
        missing="Say which version of the decision you revised (expected_version).",
        stale=(f"{locked.reference} was revised to version {locked.version} by {locked.decided_by} after you "
               f"opened version {expected_version}; your changes were not saved over it."),
        current_text=lambda: decision_snapshot(locked))
    item = AgendaItem.objects.select_related("session", "finding__input_a", "finding__input_b", "input").get(
        pk=locked.agenda_item_id)
    cleaned = _clean_decision(item=item, outcome=outcome, rationale=rationale, adopted_input=adopted_input,
                              merged_text=merged_text, due_date=due_date, owner=owner)
    before = {"outcome": locked.outcome, "rationale": locked.rationale, "adopted_input": locked.adopted_input,
              "merged_text": locked.merged_text, "due_date": locked.due_date, "owner": locked.owner}
    if before == cleaned:
        raise ApplicationError("Nothing changed: this is the same as version "
                               f"{locked.version}.", field="rationale")
    old_desc = _describe(before)
    for field, value in cleaned.items():
        setattr(locked, field, value)
    locked.version += 1
    locked.decided_by = actor
    locked.clear_suspect()  # the new version rests on the inputs' current revisions
    locked.save()
    sources = _current_revisions(item)
    locked.source_revisions.set(sources)
    _snapshot(locked, [r.pk for r in sources])
    new_desc = _describe(cleaned)
    audit_log(actor=actor, action="alignment.decision.revised", target=locked, engagement=locked.engagement_id,
              changes={"version": [locked.version - 1, locked.version],
                       **{k: [old_desc[k], new_desc[k]] for k in new_desc if old_desc[k] != new_desc[k]}})
    hooks.decision_revised(decision=locked, actor=actor)  # trace links that saw an older version → suspect
    decision.refresh_from_db()
    return decision


@transaction.atomic
def decision_clear_suspect(*, actor: User, decision: Decision) -> Decision:
    """After review the PMO confirms the decision still holds for the inputs' current revisions."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    require_pmo(actor=actor, engagement=locked.engagement)
    if not locked.is_suspect:
        raise ApplicationError(f"{locked.reference} is not marked as suspect.")
    old = sorted(f"{r.input.reference} r{r.number}" for r in locked.source_revisions.select_related("input"))
    item = AgendaItem.objects.select_related("finding__input_a", "finding__input_b", "input").get(
        pk=locked.agenda_item_id)
    sources = _current_revisions(item)
    locked.source_revisions.set(sources)
    reason = locked.clear_suspect()
    locked.save(update_fields=Decision.SUSPECT_FIELDS)
    audit_log(actor=actor, action="alignment.decision.suspect_cleared", target=locked,
              engagement=locked.engagement_id,
              changes={"reason": reason, "source_revisions": [old, sorted(f"{r.input.reference} r{r.number}"
                                                                          for r in sources)]})
    decision.refresh_from_db()
    return decision


def decisions_mark_suspect_for_revision(*, revision: InputRevision, actor: User | None) -> int:
    """A decision rested on an older revision of this input: flag it (inside the reviser's transaction)."""
    now = timezone.now()
    marked = 0
    ids = set(Decision.objects.filter(source_revisions__input_id=revision.input_id, is_suspect=False)
              .exclude(source_revisions=revision).values_list("pk", flat=True))
    for decision in Decision.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        decision.mark_suspect(f"{revision.input.reference} has a new revision r{revision.number} since this "
                              "decision was taken", at=now)
        decision.save(update_fields=Decision.SUSPECT_FIELDS)
        audit_log(actor=actor, action="alignment.decision.suspected", target=decision,
                  engagement=decision.engagement_id,
                  changes={"input": revision.input.reference, "revision": revision.number})
        marked += 1
    return marked


def decisions_mark_suspect(*, decision_ids: list[int], reason: str, actor: User | None) -> int:
    """Flag decisions for review for a reason outside their inputs (a work item they led to was dropped)."""
    now = timezone.now()
    marked = 0
    for decision in Decision.objects.select_for_update().filter(pk__in=decision_ids, is_suspect=False).order_by("pk"):
        decision.is_suspect, decision.suspect_reason, decision.suspect_since = True, reason[:300], now
        decision.save(update_fields=["is_suspect", "suspect_reason", "suspect_since", "updated_at"])
        audit_log(actor=actor, action="alignment.decision.suspected", target=decision,
                  engagement=decision.engagement_id, changes={"reason": decision.suspect_reason})
        marked += 1
    return marked
