"""Public forms: registering for a class and giving feedback after it.

The person's fields and their checks come from ``trainings.people`` so that the public form,
the trainer's form and roster imports accept and refuse exactly the same things.
"""

import secrets

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trainings import people
from trainings.choices import ConsentPurpose
from trainings.identity import normalise_phone
from trainings.people import PublicPersonForm
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


class RegistrationForm(PublicPersonForm):
    """One person for one class; the session's unit becomes the person's unit when they have none.

    The person's fields come from ``trainings.people``; the challenge and one checkbox per consent follow them."""

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
        return [self[name] for name in PublicPersonForm.base_fields]

    def consents(self) -> list[str]:
        return [purpose.value for purpose in ConsentPurpose if self.cleaned_data.get(consent_field_name(purpose))]

    def details(self, session) -> dict:
        return {**people.details(self.cleaned_data), "unit": session.unit}


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
