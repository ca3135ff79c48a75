from django.utils.translation import gettext as _

from campaigns.core.imports.commands import ImportCommand
from outreach_media.services import activity_import


class Command(ImportCommand):
    help = _(
        "Import an outreach activity log (CSV or XLSX, one row per activity) into trainings, distributions, "
        "airings, posts and events (all or nothing by default)."
    )

    def run_import(self, options, **common):
        return activity_import(**common)

    def summary_details(self, report):
        if report.media_items_created:
            return [_("New media items: %(count)s.") % {"count": report.media_items_created}]
        return []
