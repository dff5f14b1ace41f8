"""On PostgreSQL, refuse UPDATE and DELETE of published versions in the database itself.

The ORM guard (ImmutableModel) covers Django code; this closes raw SQL too. TRUNCATE (used by
test teardown) does not fire row triggers. SQLite keeps the ORM guard only.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION deliverables_version_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'deliverables_deliverableversion rows are immutable (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS deliverables_version_no_change ON deliverables_deliverableversion;
CREATE TRIGGER deliverables_version_no_change BEFORE UPDATE OR DELETE ON deliverables_deliverableversion
    FOR EACH ROW EXECUTE FUNCTION deliverables_version_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS deliverables_version_no_change ON deliverables_deliverableversion;
DROP FUNCTION IF EXISTS deliverables_version_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("deliverables", "0002_section_updated_by")]

    operations = [migrations.RunPython(forwards, backwards)]
