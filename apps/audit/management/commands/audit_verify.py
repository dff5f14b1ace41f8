from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import audit_verify


class Command(BaseCommand):
    help = ("Verify every audit chain (one per engagement, plus the global one): links, HMACs under the "
            "configured keys, and each chain's head; report every problem found.")

    def handle(self, *args, **options) -> None:
        report = audit_verify()
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"BROKEN {problem}")
            raise CommandError(f"Audit chain BROKEN ({len(report.problems)} problem(s); {report.checked} events "
                               f"read): {report.reason}")
        self.stdout.write(self.style.SUCCESS(
            f"Audit chain intact: {report.checked} events verified in {report.chains} chain(s)."))
