"""Rosters as files: the django-import-export resource for import and export, and the import's rules.

Import is all or nothing: every row is checked first (row, column, value, reason in Vietnamese)
and nobody is registered unless every row is good. People already registered for the class are
reported and left as they are; people are matched by phone number.
"""

from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX

from campaigns.core.errors import DomainError
from campaigns.core.imports.headers import alias_table, find_header_row, header_key, map_columns
from campaigns.core.imports.report import CellError, shown_value
from campaigns.core.imports.safe_xlsx import UnsafeArchive, check_xlsx_archive
from campaigns.core.text import first_control_character, fold, strip_control_characters
from campaigns.statistics.exports import escape_formula
from trainings import people
from trainings.choices import ConsentPurpose, RegistrationSource
from trainings.identity import mask_phone
from trainings.models import Attendee, Registration, TrainingSession
from trainings.people import REQUIRED_ROSTER_FIELDS as REQUIRED
from trainings.people import ROSTER_FIELDS
from trainings.services import consent_create, registration_create

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
CONSENT_COLUMN = "consent_certificate"
# Column name -> header label: the person's roster fields (``trainings.people``), then the certificate consent.
COLUMNS = {
    **{field.name: field.label for field in ROSTER_FIELDS},
    CONSENT_COLUMN: gettext_lazy("Agrees to the name on a certificate"),
}
# How far down a spreadsheet the header row may sit (title lines, the issuing body, merged cells above it).
HEADER_SEARCH_ROWS = 15
YES = {"x", "co", "dong y", "yes", "y", "1", "true", "v", "✓", "✔"}
NO = {"", "khong", "khong dong y", "no", "n", "0", "false", "-"}
# Header spellings accepted besides the translated labels (folded: no accents, lower case).
ALIASES = {
    **{alias: field.name for field in ROSTER_FIELDS for alias in field.roster_aliases},
    "dong y cap giay chung nhan": CONSENT_COLUMN,
    "dong y in ten tren giay chung nhan": CONSENT_COLUMN,
    "dong y ghi ten tren giay chung nhan": CONSENT_COLUMN,
    "dong y chung nhan": CONSENT_COLUMN,
    "consent certificate": CONSENT_COLUMN,
}


def _person_column(field) -> fields.Field:
    return fields.Field(
        column_name=field.label,
        dehydrate_method=lambda registration: field.shown(field.as_json(getattr(registration.attendee, field.name))),
    )


class _RosterColumns(resources.Resource):
    """The roster's own columns; the person's columns are added from ``trainings.people`` below."""

    seat = fields.Field(attribute="seat", column_name=gettext_lazy("Seat"))
    status = fields.Field(column_name=gettext_lazy("Status"))
    checked_in_at = fields.Field(column_name=gettext_lazy("Checked in at"))

    def dehydrate_status(self, registration):
        return str(registration.get_status_display())

    def dehydrate_checked_in_at(self, registration):
        if not registration.checked_in_at:
            return ""
        return timezone.localtime(registration.checked_in_at).strftime("%d/%m/%Y %H:%M")

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return escape_formula(strip_control_characters(value)) if isinstance(value, str) else value


_EXPORTED = [field for field in ROSTER_FIELDS if field.roster_export]
# The roster columns; exports read registrations (the person's columns first, then seat, status, check-in).
RosterResource = type(_RosterColumns)(
    "RosterResource",
    (_RosterColumns,),
    {
        "__module__": __name__,
        "__doc__": "The roster columns as exported: the person's, then seat, status and check-in time.",
        **{field.name: _person_column(field) for field in _EXPORTED},
        "Meta": type(
            "Meta", (), {"fields": (*(field.name for field in _EXPORTED), "seat", "status", "checked_in_at")}
        ),
    },
)


def export_roster(session: TrainingSession, file_format: str) -> bytes:
    registrations = session.registrations.select_related("attendee").order_by("status", "seat", "registered_at")
    dataset = RosterResource().export(queryset=registrations)
    dataset.title = str(_("Roster"))[:31]  # the sheet's name (tablib's default is "Tablib Dataset")
    data = {"csv": CSV, "xlsx": XLSX}[file_format]().export_data(dataset)
    return data.encode("utf-8-sig") if isinstance(data, str) else data


