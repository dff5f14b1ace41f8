"""Bulk-builds a large, realistic engagement for benchmarks and query-count tests.

This deliberately bypasses the services (no audit events, no detection): it exists to measure
how pages behave with thousands of rows, not to model how rows come to be.
"""
from __future__ import annotations

import hashlib
import random

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Membership
from apps.engagements import numbering
from apps.engagements.models import Engagement, Workstream
from apps.engagements.numbering import reference_numbers
from apps.inputs.models import Input, InputRevision, Tag

SUBJECTS = ["customer interaction logs", "campaign click logs", "order history", "newsletter data",
            "product pages", "checkout", "the data lake", "dashboards", "consent records", "service tickets"]
VERBS = ["must be retained for", "must be deleted within", "should be available within", "must load in under",
         "must be refreshed every", "may be archived after"]
AMOUNTS = ["90 days", "6 months", "12 months", "24 months", "200 ms", "800 ms", "1 hour", "7 days"]


def _body(rng: random.Random) -> str:
    sentences = [f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(AMOUNTS)}."
                 for _ in range(3)]
    return " ".join(sentences)


@transaction.atomic
def populate(*, engagement: Engagement, n_inputs: int, seed: int = 7, with_findings: bool = True) -> None:
    rng = random.Random(seed)
    workstreams = list(Workstream.objects.filter(engagement=engagement))
    authors = {m.workstream_id: m.user_id for m in Membership.objects.filter(engagement=engagement,
                                                                                workstream__isnull=False)}
    fallback = Membership.objects.filter(engagement=engagement, role="pmo").values_list("user_id", flat=True).first()
    tags = [Tag.objects.get_or_create(engagement=engagement, name=name)[0]
            for name in ("retention", "performance", "gdpr", "cloud", "campaigns")]
    now = timezone.now()
    start = Input.objects.count()
    first = reference_numbers(engagement_id=engagement.pk, kind=numbering.INPUT, count=n_inputs)
    inputs = [Input(engagement=engagement, workstream=ws, kind="requirement", title=f"Scale input {start + k}",
                    status=rng.choice(["submitted", "submitted", "draft"]), priority=rng.choice(["must", "should"]),
                    author_id=authors.get(ws.pk, fallback), revision_count=1, submitted_at=now, number=first + k)
              for k in range(n_inputs) for ws in [workstreams[k % len(workstreams)]]]
    Input.objects.bulk_create(inputs, batch_size=1000)
    revisions = []
    for item in inputs:
        body = _body(rng)
        revisions.append(InputRevision(input=item, number=1, title=item.title, body=body,
                                       body_sha256=hashlib.sha256(body.encode()).hexdigest(),
                                       author_id=item.author_id))
    InputRevision.objects.bulk_create(revisions, batch_size=1000)
    for item, revision in zip(inputs, revisions, strict=True):
        item.current_revision = revision
    Input.objects.bulk_update(inputs, ["current_revision"], batch_size=1000)
    through = Input.tags.through
    through.objects.bulk_create([through(input_id=item.pk, tag_id=rng.choice(tags).pk) for item in inputs],
                                batch_size=1000)
    if with_findings:
        _findings(engagement=engagement, inputs=inputs, revisions=revisions, rng=rng)


def _findings(*, engagement: Engagement, inputs: list[Input], revisions: list[InputRevision],
              rng: random.Random) -> None:
    from apps.conflicts.models import Finding

    rows = []
    for k in range(0, len(inputs) - 1, 5):
        a, b = inputs[k], inputs[k + 1]
        ra, rb = revisions[k], revisions[k + 1]
        kind = rng.choice(["numeric", "exclusive_choice", "negation", "duplicate"])
        label = "duplicate" if kind == "duplicate" else "conflict"
        rows.append(Finding(
            engagement=engagement, fingerprint=hashlib.sha256(f"scale-{a.pk}-{b.pk}".encode()).hexdigest(),
            label=label, kind=kind, status="open", revision_a=ra, revision_b=rb, input_a=a, input_b=b,
            workstream_a_id=a.workstream_id, workstream_b_id=b.workstream_id, statement_a=ra.body[:80],
            statement_b=rb.body[:80], span_a=[0, 80], span_b=[0, 80], highlights={"a": [], "b": []},
            values=["24 months", "90 days"], rule="scale", score=round(rng.uniform(0.5, 0.99), 2),
            explanation=f"{a.workstream} and {b.workstream} disagree on retention."))
    if rows:
        first = reference_numbers(engagement_id=engagement.pk, kind=numbering.FINDING, count=len(rows))
        for k, row in enumerate(rows):
            row.number = first + k
    Finding.objects.bulk_create(rows, batch_size=1000)
