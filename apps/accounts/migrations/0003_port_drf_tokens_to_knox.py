"""API tokens move from DRF's authtoken (plaintext key, no expiry) to django-rest-knox (SHA-512 digest,
expiry). Existing keys keep working: each is re-stored as its knox digest with the configured expiry, and
the plaintext table is dropped so no usable credential stays in the database."""
from datetime import timedelta

from django.conf import settings
from django.db import migrations


def port_tokens(apps, schema_editor):
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    from django.utils import timezone

    AuthToken = apps.get_model("knox", "AuthToken")
    hours = getattr(settings, "API_TOKEN_TTL_HOURS", 24 * 30)
    expiry = timezone.now() + timedelta(hours=hours) if hours > 0 else None
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        AuthToken.objects.create(digest=hash_token(key), token_key=key[:CONSTANTS.TOKEN_KEY_LENGTH],
                                 user_id=user_id, expiry=expiry)
    schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(port_tokens, migrations.RunPython.noop)]
