"""On PostgreSQL, refuse UPDATE and DELETE of published versions in the database itself."""
from django.db import migrations

from apps.core.migration_ops import refuse_row_changes


class Migration(migrations.Migration):
    dependencies = [("deliverables", "0002_section_updated_by")]

    operations = [refuse_row_changes("deliverables_deliverableversion")]
