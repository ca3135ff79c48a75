import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.impact import render
from campaigns.impact.report import NATION_CODE, ImpactError, Nation, impact_report
from campaigns.management.commands.export_statistics import _month
from campaigns.plans.choices import ControlGroup
from campaigns.plans.models import Campaign
from campaigns.units.models import AdministrativeUnit

FORMATS = ("json", "text", "pdf", "xlsx")


class Command(BaseCommand):
    help = _("The impact report of a campaign, or of a unit over a window (see docs/impact.md).")

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help=_("the campaign's short name"))
        parser.add_argument(
            "--scope",
            help=_("unit code: that unit's communes and wards (%(nation)s: the whole country)")
            % {"nation": NATION_CODE},
        )
        parser.add_argument("--start", help="YYYY-MM")
        parser.add_argument("--end", help="YYYY-MM")
        parser.add_argument("--channels", help=_("channels that count as reach, e.g. training,leaflet"))
        parser.add_argument("--control", choices=ControlGroup.values)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", type=Path, help=_("file to write (default: standard output, JSON and text)"))

    def _scope(self, code: str, end):
        if code.strip().lower() == NATION_CODE:
            return Nation()
        units = AdministrativeUnit.objects.filter(code=code).order_by("valid_to")
        covering = [
            u
            for u in units
            if (u.valid_from is None or u.valid_from <= end) and (u.valid_to is None or u.valid_to > end)
        ]
        unit = covering[0] if covering else (units.filter(valid_to__isnull=True).first() or units.last())
        if unit is None:
            raise CommandError(_("No administrative unit has the code “%(code)s”.") % {"code": code})
        return unit

    def handle(self, *args, **options):
        channels = [name.strip() for name in (options["channels"] or "").split(",") if name.strip()] or None
        if options["campaign"] and options["scope"]:
            raise CommandError(_("Give either --campaign or --scope, not both."))
        campaign = scope = start = end = None
        if options["campaign"]:
            campaign = Campaign.objects.filter(slug=options["campaign"]).first()
            if campaign is None:
                raise CommandError(_("No campaign has the short name “%(slug)s”.") % {"slug": options["campaign"]})
            start = _month(options["start"], end=False) if options["start"] else None
            end = _month(options["end"], end=False) if options["end"] else None
        elif options["scope"]:
            if not options["start"] or not options["end"]:
                raise CommandError(_("--scope needs --start YYYY-MM and --end YYYY-MM."))
            start = _month(options["start"], end=False)
            end = _month(options["end"], end=False)
            scope = self._scope(options["scope"], _month(options["end"], end=True))
        else:
            raise CommandError(_("Give --campaign SLUG, or --scope UNIT_CODE with --start and --end."))
        if start and end and end < start:
            raise CommandError(_("The end month is before the start month."))
        output, kind = options["output"], options["format"]
        if kind in ("pdf", "xlsx") and output is None:
            raise CommandError(_("A %(format)s report needs --output FILE.") % {"format": kind.upper()})
        try:
            payload = impact_report(
                campaign=campaign, scope=scope, start=start, end=end, channels=channels, control=options["control"]
            )
        except ImpactError as error:
            raise CommandError(error.message) from error

        if kind == "json":
            content = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        elif kind == "text":
            content = render.render_text(payload)
        elif kind == "pdf":
            content = render.render_pdf(payload)
        else:
            content = render.render_xlsx(payload)
        if output is None:
            self.stdout.write(content, ending="")
        elif isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
        if output is not None:
            self.stderr.write(_("Report written to %(path)s.") % {"path": output})
