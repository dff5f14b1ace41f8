"""On PostgreSQL, refuse UPDATE and DELETE of signatures in the database itself.

The ORM guard (ImmutableModel) covers Django code; this closes raw SQL too. TRUNCATE (used by
test teardown) does not fire row triggers. SQLite keeps the ORM guard only, because its test
teardown deletes rows one by one.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION approvals_signature_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'approvals_signature rows are immutable' USING DETAIL = TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS approvals_signature_no_change ON approvals_signature;
CREATE TRIGGER approvals_signature_no_change BEFORE UPDATE OR DELETE ON approvals_signature
    FOR EACH ROW EXECUTE FUNCTION approvals_signature_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS approvals_signature_no_change ON approvals_signature;
DROP FUNCTION IF EXISTS approvals_signature_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0003_signing_lock_window")]

    operations = [migrations.RunPython(forwards, backwards)]
