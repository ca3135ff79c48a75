"""Reading and validating monthly dossier statistics files (the contract in docs/data/statistics-import.md).

``StatisticsReader`` finds the header row (title, unit-of-measure and group rows are skipped),
maps columns by Vietnamese label, English name or the wording of form Biểu 06/VPCP/KSTT, and
yields validated rows or row errors. It never changes a value: an ambiguous number is an error.
"""

import datetime
import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from campaigns.core.errors import RowError
from campaigns.core.imports import unit_column
from campaigns.core.imports.cells import COLUMN_NUMBER, parse_code, parse_count, parse_day, parse_text, period_of
from campaigns.core.imports.headers import HeaderError, alias_table, find_header_row, header_key, is_total_label
from campaigns.core.imports.report import RowErrorLog
from campaigns.core.imports.tabular import UnreadableFile, iter_rows
from campaigns.core.text import fold, normalize_text
from campaigns.statistics.models import COUNT_FIELD_NAMES
from campaigns.units.models import AdministrativeUnit

# The Vietnamese headers written by the export (and the first alias of each column).
VIETNAMESE_HEADERS = {
    "unit_code": unit_column.HEADER,
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
    "received_direct_or_postal": "Trực tiếp, dịch vụ bưu chính",
}
EXTRA_ALIASES = {
    "unit_code": unit_column.ALIASES,
    "unit_name": ["don vi", "ten don vi hanh chinh", "ten dvhc"],
    "period": ["ky bao cao", "thang"],
    "source": ["nguon"],
    "received_online": ["truc tuyen", "so moi tiep nhan truc tuyen"],
    "received_online_full": ["truc tuyen toan trinh", "toan trinh"],
    "received_direct": ["truc tiep", "so moi tiep nhan truc tiep", "tiep nhan truc tiep tai bo phan mot cua"],
    "received_postal": [
        "qua dich vu bcci",
        "dich vu bcci",
        "buu chinh cong ich",
        "tiep nhan qua buu chinh cong ich",
        "so moi tiep nhan qua bcci",
        "qua bcci",
        "tiep nhan qua bcci",
    ],
    # "Trực tiếp, dịch vụ bưu chính" joins in-person and postal receipts: one combined count.
    "received_direct_or_postal": [
        "truc tiep dich vu buu chinh",
        "so moi tiep nhan truc tiep dich vu buu chinh",
        "truc tiep va dich vu buu chinh",
        "truc tiep buu chinh",
        "truc tiep bcci",
    ],
    "carried_over": ["tu ky truoc", "ky truoc chuyen qua", "so ho so tu ky truoc"],
    "received_total": ["tong so ho so", "tong so ho so tiep nhan"],
    "row_label": ["linh vuc", "ten linh vuc", "linh vuc giai quyet", "linh vuc thu tuc hanh chinh", "noi dung"],
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
# Form 06 has three "Tổng số" columns: received (a checked total), resolved and pending (checked too).
AMBIGUOUS_TOTAL = {"tong so", "tong"}
# Columns that are read only to check a row's figures; never stored.
CHECK_FIELDS = ("received_total", "resolved_total", "pending_total")
_TITLE_PERIOD = re.compile(r"tu\s*ngay\s*:?\s*(\S+)\s*(?:den|toi)\s*ngay\s*:?\s*(\S+?)\s*\)?\s*$")
MAX_REPORTED_ERRORS = 1000
ALIASES: dict[str, str] = alias_table(VIETNAMESE_HEADERS, EXTRA_ALIASES)

NUMBER_FIELDS = (*COUNT_FIELD_NAMES, *CHECK_FIELDS)
_TOTAL_INDEX = {name: index for index, name in enumerate(COUNT_FIELD_NAMES)}


# Folded unit-type words that may be left out of a unit name ("Tánh Linh" for "Xã Tánh Linh").
TYPE_PREFIXES = ("thanh pho ", "thi tran ", "thi xa ", "dac khu ", "phuong ", "huyen ", "quan ", "tinh ", "xa ")


def _parse_counts(row_number, cells, positions, error) -> list:
    """The row's counts at ``positions`` ((field name, column or None) pairs): None where the column is missing,
    a plain digit string read directly, anything else through ``parse_count`` with its error sent to ``error``."""
    width = len(cells)
    counts = []
    for name, position in positions:
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
    return counts


def without_type(folded_name: str) -> str:
    for prefix in TYPE_PREFIXES:
        if folded_name.startswith(prefix):
            return folded_name[len(prefix) :]
    return folded_name


class UnitIndex:
    """Every unit by code with its validity, loaded once per import (about 14,000 rows)."""

    def __init__(self):

        self.by_code: dict[str, list[tuple]] = {}
        for pk, code, name, folded, valid_from, valid_to in AdministrativeUnit.objects.values_list(
            "pk", "code", "name", "name_folded", "valid_from", "valid_to"
        ):
            self.by_code.setdefault(code, []).append((valid_from, valid_to, pk, name, folded))

    def in_force(self, code: str, start: datetime.date, end: datetime.date):
        """((pk, name, folded name) of the version in force from ``start`` to ``end``, None) or (None, spans).

        ``spans`` names every version with its validity (None when no unit has the code).
        """
        versions = self.by_code.get(code)
        if not versions:
            return None, None
        for valid_from, valid_to, pk, name, folded in versions:
            if (valid_from is None or valid_from <= start) and (valid_to is None or valid_to > end):
                return (pk, name, folded), None
        return None, "; ".join(
            _("%(name)s: %(start)s – %(end)s")
            % {
                "name": name,
                "start": valid_from.strftime("%d/%m/%Y") if valid_from else "…",
                "end": (valid_to - datetime.timedelta(days=1)).strftime("%d/%m/%Y") if valid_to else "…",
            }
            for valid_from, valid_to, pk, name, folded in versions
        )

    def resolve(self, code: str, start: datetime.date, end: datetime.date):
        unit, spans = self.in_force(code, start, end)
        if unit is not None:
            return unit, None
        if spans is None:
            return None, _("no administrative unit has this code")
        return None, _("the unit with this code is not in force for the whole period (%(spans)s)") % {"spans": spans}


class ScopeIndex:
    """The units under a scope by accent-folded name, for reports that list units by name only."""

    def __init__(self, scope):

        self.scope = scope
        self.by_name: dict[str, list[tuple]] = {}
        units = AdministrativeUnit.objects.filter(
            pk__in=AdministrativeUnit.objects.descendants_of([scope.pk]).values("pk")
        ).values_list("pk", "code", "name", "name_folded", "valid_from", "valid_to")
        for pk, code, name, folded, valid_from, valid_to in units:
            entry = (valid_from, valid_to, pk, code, name)
            for key in {folded, without_type(folded)}:
                self.by_name.setdefault(key, []).append(entry)

    def resolve(self, given: str, start: datetime.date, end: datetime.date):
        """((pk, name, folded), None) or (None, message)."""
        folded = expand_abbreviation(fold(given))
        candidates = {
            entry
            for key in {folded, without_type(folded)}
            for entry in self.by_name.get(key, [])
            if (entry[0] is None or entry[0] <= start) and (entry[1] is None or entry[1] > end)
        }
        # An exact name wins over a name without its type word ("Phường 1" over "Xã 1" for "Phường 1").
        exact = {entry for entry in candidates if fold(entry[4]) == folded}
        if len(exact) == 1:
            candidates = exact
        if not candidates:
            return None, _("no unit of %(scope)s in force for the period has this name") % {"scope": self.scope.name}
        if len(candidates) > 1:
            names = ", ".join(f"{name} ({code})" for _f, _t, _pk, code, name in sorted(candidates, key=lambda e: e[3]))
            return None, _("several units of %(scope)s have this name (%(units)s): write the full name") % {
                "scope": self.scope.name,
                "units": names,
            }
        _f, _t, pk, code, name = candidates.pop()
        return (pk, name, fold(name), code), None


# Abbreviated type words in reports: "TT. Lạc Tánh", "P. 1", "TX Lagi".
ABBREVIATIONS = {"tt": "thi tran", "tx": "thi xa", "tp": "thanh pho", "p": "phuong", "x": "xa"}


def expand_abbreviation(folded: str) -> str:
    head, _space, rest = header_key(folded).partition(" ")
    if rest and head in ABBREVIATIONS:
        return f"{ABBREVIATIONS[head]} {rest}"
    return folded


def title_period(rows: list[list]):
    """(start, end, row number, text, message) of the "(Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy)" title line."""
    for number, row in enumerate(rows, start=1):
        for cell in row:
            if not isinstance(cell, str):
                continue
            folded = fold(normalize_text(cell))
            if "tu ngay" not in folded:
                continue
            text = normalize_text(cell)
            match = _TITLE_PERIOD.search(folded)
            if not match:
                return (
                    None,
                    None,
                    number,
                    text,
                    _("the period of the title cannot be read (use Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy)"),
                )
            start, start_message = parse_day(match[1].rstrip(".,;"))
            end, end_message = parse_day(match[2].rstrip(".,;)"))
            if start_message or end_message or start is None or end is None:
                return None, None, number, text, start_message or end_message or _("not a date (use dd/mm/yyyy)")
            if end < start:
                return None, None, number, text, _("the period ends before it starts")
            return start, end, number, text, None
    return None, None, None, None, None


class StatisticsReader(RowErrorLog):
    """Reads one file in one of three layouts.

    - rows with a unit code (the product's own format, exports of the provincial system);
    - one unit's sheet (form 06): ``unit`` is given, rows are fields of procedures, the figure is the
      "Tổng cộng" row, checked against the sum of the field rows;
    - a per-unit report that lists units by name only: ``scope`` is given, names are resolved among
      the units under it.

    Without period columns the period comes from ``period`` (``--start``/``--end``) or from the
    title line "(Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy)".
    """

    max_reported_errors = MAX_REPORTED_ERRORS

    def __init__(
        self,
        path: Path,
        *,
        default_source: str = "",
        units: UnitIndex | None = None,
        file_label=None,
        allowed_unit_ids: frozenset[int] | None = None,
        unit=None,
        scope=None,
        period: tuple[datetime.date, datetime.date] | None = None,
    ):
        self.path = Path(path)
        self.allowed_unit_ids = allowed_unit_ids
        self.file_label = file_label or self.path.name
        self.default_source = parse_text(default_source)
        self.units = units or UnitIndex()
        self.unit = unit
        self.scope = scope
        self.scope_index = ScopeIndex(scope) if scope is not None else None
        self.period = period
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rows_read = 0
        self.rows_skipped = 0
        self.rejected_rows = 0  # data rows with at least one error (errors beyond MAX_REPORTED_ERRORS included)
        self.columns: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        self.header_period: tuple[datetime.date, datetime.date] | None = None

    @property
    def is_plain(self) -> bool:
        """Rows with unit codes and the in-person column: the layout the PostgreSQL fast path reads."""
        return (
            self.unit is None
            and self.scope is None
            and "unit_code" in self.columns
            and not any(
                name in self.columns for name in ("received_direct_or_postal", "resolved_total", "pending_total")
            )
        )

    # -- header ---------------------------------------------------------------------------
    def _map_header(self, rows: list[list], index: int) -> dict[str, int] | None:
        header = rows[index]
        above_rows = rows[max(0, index - 3) : index]
        parents = []
        for above in above_rows:
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
            depth = len(above_rows)
            if not key:
                # A cell merged down from a row above (e.g. "Mã ĐVHC" or "Tổng số" spanning the rows of form 06).
                for offset, above in enumerate(reversed(above_rows), start=1):
                    if position < len(above) and header_key(above[position]):
                        above_key = header_key(above[position])
                        if ALIASES.get(above_key) or above_key in AMBIGUOUS_TOTAL or above_key in AMBIGUOUS_LATE:
                            cell, key, depth = above[position], above_key, len(above_rows) - offset
                        break
                if not key:
                    continue
            groups = [row[position] if position < len(row) else "" for row in parents[:depth]]
            context = " ".join(groups)
            field = None
            if key in AMBIGUOUS_LATE:
                field = "pending_overdue" if "dang giai quyet" in context else "resolved_late" if context else None
            elif key in AMBIGUOUS_TOTAL:
                field = (
                    "pending_total"
                    if "dang giai quyet" in context
                    else "resolved_total"
                    if "da giai quyet" in context
                    else "received_total"
                )
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
        has_unit = (
            "unit_code" in mapping or self.unit is not None or (self.scope is not None and "unit_name" in mapping)
        )
        has_counts = "received_online" in mapping and (
            "received_direct" in mapping or "received_direct_or_postal" in mapping
        )
        if has_unit and has_counts and (has_period or self.unit is not None or self.scope is not None or self.period):
            for field, label in duplicates:
                self.error(
                    index + 1, None, label, _("two columns mean the same thing (%(column)s)") % {"column": field}
                )
            self.columns, self.labels = mapping, labels
            labels.setdefault("unit", _("unit (--unit)"))
            labels.setdefault("row_label", _("field of procedures"))
            if not has_period:
                self._read_title_period(rows[:index])
            return mapping
        if has_counts and not has_unit and index + 1 >= 1:
            self._missing_unit = True
        return None

    def _read_title_period(self, rows: list[list]):
        if self.period is not None:
            self.header_period = self.period
            return
        start, end, number, text, message = title_period(rows)
        if message:
            raise HeaderError([RowError(self.file_label, number, _("title"), text[:80], message)])
        if start is None:
            raise HeaderError(
                [
                    RowError(
                        self.file_label,
                        None,
                        None,
                        None,
                        _(
                            "the period is missing: the file has no period column and no title line "
                            '"Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy" (give --start and --end)'
                        ),
                    )
                ]
            )
        self.header_period = (start, end)

    def find_header(self, rows_iter) -> tuple[int, list]:
        self._missing_unit = False
        head, found = find_header_row(rows_iter, lambda head: self._map_header(head, len(head) - 1) is not None)
        if found:
            return len(head), head
        if not head:
            raise HeaderError.of_file(self.file_label, _("the file is empty"))
        if self._missing_unit:
            raise HeaderError.of_file(
                self.file_label,
                _(
                    "the file has no unit code column (Mã ĐVHC): give the unit of a one-unit sheet "
                    "(--unit) or the scope whose units the names belong to (--scope)"
                ),
            )
        required = ", ".join(
            VIETNAMESE_HEADERS[name] for name in ("unit_code", "received_online", "received_direct", "period")
        )
        raise HeaderError.of_file(
            self.file_label,
            _("no header row found: the columns %(columns)s (or Từ ngày and Đến ngày) are required")
            % {"columns": required},
        )

    # -- rows -------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[tuple]:
        """Valid rows as plain tuples (row number, unit id, start, end, source, *counts in COUNT_FIELD_NAMES order)."""
        try:
            rows_iter = iter(iter_rows(self.path))
            header_rows, _head = self.find_header(rows_iter)
            numbered = enumerate(rows_iter, start=header_rows + 1)
            if self.unit is not None and "unit_code" not in self.columns:
                yield from self._validate_unit_sheet(numbered)
            elif self.scope is not None and "unit_code" not in self.columns:
                yield from self._validate_named(numbered)
            else:
                yield from self.validate(numbered)
        except UnreadableFile as exc:
            raise HeaderError.of_file(self.file_label, exc.reason) from exc

    def _counts(self, row_number, cells) -> list:
        """The row's counts in COUNT_FIELD_NAMES order, checked; errors go to the reader."""
        width = len(cells)
        columns = self.columns
        error = self.error
        before = self.error_count
        counts = _parse_counts(row_number, cells, [(name, columns.get(name)) for name in COUNT_FIELD_NAMES], error)
        checks = {}
        for name in CHECK_FIELDS:
            position = columns.get(name)
            if position is None:
                continue
            raw = cells[position] if position < width else None
            value, message = parse_count(raw)
            if message:
                error(row_number, name, raw, message)
            checks[name] = (value, raw)
        if self.error_count != before:
            return counts
        at = _TOTAL_INDEX
        online, full, direct, postal = (
            counts[at["received_online"]],
            counts[at["received_online_full"]],
            counts[at["received_direct"]],
            counts[at["received_postal"]],
        )
        combined, carried = counts[at["received_direct_or_postal"]], counts[at["carried_over"]]
        if online is None:
            error(row_number, "received_online", "", _("this count is required"))
        if direct is None and combined is None:
            error(
                row_number,
                "received_direct" if "received_direct" in columns else "received_direct_or_postal",
                "",
                _("this count is required"),
            )
        if full is not None and online is not None and full > online:
            error(row_number, "received_online_full", full, _("more than the dossiers received online"))
        total, raw_total = checks.get("received_total", (None, None))
        if total is not None and online is not None and (direct is not None or combined is not None):
            expected = (carried or 0) + online + (combined if combined is not None else (direct or 0) + (postal or 0))
            if total != expected:
                error(
                    row_number,
                    "received_total",
                    raw_total,
                    _("should be %(expected)s (carried over + online + in person + by post)") % {"expected": expected},
                )
        for name, parts, wording in (
            ("resolved_total", ("resolved_early", "resolved_on_time", "resolved_late"), _("early + on time + late")),
            ("pending_total", ("pending_in_time", "pending_overdue"), _("in time + overdue")),
        ):
            given, raw = checks.get(name, (None, None))
            values = [counts[at[part]] for part in parts]
            if given is not None and None not in values and given != sum(values):
                error(
                    row_number,
                    name,
                    raw,
                    _("should be %(expected)s (%(parts)s)") % {"expected": sum(values), "parts": wording},
                )
        if combined is not None:
            # The combined column and separate columns must agree; a part follows from the others exactly.
            if direct is not None and postal is not None:
                if direct + postal != combined:
                    error(
                        row_number,
                        "received_direct_or_postal",
                        combined,
                        _("should be %(expected)s (in person + by post given in the other columns)")
                        % {"expected": direct + postal},
                    )
                counts[at["received_direct_or_postal"]] = None
            elif postal is not None or direct is not None:
                known = postal if postal is not None else direct
                if known > combined:
                    error(
                        row_number,
                        "received_postal" if postal is not None else "received_direct",
                        known,
                        _("more than the combined in-person and postal dossiers (%(combined)s)")
                        % {"combined": combined},
                    )
                elif postal is not None:
                    counts[at["received_direct"]] = combined - postal
                    counts[at["received_direct_or_postal"]] = None
                else:
                    counts[at["received_postal"]] = combined - direct
                    counts[at["received_direct_or_postal"]] = None
        return counts

    def _row_period(self, row_number, cells):
        columns = self.columns
        if any(name in columns for name in ("period", "period_start", "period_end")):
            width = len(cells)

            def cell(name):
                position = columns.get(name)
                return cells[position] if position is not None and position < width else None

            start, end, problems = period_of(cell("period"), cell("period_start"), cell("period_end"))
            for field, value, message in problems:
                self.error(row_number, field, value, message)
            return start, end
        return self.header_period or (None, None)

    def _source(self, row_number, cells) -> str:
        position = self.columns.get("source")
        raw = cells[position] if position is not None and position < len(cells) else None
        source = (parse_text(raw) if raw is not None else "") or self.default_source
        if len(source) > 100:
            self.error(row_number, "source", source, _("longer than 100 characters"))
        return source

    def _label(self, cells) -> str:
        """The text that names a row: the first text cell outside the count columns."""
        numeric = {position for name, position in self.columns.items() if name in NUMBER_FIELDS}
        for position, value in enumerate(cells):
            if position in numeric or value is None:
                continue
            text = normalize_text(str(value)) if not isinstance(value, (int, float)) else ""
            if text:
                return text
        return ""

    def _has_figures(self, cells) -> bool:
        """A row with at least one figure (numbering "(1)" rows, group rows and blank rows have none)."""
        width = len(cells)
        for name, position in self.columns.items():
            if name not in NUMBER_FIELDS or position >= width:
                continue
            value = cells[position]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return True
            if isinstance(value, str):
                text = value.strip()
                if text and not COLUMN_NUMBER.match(text) and any(ch.isdigit() for ch in text):
                    return True
        return False

    def _check_total(self, total_row, total_cells, parts_sum: list, parts_seen: list, what: str):
        """Every count of the total row must equal the sum of the rows above it."""
        at = _TOTAL_INDEX
        counts = self._counts(total_row, total_cells)
        for name in COUNT_FIELD_NAMES:
            given = counts[at[name]]
            if name in ("received_direct", "received_postal", "received_direct_or_postal"):
                # Compared as given in the file (before a part is derived from the combined column).
                position = self.columns.get(name)
                given, _message = parse_count(
                    total_cells[position] if position is not None and position < len(total_cells) else None
                )
            if given is None or not parts_seen[at[name]]:
                continue
            if given != parts_sum[at[name]]:
                position = self.columns[name]
                self.error(
                    total_row,
                    name,
                    total_cells[position],
                    _("the total row says %(given)s but the %(rows)s add up to %(expected)s")
                    % {"given": given, "rows": what, "expected": parts_sum[at[name]]},
                )
        return counts

    def _raw_counts(self, cells) -> list:
        raw = []
        for name in COUNT_FIELD_NAMES:
            position = self.columns.get(name)
            value = None
            if position is not None and position < len(cells):
                value, _message = parse_count(cells[position])
            raw.append(value)
        return raw

    def _validate_unit_sheet(self, numbered_rows) -> Iterator[tuple]:
        """One unit's sheet: field rows, one "Tổng cộng" row; the total row is the unit's figure."""
        sums = [0] * len(COUNT_FIELD_NAMES)
        seen = [False] * len(COUNT_FIELD_NAMES)
        total = None
        field_rows = []
        errors_before = self.error_count
        last_counts = None
        for row_number, cells in numbered_rows:
            label = self._label(cells)
            if total is not None and not is_total_label(label):
                self.rows_skipped += 1  # signature lines below the total row
                continue
            if not self._has_figures(cells):
                self.rows_skipped += 1
                continue
            if is_total_label(label):
                if total is not None:
                    self.error(
                        row_number,
                        "row_label",
                        label,
                        _("a second total row (the first is row %(row)s)") % {"row": total[0]},
                    )
                    continue
                total = (row_number, cells)
                continue
            self.rows_read += 1
            before = self.error_count
            counts = self._counts(row_number, cells)
            if self.error_count != before:
                self.rejected_rows += 1
                continue
            field_rows.append(row_number)
            last_counts = (row_number, cells, counts)
            for index, value in enumerate(self._raw_counts(cells)):
                if value is not None:
                    sums[index] += value
                    seen[index] = True
        if total is None:
            if len(field_rows) == 1 and self.error_count == errors_before:
                # A sheet with a single row of figures: that row is the unit's figure.
                row_number, cells, counts = last_counts
                yield from self._yield_unit(row_number, counts, cells=cells, before=self.error_count)
                return
            self.error(None, None, None, _('the sheet has no "Tổng cộng" row with the unit\'s figures'))
            return
        row_number, cells = total
        self.rows_read += 1
        if self.rejected_rows:
            return  # the field rows' errors are listed; the total cannot be checked against them
        before = self.error_count
        counts = self._check_total(row_number, cells, sums, seen, _("field rows"))
        yield from self._yield_unit(row_number, counts, cells=cells, before=before)

    def _yield_unit(self, row_number, counts, cells=None, before=None):
        if counts is None:
            return
        start, end = self._row_period(row_number, cells)
        if self.error_count != before:
            self.rejected_rows += 1
            return
        source = self._source(row_number, cells)
        if self.error_count != before:
            self.rejected_rows += 1
            return
        unit, message = self.units.resolve(self.unit, start, end)
        if message is None and self.allowed_unit_ids is not None and unit[0] not in self.allowed_unit_ids:
            message = _("this unit is outside your scope")
        if message:
            self.error(row_number, "unit", self.unit, message)
            self.rejected_rows += 1
            return
        yield (row_number, unit[0], start, end, source, *counts)

    def _validate_named(self, numbered_rows) -> Iterator[tuple]:
        """A per-unit report by name under a scope; a total row is checked against the unit rows."""
        name_at = self.columns["unit_name"]
        allowed = self.allowed_unit_ids
        sums = [0] * len(COUNT_FIELD_NAMES)
        seen = [False] * len(COUNT_FIELD_NAMES)
        totals = []
        good = []
        for row_number, cells in numbered_rows:
            given = parse_text(cells[name_at] if name_at < len(cells) else None)
            total_row = is_total_label(given or self._label(cells))
            if (totals and not total_row) or not self._has_figures(cells):
                self.rows_skipped += 1  # group rows, blank rows, signature lines below the total row
                continue
            if total_row:
                if totals:
                    self.error(
                        row_number,
                        "unit_name",
                        given,
                        _("a second total row (the first is row %(row)s)") % {"row": totals[0][0]},
                    )
                else:
                    totals.append((row_number, cells))
                continue
            self.rows_read += 1
            before = self.error_count
            counts = self._counts(row_number, cells)
            start, end = self._row_period(row_number, cells)
            source = self._source(row_number, cells)
            if not given:
                self.error(row_number, "unit_name", "", _("the unit name is missing"))
            elif start and end and self.error_count == before:
                unit, message = self.scope_index.resolve(given, start, end)
                if message:
                    self.error(row_number, "unit_name", given, message)
                elif allowed is not None and unit[0] not in allowed:
                    self.error(row_number, "unit_name", given, _("this unit is outside your scope"))
                else:
                    raw = self._raw_counts(cells)
                    for index, value in enumerate(raw):
                        if value is not None:
                            sums[index] += value
                            seen[index] = True
                    good.append((row_number, unit[0], start, end, source, *counts))
                    continue
            if self.error_count != before:
                self.rejected_rows += 1
        if totals and not self.rejected_rows:
            # Checked only when every unit row was read: a rejected row would make every total disagree.
            row_number, cells = totals[0]
            self._check_total(row_number, cells, sums, seen, _("unit rows"))
        yield from good

    def validate(self, numbered_rows) -> Iterator[tuple]:
        """Valid rows of (row number, cells) pairs as tuples; errors and counters are kept on the reader."""
        columns = self.columns
        code_at = columns["unit_code"]
        count_positions = [(name, columns.get(name)) for name in COUNT_FIELD_NAMES]
        number_positions = [position for _name, position in count_positions if position is not None]
        total_at, name_at, source_at, period_at, start_at, end_at = map(
            columns.get, ("received_total", "unit_name", "source", "period", "period_start", "period_end")
        )
        resolve = self.units.resolve
        plain = "received_direct_or_postal" not in columns and not any(name in columns for name in CHECK_FIELDS[1:])
        default_source = self.default_source
        allowed = self.allowed_unit_ids
        error = self.error
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
                    or COLUMN_NUMBER.match(code)
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

            if not plain:
                counts = self._counts(row_number, cells)
            else:
                counts = _parse_counts(row_number, cells, count_positions, error)
                for name in ("received_online", "received_direct"):
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

            if plain:
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
