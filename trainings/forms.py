"""Public forms: registering for a class and giving feedback after it.

Names, phone numbers and citizen IDs go through ``trainings.identity`` so that the public form,
the trainer's form and roster imports accept and refuse exactly the same things.
"""

import secrets

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trainings.choices import ConsentPurpose
from trainings.identity import MAX_NAME, clean_name, normalise_phone, validate_citizen_id
from trainings.services import consent_text

CHALLENGE_SALT = "trainings.registration-challenge"
CHALLENGE_MAX_AGE_SECONDS = 60 * 60


def new_challenge() -> tuple[str, str]:
    """A small sum to answer (question, signed token holding the terms): the light check after many posts."""
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps([first, second, secrets.token_hex(4)], salt=CHALLENGE_SALT)
    return challenge_text(first, second), token


def challenge_text(first: int, second: int) -> str:
    return _("How much is %(first)s + %(second)s? (a check that you are not a program)") % {
        "first": first,
        "second": second,
    }


def _terms(token: str) -> tuple[int, int] | None:
    try:
        first, second, _nonce = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE_SECONDS)
        return int(first), int(second)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def challenge_question(token: str) -> str:
    terms = _terms(token)
    return challenge_text(*terms) if terms else str(gettext_lazy("Answer"))


def challenge_sum(token: str) -> int | None:
    terms = _terms(token)
    return sum(terms) if terms else None


def consent_field_name(purpose: str) -> str:
    return f"consent_{purpose}"


class PersonCleaning:
    """The checks every form that takes a person uses (the public form and the trainer's form)."""

    def clean_full_name(self):
        return clean_name(self.cleaned_data["full_name"])

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean_citizen_id(self):
        return validate_citizen_id(self.cleaned_data["citizen_id"])


class RegistrationForm(PersonCleaning, forms.Form):
    """One person for one class; the session's unit becomes the person's unit when they have none."""

    # No max_length here: clean_name explains a too long name itself ("at most 200 characters").
    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": MAX_NAME}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone number"),
        help_text=gettext_lazy(
            "For example 0912 345 678. Members of a family may register with the same number, each with their name."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "maxlength": 20}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail (optional)"),
        help_text=gettext_lazy(
            "If you give one, we send your ticket there and tell you of any change (a seat freed, the class moved)."
        ),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=gettext_lazy("Organisation (optional)"),
        help_text=gettext_lazy("Your agency, school, company or village."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    position = forms.CharField(
        label=gettext_lazy("Position (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    citizen_id = forms.CharField(
        label=gettext_lazy("Citizen ID number (optional)"),
        help_text=gettext_lazy("12 digits. Only needed if the organisers ask for it."),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20}),
    )

    def __init__(self, *args, email_required: bool = False, challenge: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if email_required:
            # No text messages available: the confirmation code can only go by e-mail.
            email = self.fields["email"]
            email.required = True
            email.label = gettext_lazy("E-mail")
            email.help_text = gettext_lazy("We send you a code to confirm the registration.")
        if challenge:
            self.fields["challenge_token"] = forms.CharField(widget=forms.HiddenInput)
            self.fields["challenge_answer"] = forms.IntegerField(label=gettext_lazy("Answer"))
            if not self.is_bound:
                question, token = new_challenge()
                self.fields["challenge_answer"].label = question
                self.initial["challenge_token"] = token
            else:
                self.fields["challenge_answer"].label = challenge_question(self.data.get("challenge_token", ""))
        # Built per request: the label is the exact sentence stored with the consent, in the visitor's language.
        for purpose in ConsentPurpose:
            self.fields[consent_field_name(purpose)] = forms.BooleanField(
                label=consent_text(purpose),
                required=False,
            )

    def clean_challenge_answer(self):
        answer = self.cleaned_data.get("challenge_answer")
        expected = challenge_sum(self.data.get("challenge_token", ""))
        if expected is None or answer != expected:
            raise forms.ValidationError(_("That is not the right answer."), code="challenge")
        return answer

    def has_challenge(self) -> bool:
        return "challenge_answer" in self.fields

    def clean(self):
        data = super().clean()
        if not data.get(consent_field_name(ConsentPurpose.TRAINING)):
            self.add_error(
                consent_field_name(ConsentPurpose.TRAINING),
                _("Without consent to the use of your data for the class we cannot register you."),
            )
        return data

    def consent_fields(self):
        """(purpose, its short label, the checkbox whose label is the full sentence) per purpose."""
        return [(purpose.value, purpose.label, self[consent_field_name(purpose)]) for purpose in ConsentPurpose]

    def person_fields(self):
        return [self[name] for name in ("full_name", "phone", "email", "organisation", "position", "citizen_id")]

    def consents(self) -> list[str]:
        return [purpose.value for purpose in ConsentPurpose if self.cleaned_data.get(consent_field_name(purpose))]

    def details(self, session) -> dict:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "email": data["email"],
            "organisation": data["organisation"],
            "position": data["position"],
            "citizen_id": data["citizen_id"],
            "unit": session.unit,
        }


class FindTicketForm(forms.Form):
    """A phone number or an e-mail address: only its form is checked here, never whether it is on record."""

    contact = forms.CharField(
        label=gettext_lazy("Phone number or e-mail"),
        help_text=gettext_lazy("The one you gave when registering. The links are sent there, not shown here."),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "on", "maxlength": 254}),
    )

    def clean_contact(self):
        from django.core.validators import validate_email

        value = self.cleaned_data["contact"].strip()
        if "@" in value:
            try:
                validate_email(value)
            except forms.ValidationError:
                raise forms.ValidationError(_("This is not an e-mail address."), code="invalid") from None
            self.cleaned_data["email"], self.cleaned_data["phone"] = value, ""
        else:
            self.cleaned_data["phone"], self.cleaned_data["email"] = normalise_phone(value), ""
        return value


class ConfirmationForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Confirmation code"),
        help_text=gettext_lazy("The six digits in the text message or e-mail we sent you."),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 12}),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("How useful was the class for you?"),
        help_text=gettext_lazy("1 = not useful, 5 = very useful."),
        choices=[(number, str(number)) for number in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    pre_score = forms.IntegerField(
        label=gettext_lazy("Quiz score before the class (optional, 0–100)"),
        required=False,
        min_value=0,
        max_value=100,
    )
    post_score = forms.IntegerField(
        label=gettext_lazy("Quiz score after the class (optional, 0–100)"),
        required=False,
        min_value=0,
        max_value=100,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        help_text=gettext_lazy("At most 2000 characters."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
    )
