"""Reference numbers per engagement (IN-3, F-12, D-2): taken from a counter row locked until commit.

Why a counter row and not MAX(number) + 1: two writers reading the same maximum would both take it, and the
unique constraint would turn one of them into an error. The row lock makes the second writer wait for the
first one's commit and then continue from its number. Take numbers right before inserting the rows (the lock
is held until the transaction ends, so the shorter the rest of it, the less others wait).
"""
from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import ReferenceCounter

INPUT = "IN"
FINDING = "F"
DECISION = "D"


def reference_numbers(*, engagement_id: int, kind: str, count: int = 1) -> int:
    """Reserve `count` consecutive numbers of `kind` in the engagement; returns the first. Inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reference_numbers must run inside the transaction that inserts the rows")
    if count < 1:
        raise ValueError("count must be at least 1")
    try:
        with transaction.atomic():  # savepoint: a concurrent first number of the same kind may win the insert
            ReferenceCounter.objects.get_or_create(engagement_id=engagement_id, kind=kind)
    except IntegrityError:
        pass
    counter = ReferenceCounter.objects.select_for_update().get(engagement_id=engagement_id, kind=kind)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first
