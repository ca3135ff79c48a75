"""The statistics listing's export when it is too large for a request: the same file, written by the task worker."""

from campaigns.access.jobs import ScopedExportRunner
from campaigns.statistics import exports


class StatisticsExportRunner(ScopedExportRunner):
    def table(self, queryset, params: dict):
        rows = (exports.export_row(statistic) for statistic in exports.export_queryset(queryset))
        return exports.header(), rows, exports.SHEET_TITLE
