from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.statistics.aggregates import aggregate_differences, aggregates_refresh


class Command(BaseCommand):
    help = _(
        "Rebuild the monthly figures of every unit and province that the dashboards and the indicators export read, "
        "from the statistics that count; with --check, only compare them with a fresh computation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help=_("change nothing; exit with an error when they differ")
        )

    def handle(self, *args, **options):
        if options["check"]:
            differences = aggregate_differences()
            if differences:
                raise CommandError(
                    _("The monthly figures differ from the statistics (run rebuild_aggregates): %(rows)s")
                    % {"rows": "; ".join(differences)}
                )
            self.stdout.write(_("The monthly figures agree with the statistics."))
            return
        aggregates_refresh()
        self.stdout.write(_("The monthly figures were rebuilt from the statistics."))
