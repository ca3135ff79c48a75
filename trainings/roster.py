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

from campaigns.exports import escape_formula
from campaigns.imports.safe_xlsx import UnsafeArchive, check_xlsx_archive
from cms.text import first_control_character, fold, normalize_text, strip_control_characters

from .choices import ConsentPurpose, RegistrationSource
from .identity import clean_name, format_phone, normalise_phone, validate_citizen_id
from .models import Attendee, Registration, TrainingSession
from .services import register

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
COLUMNS = {
    "full_name": gettext_lazy("Full name"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "organisation": gettext_lazy("Organisation"),
    "position": gettext_lazy("Position"),
    "citizen_id": gettext_lazy("Citizen ID"),
}
# Header spellings accepted besides the translated labels (folded: no accents, lower case).
ALIASES = {
    "ho va ten": "full_name",
    "ho ten": "full_name",
    "ten": "full_name",
    "so dien thoai": "phone",
    "dien thoai": "phone",
    "sdt": "phone",
    "email": "email",
    "thu dien tu": "email",
    "co quan": "organisation",
    "co quan don vi": "organisation",
    "don vi": "organisation",
    "chuc vu": "position",
    "cccd": "citizen_id",
    "so cccd": "citizen_id",
    "can cuoc cong dan": "citizen_id",
    "so dinh danh ca nhan": "citizen_id",
}


class RosterResource(resources.Resource):
    """The roster columns; exports read registrations, imports read people."""

    full_name = fields.Field(attribute="attendee__full_name", column_name=COLUMNS["full_name"])
    phone = fields.Field(column_name=COLUMNS["phone"])
    email = fields.Field(attribute="attendee__email", column_name=COLUMNS["email"])
    organisation = fields.Field(attribute="attendee__organisation", column_name=COLUMNS["organisation"])
    position = fields.Field(attribute="attendee__position", column_name=COLUMNS["position"])
    seat = fields.Field(attribute="seat", column_name=gettext_lazy("Seat"))
    status = fields.Field(column_name=gettext_lazy("Status"))
    checked_in_at = fields.Field(column_name=gettext_lazy("Checked in at"))

    class Meta:
        fields = ("full_name", "phone", "email", "organisation", "position", "seat", "status", "checked_in_at")

    def dehydrate_phone(self, registration):
        return format_phone(registration.attendee.phone)

    def dehydrate_status(self, registration):
        return str(registration.get_status_display())

    def dehydrate_checked_in_at(self, registration):
        if not registration.checked_in_at:
            return ""
        return timezone.localtime(registration.checked_in_at).strftime("%d/%m/%Y %H:%M")

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return escape_formula(strip_control_characters(value)) if isinstance(value, str) else value


def export_roster(session: TrainingSession, file_format: str) -> bytes:
    registrations = session.registrations.select_related("attendee").order_by("status", "seat", "registered_at")
    dataset = RosterResource().export(queryset=registrations)
    dataset.title = str(_("Roster"))[:31]  # the sheet's name (tablib's default is "Tablib Dataset")
    data = {"csv": CSV, "xlsx": XLSX}[file_format]().export_data(dataset)
    return data.encode("utf-8-sig") if isinstance(data, str) else data


@dataclass
class RosterRow:
    row: int
    full_name: str
    phone: str
    email: str = ""
    organisation: str = ""
    position: str = ""
    citizen_id: str = ""
    status: str = "new"  # new person / known person / already registered

    def details(self) -> dict:
        return {
            "full_name": self.full_name,
            "email": self.email,
            "organisation": self.organisation,
            "position": self.position,
            "citizen_id": self.citizen_id,
        }


@dataclass
class RosterCheck:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[tuple] = field(default_factory=list)  # (row, column label, value, message)

    @property
    def counts(self) -> dict:
        result = {"new": 0, "known": 0, "registered": 0}
        for row in self.rows:
            result[row.status] += 1
        return result


def read_dataset(content: bytes, name: str) -> tablib.Dataset:
    """The file as a dataset (CSV in UTF-8 with or without BOM, or XLSX), or ValidationError."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    if name.lower().endswith(".xlsx") or content.startswith(b"PK\x03\x04"):
        try:
            check_xlsx_archive(content)  # zip-bomb defence, before any XML is parsed
        except UnsafeArchive as exc:
            raise ValidationError(capfirst(exc.reason) + ".") from exc
        try:
            return _without_control_characters(XLSX().create_dataset(content))
        except ValidationError:
            raise
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
            raise ValidationError(_("The XLSX file is damaged.")) from exc
    if b"\x00" in content[:4096]:
        raise ValidationError(_("The file is neither a CSV nor an XLSX file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not encoded in UTF-8.")) from exc
    try:
        dataset = CSV().create_dataset(text)
    except Exception as exc:  # noqa: BLE001 - tablib's CSV reader errors
        raise ValidationError(_("The CSV file is malformed.")) from exc
    return _without_control_characters(dataset)


def _without_control_characters(dataset: tablib.Dataset) -> tablib.Dataset:
    """Refuse a file with a NUL byte or another control character in any cell, naming the row."""
    for number, row in enumerate([dataset.headers or [], *dataset], start=1):
        for value in row:
            character = first_control_character(value) if isinstance(value, str) else None
            if character:
                raise ValidationError(
                    _("Row %(row)s contains an invisible control character (%(character)s): remove it and try again."),
                    params={"row": number, "character": character},
                )
    return dataset


def _header_map(headers) -> dict[str, int]:
    labels = {fold(str(label)): name for name, label in COLUMNS.items()}
    mapping = {}
    for position, header in enumerate(headers or []):
        key = fold(str(header or "")).replace(",", " ").replace(":", " ")
        key = " ".join(key.split())
        name = labels.get(key) or ALIASES.get(key)
        if name and name not in mapping:
            mapping[name] = position
    return mapping


def check_roster(session: TrainingSession, dataset: tablib.Dataset) -> RosterCheck:
    """Validate every row; nothing is written."""
    result = RosterCheck()
    mapping = _header_map(dataset.headers)
    missing = [str(COLUMNS[name]) for name in ("full_name", "phone") if name not in mapping]
    if missing:
        result.errors.append((1, None, "", _("Missing columns: %(columns)s") % {"columns": ", ".join(missing)}))
        return result
    if dataset.height > MAX_ROWS:
        result.errors.append((None, None, "", _("At most %(limit)s rows per file.") % {"limit": MAX_ROWS}))
        return result
    seen: dict[str, int] = {}
    known = set(Attendee.objects.exclude(phone=None).values_list("phone", flat=True))
    registered = set(
        Registration.objects.filter(session=session)
        .exclude(status="cancelled")
        .values_list("attendee__phone", flat=True)
    )
    for index, values in enumerate(dataset, start=2):
        cells = {name: values[position] if position < len(values) else None for name, position in mapping.items()}
        if all(value in (None, "") for value in cells.values()):
            continue
        problems = []
        clean = {}
        for name, validator in (("full_name", clean_name), ("phone", normalise_phone)):
            try:
                clean[name] = validator(cells.get(name))
            except ValidationError as exc:
                problems.append((name, cells.get(name), exc.messages[0]))
        try:
            clean["citizen_id"] = validate_citizen_id(cells.get("citizen_id") or "")
        except ValidationError as exc:
            problems.append(("citizen_id", cells.get("citizen_id"), exc.messages[0]))
        email = normalize_text(str(cells.get("email") or ""))
        if len(email) > 254:
            problems.append(("email", email[:40] + "…", _("At most 254 characters.")))
            email = ""
        if email:
            from django.core.validators import validate_email

            try:
                validate_email(email)
            except ValidationError:
                problems.append(("email", email, _("This is not an e-mail address.")))
        for name in ("organisation", "position"):
            value = normalize_text(str(cells.get(name) or ""))
            if len(value) > 200:
                problems.append((name, value[:40] + "…", _("At most 200 characters.")))
            clean[name] = value
        phone = clean.get("phone")
        if phone and phone in seen:
            problems.append(
                ("phone", cells.get("phone"), _("The same phone number is on row %(row)s.") % {"row": seen[phone]})
            )
        elif phone:
            seen[phone] = index
        for name, value, message in problems:
            shown = "" if value is None else str(value)
            result.errors.append((index, str(COLUMNS[name]), shown[:80], message))
        if problems:
            continue
        status = "registered" if phone in registered else "known" if phone in known else "new"
        result.rows.append(RosterRow(index, email=email, status=status, **clean))
    if not result.rows and not result.errors:
        result.errors.append((None, None, "", _("The file has no rows of people.")))
    return result


def import_roster(session: TrainingSession, rows: list[RosterRow]) -> dict:
    """Register every row (all or nothing); people already registered stay as they are."""
    counts = {"registered": 0, "waitlisted": 0, "unchanged": 0}
    with transaction.atomic():
        for row in rows:
            result = register(
                session,
                phone=row.phone,
                details=row.details(),
                consents=[ConsentPurpose.TRAINING],
                source=RegistrationSource.IMPORT,
                check_window=False,
            )
            if not result.created:
                counts["unchanged"] += 1
            elif result.waitlisted:
                counts["waitlisted"] += 1
            else:
                counts["registered"] += 1
    return counts
