"""Reading and validating monthly dossier statistics files (the contract in docs/data/statistics-import.md).

``StatisticsReader`` finds the header row (title, unit-of-measure and group rows are skipped),
maps columns by Vietnamese label, English name or the wording of form Biểu 06/VPCP/KSTT, and
yields validated rows or row errors. It never changes a value: an ambiguous number is an error.
"""

import datetime
import math
import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from cms.text import fold, normalize_text

from ..errors import RowError
from ..models.statistics import COUNT_FIELD_NAMES, REQUIRED_COUNT_FIELDS
from .tabular import UnreadableFile, iter_rows

# The Vietnamese headers written by the export (and the first alias of each column).
VIETNAMESE_HEADERS = {
    "unit_code": "Mã ĐVHC",
    "unit_name": "Tên đơn vị",
    "period": "Kỳ",
    "period_start": "Từ ngày",
    "period_end": "Đến ngày",
    "source": "Nguồn số liệu",
    "received_online": "Tiếp nhận trực tuyến",
    "received_online_full": "Trong đó: trực tuyến toàn trình",
    "received_direct": "Tiếp nhận trực tiếp",
    "received_postal": "Tiếp nhận qua dịch vụ BCCI",
    "carried_over": "Số hồ sơ kỳ trước chuyển qua",
    "received_total": "Tổng số hồ sơ nhận giải quyết",
    "resolved_early": "Đã giải quyết trước hạn",
    "resolved_on_time": "Đã giải quyết đúng hạn",
    "resolved_late": "Đã giải quyết quá hạn",
    "pending_in_time": "Đang giải quyết trong hạn",
    "pending_overdue": "Đang giải quyết quá hạn",
    "results_postal": "Trả kết quả qua dịch vụ BCCI",
    "paid_online": "Hồ sơ thanh toán trực tuyến",
    "digitized": "Hồ sơ được số hóa",
}
EXTRA_ALIASES = {
    "unit_code": ["ma don vi hanh chinh", "ma don vi", "ma dv"],
    "unit_name": ["don vi", "ten don vi hanh chinh", "ten dvhc"],
    "period": ["ky bao cao", "thang"],
    "source": ["nguon"],
    "received_online": ["truc tuyen", "so moi tiep nhan truc tuyen"],
    "received_online_full": ["truc tuyen toan trinh", "toan trinh"],
    "received_direct": ["truc tiep", "truc tiep dich vu buu chinh", "so moi tiep nhan truc tiep dich vu buu chinh"],
    "received_postal": ["qua dich vu bcci", "dich vu bcci", "buu chinh cong ich", "tiep nhan qua buu chinh cong ich"],
    "carried_over": ["tu ky truoc", "ky truoc chuyen qua", "so ho so tu ky truoc"],
    "received_total": ["tong so", "tong so ho so"],
    "resolved_early": ["truoc han"],
    "resolved_on_time": ["dung han"],
    "resolved_late": ["da giai quyet tre han"],
    "pending_in_time": ["trong han"],
    "pending_overdue": ["dang giai quyet tre han"],
    "results_postal": ["tra ket qua qua buu chinh cong ich", "tra ket qua qua bcci"],
    "paid_online": ["thanh toan truc tuyen"],
    "digitized": ["so hoa", "duoc so hoa"],
}
# "Quá hạn" / "Trễ hạn" alone means resolved late under "Đã giải quyết", overdue under "Đang giải quyết".
AMBIGUOUS_LATE = {"qua han", "tre han"}
_PUNCTUATION = re.compile(r"[\s:;,.()\[\]*/\\_\-–—]+")
MAX_REPORTED_ERRORS = 1000
HEADER_SCAN_ROWS = 25


def header_key(text) -> str:
    return _PUNCTUATION.sub(" ", fold(str(text))).strip() if text not in (None, "") else ""


ALIASES: dict[str, str] = {}
for _field, _label in VIETNAMESE_HEADERS.items():
    ALIASES[header_key(_label)] = _field
    ALIASES[header_key(_field)] = _field
    for _alias in EXTRA_ALIASES.get(_field, []):
        ALIASES[header_key(_alias)] = _field

NUMBER_FIELDS = (*COUNT_FIELD_NAMES, "received_total")


class HeaderError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


_MONTH_SLASH = re.compile(r"^(\d{1,2})/(\d{4})$")
_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_DATE_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_COLUMN_NUMBER = re.compile(r"^\(\s*\d+\s*\)$")  # the unit-of-measure row of a form: (1), (2), …
_GROUPED_DOTS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_GROUPED_SPACES = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+$")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_COUNT = 2_147_483_647  # the database column's limit


# Folded unit-type words that may be left out of a unit name ("Tánh Linh" for "Xã Tánh Linh").
TYPE_PREFIXES = ("thanh pho ", "thi tran ", "thi xa ", "dac khu ", "phuong ", "huyen ", "quan ", "tinh ", "xa ")


