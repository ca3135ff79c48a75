"""Loading administrative units and succession links from the data files shipped in the repository."""

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.core.errors import DataFileError, RowError
from campaigns.core.events import units_changed
from campaigns.core.text import fold, normalize_text
from campaigns.units.areas import in_force
from campaigns.units.choices import CODE_LENGTH_BY_LEVEL, TYPES_BY_LEVEL, SuccessionKind, UnitLevel, UnitType
from campaigns.units.models import AdministrativeUnit, UnitSuccession

DATA_DIR = Path(__file__).resolve().parent / "data" / "units"
DEFAULT_UNITS_FILE = DATA_DIR / "units.csv"
DEFAULT_SUCCESSIONS_FILE = DATA_DIR / "successions.csv"

UNIT_COLUMNS = ("code", "level", "type", "name", "parent_code", "valid_from", "valid_to")
SUCCESSION_COLUMNS = ("old_level", "old_code", "new_level", "new_code", "kind", "effective_date")
ALLOWED_PARENT_LEVELS = {
    UnitLevel.PROVINCE: set(),
    UnitLevel.DISTRICT: {UnitLevel.PROVINCE},
    UnitLevel.COMMUNE: {UnitLevel.DISTRICT, UnitLevel.PROVINCE},
}
MAX_ERRORS = 200


@dataclass(frozen=True)
class UnitRow:
    row: int
    code: str
    level: str
    unit_type: str
    name: str
    parent_code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    @property
    def key(self):
        return (self.code, self.valid_from)

    def covers(self, day: datetime.date | None) -> bool:
        """In force on ``day``; an unknown day (since before records) is covered only by a unit without a start."""
        if day is None:
            return self.valid_from is None
        return in_force(self.valid_from, self.valid_to, day)


@dataclass
class UnitLoadReport:
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    units_not_in_file: int = 0
    links_created: int = 0
    links_updated: int = 0
    links_deleted: int = 0
    links_unchanged: int = 0
    counts_by_period: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(
            [self.units_created, self.units_updated, self.links_created, self.links_updated, self.links_deleted]
        )


class _Collector:
    def __init__(self, file: str):
        self.file = file
        self.errors: list[RowError] = []

    def add(self, row, column, value, message):
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(self.file, row, column, value, message))


