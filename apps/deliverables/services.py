"""Every write to deliverables: sections, trace links, suspect flags and publishing frozen versions.

HTML views and API views both call these; each writes its AuditEvent in its own transaction.
"""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.policies import require_pmo
from apps.alignment.models import Decision
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError
from apps.core.hashing import sha256_bytes, sha256_text
from apps.core.stale import CurrentText, refuse_stale_edit
from apps.engagements.models import Engagement, Objective
from apps.inputs.models import InputRevision
from apps.inputs.policies import input_is_private

from . import hooks
from .models import Deliverable, DeliverableVersion, Section, TraceLink
from .rendering import SectionText, render_document

TITLE_MAX = 200
HEADING_MAX = 200
BODY_MAX = 50000
DESCRIPTION_MAX = 20000


def _clean_heading(heading: str, *, field: str = "heading", limit: int = HEADING_MAX) -> str:
    heading = (heading or "").strip()
    if not heading:
        raise ApplicationError("Give it a heading." if field == "heading" else "Give it a title.", field=field)
    if len(heading) > limit:
        raise ApplicationError(f"It is {len(heading)} characters; the limit is {limit}.", field=field)
    return heading


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n")
    if len(body) > BODY_MAX:
        raise ApplicationError(f"The text is {len(body)} characters; the limit is {BODY_MAX}.", field="body")
    return body


# --- deliverables and sections ----------------------------------------------------------------------

@transaction.atomic
def deliverable_create(*, actor: User, engagement: Engagement, title: str, description: str = "",
                       approval_policy: str = Deliverable.ApprovalPolicy.ALL) -> Deliverable:
    require_pmo(actor=actor, engagement=engagement)
    title = _clean_heading(title, field="title", limit=TITLE_MAX)
    if approval_policy not in Deliverable.ApprovalPolicy.values:
        raise ApplicationError(f"Unknown approval policy {approval_policy!r}.", field="approval_policy")
    if len(description or "") > DESCRIPTION_MAX:
        raise ApplicationError("The description is too long.", field="description")
    if Deliverable.objects.filter(engagement=engagement, title__iexact=title).exists():
        raise ApplicationError(f"A deliverable called “{title}” already exists.", field="title")
    deliverable = Deliverable.objects.create(engagement=engagement, title=title, description=description or "",
                                             approval_policy=approval_policy, created_by=actor)
    audit_log(actor=actor, action="deliverables.deliverable.created", target=deliverable, engagement=engagement,
              changes={"title": title, "approval_policy": approval_policy})
    return deliverable


@transaction.atomic
def deliverable_update(*, actor: User, deliverable: Deliverable, title: str | None = None,
                       description: str | None = None, approval_policy: str | None = None) -> Deliverable:
    locked = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    require_pmo(actor=actor, engagement=locked.engagement)
    changes: dict[str, Any] = {}
    if title is not None:
        title = _clean_heading(title, field="title", limit=TITLE_MAX)
        if title != locked.title:
            if Deliverable.objects.filter(engagement_id=locked.engagement_id, title__iexact=title).exclude(
                    pk=locked.pk).exists():
                raise ApplicationError(f"A deliverable called “{title}” already exists.", field="title")
            changes["title"] = [locked.title, title]
            locked.title = title
    if description is not None and description != locked.description:
        if len(description) > DESCRIPTION_MAX:
            raise ApplicationError("The description is too long.", field="description")
        changes["description"] = "changed"
        locked.description = description
    if approval_policy is not None and approval_policy != locked.approval_policy:
        if approval_policy not in Deliverable.ApprovalPolicy.values:
            raise ApplicationError(f"Unknown approval policy {approval_policy!r}.", field="approval_policy")
        changes["approval_policy"] = [locked.approval_policy, approval_policy]
        locked.approval_policy = approval_policy
    if changes:
        locked.save()
        audit_log(actor=actor, action="deliverables.deliverable.updated", target=locked,
                  engagement=locked.engagement_id, changes=changes)
    deliverable.refresh_from_db()
    return deliverable


def _lock_deliverable(deliverable: Deliverable) -> Deliverable:
    return Deliverable.objects.select_for_update(of=("self",)).select_related("engagement").get(pk=deliverable.pk)


