from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.core.errors import DataFileError
from campaigns.units.services import DEFAULT_SUCCESSIONS_FILE, DEFAULT_UNITS_FILE, units_load


class Command(BaseCommand):
    help = _(
        "Load or refresh administrative units and succession links from the data files shipped in the repository."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=Path, default=DEFAULT_UNITS_FILE, help=_("units CSV file"))
        parser.add_argument(
            "--successions", type=Path, default=DEFAULT_SUCCESSIONS_FILE, help=_("succession links CSV file")
        )

    def handle(self, *args, **options):
        try:
            report = units_load(units_path=options["units"], successions_path=options["successions"])
        except DataFileError as exc:
            lines = [_("Nothing was written: the data files have %(count)s error(s).") % {"count": len(exc.errors)}]
            lines += [f"  - {error}" for error in exc.errors]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(
            _(
                "Units: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(absent)s in the database but not in the file (left alone)."
            )
            % {
                "created": report.units_created,
                "updated": report.units_updated,
                "unchanged": report.units_unchanged,
                "absent": report.units_not_in_file,
            }
        )
        self.stdout.write(
            _(
                "Succession links: %(created)s created, %(updated)s updated, %(deleted)s removed, %(unchanged)s unchanged."
            )
            % {
                "created": report.links_created,
                "updated": report.links_updated,
                "deleted": report.links_deleted,
                "unchanged": report.links_unchanged,
            }
        )
        style = self.style.SUCCESS if report.changed else self.style.NOTICE
        self.stdout.write(style(_("Done.") if report.changed else _("Already up to date: nothing changed.")))
