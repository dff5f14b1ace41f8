from django.core.management.base import BaseCommand

from apps.outbox.services import outbox_pending_count, outbox_relay


class Command(BaseCommand):
    help = "Publish the tasks still waiting in the outbox (e.g. after a broker outage); prints what is left."

    def handle(self, *args, **options):
        published = outbox_relay()
        left = outbox_pending_count()
        self.stdout.write(f"published {published}; {left} still waiting")
        if left:
            raise SystemExit(1)