def _next_order(deliverable: Deliverable) -> int:
    return (Section.objects.filter(deliverable=deliverable).aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def section_create(*, actor: User, deliverable: Deliverable, heading: str, body: str = "") -> Section:
    locked = _lock_deliverable(deliverable)
    require_pmo(actor=actor, engagement=locked.engagement)
    heading, body = _clean_heading(heading), _clean_body(body)
    section = Section.objects.create(deliverable=locked, order=_next_order(locked), heading=heading, body=body,
                                     revision=1, updated_by=actor)
    audit_log(actor=actor, action="deliverables.section.created", target=section, engagement=locked.engagement_id,
              changes={"deliverable": locked.pk, "heading": heading, "order": section.order,
                       "body_sha256": sha256_text(body)})
    return section


def section_snapshot(section: Section) -> CurrentText:
    """The current text of a section, so a stale-edit refusal carries it back to the editor."""
    return CurrentText(number=section.revision, title=section.heading, body=section.body,
                       author=section.updated_by or "someone", created_at=section.updated_at)


@transaction.atomic
def section_update(*, actor: User, section: Section, heading: str, body: str,
                   expected_revision: int | None) -> Section:
    """Save a section's text, refusing to overwrite a newer save made after the editor opened it."""
    locked = (Section.objects.select_for_update(of=("self",)).select_related("deliverable", "updated_by")
              .get(pk=section.pk))
    require_pmo(actor=actor, engagement=locked.deliverable.engagement)
    refuse_stale_edit(
        expected=expected_revision, current=locked.revision, field="expected_revision",
        missing="Say which section revision you edited (expected_revision or If-Match).",
        stale=(f"This section was saved by {locked.updated_by or 'someone'} (revision {locked.revision}) after "
               f"you opened revision {expected_revision}; your text was not saved over it."),
        current_text=lambda: section_snapshot(locked))
    heading, body = _clean_heading(heading), _clean_body(body)
    if heading == locked.heading and body == locked.body:
        raise ApplicationError(f"Nothing changed: the text is the same as revision {locked.revision}.", field="body")
    changes: dict[str, Any] = {"revision": [locked.revision, locked.revision + 1]}
    if heading != locked.heading:
        changes["heading"] = [locked.heading, heading]
    if body != locked.body:
        changes["body_sha256"] = [sha256_text(locked.body), sha256_text(body)]
    locked.heading, locked.body, locked.revision, locked.updated_by = heading, body, locked.revision + 1, actor
    locked.save(update_fields=["heading", "body", "revision", "updated_by", "updated_at"])
    audit_log(actor=actor, action="deliverables.section.updated", target=locked,
              engagement=locked.deliverable.engagement_id, changes=changes)
    section.refresh_from_db()
    return section


@transaction.atomic
def section_move(*, actor: User, section: Section, direction: str) -> Section:
    locked_deliverable = _lock_deliverable(section.deliverable)
    require_pmo(actor=actor, engagement=locked_deliverable.engagement)
    if direction not in ("up", "down"):
        raise ApplicationError("Move a section up or down.", field="direction")
    ordered = list(Section.objects.filter(deliverable=locked_deliverable).order_by("order", "id"))
    index = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ordered):
        raise ApplicationError(f"This section is already the {'first' if direction == 'up' else 'last'} one.")
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for number, item in enumerate(ordered, start=1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order", "updated_at"])
    moved = ordered[other]
    audit_log(actor=actor, action="deliverables.section.moved", target=moved,
              engagement=locked_deliverable.engagement_id,
              changes={"direction": direction, "order": [index + 1, other + 1]})
    section.refresh_from_db()
    return section


@transaction.atomic
def section_delete(*, actor: User, section: Section) -> None:
    """Draft sections can go; published versions keep their own frozen copy of the text."""
    locked_deliverable = _lock_deliverable(section.deliverable)
    require_pmo(actor=actor, engagement=locked_deliverable.engagement)
    links = [str(link_target(link)) for link in section.trace_links.select_related(
        "input_revision__input", "decision", "objective")]
    audit_log(actor=actor, action="deliverables.section.deleted", target=section,
              engagement=locked_deliverable.engagement_id,
              changes={"heading": section.heading, "body_sha256": sha256_text(section.body), "trace_links": links})
    section.trace_links.all().delete()
    section.delete()
    for number, item in enumerate(Section.objects.filter(deliverable=locked_deliverable).order_by("order", "id"),
                                  start=1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order", "updated_at"])


def _default_heading(decision: Decision) -> str:
    """The adopted side's title for an adopt decision (never the side that lost); both sides' for a merge."""
    item = decision.agenda_item
    if decision.outcome == Decision.Outcome.ADOPT and decision.adopted_input_id:
        revision = decision.adopted_input.current_revision
        return (revision.title if revision is not None else decision.adopted_input.title)[:HEADING_MAX]
    if item.finding_id:
        return f"{item.finding.input_a.title} / {item.finding.input_b.title}"[:HEADING_MAX]
    return item.input.title[:HEADING_MAX]


@transaction.atomic
def section_create_from_decision(*, actor: User, deliverable: Deliverable, decision: Decision,
                                 heading: str = "") -> Section:
    """A section that starts with the decision's text and traces to the decision and the revisions it rested on."""
    locked = _lock_deliverable(deliverable)
    require_pmo(actor=actor, engagement=locked.engagement)
    decision = Decision.objects.select_related(
        "agenda_item__finding__input_a", "agenda_item__finding__input_b", "agenda_item__input",
        "adopted_input__current_revision").get(pk=decision.pk)
    if decision.engagement_id != locked.engagement_id:
        raise ApplicationError("That decision is not part of this engagement.", field="decision")
    if decision.outcome == Decision.Outcome.MERGE:
        body = decision.merged_text
    elif decision.outcome == Decision.Outcome.ADOPT and decision.adopted_input.current_revision is not None:
        body = decision.adopted_input.current_revision.body
    else:
        raise ApplicationError("Only a merge or adopt decision carries text into a section.", field="decision")
    heading = _clean_heading(heading or _default_heading(decision))
    section = Section.objects.create(deliverable=locked, order=_next_order(locked), heading=heading,
                                     body=_clean_body(body), revision=1, source_decision=decision, updated_by=actor)
    audit_log(actor=actor, action="deliverables.section.created", target=section, engagement=locked.engagement_id,
              changes={"deliverable": locked.pk, "heading": heading, "order": section.order,
                       "from_decision": decision.reference, "decision_version": decision.version,
                       "body_sha256": sha256_text(section.body)})
    tracelink_add(actor=actor, section=section, decision=decision)
    for revision in decision.source_revisions.select_related("input").order_by("input_id"):
        tracelink_add(actor=actor, section=section, input_revision=revision)
    return section


# --- trace links -------------------------------------------------------------------------------------

def link_target(link: TraceLink) -> str:
    if link.input_revision_id:
        return f"{link.input_revision.input.reference} r{link.input_revision.number}"
    if link.decision_id:
        return f"{link.decision.reference} v{link.decision_version}"
    return link.objective.code


@transaction.atomic
def tracelink_add(
    *,
    actor: User,
    section: Section,
    input_revision: InputRevision | None = None,
    decision: Decision | None = None,
    objective: Objective | None = None,
) -> TraceLink:
    section = Section.objects.select_related("deliverable").get(pk=section.pk)
    engagement_id = section.deliverable.engagement_id
    require_pmo(actor=actor, engagement=section.deliverable.engagement)
    targets = [t for t in (input_revision, decision, objective) if t is not None]
    if len(targets) != 1:
        raise ApplicationError("Link a section to exactly one input revision, decision or objective.",
                               field="target")
    existing = TraceLink.objects.filter(section=section)
    if input_revision is not None:
        input_revision = InputRevision.objects.select_related("input").get(pk=input_revision.pk)
        if input_revision.input.engagement_id != engagement_id:
            raise ApplicationError("That input is not part of this engagement.", field="input_revision")
        if input_is_private(input_revision.input):
            # Everyone who reads the deliverable would read the draft through the link.
            raise ApplicationError(f"{input_revision.input.reference} is a draft; link it once it is submitted.",
                                   field="input_revision")
        same = existing.filter(input_revision__input_id=input_revision.input_id).select_related(
            "input_revision__input").first()
        if same is not None:
            raise ApplicationError(f"This section already traces to {link_target(same)}.", field="input_revision")
        link = TraceLink.objects.create(section=section, input_revision=input_revision, created_by=actor)
    elif decision is not None:
        if decision.engagement_id != engagement_id:
            raise ApplicationError("That decision is not part of this engagement.", field="decision")
        if existing.filter(decision=decision).exists():
            raise ApplicationError(f"This section already traces to {decision.reference}.", field="decision")
        link = TraceLink.objects.create(section=section, decision=decision, decision_version=decision.version,
                                        created_by=actor)
    else:
        assert objective is not None
        if objective.engagement_id != engagement_id:
            raise ApplicationError("That objective is not part of this engagement.", field="objective")
        if existing.filter(objective=objective).exists():
            raise ApplicationError(f"This section already traces to {objective.code}.", field="objective")
        link = TraceLink.objects.create(section=section, objective=objective, created_by=actor)
    audit_log(actor=actor, action="deliverables.tracelink.added", target=link, engagement=engagement_id,
              changes={"section": section.pk, "target": link_target(link)})
    return link


@transaction.atomic
def tracelink_remove(*, actor: User, link: TraceLink) -> None:
    link = TraceLink.objects.select_related("section__deliverable", "input_revision__input", "decision",
                                            "objective").get(pk=link.pk)
    require_pmo(actor=actor, engagement=link.section.deliverable.engagement)
    audit_log(actor=actor, action="deliverables.tracelink.removed", target=link,
              engagement=link.section.deliverable.engagement_id,
              changes={"section": link.section_id, "target": link_target(link), "was_suspect": link.is_suspect})
    link.delete()


@transaction.atomic
def tracelink_clear_suspect(*, actor: User, link: TraceLink) -> TraceLink:
    """The PMO reviewed the changed source: the link now points at the current revision / decision version."""
    locked = TraceLink.objects.select_for_update().get(pk=link.pk)
    locked = TraceLink.objects.select_related("section__deliverable", "input_revision__input__current_revision",
                                              "decision", "objective").get(pk=locked.pk)
    require_pmo(actor=actor, engagement=locked.section.deliverable.engagement)
    if not locked.is_suspect:
        raise ApplicationError("This link is not suspect.")
    before = link_target(locked)
    if locked.input_revision_id:
        locked.input_revision = locked.input_revision.input.current_revision
    elif locked.decision_id:
        locked.decision_version = locked.decision.version
    reason = locked.clear_suspect()
    locked.save()
    audit_log(actor=actor, action="deliverables.tracelink.suspect_cleared", target=locked,
              engagement=locked.section.deliverable.engagement_id,
              changes={"section": locked.section_id, "target": [before, link_target(locked)], "reason": reason})
    link.refresh_from_db()
    return link


def _mark(links: list[TraceLink], *, reason: str, actor: User | None, engagement_id: int) -> int:
    now = timezone.now()
    for link in links:
        link.mark_suspect(reason, at=now)
        link.save(update_fields=TraceLink.SUSPECT_FIELDS)
        audit_log(actor=actor, action="deliverables.tracelink.suspected", target=link, engagement=engagement_id,
                  changes={"section": link.section_id, "reason": link.suspect_reason})
    return len(links)


def tracelinks_mark_suspect_for_sections(*, section_ids: list[int], reason: str, actor: User | None,
                                         engagement_id: int) -> int:
    """Something a section rests on outside its links changed (a dropped work item of the plan): its links
    turn suspect with that reason, so the deliverable page asks for a review before the next publication."""
    links = list(TraceLink.objects.select_for_update().filter(section_id__in=section_ids, is_suspect=False)
                 .order_by("pk"))
    return _mark(links, reason=reason, actor=actor, engagement_id=engagement_id)


def tracelinks_mark_suspect_for_revision(*, revision: InputRevision) -> int:
    """An input got a new revision: links to its older revisions turn suspect.

    Called from the inputs' revision hook inside the reviser's transaction, so it is audited with it.
    """
    revision = InputRevision.objects.select_related("input", "author").get(pk=revision.pk)
    stale = list(
        TraceLink.objects.select_for_update(of=("self",))
        .filter(input_revision__input_id=revision.input_id, is_suspect=False)
        .exclude(input_revision=revision).select_related("input_revision").order_by("pk")
    )
    marked = 0
    for link in stale:
        marked += _mark([link], actor=revision.author, engagement_id=revision.input.engagement_id,
                        reason=f"{revision.input.reference} has a new revision r{revision.number}; this section "
                               f"was written against r{link.input_revision.number}")
    return marked


def tracelinks_mark_suspect_for_decision(*, decision: Decision, actor: User) -> int:
    """A decision was revised: every link that saw an older version of it turns suspect."""
    stale = list(TraceLink.objects.select_for_update().filter(decision=decision, is_suspect=False,
                                                              decision_version__lt=decision.version).order_by("pk"))
    marked = 0
    for link in stale:
        marked += _mark([link], actor=actor, engagement_id=decision.engagement_id,
                        reason=f"{decision.reference} was revised to version {decision.version}; this section was "
                               f"written against version {link.decision_version}")
    return marked


# --- publishing --------------------------------------------------------------------------------------

def _sections_for_publish(deliverable: Deliverable) -> list[Section]:
    links = TraceLink.objects.select_related("input_revision__input__workstream", "decision", "objective").order_by(
        "pk")
    return list(Section.objects.filter(deliverable=deliverable).order_by("order", "id").prefetch_related(
        Prefetch("trace_links", queryset=links)))


def trace_manifest(sections: list[Section]) -> list[dict[str, Any]]:
    manifest = []
    for number, section in enumerate(sections, start=1):
        links = list(section.trace_links.all())
        manifest.append({
            "section_id": section.pk,
            "number": number,
            "heading": section.heading,
            "input_revisions": [
                {"input_id": link.input_revision.input_id, "input": link.input_revision.input.reference,
                 "title": link.input_revision.title, "workstream": link.input_revision.input.workstream.name,
                 "revision": link.input_revision.number, "body_sha256": link.input_revision.body_sha256,
                 "suspect": link.is_suspect}
                for link in links if link.input_revision_id
            ],
            "decisions": [
                {"decision_id": link.decision_id, "decision": link.decision.reference,
                 "version": link.decision_version, "outcome": link.decision.outcome, "suspect": link.is_suspect}
                for link in links if link.decision_id
            ],
            "objectives": [
                {"objective_id": link.objective_id, "code": link.objective.code, "title": link.objective.title}
                for link in links if link.objective_id
            ],
        })
    return manifest


def _suspect_links(sections: list[Section]) -> list[dict[str, Any]]:
    return [
        {"link_id": link.pk, "section_id": section.pk, "heading": section.heading, "target": link_target(link),
         "reason": link.suspect_reason,
         "since": link.suspect_since.isoformat() if link.suspect_since else None}
        for section in sections for link in section.trace_links.all() if link.is_suspect
    ]


@transaction.atomic
def version_publish(*, deliverable: Deliverable, actor: User) -> DeliverableVersion:
    """Freeze the draft: the exact rendered bytes, their SHA-256, the trace manifest and any suspect links."""
    locked = _lock_deliverable(deliverable)
    require_pmo(actor=actor, engagement=locked.engagement)
    sections = _sections_for_publish(locked)
    if not sections:
        raise ApplicationError("Add at least one section before publishing.")
    document = render_document(title=locked.title,
                               sections=[SectionText(heading=s.heading, body=s.body) for s in sections])
    stored = document.html_bytes
    sha = sha256_bytes(stored)
    manifest = trace_manifest(sections)
    suspects = _suspect_links(sections)
    previous = DeliverableVersion.objects.filter(deliverable=locked).order_by("-number").first()
    if previous is not None and previous.content_sha256 == sha and previous.trace_manifest == manifest:
        raise ApplicationError(f"Nothing changed since v{previous.number}: same text and same trace links.")
    version = DeliverableVersion.objects.create(
        deliverable=locked, number=(previous.number if previous else 0) + 1, markdown_source=document.markdown_source,
        rendered_html=stored, content_sha256=sha,
        sections=[{"section_id": s.pk, "order": n, "heading": s.heading, "body": s.body}
                  for n, s in enumerate(sections, start=1)],
        trace_manifest=manifest, suspect_links=suspects, published_by=actor,
    )
    audit_log(actor=actor, action="deliverables.version.published", target=version, engagement=locked.engagement_id,
              changes={"number": version.number, "content_sha256": sha, "sections": len(sections),
                       "suspect_links": len(suspects)})
    hooks.version_published(version=version)  # e.g. outgoing webhooks, written in this transaction
    return version
