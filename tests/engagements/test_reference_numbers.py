"""IN-, F- and D- references count per engagement, stay unique under concurrent writers, and existing rows
are numbered by the migration (issue 18, point 8)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from apps.core.migration_ops import number_per_engagement
from apps.engagements import numbering
from apps.engagements.models import ReferenceCounter, Workstream
from apps.engagements.numbering import reference_numbers
from apps.inputs.models import Input
from apps.inputs.services import input_create


@pytest.mark.django_db
def test_each_engagement_counts_its_own_inputs(make_input, it_lead, outsider, other_engagement):
    first, second = make_input(it_lead, "it", title="One"), make_input(it_lead, "it", title="Two")
    elsewhere = input_create(actor=outsider, engagement=other_engagement,
                             workstream=Workstream.objects.filter(engagement=other_engagement).first(),
                             kind="requirement", title="Theirs", body="Their text.", priority="must")
    assert (first.reference, second.reference) == ("IN-1", "IN-2")
    assert elsewhere.reference == "IN-1"


@pytest.mark.django_db
def test_findings_and_decisions_are_numbered_per_engagement_too(engagement, pmo, it_lead, data_lead, it_input,
                                                                data_input, django_capture_on_commit_callbacks):
    from apps.alignment import services as alignment
    from apps.conflicts.models import Finding, RevisionStatement
    from apps.conflicts.services import finding_flag

    a = RevisionStatement.objects.filter(revision=it_input.current_revision).first()
    b = RevisionStatement.objects.filter(revision=data_input.current_revision).first()
    if Finding.objects.filter(engagement=engagement).exists():  # detection found it: that one is F-1
        finding = Finding.objects.get(engagement=engagement)
    else:
        finding = finding_flag(engagement=engagement, actor=pmo, statement_a_id=a.pk, statement_b_id=b.pk,
                               label="conflict", kind="numeric", explanation="24 months against 90 days.")
    assert finding.reference == "F-1" and finding.number == 1
    session = alignment.session_create(actor=pmo, engagement=engagement, title="S",
                                       scheduled_at=timezone.now() + dt.timedelta(hours=1), participants=[it_lead])
    item = alignment.agenda_add_inputs(actor=pmo, session=session, inputs=[it_input])[0]
    alignment.session_start(actor=pmo, session=session)
    decision = alignment.decision_record(actor=pmo, item=item, outcome="reject", rationale="No.")
    assert decision.reference == "D-1" and str(decision) == "D-1 Reject"


@pytest.mark.django_db
def test_detected_findings_get_consecutive_numbers_in_the_insert(engagement, it_lead, data_lead, make_input,
                                                                 django_capture_on_commit_callbacks):
    from apps.conflicts.models import Finding

    with django_capture_on_commit_callbacks(execute=True):
        make_input(it_lead, "it", title="Retain", body="Interaction logs must be kept for at least 24 months.",
                   submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        make_input(data_lead, "data", title="Delete", body="Interaction logs must be deleted within 90 days.",
                   submit=True)
    numbers = sorted(Finding.objects.filter(engagement=engagement).values_list("number", flat=True))
    assert numbers and numbers == list(range(1, len(numbers) + 1))
    assert ReferenceCounter.objects.get(engagement=engagement, kind="F").last == len(numbers)


@pytest.mark.django_db
def test_the_link_form_reads_in_references_as_the_engagements_numbers(engagement, pmo, it_lead, make_input):
    from apps.deliverables.forms import TraceLinkForm

    make_input(it_lead, "it", title="One", submit=True)
    second = make_input(it_lead, "it", title="Two", submit=True)
    form = TraceLinkForm({"input": "IN-2"}, engagement=engagement)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["input"] == second


@pytest.mark.django_db
def test_the_migration_numbers_existing_rows_per_engagement_in_id_order(make_input, it_lead, outsider,
                                                                        other_engagement):
    ours = [make_input(it_lead, "it", title=f"Ours {k}") for k in range(3)]
    theirs = input_create(actor=outsider, engagement=other_engagement,
                          workstream=Workstream.objects.filter(engagement=other_engagement).first(),
                          kind="requirement", title="Theirs", body="Text.", priority="must")
    Input.objects.update(number=None)  # as the rows were before the migration
    ReferenceCounter.objects.all().delete()

    class Editor:  # what RunPython hands the operation: something that executes SQL
        def execute(self, sql, params=None):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    number_per_engagement("inputs_input", "IN").code(None, Editor())
    assert [i.number for i in Input.objects.filter(pk__in=[o.pk for o in ours]).order_by("pk")] == [1, 2, 3]
    assert Input.objects.get(pk=theirs.pk).number == 1
    assert ReferenceCounter.objects.get(engagement=ours[0].engagement, kind="IN").last == 3
    assert make_input(it_lead, "it", title="Next").reference == "IN-4"


@pytest.mark.django_db
def test_numbers_are_only_taken_inside_a_transaction(engagement):
    with transaction.atomic():
        assert reference_numbers(engagement_id=engagement.pk, kind=numbering.DECISION, count=5) == 1
        assert reference_numbers(engagement_id=engagement.pk, kind=numbering.DECISION) == 6


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite serialises every writer anyway")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_get_the_same_number(engagement):
    """Eight threads, each on its own connection, take numbers at once: every number is handed out once."""
    taken: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def take() -> None:
        try:
            start.wait()
            for _ in range(5):
                with transaction.atomic():
                    taken.append(reference_numbers(engagement_id=engagement.pk, kind=numbering.FINDING))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(taken) == list(range(1, 41))
