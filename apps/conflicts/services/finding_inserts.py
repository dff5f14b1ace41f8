"""Writing new Finding rows fast and idempotently: INSERT … ON CONFLICT DO NOTHING, ids returned.

A full scan writes ~90,000 rows; Django's bulk path spends most of that time preparing and quoting
parameters, so on PostgreSQL the rows go through COPY into a temporary table and one INSERT … SELECT.
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from django.db import connections, models
from django.db.models.constants import OnConflict
from django.utils import timezone

from apps.conflicts.models import Finding
from apps.engagements import numbering
from apps.engagements.numbering import reference_numbers


def chunks(items: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    return [items[k:k + size] for k in range(0, len(items), size)]


def insert_fields() -> list[models.Field]:
    return [f for f in Finding._meta.concrete_fields if not f.primary_key and not f.generated]


def _column_values(rows: Sequence[dict[str, Any]], fields: Sequence[models.Field]) -> list[list[Any]]:
    """Each row's value for each field: its own, else what Django would fill in (timestamps, defaults)."""
    now = timezone.now()
    stamped = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    fill = {f.attname: now if f.attname in stamped else f.get_default() for f in fields}
    names = [f.attname for f in fields]
    return [[fill[name] if name in stamped else row.get(name, fill[name]) for name in names] for row in rows]


def insert_new(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """INSERT … ON CONFLICT DO NOTHING of Finding rows; {pair key: id} of the rows actually inserted.

    The inserted rows then get their F- numbers (per engagement, in id order), written back into their
    dicts as "number"; rows skipped as already present take none, so the numbers have no gaps.
    """
    inserted = _insert(rows)
    if inserted:
        _number(rows, inserted)
    return inserted


def _number(rows: Sequence[dict[str, Any]], inserted: dict[str, int]) -> None:
    by_engagement: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["pair_key"] in inserted:
            by_engagement.setdefault(row["engagement_id"], []).append(row)
    pairs: list[tuple[int, int]] = []
    for engagement_id, mine in by_engagement.items():
        mine.sort(key=lambda row: inserted[row["pair_key"]])
        first = reference_numbers(engagement_id=engagement_id, kind=numbering.FINDING, count=len(mine))
        for offset, row in enumerate(mine):
            row["number"] = first + offset
            pairs.append((inserted[row["pair_key"]], row["number"]))
    conn = connections[Finding.objects.db]
    if conn.vendor == "postgresql":
        table, qn = Finding._meta.db_table, conn.ops.quote_name
        with conn.cursor() as cursor:  # one statement for a whole scan's rows
            cursor.execute(f"UPDATE {qn(table)} AS f SET {qn('number')} = v.n "  # noqa: S608 - identifiers from meta
                           "FROM unnest(%s::bigint[], %s::integer[]) AS v(id, n) WHERE f.id = v.id",
                           [[pk for pk, _n in pairs], [n for _pk, n in pairs]])
    else:
        Finding.objects.bulk_update([Finding(pk=pk, number=n) for pk, n in pairs], ["number"], batch_size=500)


def _insert(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """INSERT … ON CONFLICT DO NOTHING of Finding rows; {pair key: id} of the rows actually inserted.

    PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT DO NOTHING
    RETURNING id, pair_key (a scan writes ~90,000 rows; Django's bulk path spends most of its time
    preparing and quoting parameters). Elsewhere: Django's insert with RETURNING, or (a backend
    without it) bulk_create and reading the inserted rows back.
    """
    if not rows:
        return {}
    conn = connections[Finding.objects.db]
    fields = insert_fields()
    if conn.vendor == "postgresql" and conn.in_atomic_block:
        return _copy_insert(conn, rows, fields)
    objs = [Finding(**row) for row in rows]
    if not conn.features.can_return_rows_from_bulk_insert:  # pragma: no cover - no such backend in use
        Finding.objects.bulk_create(objs, ignore_conflicts=True)
        ids: dict[str, int] = {}
        for part in chunks([row["pair_key"] for row in rows]):
            ids.update(Finding.objects.filter(pair_key__in=part, run_id=rows[0].get("run_id"))
                       .values_list("pair_key", "pk"))
        return ids
    returning = [Finding._meta.pk, Finding._meta.get_field("pair_key")]
    size = max(conn.ops.bulk_batch_size(fields, objs), 1)
    ids = {}
    for k in range(0, len(objs), size):
        got = Finding.objects._insert(objs[k:k + size], fields=fields, returning_fields=returning,
                                      on_conflict=OnConflict.IGNORE)
        ids.update((key, pk) for pk, key in got)
    return ids


_TEMP_TABLES = itertools.count(1)


def _copy_insert(conn: Any, rows: Sequence[dict[str, Any]], fields: Sequence[models.Field]) -> dict[str, int]:
    from psycopg.types.json import Jsonb

    qn = conn.ops.quote_name
    table = qn(Finding._meta.db_table)
    columns = ", ".join(qn(f.column) for f in fields)
    json_at = [k for k, f in enumerate(fields) if isinstance(f, models.JSONField)]
    # A table of this transaction only, named anew for each call (two calls may share a transaction).
    # Only identifiers from the model's meta, quoted, are formatted into the SQL.
    batch = f"_finding_batch_{next(_TEMP_TABLES)}"
    create = (f"CREATE TEMPORARY TABLE {batch} ON COMMIT DROP AS SELECT {columns} "  # noqa: S608
              f"FROM {table} WITH NO DATA")
    insert = (f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {batch} "  # noqa: S608
              f"ON CONFLICT DO NOTHING RETURNING {qn(Finding._meta.pk.column)}, {qn('pair_key')}")
    with conn.cursor() as cursor:
        cursor.execute(create)
        with cursor.cursor.copy(f"COPY {batch} ({columns}) FROM STDIN") as copy:
            for values in _column_values(rows, fields):
                for k in json_at:
                    values[k] = Jsonb(values[k])
                copy.write_row(values)
        cursor.execute(insert)
        return {key: pk for pk, key in cursor.fetchall()}