def _read_csv(path: Path, required: tuple[str, ...], collector: _Collector) -> list[tuple[int, dict]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError:
        collector.add(None, None, None, _("the file cannot be opened"))
        return []
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = [normalize_text(name or "") for name in (reader.fieldnames or [])]
            missing = [name for name in required if name not in header]
            if missing:
                collector.add(1, None, None, _("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})
                return []
            reader.fieldnames = header
            rows = []
            for number, raw in enumerate(reader, start=2):
                if None in raw:
                    collector.add(number, None, None, _("the row has more cells than the header"))
                    continue
                rows.append((number, {key: normalize_text(value or "") for key, value in raw.items()}))
            return rows
        except (UnicodeDecodeError, csv.Error) as exc:
            collector.add(None, None, None, _("the file is not a UTF-8 CSV file (%(error)s)") % {"error": exc})
            return []


def _parse_date(value: str, number: int, column: str, collector: _Collector) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        collector.add(number, column, value, _("not a date in the form YYYY-MM-DD"))
        return None


def parse_units(path: Path) -> tuple[list[UnitRow], list[RowError]]:
    collector = _Collector(path.name)
    rows = []
    for number, raw in _read_csv(path, UNIT_COLUMNS, collector):
        before = len(collector.errors)
        code, level, unit_type, name = raw["code"], raw["level"], raw["type"], raw["name"]
        if level not in UnitLevel.values:
            collector.add(number, "level", level, _("unknown level (expected province, district or commune)"))
        elif not (code.isdigit() and code.isascii() and len(code) == CODE_LENGTH_BY_LEVEL[UnitLevel(level)]):
            collector.add(
                number,
                "code",
                code,
                _("a %(level)s code has exactly %(length)s digits")
                % {"level": UnitLevel(level).label, "length": CODE_LENGTH_BY_LEVEL[UnitLevel(level)]},
            )
        if unit_type not in UnitType.values:
            collector.add(number, "type", unit_type, _("unknown unit type"))
        elif level in UnitLevel.values and UnitType(unit_type) not in TYPES_BY_LEVEL[UnitLevel(level)]:
            collector.add(number, "type", unit_type, _("this type does not exist at this level"))
        if not name:
            collector.add(number, "name", name, _("the name is empty"))
        valid_from = _parse_date(raw["valid_from"], number, "valid_from", collector)
        valid_to = _parse_date(raw["valid_to"], number, "valid_to", collector)
        if valid_from and valid_to and valid_to <= valid_from:
            collector.add(number, "valid_to", raw["valid_to"], _("the end of validity must be after its start"))
        if len(collector.errors) == before:
            rows.append(UnitRow(number, code, level, unit_type, name, raw["parent_code"], valid_from, valid_to))

    by_code = defaultdict(list)
    for unit in rows:
        by_code[unit.code].append(unit)
    for code, versions in by_code.items():
        versions.sort(key=lambda unit: unit.valid_from or datetime.date.min)
        for earlier, later in zip(versions, versions[1:], strict=False):
            if earlier.valid_to is None or later.valid_from is None or earlier.valid_to > later.valid_from:
                collector.add(
                    later.row,
                    "code",
                    code,
                    _("the code is used twice in the same period (also on row %(row)s)") % {"row": earlier.row},
                )

    for unit in rows:
        allowed = ALLOWED_PARENT_LEVELS[UnitLevel(unit.level)]
        if not allowed:
            if unit.parent_code:
                collector.add(unit.row, "parent_code", unit.parent_code, _("a province has no parent unit"))
            continue
        if not unit.parent_code:
            collector.add(unit.row, "parent_code", "", _("the parent unit is missing"))
            continue
        parents = [
            candidate
            for candidate in by_code.get(unit.parent_code, [])
            if candidate.level in allowed and candidate.covers(unit.valid_from)
        ]
        if not parents:
            collector.add(
                unit.row,
                "parent_code",
                unit.parent_code,
                _("no unit with this code exists as a parent in this period"),
            )
    return rows, collector.errors


@dataclass(frozen=True)
class SuccessionRow:
    row: int
    old_key: tuple
    new_key: tuple
    kind: str
    effective_date: datetime.date


def parse_successions(path: Path, units: list[UnitRow]) -> tuple[list[SuccessionRow], list[RowError]]:
    collector = _Collector(path.name)
    ending = {(unit.code, unit.level, unit.valid_to): unit for unit in units if unit.valid_to}
    starting = {(unit.code, unit.level, unit.valid_from): unit for unit in units if unit.valid_from}
    links = []
    seen = {}
    for number, raw in _read_csv(path, SUCCESSION_COLUMNS, collector):
        before = len(collector.errors)
        old_level, new_level = raw["old_level"], raw["new_level"]
        for column, level in (("old_level", old_level), ("new_level", new_level)):
            if level not in UnitLevel.values:
                collector.add(number, column, level, _("unknown level (expected province, district or commune)"))
        if raw["kind"] not in SuccessionKind.values:
            collector.add(number, "kind", raw["kind"], _("unknown kind (expected full or partial)"))
        effective = _parse_date(raw["effective_date"], number, "effective_date", collector)
        if effective is None and not raw["effective_date"]:
            collector.add(number, "effective_date", "", _("the effective date is missing"))
        if len(collector.errors) > before:
            continue
        old = ending.get((raw["old_code"], old_level, effective))
        new = starting.get((raw["new_code"], new_level, effective))
        for column, found, level, message in (
            ("old_code", old, old_level, _("no %(level)s with this code ends on the effective date")),
            ("new_code", new, new_level, _("no %(level)s with this code starts on the effective date")),
        ):
            if found is None:
                collector.add(number, column, raw[column], message % {"level": UnitLevel(level).label})
        if old is None or new is None:
            continue
        pair = (old.key, new.key)
        if pair in seen:
            collector.add(
                number,
                "new_code",
                raw["new_code"],
                _("the same link is listed twice (also on row %(row)s)") % {"row": seen[pair]},
            )
            continue
        seen[pair] = number
        links.append(SuccessionRow(number, old.key, new.key, raw["kind"], effective))
    return links, collector.errors


def units_load(
    *, units_path: Path = DEFAULT_UNITS_FILE, successions_path: Path = DEFAULT_SUCCESSIONS_FILE
) -> UnitLoadReport:
    """Validate both files completely, then create or refresh units and links in one transaction.

    Raises ``DataFileError`` (code ``invalid_unit_data``) listing every problem; then nothing
    is written. Units in the database but not in the file are left alone and counted.
    """
    units, errors = parse_units(Path(units_path))
    links, link_errors = parse_successions(Path(successions_path), units) if not errors else ([], [])
    errors += link_errors
    if errors:
        raise DataFileError("invalid_unit_data", errors)

    report = UnitLoadReport()
    with transaction.atomic():
        existing = {(unit.code, unit.valid_from): unit for unit in AdministrativeUnit.objects.all()}
        to_create, to_update = [], []
        for row in units:
            unit = existing.get(row.key)
            values = {
                "level": row.level,
                "unit_type": row.unit_type,
                "name": row.name,
                "name_folded": fold(row.name),
                "valid_to": row.valid_to,
            }
            if unit is None:
                unit = AdministrativeUnit(code=row.code, valid_from=row.valid_from, **values)
                to_create.append(unit)
                existing[row.key] = unit
            elif any(getattr(unit, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(unit, name, value)
                to_update.append(unit)
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=2000)
        if to_update:
            AdministrativeUnit.objects.bulk_update(to_update, list(values), batch_size=2000)
        created_keys = {unit_key(unit) for unit in to_create}
        updated_keys = {unit_key(unit) for unit in to_update}

        # Parents: the unit of a higher level with that code which is valid when the child starts.
        by_code = defaultdict(list)
        for row in units:
            by_code[row.code].append(row)
        parent_changes = []
        for row in units:
            unit = existing[row.key]
            parent_id = None
            if row.parent_code:
                allowed = ALLOWED_PARENT_LEVELS[UnitLevel(row.level)]
                parent_row = next(
                    candidate
                    for candidate in by_code[row.parent_code]
                    if candidate.level in allowed and candidate.covers(row.valid_from)
                )
                parent_id = existing[parent_row.key].pk
            if unit.parent_id != parent_id:
                unit.parent_id = parent_id
                parent_changes.append(unit)
                if row.key not in created_keys:
                    updated_keys.add(row.key)
        if parent_changes:
            AdministrativeUnit.objects.bulk_update(parent_changes, ["parent"], batch_size=2000)

        report.units_created = len(created_keys)
        report.units_updated = len(updated_keys)
        report.units_unchanged = len(units) - report.units_created - report.units_updated
        file_keys = {row.key for row in units}
        report.units_not_in_file = sum(1 for key in existing if key not in file_keys)

        current_links = {(link.old_unit_id, link.new_unit_id): link for link in UnitSuccession.objects.all()}
        wanted = {}
        for link in links:
            wanted[(existing[link.old_key].pk, existing[link.new_key].pk)] = link
        new_links, changed_links = [], []
        for (old_id, new_id), link in wanted.items():
            stored = current_links.get((old_id, new_id))
            if stored is None:
                new_links.append(
                    UnitSuccession(
                        old_unit_id=old_id, new_unit_id=new_id, kind=link.kind, effective_date=link.effective_date
                    )
                )
            elif stored.kind != link.kind or stored.effective_date != link.effective_date:
                stored.kind, stored.effective_date = link.kind, link.effective_date
                changed_links.append(stored)
        stale = [stored.pk for pair, stored in current_links.items() if pair not in wanted]
        UnitSuccession.objects.bulk_create(new_links, batch_size=2000)
        if changed_links:
            UnitSuccession.objects.bulk_update(changed_links, ["kind", "effective_date"], batch_size=2000)
        for start in range(0, len(stale), 500):
            UnitSuccession.objects.filter(pk__in=stale[start : start + 500]).delete()
        report.links_created = len(new_links)
        report.links_updated = len(changed_links)
        report.links_deleted = len(stale)
        report.links_unchanged = len(wanted) - len(new_links) - len(changed_links)
        # What rolls up where may have changed: the layers above re-place their figures once this commits.
        units_changed.send(sender=__name__)

    counts = defaultdict(int)
    for row in units:
        counts[(row.valid_from, row.valid_to, row.level)] += 1
    report.counts_by_period = dict(counts)
    return report


def unit_key(unit: AdministrativeUnit) -> tuple:
    return (unit.code, unit.valid_from)
