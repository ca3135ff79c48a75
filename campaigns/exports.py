"""Statistics exports in the import format: export then import changes nothing.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) get a leading apostrophe; the import removes it again.
"""

import csv
import datetime
from collections.abc import Iterable
from pathlib import Path

from .imports.statistics import VIETNAMESE_HEADERS, month_bounds
from .models.statistics import COUNT_FIELD_NAMES

EXPORT_FIELDS = ("unit_code", "unit_name", "period", "period_start", "period_end", "source", *COUNT_FIELD_NAMES)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    return "'" + text if text and text.startswith(FORMULA_START) else text


def _period(start: datetime.date, end: datetime.date) -> str:
    return f"{start:%m/%Y}" if (start, end) == month_bounds(start.year, start.month) else ""


def export_row(statistic) -> list:
    return [
        statistic.unit.code,
        escape_formula(statistic.unit.name),
        _period(statistic.period_start, statistic.period_end),
        statistic.period_start.strftime("%d/%m/%Y"),
        statistic.period_end.strftime("%d/%m/%Y"),
        escape_formula(statistic.source),
        *(getattr(statistic, name) for name in COUNT_FIELD_NAMES),
    ]


def header() -> list[str]:
    return [VIETNAMESE_HEADERS[name] for name in EXPORT_FIELDS]


def write_csv(statistics: Iterable, path: Path) -> int:
    count = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header())
        for statistic in statistics:
            writer.writerow(["" if value is None else value for value in export_row(statistic)])
            count += 1
    return count


def write_xlsx(statistics: Iterable, path: Path) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Thống kê hồ sơ")
    sheet.append(header())
    count = 0
    for statistic in statistics:
        sheet.append(export_row(statistic))
        count += 1
    workbook.save(path)
    return count
