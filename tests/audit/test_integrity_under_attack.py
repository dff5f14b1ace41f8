"""What someone with write access to the database (but not the audit key) tries, and what the checks say.

Each scenario is one an attacker would try after main's plain SHA-256 chain: rewrite an event and re-hash
everything after it; cut the log (TRUNCATE, or the tail plus its head); move an event to another
engagement; rewrite a version's bytes, its hash and the signature's hash together.
"""
from __future__ import annotations

import hashlib
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from apps.approvals.models import Signature
from apps.approvals.services import integrity_check_versions
from apps.audit.keys import audit_keys
from apps.audit.models import AuditChainHead, AuditEvent
from apps.audit.services import _hashed_fields, audit_log, audit_verify, event_mac, head_mac
from apps.core.hashing import canonical_json, sha256_text
from apps.inputs.services import input_revise

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_input, it_lead):
    item = make_input(it_lead, "it", body="first", submit=True)
    input_revise(actor=it_lead, input=item, title=item.title, body="second", expected_revision=1)
    return item


def _as_superuser(*statements: tuple[str, list]) -> None:
    """Raw SQL past the append-only triggers, as the database owner could."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)


def _rehash_chain_from(event: AuditEvent, forge) -> None:
    """Rewrite `event` and recompute every later link of its chain with `forge(prev, fields)` (no key)."""
    chain = list(AuditEvent.objects.filter(engagement_id=event.engagement_id, seq__gte=event.seq).order_by("seq"))
    prev = event.prev_hash
    statements = []
    for row in chain:
        if row.pk == event.pk:
            row.changes = {"forged": True}
        row.prev_hash = prev
        row.hash = forge(prev, _hashed_fields(row))
        statements.append(("UPDATE audit_auditevent SET changes = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           [canonical_json(row.changes), row.prev_hash, row.hash, row.pk]))
        prev = row.hash
    statements.append(("UPDATE audit_auditchainhead SET last_hash = %s WHERE chain = %s",
                       [prev, f"engagement:{event.engagement_id}"]))
    _as_superuser(*statements)


def test_an_intact_history_verifies_one_chain_per_engagement(history, other_engagement):
    report = audit_verify()
    assert report.ok, report.problems
    assert report.chains == 2
    for engagement_id in (history.engagement_id, other_engagement.pk):
        events = list(AuditEvent.objects.filter(engagement_id=engagement_id).order_by("id"))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == "0" * 64
        assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))


@pytest.mark.parametrize("forge", [
    pytest.param(lambda prev, fields: sha256_text(prev + canonical_json(fields)), id="plain SHA-256 as on main"),
    pytest.param(lambda prev, fields: hashlib.sha256(b"guess" + (prev + canonical_json(fields)).encode()).hexdigest(),
                 id="a guessed key"),
])
def test_rewriting_an_event_and_rehashing_the_chain_after_it_is_caught(history, forge):
    victim = AuditEvent.objects.filter(engagement_id=history.engagement_id).order_by("seq")[2]
    _rehash_chain_from(victim, forge)
    report = audit_verify()
    assert not report.ok and report.broken_at == victim.pk
    assert "HMAC" in report.reason
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify")


def test_moving_an_event_to_another_engagement_is_caught(history, other_engagement):
    victim = AuditEvent.objects.filter(engagement_id=history.engagement_id).order_by("seq")[1]
    _as_superuser(("UPDATE audit_auditevent SET engagement_id = %s WHERE id = %s", [other_engagement.pk, victim.pk]))
    assert not audit_verify().ok


def test_cutting_off_the_tail_and_rewinding_the_head_is_caught(history):
    chain = f"engagement:{history.engagement_id}"
    last, before = AuditEvent.objects.filter(engagement_id=history.engagement_id).order_by("-seq")[:2]
    _as_superuser(("DELETE FROM audit_auditevent WHERE id = %s", [last.pk]),
                  ("UPDATE audit_auditchainhead SET count = count - 1, last_hash = %s WHERE chain = %s",
                   [before.hash, chain]))
    report = audit_verify()
    assert not report.ok and "head of chain" in report.reason


def test_removing_a_whole_engagement_log_with_its_head_is_caught(history):
    _as_superuser(("DELETE FROM audit_auditevent WHERE engagement_id = %s", [history.engagement_id]),
                  ("DELETE FROM audit_auditchainhead WHERE chain = %s", [f"engagement:{history.engagement_id}"]))
    report = audit_verify()
    assert not report.ok and "has no audit events at all" in report.reason


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditchainhead", "inputs_inputrevision",
                                   "deliverables_deliverableversion", "approvals_signature",
                                   "alignment_decisionrevision"])
def test_on_postgresql_truncate_of_an_append_only_table_is_refused(history, table):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL concord.allow_truncate = 'off'")  # the test suite's own flush is allowed
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert audit_verify().ok


def test_rotation_new_events_use_the_new_key_and_old_ones_keep_verifying(make_input, it_lead, settings):
    default_id, _keys = audit_keys()  # the fixtures' events were signed with the SECRET_KEY-derived key
    assert default_id.startswith("sk-")
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    settings.AUDIT_HMAC_KEYS = f"k1:{'a' * 40}"
    make_input(it_lead, "it", body="before rotation", submit=True)
    settings.AUDIT_HMAC_KEYS = f"k2:{'b' * 40},k1:{'a' * 40}"
    make_input(it_lead, "it", body="after rotation", submit=True)
    ours = list(AuditEvent.objects.filter(id__gt=start).order_by("id").values_list("id", "key_id"))
    assert ours[0][1] == "k1" and ours[-1][1] == "k2"
    report = audit_verify()
    # Only the fixtures' events (signed with the key this setting no longer lists) are reported, by key id.
    assert report.problems and all(f"{default_id!r}, which is not configured" in p for p in report.problems)
    assert not any(f"event #{i} " in " ".join(report.problems) for i, _ in ours)
    settings.AUDIT_HMAC_KEYS = f"k2:{'b' * 40}"  # k1 dropped too early: its events can no longer be vouched for
    assert any("'k1', which is not configured" in p for p in audit_verify().problems)


# --- versions and signatures against the audit log ---------------------------------------------------------

@pytest.fixture
def signed_v1(pmo, customer, engagement, password):
    from apps.approvals.services import approval_submit, signature_create
    from apps.deliverables.models import Deliverable
    from apps.deliverables.services import section_create, version_publish

    deliverable = Deliverable.objects.create(engagement=engagement, title="Spec", created_by=pmo)
    section_create(actor=pmo, deliverable=deliverable, heading="Security", body="Use SSO.")
    version = version_publish(actor=pmo, deliverable=deliverable)
    approval_submit(actor=pmo, version=version, approvers=[customer], policy="all")
    signature_create(actor=customer, version=version, meaning="approved", password=password)
    return version


def test_an_untouched_history_of_versions_and_signatures_verifies(signed_v1, capsys):
    report = integrity_check_versions()
    assert (report.versions, report.signatures, report.problems) == (1, 1, [])
    call_command("signatures_verify")
    assert "1 published version(s) and 1 signature(s)" in capsys.readouterr().out


def test_rewriting_bytes_version_hash_and_signature_hash_together_is_caught_by_the_audit_log(signed_v1):
    forged = b"<h2>Security</h2><p>Passwords are fine.</p>"
    digest = hashlib.sha256(forged).hexdigest()
    _as_superuser(
        ("UPDATE deliverables_deliverableversion SET rendered_html = %s, content_sha256 = %s WHERE id = %s",
         [forged, digest, signed_v1.pk]),
        ("UPDATE approvals_signature SET content_sha256 = %s WHERE version_id = %s", [digest, signed_v1.pk]))
    report = integrity_check_versions()
    assert len(report.problems) == 2, report.problems
    assert all("the audit log recorded" in p for p in report.problems)
    with pytest.raises(CommandError):
        call_command("signatures_verify")


def test_an_unsigned_published_version_is_verified_too(pmo, engagement):
    from apps.deliverables.models import Deliverable
    from apps.deliverables.services import section_create, version_publish

    deliverable = Deliverable.objects.create(engagement=engagement, title="Spec", created_by=pmo)
    section_create(actor=pmo, deliverable=deliverable, heading="Scope", body="Everything.")
    version = version_publish(actor=pmo, deliverable=deliverable)
    assert not Signature.objects.exists()
    _as_superuser(("UPDATE deliverables_deliverableversion SET rendered_html = %s WHERE id = %s",
                   [b"<p>other</p>", version.pk]))
    report = integrity_check_versions()
    assert report.versions == 1 and len(report.problems) == 1 and "stored bytes hash to" in report.problems[0]


def test_a_version_whose_publication_event_was_forged_is_caught(signed_v1):
    event = AuditEvent.objects.get(action="deliverables.version.published", target_id=str(signed_v1.pk))
    _as_superuser(("UPDATE audit_auditevent SET changes = %s WHERE id = %s",
                   [canonical_json({**event.changes, "content_sha256": "0" * 64}), event.pk]))
    assert any("was altered" in p for p in integrity_check_versions().problems)


# --- one chain per engagement: writers of different engagements do not wait for each other -----------------

@pytest.mark.django_db(transaction=True)
def test_a_locked_chain_does_not_hold_up_another_engagements_writes(pmo, engagement, other_engagement):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    held, done = threading.Event(), threading.Event()
    outcome: list[object] = []

    def hold_other_chain():
        try:
            with transaction.atomic():
                AuditChainHead.objects.select_for_update().get(chain=f"engagement:{other_engagement.pk}")
                held.set()
                done.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_other_chain)
    holder.start()
    held.wait(10)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            outcome.append(audit_log(actor=pmo, action="tests.ping", target=engagement, engagement=engagement))
    finally:
        done.set()
        holder.join(10)
    assert isinstance(outcome[0], AuditEvent)
    assert audit_verify().ok


def test_head_macs_are_keyed(history):
    head = AuditChainHead.objects.get(chain=f"engagement:{history.engagement_id}")
    key_id, keys = audit_keys()
    assert head.mac == head_mac(head, keys[key_id])
    last = AuditEvent.objects.get(engagement_id=history.engagement_id, seq=head.count)
    assert last.hash == event_mac(last, keys[last.key_id])


# --- existing (unkeyed) logs are verified, then re-keyed, by migration audit.0003 ---------------------------

def _historical_apps():
    """The models as the migration sees them (plain managers, like during `migrate`)."""
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(connection).project_state(("audit", "0003_keyed_chains_per_engagement")).apps


def _make_legacy(history):
    """Turn the fixture's events back into a main-style log: one global chain of plain SHA-256 hashes."""
    import importlib

    migration = importlib.import_module("apps.audit.migrations.0003_keyed_chains_per_engagement")
    prev, statements = "0" * 64, []
    events = list(AuditEvent.objects.order_by("id"))
    for event in events:
        event.hash = migration._legacy_hash(prev, event)
        statements.append(("UPDATE audit_auditevent SET prev_hash = %s, hash = %s, seq = 0, key_id = '' "
                           "WHERE id = %s", [prev, event.hash, event.pk]))
        prev = event.hash
    statements.append(("DELETE FROM audit_auditchainhead", []))
    _as_superuser(*statements)
    return migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_rekeys_an_intact_legacy_log_into_verified_chains(history, other_engagement):
    registry = _historical_apps()
    migration = _make_legacy(history)
    assert not audit_verify().ok  # unkeyed rows do not pass as keyed ones
    with connection.schema_editor() as editor:
        migration.rekey(registry, editor)
    report = audit_verify()
    assert report.ok, report.problems
    assert report.chains == 2


@pytest.mark.django_db(transaction=True)
def test_the_migration_refuses_to_rekey_a_tampered_legacy_log(history):
    registry = _historical_apps()
    migration = _make_legacy(history)
    victim = AuditEvent.objects.order_by("id")[1]
    _as_superuser(("UPDATE audit_auditevent SET changes = %s WHERE id = %s", ['{"forged": true}', victim.pk]))
    with pytest.raises(RuntimeError, match=f"audit event #{victim.pk} does not verify"), \
            connection.schema_editor() as editor:
        migration.rekey(registry, editor)
