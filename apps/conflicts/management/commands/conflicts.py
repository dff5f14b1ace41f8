"""python manage.py conflicts classify|scan|eval|bench|bench-db — the engine's file commands, same code path.

    conflicts classify FILE      {"id","a","b"} per line → {"id","label","kind","score","explanation"} per line
    conflicts scan FILE          {"id","text"} per line → one {"a","b","label","kind","score"} line per finding
    conflicts eval FILE          precision / recall / F1 per label, macro-F1, MCC (+ closed-world scan view)
    conflicts bench --inputs N   synthetic inputs: incremental check median, full scan time, peak memory
    conflicts eval-ko FILE       the Korean rows (lang "ko") of a labelled file, with per-domain figures
    conflicts bench-ko --inputs N   synthetic Korean inputs: Kiwi load, incremental check median, peak memory
    conflicts bench-db --inputs N   the same incremental check through Django (persisted statements, warm
                                 index, finding upsert) against the configured database — use a scratch one

FILE may be "-" for standard input.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tools.conflicts import cli


@contextmanager
def _open(path: str) -> Any:
    if path == "-":
        yield sys.stdin
        return
    try:
        fh: TextIO = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
    try:
        yield fh
    finally:
        fh.close()


class Command(BaseCommand):
    help = "Conflict detection from files: classify pairs, scan statements, evaluate, benchmark."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("classify", 'JSON lines {"id","a","b"}'), ("scan", 'JSON lines {"id","text"}'),
                           ("eval", 'labelled JSON lines {"id","a","b","label"}')):
            sp = sub.add_parser(name, help=f"read {text}")
            sp.add_argument("file", help=f"{text}; '-' for standard input")
        kp = sub.add_parser("eval-ko", help="evaluate the Korean rows of a labelled JSON lines file")
        kp.add_argument("file")
        kp.add_argument("--errors", action="store_true", help="print the misclassified pairs")
        kb = sub.add_parser("bench-ko", help="time Korean detection on synthetic Korean inputs")
        kb.add_argument("--inputs", type=int, default=10000)
        bp = sub.add_parser("bench", help="time the engine on synthetic inputs")
        bp.add_argument("--inputs", type=int, default=10000, help="number of synthetic inputs (default 10000)")
        bp.add_argument("--no-scan", action="store_true", help="skip the full scan")
        dp = sub.add_parser("bench-db", help="time the in-Django incremental check (writes to the database!)")
        dp.add_argument("--inputs", type=int, default=1000)
        dp.add_argument("--runs", type=int, default=9)
        dp.add_argument("--yes", action="store_true", help="confirm that the configured database is a scratch one")
        dp.add_argument("--full-scan", action="store_true", help="also time a full scan of the seeded engagement")
        dp.add_argument("--workers", default="",
                        help="comma-separated worker process counts, e.g. 1,2: time the full scan fanned out over a "
                             "real Celery worker with that --concurrency on REDIS_URL (0 = in this process)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "bench":
            if options["inputs"] < 1:
                raise CommandError("--inputs must be at least 1")
            cli.bench(options["inputs"], self.stdout, full_scan=not options["no_scan"])
            return
        if action == "bench-ko":
            from tools.conflicts import ko_bench

            if options["inputs"] < 1:
                raise CommandError("--inputs must be at least 1")
            ko_bench.bench(options["inputs"], self.stdout)
            return
        if action == "eval-ko":
            from tools.conflicts import ko_eval

            with _open(options["file"]) as fh:
                ko_eval.run(fh.readlines(), self.stdout, lang="ko", show_errors=options["errors"])
            return
        if action == "bench-db":
            if not options["yes"]:
                raise CommandError("bench-db creates an engagement with thousands of inputs in the configured "
                                   "database; point DATABASE_URL at a scratch database and pass --yes.")
            from apps.conflicts.bench import bench_db

            workers = [int(x) for x in options["workers"].split(",") if x.strip()]
            bench_db(n_inputs=options["inputs"], runs=options["runs"], out=self.stdout,
                     full_scan=options["full_scan"] or bool(workers), workers=workers)
            return
        with _open(options["file"]) as fh:
            try:
                if action == "classify":
                    cli.classify_lines(fh, self.stdout)
                elif action == "scan":
                    cli.scan_lines(fh, self.stdout)
                else:
                    cli.evaluate(fh, self.stdout)
            except (ValueError, KeyError) as exc:
                raise CommandError(f"Bad input line: {exc}") from exc
