"""Reading and validating outreach activity logs ("nhật ký hoạt động tuyên truyền").

One row per activity: where (Mã ĐVHC), when (Ngày), how (Hình thức), how much (Số lượng), and
optionally how many people, which campaign, what content and what it cost. Headers are matched
after NFC normalisation, case and accent folding, by Vietnamese label or English name. Values are
never changed: an ambiguous number, an unknown channel or a unit not in force on the date is an
error naming the row, the column as written in the file, the value and the reason.

``ActivityReader.read()`` returns the valid rows; the errors stay on the reader. Each row carries
its natural key (channel, unit, date, folded content, campaign) hashed for ``import_key``; the same
key on two rows of one file is an error on both.
"""

import datetime
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from campaigns.core.errors import RowError
from campaigns.core.imports import unit_column
from campaigns.core.imports.cells import AMOUNT_WORDING, parse_code, parse_count, parse_day, parse_text
from campaigns.core.imports.headers import HeaderError, alias_table, find_header_row, header_key, map_columns
from campaigns.core.imports.report import RowErrorLog
from campaigns.core.imports.tabular import UnreadableFile, iter_rows
from campaigns.core.text import fold
from campaigns.plans.channels import REGISTRY, Channel
from campaigns.plans.models import Campaign
from campaigns.statistics.reader import UnitIndex

# The Vietnamese header of each column (the first alias); the English name is accepted too.
VIETNAMESE_HEADERS = {
    "unit_code": unit_column.HEADER,
    "date": "Ngày",
    "channel": "Hình thức",
    "quantity": "Số lượng",
    "people": "Số người",
    "campaign": "Chiến dịch",
    "title": "Nội dung",
    "cost": "Kinh phí (đồng)",
}
EXTRA_ALIASES = {
    "unit_code": unit_column.ALIASES,
    "date": ["ngay thuc hien", "ngay to chuc"],
    "channel": ["hinh thuc tuyen truyen", "kenh"],
    "quantity": ["sl"],
    "people": ["luot nguoi", "so luot nguoi", "so nguoi tham du", "so nguoi tham gia"],
    "campaign": ["ma chien dich"],
    "title": ["noi dung hoat dong", "ten hoat dong"],
    "cost": ["kinh phi", "kinh phi vnd", "chi phi"],
}
REQUIRED = ("unit_code", "date", "channel", "quantity")

ALIASES: dict[str, str] = alias_table(VIETNAMESE_HEADERS, EXTRA_ALIASES)

# Channel names and aliases from the registry, compared after folding (and punctuation collapsed).
IMPORTED_CHANNELS = tuple(spec for spec in REGISTRY if spec.imported)
CHANNELS: dict[str, str] = {header_key(name): spec.value for spec in IMPORTED_CHANNELS for name in spec.names}

MAX_TITLE = 255
MAX_CLASSES_PER_ROW = 50  # a training row with quantity N becomes N sessions
MAX_REPORTED_ERRORS = 10_000
MAX_COST = 9_223_372_036_854_775_807
FIRST_YEAR, LAST_YEAR = 2000, 2100
_CURRENCY = re.compile(r"\s*(?:đồng|đ|vnđ|vnd)\s*$", re.IGNORECASE)
_KEY_SEPARATOR = "\x1f"


