"""The management command of every file import: ``manage.py import_… FILE [--skip-invalid] [--dry-run]``.

All or nothing by default. The summary goes to stdout, the row errors to stderr; the command fails (exit
code 1, "Nothing was written.") when the import service refuses the file or its rows.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.core.imports.report import ImportFailed, ImportReport


class ImportCommand(BaseCommand):
    # Also fail when a real run wrote nothing and found nothing already stored.
    fail_when_nothing_written = False

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-invalid", action="store_true", help=_("write the valid rows, report the rest"))
        parser.add_argument("--dry-run", action="store_true", help=_("check and count, write nothing"))
        self.add_import_arguments(parser)

    def add_import_arguments(self, parser) -> None:
        """The import's own options."""

    def run_import(self, options: dict, *, path: Path, skip_invalid: bool, dry_run: bool, origin: str, progress):
        """Run the import service (``options`` are the command's); it raises ``ImportFailed`` when nothing was written."""
        raise NotImplementedError

    def summary_details(self, report: ImportReport) -> list[str]:
        """Sentences the import adds to the summary line."""
        return []

    def handle(self, *args, **options):
        show_progress = sys.stdout.isatty() and options["verbosity"] > 0

        def progress(rows):
            self.stdout.write("\r" + _("%(rows)s rows read…") % {"rows": f"{rows:,}".replace(",", ".")}, ending="")
            self.stdout.flush()

        try:
            report = self.run_import(
                options,
                path=options["file"],
                skip_invalid=options["skip_invalid"],
                dry_run=options["dry_run"],
                origin=options["file"].name,
                progress=progress if show_progress else None,
            )
        except ImportFailed as exc:
            if show_progress:
                self.stdout.write("")
            raise CommandError(exc.report.error_lines(_("Nothing was written."))) from exc
        if show_progress:
            self.stdout.write("")
        summary = " ".join([report.summary(), *self.summary_details(report)])
        if report.dry_run:
            summary += " " + _("Dry run: nothing was written.")
        if report.error_count:
            self.stderr.write(report.error_lines(_("Rows with errors were skipped.")))
        if self.fail_when_nothing_written and report.written == 0 and not report.dry_run and report.unchanged == 0:
            raise CommandError(summary + " " + _("Nothing was written."))
        self.stdout.write(self.style.SUCCESS(summary))
