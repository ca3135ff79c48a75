"""The indicators a leader sends upward: one row per report month and commune or ward under a scope (a unit, or the
whole country: ``toan-quoc``).

``manage.py export_indicators`` and the dashboard's download both use ``indicator_rows``. Columns
are exactly ``INDICATOR_COLUMNS``; rates come from ``campaigns.statistics.rate_definitions`` and only the
statistic that counts for its unit and report month is read. A fixed number of queries.
"""

import csv
import datetime
import io
import json
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from campaigns.core.errors import DomainError
from campaigns.core.months import last_day, months_between
from campaigns.statistics.exports import escape_formula
from campaigns.statistics.models import UnitMonthFigure
from campaigns.units.areas import NATION_CODE, area_for, in_force, is_nation, nation_area, nation_unit
from campaigns.units.choices import UnitLevel
from campaigns.units.models import AdministrativeUnit

INDICATOR_COLUMNS = (
    "unit_code",
    "unit_name",
    "month",
    "source",
    "received_online",
    "received_total",
    "online_rate",
    "bcci_rate",
    "completeness",
)


class IndicatorExportError(DomainError):
    """The scope of an export cannot be used (unknown, or not in force in the months asked)."""

    code = "indicator_export"

    def __init__(self, code: str, message: str, params: dict | None = None):
        super().__init__(code, params, message=message)


@dataclass
class IndicatorRow:
    unit_code: str
    unit_name: str
    month: str
    source: str
    received_online: int | None
    received_total: int | None
    online_rate: float | None
    bcci_rate: float | None
    completeness: float

    def values(self) -> list:
        return [getattr(self, name) for name in INDICATOR_COLUMNS]


def scope_unit(
    code: str, first: datetime.date, last: datetime.date, *, current_units: bool = False
) -> AdministrativeUnit:
    """The unit with ``code`` in force in the requested months (codes are reused across the 2025 reform);
    with ``current_units``, today's unit with that code, as the dashboard shows it. ``toan-quoc``: the whole
    country (``nation_unit()``)."""
    if code == NATION_CODE:
        return nation_unit()
    versions = list(AdministrativeUnit.objects.filter(code=code))
    if not versions:
        raise IndicatorExportError(
            "unknown_scope", _("No administrative unit has the code “%(code)s”.") % {"code": code}
        )
    if current_units:
        today = [unit for unit in versions if unit.valid_to is None]
        if today:
            return today[0]
    end = last_day(last)

    def overlap(unit) -> int:
        begin = max(first, unit.valid_from or first)
        finish = min(end, (unit.valid_to - datetime.timedelta(days=1)) if unit.valid_to else end)
        return max(0, (finish - begin).days + 1)

    best = max(versions, key=lambda unit: (overlap(unit), unit.valid_from or datetime.date.min))
    if overlap(best) == 0:
        raise IndicatorExportError(
            "scope_not_in_force",
            _("The unit with the code “%(code)s” is not in force in the requested months.") % {"code": code},
        )
    return best


def _in_force(unit, day: datetime.date) -> bool:
    return in_force(unit["valid_from"], unit["valid_to"], day)


