"""Keyed audit chains, one per engagement, and no TRUNCATE of append-only tables.

Existing events are RE-KEYED here rather than verified the old way forever: the old chain (plain
SHA-256, one global chain) is first verified exactly as before — the migration stops if it is broken,
so a forged history is never blessed with the key — and then every event gets its engagement chain's
position, the previous hash in that chain and an HMAC under the configured key. Keeping plain-SHA-256
verification for old rows would leave a downgrade path: an attacker could relabel keyed events as
legacy ones and re-hash them without any key.
"""
import hashlib
import json

import django.db.models.deletion  # noqa: F401 - kept for the style of generated migrations
from django.db import migrations, models

from apps.core.migration_ops import refuse_truncate

GENESIS = "0" * 64
APPEND_ONLY = ["audit_auditevent", "audit_auditchainhead", "inputs_inputrevision", "deliverables_deliverableversion",
               "approvals_signature", "alignment_decisionrevision"]


def _canonical(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _legacy_hash(prev, event):
    fields = {"engagement": event.engagement_id, "actor": event.actor_id, "action": event.action,
              "target_type": event.target_type, "target_id": str(event.target_id),
              "target_repr": event.target_repr, "changes": event.changes,
              "created_at": event.created_at.isoformat()}
    return hashlib.sha256((prev + _canonical(fields)).encode("utf-8")).hexdigest()


def rekey(apps, schema_editor):
    from apps.audit.keys import audit_keys
    from apps.audit.services import event_mac, head_mac

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    connection = schema_editor.connection
    prev = GENESIS
    events = list(AuditEvent.objects.order_by("id"))
    for event in events:
        if event.prev_hash != prev or _legacy_hash(prev, event) != event.hash:
            raise RuntimeError(
                f"audit event #{event.pk} does not verify under the old (unkeyed) chain: refusing to re-key a "
                "tampered log. Investigate with the previous release's `manage.py audit_verify` first.")
        prev = event.hash
    key_id, keys = audit_keys()
    state = {}
    for event in events:
        chain = f"engagement:{event.engagement_id}" if event.engagement_id is not None else "global"
        seq, last = state.get(chain, (0, GENESIS))
        event.seq, event.prev_hash, event.key_id = seq + 1, last, key_id
        event.hash = event_mac(event, keys[key_id])
        state[chain] = (event.seq, event.hash)
    postgres = connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_change")
    AuditEvent.objects.bulk_update(events, ["seq", "prev_hash", "key_id", "hash"], batch_size=1000)
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_no_change")
    AuditChainHead.objects.all().delete()
    for chain, (count, last) in state.items():
        head = AuditChainHead(chain=chain, count=count, last_hash=last, key_id=key_id)
        head.mac = head_mac(head, keys[key_id])
        head.save()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_auditevent_immutable_trigger"),
        ("inputs", "0003_inputrevision_immutable_trigger"),
        ("deliverables", "0003_version_immutable_trigger"),
        ("approvals", "0004_signature_immutable_trigger"),
        ("alignment", "0004_decision_revision_immutable_trigger"),
    ]

    operations = [
        migrations.AddField(model_name="auditevent", name="seq", field=models.PositiveBigIntegerField(default=0)),
        migrations.AddField(model_name="auditevent", name="key_id",
                            field=models.CharField(default="", max_length=32)),
        migrations.AddField(model_name="auditchainhead", name="chain",
                            field=models.CharField(default="global", max_length=40)),
        migrations.AddField(model_name="auditchainhead", name="key_id",
                            field=models.CharField(default="", max_length=32)),
        migrations.AddField(model_name="auditchainhead", name="mac", field=models.CharField(default="", max_length=64)),
        migrations.RunPython(rekey, migrations.RunPython.noop),
        migrations.AlterField(model_name="auditchainhead", name="chain",
                              field=models.CharField(max_length=40, unique=True)),
        *[refuse_truncate(table) for table in APPEND_ONLY],
    ]