def without_type(folded_name: str) -> str:
    for prefix in TYPE_PREFIXES:
        if folded_name.startswith(prefix):
            return folded_name[len(prefix) :]
    return folded_name


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def parse_count(value):
    """(integer or None, error message or None). Never guesses: '1,5' or '1.5' is an error."""
    number, message = _parse_count(value)
    if number is not None and number > MAX_COUNT:
        return None, _("too large for a count")
    return number, message


def _parse_count(value):
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, _("not a whole number")
    if isinstance(value, int):
        return (value, None) if value >= 0 else (None, _("a count cannot be negative"))
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None, _("not a whole number (fractions are not counts)")
        return (int(value), None) if value >= 0 else (None, _("a count cannot be negative"))
    text = str(value).strip()
    if not text:
        return None, None
    if text.isdigit() and text.isascii():
        return int(text), None
    if _GROUPED_DOTS.match(text):
        return int(text.replace(".", "")), None
    if _GROUPED_SPACES.match(text):
        return int(re.sub(r"\D", "", text)), None
    if text.startswith("-") and text[1:].replace(".", "").isdigit():
        return None, _("a count cannot be negative")
    return None, _("not a whole number (use 1.234 or 1234; a comma or a lone dot is ambiguous)")


def parse_day(value):
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = "" if value is None else str(value).strip()
    if not text:
        return None, None
    match = _DATE_DMY.match(text)
    try:
        if match:
            return datetime.date(int(match[3]), int(match[2]), int(match[1])), None
        match = _DATE_ISO.match(text)
        if match:
            return datetime.date(int(match[1]), int(match[2]), int(match[3])), None
    except ValueError:
        return None, _("this date does not exist")
    return None, _("not a date (use dd/mm/yyyy)")


