"""On PostgreSQL, refuse UPDATE and DELETE of decision revisions (the decision history) in the database."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION alignment_decisionrevision_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'alignment_decisionrevision rows are immutable (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS alignment_decisionrevision_no_change ON alignment_decisionrevision;
CREATE TRIGGER alignment_decisionrevision_no_change BEFORE UPDATE OR DELETE ON alignment_decisionrevision
    FOR EACH ROW EXECUTE FUNCTION alignment_decisionrevision_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS alignment_decisionrevision_no_change ON alignment_decisionrevision;
DROP FUNCTION IF EXISTS alignment_decisionrevision_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("alignment", "0003_decision_history_and_suspects")]

    operations = [migrations.RunPython(forwards, backwards)]