def indicator_rows(
    *, scope: AdministrativeUnit, first: datetime.date, last: datetime.date, current_units: bool = False
) -> list[IndicatorRow]:
    months = months_between(first, last)
    nation = is_nation(scope)
    area = nation_area(by_commune=current_units) if nation else area_for(scope)
    # The whole country: every unit (a list of its ids in the query would cost more than the rows it spares).
    units = (
        AdministrativeUnit.objects.all()
        if nation
        else AdministrativeUnit.objects.filter(pk__in=area.included | {scope.pk})
    )
    units = {
        row["pk"]: row
        for row in units.values("pk", "code", "name", "level", "valid_from", "valid_to")
        if not nation or row["pk"] in area.included
    }
    communes = {pk: row for pk, row in units.items() if row["level"] == UnitLevel.COMMUNE}
    # Where each unit's figures are shown: itself, or (--current-units) the commune of today it went into.
    if current_units:
        if scope.level == UnitLevel.COMMUNE:
            target_of = {pk: scope.pk for pk in communes}
        else:
            target_of = {pk: area.child_of.get(pk) for pk in communes}
            target_of = {pk: target for pk, target in target_of.items() if target in communes}
        shown = {target for target in target_of.values()}
        shown = {pk for pk in shown if units[pk]["valid_to"] is None}
    else:
        target_of = {pk: pk for pk in communes}
        shown = set(communes)

    # The monthly aggregates (campaigns.statistics.aggregates): one row per unit, report month and source.
    figures = UnitMonthFigure.objects.filter(month__gte=months[0], month__lte=months[-1])
    if not nation:
        figures = figures.filter(unit_id__in=list(target_of))
    cells = defaultdict(lambda: {"online": 0, "total": 0, "postal": 0, "postal_rows": 0, "rows": 0, "sources": set()})
    reported = defaultdict(set)
    sums = ("online", "denominator", "postal", "postal_rows", "rows")
    for unit_id, month, source, *values in figures.values_list("unit_id", "month", "source", *sums).iterator(
        chunk_size=10_000
    ):
        target = target_of.get(unit_id)
        if target not in shown:
            continue
        cell = cells[(target, month)]
        for key, value in zip(("online", "total", "postal", "postal_rows", "rows"), values, strict=True):
            cell[key] += value
        cell["sources"].add(source)
        reported[(target, month)].add(unit_id)

    result = []
    for month in months:
        day = month
        if current_units:
            expected_of = defaultdict(set)
            for source, target in target_of.items():
                if target in shown and _in_force(communes[source], day):
                    expected_of[target].add(source)
            month_units = [pk for pk in shown if expected_of.get(pk) or _in_force(units[pk], day)]
        else:
            month_units = [pk for pk in shown if _in_force(communes[pk], day)]
            expected_of = {pk: {pk} for pk in month_units}
        for pk in sorted(month_units, key=lambda pk: units[pk]["code"]):
            cell = cells.get((pk, month))
            expected = len(expected_of.get(pk) or {pk})
            got = len(reported.get((pk, month), ()))
            if cell is None:
                result.append(
                    IndicatorRow(
                        units[pk]["code"], units[pk]["name"], f"{month:%Y-%m}", "", None, None, None, None, 0.0
                    )
                )
                continue
            total = cell["total"]
            bcci = cell["postal"] / total if total and cell["postal_rows"] == cell["rows"] else None
            result.append(
                IndicatorRow(
                    unit_code=units[pk]["code"],
                    unit_name=units[pk]["name"],
                    month=f"{month:%Y-%m}",
                    source="; ".join(sorted(cell["sources"])),
                    received_online=cell["online"],
                    received_total=total,
                    online_rate=cell["online"] / total if total else None,
                    bcci_rate=bcci,
                    completeness=round(min(got, expected) / expected, 4) if expected else 0.0,
                )
            )
    return result


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".") if value else "0"
    return value


def render_csv(rows: list[IndicatorRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDICATOR_COLUMNS)
    for row in rows:
        values = [_plain(value) for value in row.values()]
        values[1] = escape_formula(values[1])
        values[3] = escape_formula(values[3])
        writer.writerow(values)
    return buffer.getvalue().encode("utf-8-sig")


def render_json(rows: list[IndicatorRow]) -> bytes:
    return json.dumps(
        [dict(zip(INDICATOR_COLUMNS, row.values(), strict=True)) for row in rows], ensure_ascii=False, indent=1
    ).encode()


def render_xlsx(rows: list[IndicatorRow]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("indicators")
    sheet.append(list(INDICATOR_COLUMNS))
    for row in rows:
        values = row.values()
        values[1] = escape_formula(values[1])
        values[3] = escape_formula(values[3])
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


RENDERERS = {"csv": render_csv, "json": render_json, "xlsx": render_xlsx}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
