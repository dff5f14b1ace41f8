"""Verify every published version and every signature against the stored bytes AND the audit log.

For each published version (signed or not): the SHA-256 of its stored bytes must equal the hash recorded on
the version, and the HMAC-authenticated audit event of its publication must record that same hash. For each
signature: the hash it was given must equal the stored bytes' hash, and its authenticated audit event must
record it too. Rewriting the bytes, the version's hash and the signature's hash together is therefore
caught by the audit events, which cannot be rewritten to match without the audit key (docs/integrity.md).
"""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.approvals.services import integrity_check_versions


class Command(BaseCommand):
    help = ("Verify every published version and signature: stored bytes vs recorded hashes vs the "
            "authenticated audit events; exit 1 naming every mismatch.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--verbose-ok", action="store_true", help="Also list what matches.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = integrity_check_versions()
        if options["verbose_ok"]:
            for line in report.ok_lines:
                self.stdout.write(f"ok  {line}")
        for line in report.problems:
            self.stderr.write(f"MISMATCH {line}")
        if report.problems:
            raise CommandError(f"{len(report.problems)} problem(s) in {report.versions} published version(s) and "
                               f"{report.signatures} signature(s).")
        self.stdout.write(self.style.SUCCESS(
            f"All {report.versions} published version(s) and {report.signatures} signature(s) match their stored "
            "bytes and the audit log."))
