"""On PostgreSQL, refuse UPDATE and DELETE of input revisions (the hashed input history) in the database itself."""
from django.db import migrations

from apps.core.migration_ops import refuse_row_changes


class Migration(migrations.Migration):
    dependencies = [("inputs", "0002_inputrequest_input_answers_request")]

    operations = [refuse_row_changes("inputs_inputrevision")]
