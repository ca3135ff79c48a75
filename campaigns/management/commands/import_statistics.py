import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.core.imports.cells import parse_day
from campaigns.statistics.services import StatisticsImportError, statistics_import
from campaigns.units.models import AdministrativeUnit


class Command(BaseCommand):
    help = _("Import monthly dossier statistics from a CSV or XLSX file (all or nothing by default).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help=_("data source for rows without one"))
        parser.add_argument("--skip-invalid", action="store_true", help=_("write the valid rows, report the rest"))
        parser.add_argument("--dry-run", action="store_true", help=_("check and count, write nothing"))
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

    def handle(self, *args, **options):
        show_progress = sys.stdout.isatty() and options["verbosity"] > 0

        def progress(rows):
            self.stdout.write("\r" + _("%(rows)s rows read…") % {"rows": f"{rows:,}".replace(",", ".")}, ending="")
            self.stdout.flush()

        period = self._period(options)
        scope = self._unit(options["scope"], "scope")
        if options["unit"]:
            self._unit(options["unit"], "unit")
        try:
            report = statistics_import(
                path=options["file"],
                default_source=options["source"],
                skip_invalid=options["skip_invalid"],
                dry_run=options["dry_run"],
                origin=options["file"].name,
                progress=progress if show_progress else None,
                unit_code=(options["unit"] or "").strip() or None,
                scope=scope,
                period=period,
            )
        except StatisticsImportError as exc:
            raise CommandError(self._errors(exc.report, _("Nothing was written."))) from exc
        if show_progress:
            self.stdout.write("")
        summary = _(
            "%(read)s data rows: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, %(rejected)s rejected."
        ) % {
            "read": report.rows_read,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected_rows,
        }
        if report.dry_run:
            summary += " " + _("Dry run: nothing was written.")
        if report.error_count:
            self.stderr.write(self._errors(report, _("Rows with errors were skipped.")))
        if report.written == 0 and not report.dry_run and report.unchanged == 0:
            raise CommandError(summary + " " + _("Nothing was written."))
        self.stdout.write(self.style.SUCCESS(summary))

    @staticmethod
    def _errors(report, headline) -> str:
        lines = [headline + " " + _("%(count)s error(s):") % {"count": report.error_count}]
        lines += [f"  - {error}" for error in report.errors]
        if report.error_count > len(report.errors):
            lines.append("  " + _("… and %(more)s more.") % {"more": report.error_count - len(report.errors)})
        return "\n".join(lines)
