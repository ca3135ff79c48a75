import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from outreach_media.services import ActivityImportError, activity_import


class Command(BaseCommand):
    help = _(
        "Import an outreach activity log (CSV or XLSX, one row per activity) into trainings, distributions, "
        "airings, posts and events (all or nothing by default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-invalid", action="store_true", help=_("write the valid rows, report the rest"))
        parser.add_argument("--dry-run", action="store_true", help=_("check and count, write nothing"))

    def handle(self, *args, **options):
        show_progress = sys.stdout.isatty() and options["verbosity"] > 0

        def progress(rows):
            self.stdout.write("\r" + _("%(rows)s rows read…") % {"rows": f"{rows:,}".replace(",", ".")}, ending="")
            self.stdout.flush()

        try:
            report = activity_import(
                path=options["file"],
                skip_invalid=options["skip_invalid"],
                dry_run=options["dry_run"],
                origin=options["file"].name,
                progress=progress if show_progress else None,
            )
        except ActivityImportError as exc:
            if show_progress:
                self.stdout.write("")
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
        if report.media_items_created:
            summary += " " + _("New media items: %(count)s.") % {"count": report.media_items_created}
        if report.dry_run:
            summary += " " + _("Dry run: nothing was written.")
        if report.error_count:
            self.stderr.write(self._errors(report, _("Rows with errors were skipped.")))
        self.stdout.write(self.style.SUCCESS(summary))

    @staticmethod
    def _errors(report, headline) -> str:
        lines = [headline + " " + _("%(count)s error(s):") % {"count": report.error_count}]
        lines += [f"  - {error}" for error in report.errors]
        if report.error_count > len(report.errors):
            lines.append("  " + _("… and %(more)s more.") % {"more": report.error_count - len(report.errors)})
        return "\n".join(lines)
