"""On PostgreSQL, refuse UPDATE and DELETE of decision revisions (the decision history) in the database itself."""
from django.db import migrations

from apps.core.migration_ops import refuse_row_changes


class Migration(migrations.Migration):
    dependencies = [("alignment", "0003_decision_history_and_suspects")]

    operations = [refuse_row_changes("alignment_decisionrevision")]
