"""django-import-export resources: the admin's statistics export, in the import file's columns.

The row itself comes from ``exports.export_row`` (shared with ``manage.py export_statistics``), so
an export from the admin imports back without a change. Imports do not go through a resource: the
statistics service validates and upserts a whole file set-wise (docs/data/statistics-import.md).
"""

from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX

from campaigns.statistics.exports import EXPORT_FIELDS, export_row, header
from campaigns.statistics.models import DossierStatistic

FORMATS = {"csv": CSV, "xlsx": XLSX}


class DossierStatisticResource(resources.ModelResource):
    """One row per statistic with the Vietnamese headers of the import format."""

    class Meta:
        model = DossierStatistic
        fields = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name, label in zip(EXPORT_FIELDS, header(), strict=True):
            self.fields[name] = fields.Field(column_name=label)

    def get_export_order(self):
        return EXPORT_FIELDS

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return export_row(instance)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("unit").order_by("period_start", "unit__code", "source")
