import datetime
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.core.months import last_day, parse_month
from campaigns.statistics.exports import write_csv, write_xlsx
from campaigns.statistics.selectors import statistics_for_export
from campaigns.units.models import AdministrativeUnit


def _month(value: str, *, end: bool) -> datetime.date:
    month = parse_month(value)
    if month is None:
        raise CommandError(_("“%(value)s” is not a month in the form YYYY-MM.") % {"value": value})
    return last_day(month) if end else month


class Command(BaseCommand):
    help = _("Export stored dossier statistics in the import format (re-importing the export changes nothing).")

    def add_arguments(self, parser):
        parser.add_argument("--scope", help=_("unit code: that unit and every unit below it"))
        parser.add_argument("--start", help="YYYY-MM")
        parser.add_argument("--end", help="YYYY-MM")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", type=Path, help=_("file to write (default: standard output, CSV only)"))

    def handle(self, *args, **options):
        scope = None
        if options["scope"]:
            units = AdministrativeUnit.objects.filter(code=options["scope"]).order_by("valid_to")
            scope = units.filter(valid_to__isnull=True).first() or units.last()
            if scope is None:
                raise CommandError(_("No administrative unit has the code “%(code)s”.") % {"code": options["scope"]})
        start = _month(options["start"], end=False) if options["start"] else None
        end = _month(options["end"], end=True) if options["end"] else None
        if start and end and end < start:
            raise CommandError(_("The end month is before the start month."))
        statistics = statistics_for_export(scope=scope, start=start, end=end).iterator(chunk_size=5000)
        output = options["output"]
        if options["format"] == "xlsx":
            if output is None:
                raise CommandError(_("An XLSX export needs --output FILE."))
            count = write_xlsx(statistics, output)
        elif output is None:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "export.csv"
                count = write_csv(statistics, path)
                sys.stdout.write(path.read_text(encoding="utf-8-sig"))
        else:
            count = write_csv(statistics, output)
        self.stderr.write(_("%(count)s rows exported.") % {"count": count})