@dataclass
class RosterRow:
    """One good row: the phone, the person's other roster fields (``trainings.people``) by name, the consent."""

    row: int
    phone: str
    person: dict = field(default_factory=dict)
    consent_certificate: bool = False
    status: str = "new"  # new person / known person / already registered

    def __getattr__(self, name):
        # row.full_name, row.email…: the person's fields read like attributes.
        if name in people.BY_NAME and name in self.__dict__.get("person", {}):
            return self.__dict__["person"][name]
        raise AttributeError(name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def preview_cells(self) -> list[str]:
        """What the preview shows of each roster field (phone and citizen ID masked), in the columns' order."""
        values = {"phone": self.phone, **self.person}
        return [person_field.masked(values.get(person_field.name, "")) for person_field in ROSTER_FIELDS]

    def details(self) -> dict:
        return people.details(self.person)


@dataclass
class RosterCheck:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    header_row: int = 1

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def counts(self) -> dict:
        result = {"new": 0, "known": 0, "registered": 0}
        for row in self.rows:
            result[row.status] += 1
        return result

    @property
    def to_register(self) -> int:
        """People the confirmation registers (those already registered stay as they are)."""
        return sum(1 for row in self.rows if row.status != "registered")

    @property
    def certificate_consents(self) -> int:
        return sum(1 for row in self.rows if row.consent_certificate)

    @property
    def preview_headers(self) -> list[str]:
        return [str(person_field.label) for person_field in ROSTER_FIELDS]


def read_dataset(content: bytes, name: str) -> tablib.Dataset:
    """Every row of the file, as written (no header yet: ``check_roster`` finds it below any title rows).

    CSV in UTF-8 with or without BOM, or XLSX (the first sheet; merged cells read as empty but for their first
    cell). Rows keep their numbers as the spreadsheet shows them, blank rows included. ValidationError otherwise.
    """
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    if name.lower().endswith(".xlsx") or content.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(content)
    elif name.lower().endswith((".xls", ".ods", ".pdf", ".doc", ".docx")) or content.startswith(
        (b"\xd0\xcf\x11\xe0", b"%PDF")
    ):
        raise ValidationError(_("The file is neither a CSV nor an XLSX file."))
    else:
        rows = _csv_rows(content)
    width = max((len(row) for row in rows), default=0)
    dataset = tablib.Dataset()
    for row in rows:
        dataset.append([*row, *([None] * (width - len(row)))])
    return _without_control_characters(dataset)


def _xlsx_rows(content: bytes) -> list[list]:
    import io

    from openpyxl import load_workbook

    try:
        check_xlsx_archive(content)  # zip-bomb defence, before any XML is parsed
    except UnsafeArchive as exc:
        raise ValidationError(capfirst(exc.reason) + ".") from exc
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = []
            for values in sheet.iter_rows(min_row=1, values_only=True):
                rows.append(list(values))
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
                    break
        finally:
            workbook.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise ValidationError(_("The XLSX file is damaged.")) from exc
    while rows and all(value in (None, "") for value in rows[-1]):
        rows.pop()
    return rows


def _csv_rows(content: bytes) -> list[list]:
    import csv
    import io

    if b"\x00" in content[:4096]:
        raise ValidationError(_("The file is neither a CSV nor an XLSX file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not encoded in UTF-8.")) from exc
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise ValidationError(_("The CSV file is malformed.")) from exc


def _without_control_characters(dataset: tablib.Dataset) -> tablib.Dataset:
    """Refuse a file with a NUL byte or another control character in any cell, naming the row."""
    for number, row in enumerate([*([dataset.headers] if dataset.headers else []), *dataset], start=1):
        for value in row:
            character = first_control_character(value) if isinstance(value, str) else None
            if character:
                raise ValidationError(
                    _("Row %(row)s contains an invisible control character (%(character)s): remove it and try again."),
                    params={"row": number, "character": character},
                )
    return dataset


def _header_map(headers) -> dict[str, int]:
    # The translated labels of the template win over the other spellings.
    aliases = {header_key(alias): name for alias, name in ALIASES.items()} | alias_table(COLUMNS)
    return map_columns(headers, aliases).positions


def _find_header(rows: list[list]) -> tuple[int, dict[str, int]]:
    """The first row (within ``HEADER_SEARCH_ROWS``) naming both required columns: (its index, column map).

    Without one, the row naming most columns (to say which required ones are missing).
    """
    best: tuple[int, dict[str, int]] = (0, {})

    def accept(head) -> bool:
        nonlocal best
        mapping = _header_map(head[-1])
        if len(mapping) > len(best[1]) or all(name in mapping for name in REQUIRED):
            best = (len(head) - 1, mapping)
        return all(name in mapping for name in REQUIRED)

    find_header_row(rows, accept, limit=HEADER_SEARCH_ROWS)
    return best


def _consent(value) -> bool | None:
    folded = " ".join(fold(str(value if value is not None else "")).split())
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def _check_cells(cells: dict) -> tuple[list[tuple], dict]:
    """Each roster field's cell through its check (``trainings.people``), then the consent mark.

    Returns (problems as (column, value shown, message), the clean values by name)."""
    problems, clean = [], {}
    for person_field in ROSTER_FIELDS:
        raw = cells.get(person_field.name)
        try:
            clean[person_field.name] = person_field.roster_clean(raw)
        except ValidationError as exc:
            problems.append((person_field.name, getattr(exc, "shown", raw), exc.messages[0]))
    consent = _consent(cells.get(CONSENT_COLUMN))
    if consent is None:
        problems.append(
            (
                CONSENT_COLUMN,
                cells.get(CONSENT_COLUMN),
                _("Write x (or Có) when the person agreed, leave empty (or Không) otherwise."),
            )
        )
    clean[CONSENT_COLUMN] = bool(consent)
    return problems, clean


def check_roster(session: TrainingSession, dataset: tablib.Dataset) -> RosterCheck:
    """Validate every row; nothing is written. Rows are numbered as the spreadsheet shows them."""
    result = RosterCheck()
    rows = [*([dataset.headers] if dataset.headers else []), *dataset]
    header_index, mapping = _find_header(rows)
    missing = [str(COLUMNS[name]) for name in REQUIRED if name not in mapping]
    if missing:
        result.errors.append(
            CellError(
                None,
                None,
                "",
                _(
                    "No header row with the columns %(columns)s in the first %(limit)s rows: "
                    "use the template or name the columns as in it."
                )
                % {"columns": ", ".join(missing), "limit": HEADER_SEARCH_ROWS},
            )
        )
        return result
    result.header_row = header_index + 1
    body = rows[header_index + 1 :]
    if len(body) > MAX_ROWS:
        result.errors.append(CellError(None, None, "", _("At most %(limit)s rows per file.") % {"limit": MAX_ROWS}))
        return result
    # One person is a phone and a name (accents folded): a family sharing a phone is several people.
    seen: dict[tuple[str, str], int] = {}
    known = set(Attendee.objects.exclude(phone=None).values_list("phone", "name_key"))
    registered = set(
        Registration.objects.filter(session=session)
        .exclude(status="cancelled")
        .values_list("attendee__phone", "attendee__name_key")
    )
    for index, values in enumerate(body, start=header_index + 2):
        cells = {name: values[position] if position < len(values) else None for name, position in mapping.items()}
        if all(value in (None, "") for value in cells.values()):
            continue
        problems, clean = _check_cells(cells)
        phone = clean.get("phone")
        person = (phone, fold(clean.get("full_name") or ""))
        if phone and person in seen:
            problems.append(
                (
                    "phone",
                    cells.get("phone"),
                    _("The same person (phone number and name) is on row %(row)s.") % {"row": seen[person]},
                )
            )
        elif phone:
            seen[person] = index
        for name, value, message in problems:
            result.errors.append(CellError(index, str(COLUMNS[name]), shown_value(value), message))
        if problems:
            continue
        status = "registered" if person in registered else "known" if person in known else "new"
        consent = clean.pop(CONSENT_COLUMN)
        phone = clean.pop("phone")
        result.rows.append(RosterRow(index, phone=phone, person=clean, consent_certificate=consent, status=status))
    if not result.rows and not result.errors:
        result.errors.append(CellError(None, None, "", _("The file has no rows of people.")))
    return result


def template_xlsx(session: TrainingSession) -> bytes:
    """An empty roster as offices make them: title lines (merged), the header row, room for people."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Roster")[:31]
    headers = [str(label) for label in COLUMNS.values()]
    last = chr(ord("A") + len(headers) - 1)
    title = _("LIST OF ATTENDEES")
    sheet.append([title])
    sheet.append([escape_formula(strip_control_characters(session.title))])
    sheet.append([])
    sheet.append(headers)
    for row in (1, 2):
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet[f"A{row}"].alignment = Alignment(horizontal="center")
        sheet[f"A{row}"].font = Font(bold=True, size=13 if row == 1 else 11)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (28, 16, 26, 28, 18, 16, 22), strict=False):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_import(*, actor, session: TrainingSession, rows: list[RosterRow], attested_by=None) -> dict:
    """Register every row (all or nothing); people already registered stay as they are.

    ``actor``: the trainer confirming the import.

    ``attested_by``: the trainer who attests holding the signed paper consent forms; rows marked in the consent
    column then also get the certificate consent, recorded as given on paper and attested by that trainer.
    Without an attestation, a file marking consents is refused (nothing written).
    """
    if attested_by is None and any(row.consent_certificate for row in rows):
        raise RosterRefused("attestation_missing")
    counts = {"registered": 0, "waitlisted": 0, "unchanged": 0}
    with transaction.atomic():
        for row in rows:
            consents = [ConsentPurpose.TRAINING] + ([ConsentPurpose.CERTIFICATE] if row.consent_certificate else [])
            result = registration_create(
                actor=actor,
                session=session,
                phone=row.phone,
                details=row.details(),
                consents=consents,
                source=RegistrationSource.IMPORT,
                check_window=False,
                attested_by=attested_by,
            )
            if not result.created:
                attendee = result.registration.attendee
                agreed = attendee.consents.filter(purpose=ConsentPurpose.CERTIFICATE, withdrawn_at__isnull=True)
                if row.consent_certificate and not agreed.exists():
                    consent_create(
                        actor=actor,
                        attendee=attendee,
                        purpose=ConsentPurpose.CERTIFICATE,
                        source=RegistrationSource.IMPORT,
                        attested_by=attested_by,
                    )
                counts["unchanged"] += 1
            elif result.waitlisted:
                counts["waitlisted"] += 1
            else:
                counts["registered"] += 1
    return counts


class RosterRefused(DomainError):
    messages = {
        "attestation_missing": gettext_lazy(
            "Tick the attestation that you hold the signed consent forms, or remove the marks in the consent column."
        ),
    }
