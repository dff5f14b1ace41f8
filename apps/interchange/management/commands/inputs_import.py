"""manage.py inputs_import FILE --engagement ID --workstream SLUG [--dry-run] — the same import as the browser's."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.models import Membership, Role, User
from apps.core.errors import ApplicationError
from apps.engagements.models import Engagement, Workstream
from apps.interchange import services
from apps.interchange.readers.tabular import FIELDS


class Command(BaseCommand):
    help = ("Import requirements from CSV, XLSX, DOCX or ReqIF into a workstream. All or nothing; re-importing "
            "the same file changes nothing; --dry-run reports what would happen and writes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--engagement", type=int, required=True, help="engagement id")
        parser.add_argument("--workstream", required=True, help="workstream slug (it, marketing, data, …)")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        parser.add_argument("--user", help="e-mail of the member the import is recorded as (default: the "
                                           "engagement's first PMO)")
        parser.add_argument("--source", default="", help="source system name the identifiers belong to "
                                                         "(default: the file name; 'reqif' for ReqIF)")
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                            help=f"CSV/XLSX column for a field ({', '.join(FIELDS)}); guessed from headers if absent")
        parser.add_argument("--draft", action="store_true", help="keep new inputs as drafts (no detection yet)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        engagement = Engagement.objects.filter(pk=opts["engagement"]).first()
        if engagement is None:
            raise CommandError(f"No engagement {opts['engagement']}")
        workstream = Workstream.objects.filter(engagement=engagement, slug=opts["workstream"]).first()
        if workstream is None:
            slugs = ", ".join(Workstream.objects.filter(engagement=engagement).values_list("slug", flat=True))
            raise CommandError(f"No workstream {opts['workstream']!r} in {engagement}; choose one of: {slugs}")
        actor = self._actor(engagement, opts["user"])
        mapping: dict[str, str] = {}
        for item in opts["map"]:
            fld, sep, column = item.partition("=")
            if not sep or fld not in FIELDS:
                raise CommandError(f"--map {item!r}: write FIELD=COLUMN with FIELD one of {', '.join(FIELDS)}")
            mapping[fld] = column
        kwargs = {"actor": actor, "engagement": engagement, "workstream": workstream, "content": path.read_bytes(),
                  "file_name": path.name, "source_system": opts["source"], "mapping": mapping or None}
        started = time.perf_counter()
        try:
            if opts["dry_run"]:
                report = services.import_preview(**kwargs)
            else:
                report = services.import_records(**kwargs, submit=not opts["draft"], on_progress=self._progress)
        except services.ImportFailed as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"Nothing imported: {len(exc.issues)} error(s).") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.perf_counter() - started
        if opts["json"]:
            self.stdout.write(json.dumps({**report, "seconds": round(elapsed, 2)}, indent=2))
            if report["issues"]:
                raise CommandError(f"{len(report['issues'])} error(s)")
            return
        counts = report["counts"]
        verb = "Would import" if opts["dry_run"] else "Imported"
        self.stdout.write(f"{verb} {report['records']} record(s) from {path.name} into {workstream.name} "
                          f"({report['format']}, source {report['source_system']!r}) as {actor.email}: "
                          f"{counts['created']} created, {counts['revised']} revised, {counts['updated']} updated, "
                          f"{counts['unchanged']} unchanged, {counts['errors']} error(s) in {elapsed:.1f} s.")
        for issue in report["issues"]:
            self.stderr.write(issue["text"])
        if report["issues"]:
            raise CommandError(f"{len(report['issues'])} error(s): an import would write nothing.")

    def _progress(self, done: int, total: int) -> None:
        if total >= 1000 and (done % 1000 == 0 or done == total):
            self.stderr.write(f"… {done:,} / {total:,} records written (committed together at the end)")

    def _actor(self, engagement: Engagement, email: str | None) -> User:
        if email:
            user = User.objects.filter(email=email.lower()).first()
            if user is None:
                raise CommandError(f"No user {email}")
            return user
        membership = Membership.objects.filter(engagement=engagement, role=Role.PMO).order_by("id").first()
        if membership is None:
            raise CommandError("The engagement has no PMO member; name the importing user with --user")
        return membership.user
