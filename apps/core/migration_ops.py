"""Migration operations shared by several apps."""
from __future__ import annotations

from django.db import migrations


def refuse_row_changes(table: str) -> migrations.RunPython:
    """On PostgreSQL, a trigger that refuses UPDATE and DELETE of `table`'s rows in the database itself.

    ImmutableModel guards Django code; this closes raw SQL too. TRUNCATE (test teardown) fires no
    row trigger. SQLite keeps the ORM guard only, because its test teardown deletes row by row.
    """
    function, trigger = f"{table}_immutable", f"{table}_no_change"
    create = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{table} rows are immutable' USING DETAIL = TG_OP || ' refused';
        END;
        $$ LANGUAGE plpgsql;
        DROP TRIGGER IF EXISTS {trigger} ON {table};
        CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
    """
    drop = f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP FUNCTION IF EXISTS {function}();"

    def forwards(apps, schema_editor) -> None:  # noqa: ANN001 - Django's migration signature
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backwards(apps, schema_editor) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forwards, backwards)


def refuse_truncate(table: str) -> migrations.RunPython:
    """On PostgreSQL, a statement trigger that refuses TRUNCATE of `table` (row triggers do not see it).

    The one way past it short of dropping the trigger is the session setting concord.allow_truncate=on,
    which only the test suite sets (its transactional tests empty the tables with TRUNCATE between tests).
    Whoever owns the table can still drop the trigger: that is what the keyed audit chain is for."""
    function, trigger = f"{table}_no_truncate_fn", f"{table}_no_truncate"
    create = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            IF current_setting('concord.allow_truncate', true) = 'on' THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION '{table} is append-only' USING DETAIL = 'TRUNCATE refused';
        END;
        $$ LANGUAGE plpgsql;
        DROP TRIGGER IF EXISTS {trigger} ON {table};
        CREATE TRIGGER {trigger} BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {function}();
    """
    drop = f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP FUNCTION IF EXISTS {function}();"

    def forwards(apps, schema_editor) -> None:  # noqa: ANN001 - Django's migration signature
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backwards(apps, schema_editor) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forwards, backwards)


def number_per_engagement(table: str, kind: str) -> migrations.RunPython:
    """Number `table`'s existing rows 1, 2, 3 … within each engagement, in id order, and start the
    engagement's counter (engagements_referencecounter) after the last one. UPDATE … FROM with a window
    function: one statement on PostgreSQL and SQLite (3.33+) alike, whatever the row count.
    Only the migration's own literal table name and kind are formatted into the SQL."""
    numbered = (f"UPDATE {table} SET number = r.rn FROM (SELECT id, ROW_NUMBER() OVER "  # noqa: S608
                f"(PARTITION BY engagement_id ORDER BY id) AS rn FROM {table}) AS r WHERE {table}.id = r.id")
    counters = ("INSERT INTO engagements_referencecounter (engagement_id, kind, last) "  # noqa: S608
                f"SELECT engagement_id, %s, MAX(number) FROM {table} GROUP BY engagement_id")

    def forwards(apps, schema_editor) -> None:  # noqa: ANN001 - Django's migration signature
        schema_editor.execute(numbered, params=None)
        schema_editor.execute(counters, params=[kind])

    def backwards(apps, schema_editor) -> None:  # noqa: ANN001
        schema_editor.execute("DELETE FROM engagements_referencecounter WHERE kind = %s", params=[kind])

    return migrations.RunPython(forwards, backwards, elidable=False)
