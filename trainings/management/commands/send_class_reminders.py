import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from trainings.notifications import notification_create_reminders


class Command(BaseCommand):
    help = _(
        "Send the reminder to everyone holding a seat in a class that starts tomorrow. Safe to run every hour: "
        "nobody gets the same reminder twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            default="",
            help=_("act as if today were this date (dd/mm/yyyy), for catching up after an outage"),
        )

    def handle(self, *args, **options):
        now = timezone.now()
        if options["date"]:
            try:
                day = datetime.datetime.strptime(options["date"].strip(), "%d/%m/%Y").date()
            except ValueError:
                raise CommandError(
                    _("--date must be a date as dd/mm/yyyy (got “%(value)s”).") % {"value": options["date"][:40]}
                ) from None
            now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        count = notification_create_reminders(actor=None, now=now)
        self.stdout.write(self.style.SUCCESS(_("%(count)s reminder(s) queued.") % {"count": count}))
