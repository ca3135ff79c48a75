from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cms.retention import purge_stale_data


class Command(BaseCommand):
    help = _(
        "Erase expired import previews and refused files, stale roster previews, expired sessions, unconfirmed "
        "registrations and old login counters (run every 15 minutes)."
    )

    def handle(self, *args, **options):
        counts = purge_stale_data()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
