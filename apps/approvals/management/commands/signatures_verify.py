"""Recompute every signature's hash from the stored bytes of its version; exit 1 naming any mismatch."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.approvals.models import Signature
from apps.core.hashing import sha256_bytes
from apps.deliverables.models import DeliverableVersion


class Command(BaseCommand):
    help = "Verify that every signature still matches the SHA-256 of its version's stored rendered bytes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--verbose-ok", action="store_true", help="Also list the signatures that match.")

    def handle(self, *args: Any, **options: Any) -> None:
        signatures = (Signature.objects.select_related("version__deliverable")
                      .order_by("version_id", "id").only("id", "content_sha256", "signer_name", "meaning",
                                                          "version__number", "version__deliverable__title"))
        by_version: dict[int, str] = {}
        checked, bad = 0, []
        for signature in signatures.iterator(chunk_size=500):
            if signature.version_id not in by_version:
                data = DeliverableVersion.objects.filter(pk=signature.version_id).values_list(
                    "rendered_html", flat=True).get()
                by_version = {signature.version_id: sha256_bytes(bytes(data))}  # versions come in order
            actual = by_version[signature.version_id]
            checked += 1
            label = (f"signature #{signature.pk} by {signature.signer_name} ({signature.get_meaning_display()}) "
                     f"on {signature.version.deliverable.title} v{signature.version.number}")
            if actual != signature.content_sha256:
                bad.append(f"{label}: signed {signature.content_sha256}, stored bytes now hash to {actual}")
            elif options["verbose_ok"]:
                self.stdout.write(f"ok  {label}")
        for line in bad:
            self.stderr.write(f"MISMATCH {line}")
        if bad:
            raise CommandError(f"{len(bad)} of {checked} signature(s) no longer match the stored bytes.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} signature(s) match the stored bytes of their versions."))