def natural_key(channel: str, unit_id: int, day: datetime.date, title: str, campaign_slug: str) -> str:
    """sha1 hex (40 characters) of (channel, unit id, date, folded content, campaign slug)."""
    parts = (channel, str(unit_id), day.isoformat(), fold(title), campaign_slug)
    return hashlib.sha1(_KEY_SEPARATOR.join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


def class_key(row_key: str, number: int) -> str:
    """The key of class ``number`` (1…N) of a training row: sha1 hex of "row key#number"."""
    return hashlib.sha1(f"{row_key}#{number}".encode("ascii"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class ActivityRow:
    row: int
    unit_id: int
    unit_label: str
    date: datetime.date
    channel: str
    quantity: int
    people: int | None
    campaign_id: int | None
    campaign_slug: str
    title: str
    cost: int | None
    key: str

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label)


def parse_channel(value):
    text = parse_text(value)
    if not text:
        return None, None
    channel = CHANNELS.get(header_key(text))
    if channel is None:
        return None, _("unknown channel: use one of %(channels)s (or tập huấn, tờ rơi, sổ tay, pa nô, phóng sự…)") % {
            "channels": ", ".join(spec.value for spec in IMPORTED_CHANNELS)
        }
    return channel, None


def parse_cost(value):
    """Whole VND ≥ 0 ("1.500.000", "1 500 000", "1500000 đồng"); fractions and commas are errors."""
    if isinstance(value, str):
        value = _CURRENCY.sub("", value)
    return parse_count(value, MAX_COST, wording=AMOUNT_WORDING)


def _in_force_on(units: UnitIndex, code: str, day: datetime.date):
    unit, spans = units.in_force(code, day, day)
    if unit is not None:
        return (unit[0], f"{unit[1]} ({code})"), None
    if spans is None:
        return None, _("no administrative unit has this code")
    return None, _("no unit with this code was in force on this date (%(spans)s)") % {"spans": spans}


class CampaignIndex:
    """Campaigns by slug (exact, then case-insensitive), loaded once per import."""

    def __init__(self):

        self.by_slug = dict(Campaign.objects.values_list("slug", "pk"))
        self.by_folded = {slug.casefold(): (slug, pk) for slug, pk in self.by_slug.items()}

    def resolve(self, text: str):
        if text in self.by_slug:
            return (text, self.by_slug[text]), None
        found = self.by_folded.get(text.casefold())
        if found:
            return found, None
        return None, _("no campaign has this short name")


class ActivityReader(RowErrorLog):
    max_reported_errors = MAX_REPORTED_ERRORS

    def __init__(
        self,
        path: Path,
        *,
        file_label: str | None = None,
        allowed_unit_ids: frozenset[int] | None = None,
        units: UnitIndex | None = None,
        campaigns: CampaignIndex | None = None,
        progress=None,
    ):
        self.path = Path(path)
        self.file_label = file_label or self.path.name
        self.allowed_unit_ids = allowed_unit_ids
        self.units = units or UnitIndex()
        self.campaigns = campaigns or CampaignIndex()
        self.progress = progress
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rows_read = 0
        self.rows_skipped = 0
        self.rejected: set[int] = set()  # row numbers with at least one error
        self.columns: dict[str, int] = {}
        self.labels: dict[str, str] = {}

    @property
    def rejected_rows(self) -> int:
        return len(self.rejected)

    def error(self, row, field, value, message):
        if row is not None:
            self.rejected.add(row)
        super().error(row, field, value, message)

    # -- header ---------------------------------------------------------------------------
    def _map_header(self, cells: list, row_number: int) -> bool:
        columns = map_columns(cells, ALIASES)
        if not columns.has(*REQUIRED):
            return False
        if columns.duplicates:
            raise HeaderError(
                [
                    RowError(
                        self.file_label,
                        row_number,
                        duplicate,
                        None,
                        _("two columns mean the same thing: keep one of them"),
                    )
                    for duplicate in columns.duplicates
                ]
            )
        self.columns, self.labels = columns.positions, columns.labels
        return True

    def _find_header(self, rows: Iterator[list]) -> int:
        head, found = find_header_row(rows, lambda head: self._map_header(head[-1], len(head)))
        if found:
            return len(head)
        if not head:
            raise HeaderError.of_file(self.file_label, _("the file is empty"))
        required = ", ".join(VIETNAMESE_HEADERS[name] for name in REQUIRED)
        raise HeaderError.of_file(
            self.file_label, _("no header row found: the columns %(columns)s are required") % {"columns": required}
        )

    # -- rows -----------------------------------------------------------------------------
    def read(self) -> list[ActivityRow]:
        """Every valid row, duplicates removed (and reported); raises ``HeaderError`` for an unusable file."""
        try:
            rows = iter(iter_rows(self.path))
            header_row = self._find_header(rows)
            valid = [
                row
                for row in (self._row(number, cells) for number, cells in enumerate(rows, start=header_row + 1))
                if row is not None
            ]
        except UnreadableFile as exc:
            raise HeaderError.of_file(self.file_label, exc.reason) from exc
        if self.rows_read == 0 and not self.error_count:
            raise HeaderError.of_file(self.file_label, _("the file has no data rows"))
        valid = self._without_duplicates(valid)
        # Row by row, and within a row in the order of the file's columns.
        positions = {self.labels[field]: position for field, position in self.columns.items()}
        self.errors.sort(key=lambda error: (error.row or 0, positions.get(error.column, -1)))
        return valid

    def _without_duplicates(self, rows: list[ActivityRow]) -> list[ActivityRow]:
        by_key: dict[str, list[int]] = {}
        for row in rows:
            by_key.setdefault(row.key, []).append(row.row)
        repeated = {key: numbers for key, numbers in by_key.items() if len(numbers) > 1}
        if not repeated:
            return rows
        for numbers in repeated.values():
            for number in numbers:
                others = ", ".join(str(other) for other in numbers if other != number)
                self.error(
                    number,
                    None,
                    None,
                    _(
                        "duplicate row: the same activity (channel, unit, date, content and campaign) "
                        "is also on row %(rows)s"
                    )
                    % {"rows": others},
                )
        return [row for row in rows if row.key not in repeated]

    def _row(self, number: int, cells: list) -> ActivityRow | None:
        if self.progress and number % 1000 == 0:
            self.progress(number)
        width = len(cells)
        columns = self.columns

        def cell(field):
            position = columns.get(field)
            return cells[position] if position is not None and position < width else None

        raw_code, raw_date, raw_channel = cell("unit_code"), cell("date"), cell("channel")
        code = parse_code(raw_code)
        if not code and parse_text(raw_date) == "" and parse_text(raw_channel) == "":
            # Blank rows, notes and "Tổng cộng" rows: nothing says where, when or how.
            self.rows_skipped += 1
            return None
        raw_date_text = raw_date.strftime("%d/%m/%Y") if isinstance(raw_date, datetime.date) else raw_date
        self.rows_read += 1
        before = self.error_count
        error = self.error

        day, message = parse_day(raw_date)
        if message:
            error(number, "date", raw_date_text, message)
        elif day is None:
            error(number, "date", "", _("required: this cell must not be empty"))
        elif not FIRST_YEAR <= day.year <= LAST_YEAR:
            error(number, "date", raw_date_text, _("not a plausible date for an activity"))
            day = None

        channel, message = parse_channel(raw_channel)
        if message:
            error(number, "channel", raw_channel, message)
        elif channel is None:
            error(number, "channel", "", _("required: this cell must not be empty"))

        quantity, message = parse_count(cell("quantity"), wording=AMOUNT_WORDING)
        if message:
            error(number, "quantity", cell("quantity"), message)
        elif quantity is None:
            error(number, "quantity", "", _("required: this cell must not be empty"))
        elif channel == Channel.TRAINING and quantity == 0:
            error(number, "quantity", cell("quantity"), _("a training row counts at least one class"))
        elif channel == Channel.TRAINING and quantity > MAX_CLASSES_PER_ROW:
            error(
                number,
                "quantity",
                cell("quantity"),
                _("at most %(max)s classes per row: split the row by date or content") % {"max": MAX_CLASSES_PER_ROW},
            )

        people, message = parse_count(cell("people"), wording=AMOUNT_WORDING)
        if message:
            error(number, "people", cell("people"), message)

        cost, message = parse_cost(cell("cost"))
        if message:
            error(number, "cost", cell("cost"), message)

        title = parse_text(cell("title"))
        if len(title) > MAX_TITLE:
            error(number, "title", title, _("longer than %(max)s characters") % {"max": MAX_TITLE})

        campaign_slug, campaign_id = "", None
        raw_campaign = parse_text(cell("campaign"))
        if raw_campaign:
            found, message = self.campaigns.resolve(raw_campaign)
            if message:
                error(number, "campaign", raw_campaign, message)
            else:
                campaign_slug, campaign_id = found

        unit = None
        if not code:
            error(number, "unit_code", "", _("required: this cell must not be empty"))
        elif day is not None:
            unit, message = _in_force_on(self.units, code, day)
            if message:
                if len(code) in (1, 4) and code.isdigit():
                    message += " " + _("(a leading zero may have been lost: format the column as text)")
                error(number, "unit_code", raw_code, message)
            elif self.allowed_unit_ids is not None and unit[0] not in self.allowed_unit_ids:
                error(number, "unit_code", raw_code, _("this unit is outside your scope"))
                unit = None

        if self.error_count != before or unit is None:
            return None
        return ActivityRow(
            row=number,
            unit_id=unit[0],
            unit_label=unit[1],
            date=day,
            channel=channel,
            quantity=quantity,
            people=people,
            campaign_id=campaign_id,
            campaign_slug=campaign_slug,
            title=title,
            cost=cost,
            key=natural_key(channel, unit[0], day, title, campaign_slug),
        )
