from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from campaigns.core.imports.cells import parse_day
from campaigns.core.imports.commands import ImportCommand
from campaigns.statistics.services import statistics_import
from campaigns.units.models import AdministrativeUnit


class Command(ImportCommand):
    help = _("Import monthly dossier statistics from a CSV or XLSX file (all or nothing by default).")
    fail_when_nothing_written = True

    def add_import_arguments(self, parser):
        parser.add_argument("--source", default="", help=_("data source for rows without one"))
        parser.add_argument("--unit", help=_("unit code of a one-unit sheet (form 06) without a unit column"))
        parser.add_argument("--scope", help=_("unit code under which the unit names of the file are looked up"))
        parser.add_argument("--start", help=_("first day of the period (dd/mm/yyyy) when the file has none"))
        parser.add_argument("--end", help=_("last day of the period (dd/mm/yyyy)"))

    @staticmethod
    def _period(options):
        if not options["start"] and not options["end"]:
            return None
        if not options["start"] or not options["end"]:
            raise CommandError(_("Give both --start and --end."))
        days = []
        for name in ("start", "end"):
            day, message = parse_day(options[name])
            if message or day is None:
                raise CommandError(
                    _("--%(option)s “%(value)s”: %(message)s")
                    % {"option": name, "value": options[name], "message": message or _("not a date (use dd/mm/yyyy)")}
                )
            days.append(day)
        if days[1] < days[0]:
            raise CommandError(_("--end is before --start."))
        return days[0], days[1]

    @staticmethod
    def _unit(code: str | None, option: str):
        if not code:
            return None
        units = AdministrativeUnit.objects.filter(code=code.strip()).order_by("valid_to")
        unit = units.filter(valid_to__isnull=True).first() or units.last()
        if unit is None:
            raise CommandError(
                _("--%(option)s “%(value)s”: no administrative unit has this code.")
                % {"option": option, "value": code}
            )
        return unit

    def run_import(self, options, **common):
        period = self._period(options)
        scope = self._unit(options["scope"], "scope")
        if options["unit"]:
            self._unit(options["unit"], "unit")
        return statistics_import(
            **common,
            default_source=options["source"],
            unit_code=(options["unit"] or "").strip() or None,
            scope=scope,
            period=period,
        )
