"""Input requests: the PMO asks workstreams for input on a topic by a due date.

Services (writes) and selectors (scoped reads) for requests live together here because they are
small; inputs answer a request through `input_create(answers_request=...)`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.accounts.policies import require_pmo
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError
from apps.core.scope import Scope
from apps.engagements.models import Engagement, Workstream
from apps.notifications.services import notify

from .models import Input, InputRequest
from .policies import input_visible_q


@transaction.atomic
def input_request_create(
    *,
    actor: User,
    engagement: Engagement,
    topic: str,
    due_date: dt.date,
    workstreams: Sequence[Workstream],
    description: str = "",
) -> InputRequest:
    require_pmo(actor=actor, engagement=engagement)
    # A topic is one line: it becomes an e-mail subject, where a CR/LF would break the header (the mail lost).
    topic = " ".join((topic or "").split())
    if not topic:
        raise ApplicationError("Say what the request is about.", field="topic")
    if not workstreams:
        raise ApplicationError("Ask at least one workstream.", field="workstreams")
    if any(w.engagement_id != engagement.pk for w in workstreams):
        raise ApplicationError("That workstream is not part of this engagement.", field="workstreams")
    if due_date < timezone.localdate():
        raise ApplicationError("The due date is in the past.", field="due_date")
    request = InputRequest.objects.create(engagement=engagement, topic=topic[:200], description=description,
                                          due_date=due_date, created_by=actor)
    request.workstreams.set(workstreams)
    audit_log(actor=actor, action="inputs.input_request.created", target=request, engagement=engagement,
              changes={"topic": request.topic, "due_date": due_date.isoformat(),
                       "workstreams": sorted(w.name for w in workstreams)})
    _notify_requested(request=request, workstreams=workstreams)
    return request


def _notify_requested(*, request: InputRequest, workstreams: Sequence[Workstream]) -> None:
    recipients = Membership.objects.filter(
        engagement_id=request.engagement_id, workstream__in=workstreams, role__in=[Role.LEAD, Role.CONTRIBUTOR]
    ).values_list("user_id", flat=True)
    notify(recipients=list(recipients), kind="input_request", engagement=request.engagement_id,
           title=f"Input requested: {request.topic} (due {request.due_date:%d %b %Y})",
           body=request.description[:1000],
           url=reverse("inputs:request", kwargs={"engagement_id": request.engagement_id, "request_id": request.pk}),
           dedupe_key=f"input-request-{request.pk}")


@transaction.atomic
def input_request_close(*, actor: User, request: InputRequest) -> InputRequest:
    require_pmo(actor=actor, engagement=request.engagement)
    if request.status == InputRequest.Status.CLOSED:
        raise ApplicationError("This request is already closed.")
    request.status = InputRequest.Status.CLOSED
    request.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="inputs.input_request.closed", target=request, engagement=request.engagement_id,
              changes={"status": ["open", "closed"]})
    return request


def validate_answer(*, request: InputRequest | None, engagement: Engagement, workstream: Workstream) -> None:
    """An input may answer an open request of its engagement that asked its workstream."""
    if request is None:
        return
    if request.engagement_id != engagement.pk:
        raise ApplicationError("That request is not part of this engagement.", field="answers_request")
    if request.status != InputRequest.Status.OPEN:
        raise ApplicationError("That request is closed.", field="answers_request")
    if not request.workstreams.filter(pk=workstream.pk).exists():
        raise ApplicationError(f"That request did not ask {workstream.name}.", field="answers_request")


# --- reads -----------------------------------------------------------------------------------

def input_request_list(*, scope: Scope) -> QuerySet[InputRequest]:
    qs = InputRequest.objects.filter(scope.q())
    return qs.select_related("created_by").prefetch_related("workstreams").annotate(
        n_workstreams=Count("workstreams", distinct=True),
        # A workstream has answered once it submitted something: its drafts are nobody else's business.
        n_answered=Count("answers__workstream", filter=Q(answers__status=Input.Status.SUBMITTED), distinct=True),
    )


def input_request_get(*, scope: Scope, request_id: int) -> InputRequest:
    try:
        return input_request_list(scope=scope).get(pk=request_id)
    except InputRequest.DoesNotExist as exc:
        raise Http404("No such request") from exc


@dataclass(frozen=True)
class WorkstreamAnswer:
    workstream: Workstream
    inputs: list[Input]

    @property
    def answered(self) -> bool:
        return bool(self.inputs)


def input_request_answers(*, scope: Scope, request: InputRequest) -> list[WorkstreamAnswer]:
    """Each asked workstream with the answers the asker may see (its own drafts for a workstream, all for the PMO)."""
    answers = (Input.objects.filter(answers_request=request).exclude(status=Input.Status.WITHDRAWN)
               .filter(input_visible_q(scope=scope)).select_related("workstream", "author"))
    by_ws: dict[int, list[Input]] = {}
    for item in answers:
        by_ws.setdefault(item.workstream_id, []).append(item)
    return [WorkstreamAnswer(w, by_ws.get(w.pk, [])) for w in request.workstreams.all()]


def requests_open_for_workstream(*, engagement_id: int, workstream_id: int) -> QuerySet[InputRequest]:
    """Open requests asking this workstream, with whether it has answered yet, soonest due first."""
    return (
        InputRequest.objects.filter(engagement_id=engagement_id, status=InputRequest.Status.OPEN,
                                    workstreams__id=workstream_id)
        .annotate(n_mine=Count("answers", filter=Q(answers__workstream_id=workstream_id)
                               & ~Q(answers__status=Input.Status.WITHDRAWN)))
        .order_by("due_date", "id")
    )


def is_overdue(request: InputRequest, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return request.status == InputRequest.Status.OPEN and request.due_date < today
