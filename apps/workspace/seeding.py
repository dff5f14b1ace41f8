"""Demo data that later capabilities add on top of the base scenario (each step idempotent)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.engagements.models import Engagement, Objective
from apps.workspace import demo

SESSION_TITLE = "Alignment session 1: retention, hosting platform, active customer"
DELIVERABLE_TITLE = "Integrated Requirements Specification"

# (key, input title A, input title B): the demo conflicts the first session decides.
TOPICS = [
    ("retention", "Retain customer interaction logs for audits", "Delete interaction logs after 90 days"),
    ("hosting", "Hosting platform", "Analytics platform on AWS"),
    ("active", "Active customer (Marketing)", "Active customer (Data)"),
]

RETENTION_TEXT = (
    "Customer interaction logs are deleted **90 days** after collection (data minimisation), with two exceptions:\n\n"
    "- logs flagged in a fraud investigation or audit are kept for up to **24 months**, encrypted at rest, and "
    "deleted when the case closes;\n"
    "- customers who consented to longer storage keep their history for the consented period.\n\n"
    "Campaign click logs follow the same 90-day rule unless they are aggregated and anonymised."
)
ACTIVE_TEXT = (
    "An **active customer** is a person who, in the last **12 months**, placed at least one order or opened a "
    "newsletter or visited the shop while logged in.\n\n"
    "Reports show two sub-segments: *buying* (an order in the last 6 months) and *engaged* (everyone else who is "
    "active), so Marketing and Data count the same people."
)

# Positions by topic: workstream slug → (stance, reason)
POSITIONS: dict[str, dict[str, tuple[str, str]]] = {
    "retention": {
        "it": ("agree", "Fraud investigations need up to 24 months, but only for flagged cases; the rest can go."),
        "data": ("agree", "Acceptable if the default is 90 days and the exception is limited to flagged logs."),
        "marketing": ("abstain", "Campaign history can use aggregated, anonymised figures instead."),
    },
    "hosting": {
        "it": ("object", "The group's Azure enterprise agreement covers the web shop; moving it to AWS costs more."),
        "data": ("object", "The group data lake already runs on AWS; duplicating it on Azure is not an option."),
    },
    "active": {
        "marketing": ("agree", "12 months matches our seasonal campaigns, as long as newsletter openers count."),
        "data": ("agree", "Fine if reports separate buying customers (order in 6 months) from the rest."),
    },
}


def seed_engagement_extras(*, stdout: Any) -> None:
    engagement = Engagement.objects.filter(name=demo.ENGAGEMENT_NAME).first()
    if engagement is None:
        return
    with transaction.atomic():
        changed = _seed_session(engagement, stdout)
        changed = _seed_deliverable(engagement, stdout) or changed
    from apps.planning.demo import seed_plan

    changed = seed_plan(engagement, stdout) or changed
    if not changed:
        stdout.write("Demo alignment session and deliverable already present.")


def _people(engagement: Engagement) -> tuple[User, dict[str, User], User | None]:
    memberships = list(Membership.objects.filter(engagement=engagement).select_related("user", "workstream"))
    pmo = next(m.user for m in memberships if m.role == "pmo")
    leads = {m.workstream.slug: m.user for m in memberships if m.role == "lead"}
    approver = next((m.user for m in memberships if m.role == "approver"), None)
    return pmo, leads, approver


def _inputs(engagement: Engagement) -> dict[str, Any]:
    from apps.inputs.models import Input

    return {i.title: i for i in Input.objects.filter(engagement=engagement).select_related("current_revision")}


def _finding_between(engagement: Engagement, a: Any, b: Any) -> Any:
    from apps.conflicts.models import Finding

    return (Finding.objects.filter(engagement=engagement, status__in=Finding.AWAITING_STATUSES)
            .filter(Q(input_a=a, input_b=b) | Q(input_a=b, input_b=a))
            .order_by("label", "-score", "id").first())  # conflicts before merge candidates


def _seed_session(engagement: Engagement, stdout: Any) -> bool:
    from apps.alignment import services as alignment
    from apps.alignment.models import AgendaItem, AlignmentSession

    if AlignmentSession.objects.filter(engagement=engagement, title=SESSION_TITLE).exists():
        return False
    pmo, leads, approver = _people(engagement)
    inputs = _inputs(engagement)
    findings, loose_inputs, subjects = [], [], {}
    for key, title_a, title_b in TOPICS:
        a, b = inputs.get(title_a), inputs.get(title_b)
        if a is None or b is None:
            continue
        finding = _finding_between(engagement, a, b)
        if finding is not None:
            findings.append(finding)
            subjects[key] = ("finding", finding.pk)
        else:  # detection found nothing for this pair: put both inputs on the agenda instead
            loose_inputs += [a, b]
            subjects[key] = ("input", a.pk)
    participants = [pmo, *leads.values(), *([approver] if approver else [])]
    session = alignment.session_create(
        actor=pmo, engagement=engagement, title=SESSION_TITLE,
        scheduled_at=(timezone.now() - dt.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0),
        participants=participants, findings=findings, inputs=loose_inputs,
    )
    items: dict[str, list[Any]] = {}
    for key, (kind, pk) in subjects.items():
        if kind == "finding":
            items[key] = [AgendaItem.objects.get(session=session, finding_id=pk)]
        else:  # both inputs of the pair are on the agenda; positions go on the first, the decision on both
            title_b = next(t_b for k, _t_a, t_b in TOPICS if k == key)
            items[key] = [AgendaItem.objects.get(session=session, input_id=pk),
                          AgendaItem.objects.get(session=session, input=inputs[title_b])]
    for key, pair in items.items():
        for slug, (stance, reason) in POSITIONS[key].items():
            if slug in leads:
                alignment.position_record(actor=leads[slug], item=pair[0], stance=stance, reason=reason)
    alignment.session_start(actor=pmo, session=session)
    decisions = {
        "retention": {"outcome": "merge", "merged_text": RETENTION_TEXT,
                      "rationale": "Data minimisation is the default the law expects; the fraud team's real need is "
                                   "limited to flagged cases, which the exception covers. Both leads agreed."},
        "hosting": {"outcome": "escalate", "owner": approver, "due_date": timezone.now().date() + dt.timedelta(days=14),
                    "rationale": "Both platforms rest on existing group contracts; choosing one is a budget decision "
                                 "for the customer. Options and costs go to the steering committee."},
        "active": {"outcome": "merge", "merged_text": ACTIVE_TEXT,
                   "rationale": "One definition for every report; the buying/engaged split keeps Data's order-based "
                                "view visible without a second definition."},
    }
    for key, pair in items.items():
        first = alignment.decision_record(actor=pmo, item=pair[0], **decisions[key])
        for other in pair[1:]:
            rationale = f"Decided together with {first.reference}: {decisions[key]['rationale']}"
            alignment.decision_record(actor=pmo, item=other, **{**decisions[key], "rationale": rationale})
    alignment.session_minutes_save(
        actor=pmo, session=session, expected_revision=0,
        minutes="Attended by the three workstream leads and the customer.\n\n"
                "- Retention: merged — 90 days by default, 24 months for flagged fraud cases.\n"
                "- Hosting platform: escalated to the customer (steering committee in two weeks).\n"
                "- Active customer: merged into one 12-month definition with two sub-segments.\n")
    alignment.session_conclude(actor=pmo, session=session)
    stdout.write(f"Demo alignment session concluded with {sum(len(p) for p in items.values())} decisions.")
    return True


def _topic_decision(engagement: Engagement, key: str) -> Any:
    """The demo session's decision on a topic: on its finding, or on the topic's first input."""
    from apps.alignment.models import Decision

    title_a = next(t_a for k, t_a, _t_b in TOPICS if k == key)
    return (Decision.objects.filter(engagement=engagement, agenda_item__session__title=SESSION_TITLE)
            .filter(Q(agenda_item__input__title=title_a) | Q(agenda_item__finding__input_a__title=title_a)
                    | Q(agenda_item__finding__input_b__title=title_a))
            .order_by("id").first())


def _seed_deliverable(engagement: Engagement, stdout: Any) -> bool:
    from apps.alignment.models import Decision
    from apps.deliverables import services as deliverables
    from apps.deliverables.models import Deliverable

    if Deliverable.objects.filter(engagement=engagement, title=DELIVERABLE_TITLE).exists():
        return False
    pmo, _leads, _approver = _people(engagement)
    inputs = _inputs(engagement)
    objectives = {o.code: o for o in Objective.objects.filter(engagement=engagement)}
    deliverable = deliverables.deliverable_create(
        actor=pmo, engagement=engagement, title=DELIVERABLE_TITLE,
        description="The one specification the customer signs: every section traces to workstream inputs and "
                    "alignment decisions.")

    def section(heading: str, body: str, *, titles: tuple[str, ...] = (), codes: tuple[str, ...] = (),
                decisions: tuple[Decision, ...] = ()) -> None:
        created = deliverables.section_create(actor=pmo, deliverable=deliverable, heading=heading, body=body)
        for title in titles:
            if title in inputs and inputs[title].current_revision is not None:
                deliverables.tracelink_add(actor=pmo, section=created, input_revision=inputs[title].current_revision)
        for decision in decisions:
            deliverables.tracelink_add(actor=pmo, section=created, decision=decision)
        for code in codes:
            if code in objectives:
                deliverables.tracelink_add(actor=pmo, section=created, objective=objectives[code])

    section("Purpose and scope",
            "This specification integrates the requirements of the IT, Marketing and Data workstreams for the "
            "renewal of Northwind Retail's web shop, app and customer data platform.",
            codes=("OBJ-1", "OBJ-2", "OBJ-3", "OBJ-4"))
    merges = [(_topic_decision(engagement, "retention"), "Retention of customer interaction logs"),
              (_topic_decision(engagement, "active"), "Definition of an active customer")]
    for decision, heading in merges:
        if decision is not None:
            deliverables.section_create_from_decision(actor=pmo, deliverable=deliverable, decision=decision,
                                                      heading=heading)
    hosting = _topic_decision(engagement, "hosting")
    section("Hosting platform",
            "The hosting platform is **escalated to the customer**: IT proposes Microsoft Azure (West Europe) under "
            "the group agreement, Data needs the analytics platform next to the group data lake on AWS. This "
            "section is completed once the steering committee decides.",
            titles=("Hosting platform", "Analytics platform on AWS"), decisions=(hosting,) if hosting else ())
    section("Single customer profile",
            "One customer profile combines shop orders, newsletter activity and service tickets, and is the source "
            "for campaigns, service and analytics alike.",
            titles=("Customer profile for campaigns", "Single customer profile"), codes=("OBJ-1",))
    section("Protection of personal data",
            "- Personal data is encrypted in transit with TLS 1.2 or newer.\n"
            "- Marketing cookies are set only after explicit consent.\n"
            "- Personal data is pseudonymised before it reaches the data lake.",
            titles=("Encrypt personal data", "Encryption of personal data in transit", "Consent before tracking",
                    "Pseudonymise analytics data"), codes=("OBJ-3",))
    stdout.write(f"Demo deliverable “{DELIVERABLE_TITLE}” drafted (not published).")
    return True
