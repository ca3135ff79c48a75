"""A person's fields, listed once: what the forms ask, what a roster file holds, what the person's export shows and
what erasure writes over.

``PERSON_FIELDS`` names every field of ``Attendee`` that says something about the person. The public registration
form, the trainer's form, the correction form, the roster import (its columns, header spellings and checks), the
roster export, the person's own export (JSON and XLSX) and erasure all read it, so a new personal field is added
here (and on the model) and nowhere else. ``tests/trainings/test_people.py`` fails when a field of ``Attendee`` is
neither here nor in its list of technical fields.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.core.text import normalize_text
from trainings.identity import (
    MAX_NAME,
    clean_name,
    format_phone,
    mask_phone,
    normalise_phone,
    validate_citizen_id,
)


def _as_stored(value):
    return value


def _as_text(value) -> str:
    return "" if value is None else str(value)


def _unit_json(unit):
    return {"code": unit.code, "name": unit.name} if unit else None


def _unit_text(value) -> str:
    return f"{value['name']} ({value['code']})" if value else ""


def _masked_citizen_id(value) -> str:
    return f"{value[:3]} ••• {value[-3:]}" if value else ""


def _phone_json(value):
    return value or ""


def refused(message: str, shown) -> ValidationError:
    """A roster cell refused, showing ``shown`` instead of the cell as written (e.g. a long value cut short)."""
    error = ValidationError(message)
    error.shown = shown
    return error


def _roster_name(value) -> str:
    name = clean_name(value)
    if "<" in name or ">" in name:
        raise ValidationError(_("A name cannot contain < or >."))
    return name


def _roster_email(value) -> str:
    from django.core.validators import validate_email

    email = normalize_text(str(value or ""))
    if len(email) > 254:
        raise refused(_("At most 254 characters."), email[:40] + "…")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise refused(_("This is not an e-mail address."), email) from None
    return email


def _roster_text(value) -> str:
    text = normalize_text(str(value or ""))
    if len(text) > 200:
        raise refused(_("At most 200 characters."), text[:40] + "…")
    return text


@dataclass(frozen=True)
class PersonField:
    """One personal field of ``Attendee`` and how every part of the app treats it.

    ``erased`` has no default: a new field must say what erasure leaves in it.
    """

    name: str  # the field of ``Attendee``
    erased: Any  # what erasure writes over the field
    label: Any = None  # column header of roster files and label on the trainer's and the correction form
    public_field: Callable[[], forms.Field] | None = None  # on the public registration form (None: not asked)
    staff_field: Callable[[Any], forms.Field] | None = None  # trainer's and correction forms; gets ``label``
    clean: Callable[[Any], Any] | None = None  # the check every form applies (``clean_<name>``)
    roster_aliases: tuple[str, ...] | None = None  # folded header spellings; None: not a roster column
    roster_clean: Callable[[Any], Any] | None = None  # a roster cell to its value, ValidationError otherwise
    roster_export: bool = False  # a column of the exported roster
    masked: Callable[[Any], str] = _as_text  # how the roster preview shows the value
    exported: bool = True  # in the person's own export
    as_json: Callable[[Any], Any] = _as_stored  # the stored value in the JSON export
    shown: Callable[[Any], str] = _as_text  # the JSON value as shown in sheets

    @property
    def correctable(self) -> bool:
        return self.staff_field is not None

    @property
    def in_roster(self) -> bool:
        return self.roster_aliases is not None


PERSON_FIELDS: tuple[PersonField, ...] = (
    PersonField(
        "full_name",
        erased="",
        label=gettext_lazy("Full name"),
        # No max_length: clean_name explains a too long name itself ("at most 200 characters").
        public_field=lambda: forms.CharField(
            label=gettext_lazy("Full name"),
            widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": MAX_NAME}),
        ),
        staff_field=lambda label: forms.CharField(label=label, max_length=10_000),
        clean=clean_name,
        roster_aliases=("ho va ten", "ho ten", "ten"),
        roster_clean=_roster_name,
        roster_export=True,
    ),
    # fold(full_name), kept for matching a family's members sharing one phone: erased with the name.
    PersonField("name_key", erased="", exported=False),
    PersonField(
        "phone",
        erased=None,
        label=gettext_lazy("Phone"),
        public_field=lambda: forms.CharField(
            label=gettext_lazy("Phone number"),
            help_text=gettext_lazy(
                "For example 0912 345 678. Members of a family may register with the same number, each with their "
                "name."
            ),
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "maxlength": 20}),
        ),
        staff_field=lambda label: forms.CharField(label=label, max_length=40),
        clean=normalise_phone,
        roster_aliases=("so dien thoai", "dien thoai", "sdt"),
        roster_clean=normalise_phone,
        roster_export=True,
        masked=mask_phone,
        as_json=_phone_json,
        shown=format_phone,
    ),
    PersonField(
        "email",
        erased="",
        label=gettext_lazy("E-mail"),
        public_field=lambda: forms.EmailField(
            label=gettext_lazy("E-mail (optional)"),
            help_text=gettext_lazy(
                "If you give one, we send your ticket there and tell you of any change (a seat freed, the class moved)."
            ),
            required=False,
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        ),
        staff_field=lambda label: forms.EmailField(label=label, required=False, max_length=254),
        roster_aliases=("email", "thu dien tu"),
        roster_clean=_roster_email,
        roster_export=True,
    ),
    PersonField(
        "organisation",
        erased="",
        label=gettext_lazy("Organisation"),
        public_field=lambda: forms.CharField(
            label=gettext_lazy("Organisation (optional)"),
            help_text=gettext_lazy("Your agency, school, company or village."),
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        ),
        staff_field=lambda label: forms.CharField(label=label, max_length=200, required=False),
        roster_aliases=("co quan", "co quan don vi", "don vi"),
        roster_clean=_roster_text,
        roster_export=True,
    ),
    PersonField(
        "position",
        erased="",
        label=gettext_lazy("Position"),
        public_field=lambda: forms.CharField(
            label=gettext_lazy("Position (optional)"),
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        ),
        staff_field=lambda label: forms.CharField(label=label, max_length=200, required=False),
        roster_aliases=("chuc vu",),
        roster_clean=_roster_text,
        roster_export=True,
    ),
    # Not typed by anyone: the class's unit on the public form, left as it is otherwise.
    PersonField("unit", erased=None, as_json=_unit_json, shown=_unit_text),
    PersonField(
        "citizen_id",
        erased="",
        label=gettext_lazy("Citizen ID"),
        public_field=lambda: forms.CharField(
            label=gettext_lazy("Citizen ID number (optional)"),
            help_text=gettext_lazy("12 digits. Only needed if the organisers ask for it."),
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20}),
        ),
        staff_field=lambda label: forms.CharField(label=label, max_length=40, required=False),
        clean=validate_citizen_id,
        roster_aliases=("cccd", "so cccd", "can cuoc cong dan", "so dinh danh ca nhan"),
        roster_clean=lambda value: validate_citizen_id(value or ""),
        masked=_masked_citizen_id,
    ),
)

BY_NAME = {field.name: field for field in PERSON_FIELDS}
# What erasure writes over the attendee's personal fields.
ERASED_VALUES = {field.name: field.erased for field in PERSON_FIELDS}
CORRECTABLE_FIELDS = tuple(field.name for field in PERSON_FIELDS if field.correctable)
EXPORTED_FIELDS = tuple(field for field in PERSON_FIELDS if field.exported)
ROSTER_FIELDS = tuple(field for field in PERSON_FIELDS if field.in_roster)
REQUIRED_ROSTER_FIELDS = ("full_name", "phone")


def details(values: dict) -> dict:
    """The typed fields but the phone (registration takes the phone apart), from cleaned form data or a roster row."""
    return {
        field.name: values[field.name]
        for field in PERSON_FIELDS
        if field.correctable and field.name != "phone" and field.name in values
    }


def export_values(attendee) -> dict:
    """The exported fields of ``attendee`` as JSON values, in the order of ``PERSON_FIELDS``."""
    return {field.name: field.as_json(getattr(attendee, field.name)) for field in EXPORTED_FIELDS}


def _cleaner(name: str, check: Callable[[Any], Any]):
    def clean_field(self):
        return check(self.cleaned_data[name])

    clean_field.__name__ = f"clean_{name}"
    return clean_field


def _form_class(name: str, make: Callable[[PersonField], forms.Field | None]) -> type[forms.Form]:
    """A form with one field per personal field ``make`` builds one for, each with its shared check."""
    attrs: dict[str, Any] = {"__module__": __name__, "__doc__": f"The personal fields of the {name}."}
    for field in PERSON_FIELDS:
        built = make(field)
        if built is None:
            continue
        attrs[field.name] = built
        if field.clean is not None:
            attrs[f"clean_{field.name}"] = _cleaner(field.name, field.clean)
    return forms.forms.DeclarativeFieldsMetaclass(name, (forms.Form,), attrs)


# The public registration form's person; the trainer's form and the correction form (same fields, plain labels).
PublicPersonForm = _form_class("PublicPersonForm", lambda field: field.public_field() if field.public_field else None)
StaffPersonForm = _form_class(
    "StaffPersonForm", lambda field: field.staff_field(field.label) if field.staff_field else None
)
