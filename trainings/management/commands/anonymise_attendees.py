from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trainings.personal_data import person_anonymise_expired


class Command(BaseCommand):
    help = _(
        "Anonymise attendees whose last class ended more than the retention period ago "
        "(registrations stay, without personal data)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=_("retention period in days (default: the ATTENDEE_RETENTION_DAYS setting)"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("count, change nothing"))

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else settings.ATTENDEE_RETENTION_DAYS
        if days <= 0:
            raise CommandError(
                _("--days must be a whole number of days greater than zero (got %(days)s).") % {"days": days}
            )
        count = person_anonymise_expired(actor=None, days=days, dry_run=options["dry_run"])
        values = {"count": count, "days": days}
        if options["dry_run"]:
            summary = (
                _(
                    "%(count)s attendee(s) whose last class ended more than %(days)s days ago would be anonymised. "
                    "Dry run: nothing was changed."
                )
                % values
            )
        else:
            summary = (
                _("%(count)s attendee(s) whose last class ended more than %(days)s days ago anonymised.") % values
            )
        self.stdout.write(self.style.SUCCESS(summary))
