import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.core.months import parse_month
from campaigns.statistics.indicator_export import RENDERERS, IndicatorExportError, indicator_rows, scope_unit


def _month(value: str):
    month = parse_month(value)
    if month is None:
        raise CommandError(_("“%(value)s” is not a month in the form YYYY-MM.") % {"value": value})
    return month


class Command(BaseCommand):
    help = _(
        "Export the online and BCCI rates per report month and commune or ward under a scope "
        "(the source that counts, completeness)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scope", required=True, help=_("unit code, or “toan-quoc” for the whole country"))
        parser.add_argument("--start", required=True, help="YYYY-MM")
        parser.add_argument("--end", required=True, help="YYYY-MM")
        parser.add_argument("--format", choices=sorted(RENDERERS), default="csv")
        parser.add_argument("--output", type=Path, help=_("file to write (default: standard output)"))
        parser.add_argument(
            "--current-units", action="store_true", help=_("show old units' figures under today's units")
        )

    def handle(self, *args, **options):
        first, last = _month(options["start"]), _month(options["end"])
        if last < first:
            raise CommandError(_("The end month is before the start month."))
        try:
            scope = scope_unit(options["scope"], first, last, current_units=options["current_units"])
        except IndicatorExportError as exc:
            raise CommandError(exc.message) from exc
        rows = indicator_rows(scope=scope, first=first, last=last, current_units=options["current_units"])
        data = RENDERERS[options["format"]](rows)
        if options["output"]:
            options["output"].write_bytes(data)
        else:
            if options["format"] == "xlsx":
                sys.stdout.buffer.write(data)
            else:
                self.stdout.write(data.decode("utf-8-sig"), ending="")
        self.stderr.write(_("%(count)s rows exported.") % {"count": len(rows)})
