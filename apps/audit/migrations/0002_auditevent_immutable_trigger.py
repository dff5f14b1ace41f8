"""On PostgreSQL, refuse UPDATE and DELETE of audit events in the database itself.

The chain head (audit_auditchainhead) is updated on every append and stays writable; only the events
themselves are closed, so a raw-SQL edit or cut of the log fails instead of waiting for audit_verify.
"""
from django.db import migrations

from apps.core.migration_ops import refuse_row_changes


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [refuse_row_changes("audit_auditevent")]