def parse_period(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if day.day != 1:
            return None, _("a period is a month: use MM/YYYY")
        return month_bounds(day.year, day.month), None
    text = "" if value is None else str(value).strip()
    if not text:
        return None, None
    match = _MONTH_SLASH.match(text)
    if match:
        month, year = int(match[1]), int(match[2])
    else:
        match = _MONTH_ISO.match(text)
        if not match:
            return None, _("not a period (use MM/YYYY or YYYY-MM)")
        year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 1990:
        return None, _("this month does not exist")
    return month_bounds(year, month), None


def period_of(raw_period, raw_start, raw_end):
    """(start, end, problems) of one row's period cells; ``problems`` lists (field, value, message).

    A row gives either Kỳ (with optional Từ ngày / Đến ngày that must agree) or both dates.
    """
    problems = []
    if raw_period is not None and raw_period != "":
        bounds, message = parse_period(raw_period)
        if message:
            problems.append(("period", raw_period, message))
        start, end = bounds if bounds else (None, None)
        for field, raw, expected in (("period_start", raw_start, start), ("period_end", raw_end, end)):
            given, _message = parse_day(raw)
            if given is not None and expected is not None and given != expected:
                problems.append((field, raw, _("does not match the period")))
        return start, end, problems
    start, message = parse_day(raw_start)
    if message:
        problems.append(("period_start", raw_start, message))
    end, end_message = parse_day(raw_end)
    if end_message:
        problems.append(("period_end", raw_end, end_message))
    if start is None and end is None and not end_message and not message:
        problems.append(("period", "", _("the period is missing")))
    elif start and end and end < start:
        problems.append(("period_end", raw_end, _("the period ends before it starts")))
    elif (start is None) != (end is None) and not problems:
        problems.append(("period_end" if end is None else "period_start", "", _("both dates are required")))
    return start, end, problems


def parse_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalize_text(str(value))
    # Undo the apostrophe our exports put before a formula-like value.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def parse_code(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        # Spreadsheets drop leading zeros of numeric cells: 1 -> 01 (province), 1234 -> 01234 (commune).
        return digits.zfill(2) if len(digits) < 2 else digits.zfill(5) if len(digits) == 4 else digits
    if isinstance(value, float) and value.is_integer():
        return parse_code(int(value))
    return parse_text(value)


class UnitIndex:
    """Every unit by code with its validity, loaded once per import (about 14,000 rows)."""

    def __init__(self):
        from ..models import AdministrativeUnit

        self.by_code: dict[str, list[tuple]] = {}
        for pk, code, name, folded, valid_from, valid_to in AdministrativeUnit.objects.values_list(
            "pk", "code", "name", "name_folded", "valid_from", "valid_to"
        ):
            self.by_code.setdefault(code, []).append((valid_from, valid_to, pk, name, folded))

    def resolve(self, code: str, start: datetime.date, end: datetime.date):
        versions = self.by_code.get(code)
        if not versions:
            return None, _("no administrative unit has this code")
        for valid_from, valid_to, pk, name, folded in versions:
            if (valid_from is None or valid_from <= start) and (valid_to is None or valid_to > end):
                return (pk, name, folded), None
        spans = "; ".join(
            _("%(name)s: %(start)s – %(end)s")
            % {
                "name": name,
                "start": valid_from.strftime("%d/%m/%Y") if valid_from else "…",
                "end": (valid_to - datetime.timedelta(days=1)).strftime("%d/%m/%Y") if valid_to else "…",
            }
            for valid_from, valid_to, pk, name, folded in versions
        )
        return None, _("the unit with this code is not in force for the whole period (%(spans)s)") % {"spans": spans}


class StatisticsReader:
    def __init__(
        self,
        path: Path,
        *,
        default_source: str = "",
        units: UnitIndex | None = None,
        file_label=None,
        allowed_unit_ids: frozenset[int] | None = None,
    ):
        self.path = Path(path)
        self.allowed_unit_ids = allowed_unit_ids
        self.file_label = file_label or self.path.name
        self.default_source = parse_text(default_source)
        self.units = units or UnitIndex()
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rows_read = 0
        self.rows_skipped = 0
        self.rejected_rows = 0  # data rows with at least one error (errors beyond MAX_REPORTED_ERRORS included)
        self.columns: dict[str, int] = {}
        self.labels: dict[str, str] = {}

    # -- errors ---------------------------------------------------------------------------
    def _error(self, row, field, value, message):
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            column = self.labels.get(field, field) if field else None
            shown = "" if value is None else str(value)
            self.errors.append(RowError(self.file_label, row, column, shown[:80], message))

    # -- header ---------------------------------------------------------------------------
    def _map_header(self, rows: list[list], index: int) -> dict[str, int] | None:
        header = rows[index]
        parents = []
        for above in rows[max(0, index - 2) : index]:
            filled, last = [], ""
            for cell in above:
                key = header_key(cell)
                last = key or last
                filled.append(last)
            parents.append(filled)
        mapping: dict[str, int] = {}
        labels: dict[str, str] = {}
        duplicates = []
        for position, cell in enumerate(header):
            key = header_key(cell)
            if not key:
                # A cell merged down from the row above (e.g. "Mã ĐVHC" spanning both rows of form 06).
                for above in reversed(rows[max(0, index - 2) : index]):
                    if position < len(above) and header_key(above[position]):
                        if ALIASES.get(header_key(above[position])):
                            cell, key = above[position], header_key(above[position])
                        break
                if not key:
                    continue
            groups = [row[position] if position < len(row) else "" for row in parents]
            field = None
            if key in AMBIGUOUS_LATE:
                context = " ".join(groups)
                field = "pending_overdue" if "dang giai quyet" in context else "resolved_late" if context else None
            else:
                field = ALIASES.get(key)
                if field is None:
                    for group in reversed(groups):
                        field = ALIASES.get(f"{group} {key}".strip())
                        if field:
                            break
            if field is None:
                continue
            if field in mapping:
                duplicates.append((field, normalize_text(str(cell))))
                continue
            mapping[field] = position
            labels[field] = normalize_text(str(cell))
        has_period = "period" in mapping or ("period_start" in mapping and "period_end" in mapping)
        if "unit_code" in mapping and all(name in mapping for name in REQUIRED_COUNT_FIELDS) and has_period:
            for field, label in duplicates:
                self._error(
                    index + 1, None, label, _("two columns mean the same thing (%(column)s)") % {"column": field}
                )
            self.columns, self.labels = mapping, labels
            return mapping
        return None

    def find_header(self, rows_iter) -> tuple[int, list]:
        head = []
        for row in rows_iter:
            head.append(row)
            if self._map_header(head, len(head) - 1) is not None:
                return len(head), head
            if len(head) >= HEADER_SCAN_ROWS:
                break
        if not head:
            raise HeaderError([RowError(self.file_label, None, None, None, _("the file is empty"))])
        required = ", ".join(
            VIETNAMESE_HEADERS[name] for name in ("unit_code", "received_online", "received_direct", "period")
        )
        raise HeaderError(
            [
                RowError(
                    self.file_label,
                    None,
                    None,
                    None,
                    _("no header row found: the columns %(columns)s (or Từ ngày and Đến ngày) are required")
                    % {"columns": required},
                )
            ]
        )

    # -- rows -------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[tuple]:
        """Valid rows as plain tuples (row number, unit id, start, end, source, *counts in COUNT_FIELD_NAMES order)."""
        try:
            rows_iter = iter(iter_rows(self.path))
            header_rows, _head = self.find_header(rows_iter)
            yield from self.validate(enumerate(rows_iter, start=header_rows + 1))
        except UnreadableFile as exc:
            raise HeaderError([RowError(self.file_label, None, None, None, exc.reason)]) from exc

    def validate(self, numbered_rows) -> Iterator[tuple]:
        """Valid rows of (row number, cells) pairs as tuples; errors and counters are kept on the reader."""
        columns = self.columns
        code_at = columns["unit_code"]
        count_positions = [(name, columns.get(name)) for name in COUNT_FIELD_NAMES]
        number_positions = [position for _name, position in count_positions if position is not None]
        total_at = columns.get("received_total")
        name_at = columns.get("unit_name")
        source_at = columns.get("source")
        period_at = columns.get("period")
        start_at = columns.get("period_start")
        end_at = columns.get("period_end")
        resolve = self.units.resolve
        default_source = self.default_source
        allowed = self.allowed_unit_ids
        error = self._error
        # Files repeat the same few periods and sources on every row: parse each distinct value once.
        period_cache: dict = {}
        source_cache: dict = {}
        for row_number, cells in numbered_rows:
            width = len(cells)

            def cell(position, cells=cells, width=width):
                return cells[position] if position is not None and position < width else None

            code_value = cells[code_at] if code_at < width else None
            if type(code_value) is str and code_value.isdigit() and code_value.isascii():
                code = code_value
            else:
                code = parse_code(code_value)
                # Title, unit-of-measure ("(1)", "hồ sơ") and group rows carry no unit code and no counts.
                if (
                    not code
                    or _COLUMN_NUMBER.match(code)
                    or (
                        not any(ch.isdigit() for ch in code)
                        and not any(
                            isinstance(cell(position), (int, float)) or str(cell(position) or "").strip().isdigit()
                            for position in number_positions
                        )
                    )
                ):
                    self.rows_skipped += 1
                    continue
            self.rows_read += 1
            before = self.error_count

            counts = []
            for name, position in count_positions:
                if position is None:
                    counts.append(None)
                    continue
                raw = cells[position] if position < width else None
                if type(raw) is str and raw.isdigit() and raw.isascii() and len(raw) < 10:
                    counts.append(int(raw))
                    continue
                value, message = parse_count(raw)
                if message:
                    error(row_number, name, raw, message)
                counts.append(value)
            for name in REQUIRED_COUNT_FIELDS:
                if counts[COUNT_FIELD_NAMES.index(name)] is None and self.error_count == before:
                    error(row_number, name, "", _("this count is required"))

            period_key = (cell(period_at), cell(start_at), cell(end_at))
            try:
                start, end, problems = period_cache[period_key]
            except KeyError:
                start, end, problems = period_of(*period_key)
                if len(period_cache) < 10_000:
                    period_cache[period_key] = (start, end, problems)
            except TypeError:  # an unhashable cell value
                start, end, problems = period_of(*period_key)
            for field, value, message in problems:
                error(row_number, field, value, message)

            unit = None
            if start and end and self.error_count == before:
                unit, message = resolve(code, start, end)
                if message:
                    detail = message
                    if len(code) in (1, 4) and code.isdigit():
                        detail += " " + _("(a leading zero may have been lost: format the column as text)")
                    error(row_number, "unit_code", code_value, detail)
                elif allowed is not None and unit[0] not in allowed:
                    error(row_number, "unit_code", code_value, _("this unit is outside your scope"))
                elif name_at is not None:
                    given = parse_text(cell(name_at))
                    folded = fold(given)
                    if given and folded not in (unit[2], without_type(unit[2])):
                        error(
                            row_number,
                            "unit_name",
                            given,
                            _("does not match the unit code (%(code)s is %(name)s)") % {"code": code, "name": unit[1]},
                        )

            online, full, direct, postal, carried = counts[0], counts[1], counts[2], counts[3], counts[4]
            if full is not None and online is not None and full > online:
                error(row_number, "received_online_full", full, _("more than the dossiers received online"))
            if total_at is not None:
                total, message = parse_count(cell(total_at))
                if message:
                    error(row_number, "received_total", cell(total_at), message)
                elif total is not None and None not in (online, direct):
                    expected = (carried or 0) + online + direct + (postal or 0)
                    if total != expected:
                        error(
                            row_number,
                            "received_total",
                            cell(total_at),
                            _("should be %(expected)s (carried over + online + in person + by post)")
                            % {"expected": expected},
                        )

            if source_at is None:
                source = default_source
            else:
                raw_source = cell(source_at)
                source = source_cache.get(raw_source)
                if source is None:
                    source = parse_text(raw_source) or default_source
                    if len(source_cache) < 1000:
                        source_cache[raw_source] = source
            if len(source) > 100:
                error(row_number, "source", source, _("longer than 100 characters"))

            if self.error_count != before:
                self.rejected_rows += 1
            else:
                yield (row_number, unit[0], start, end, source, *counts)
