"""On PostgreSQL, refuse UPDATE and DELETE of signatures in the database itself."""
from django.db import migrations

from apps.core.migration_ops import refuse_row_changes


class Migration(migrations.Migration):
    dependencies = [("approvals", "0003_signing_lock_window")]

    operations = [refuse_row_changes("approvals_signature")]
