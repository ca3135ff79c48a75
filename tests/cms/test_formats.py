import datetime
from decimal import Decimal

import pytest
from django import forms
from django.utils import formats, translation

from campaigns.core.text import fold, normalize_text


def test_dates_are_day_month_year():
    day = datetime.date(2025, 7, 1)
    assert formats.date_format(day) == "01/07/2025"
    assert formats.date_format(day, "SHORT_DATE_FORMAT") == "01/07/2025"
    moment = datetime.datetime(2025, 7, 1, 8, 5)
    assert formats.date_format(moment, "DATETIME_FORMAT") == "01/07/2025 08:05"


def test_dates_are_read_as_day_month_year():
    class Form(forms.Form):
        day = forms.DateField()

    form = Form({"day": "05/07/2025"})
    assert form.is_valid()
    assert form.cleaned_data["day"] == datetime.date(2025, 7, 5)
    assert not Form({"day": "07/31/2025"}).is_valid()


def test_numbers_group_with_dots_and_use_a_decimal_comma():
    assert formats.number_format(Decimal("1234567.8"), 1, force_grouping=True) == "1.234.567,8"
    assert formats.number_format(33892, force_grouping=True) == "33.892"


def test_week_starts_on_monday():
    assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_english_keeps_day_first_dates():
    with translation.override("en"):
        assert formats.date_format(datetime.date(2025, 7, 1)) == "01/07/2025"
        assert formats.number_format(Decimal("1234.5"), 1, force_grouping=True) == "1,234.5"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Xã Hòa Bình", "xa hoa binh"),
        ("Xã Hoà Bình", "xa hoa binh"),
        ("ĐẶC KHU CÔN ĐẢO", "dac khu con dao"),
        ("dịch  vụ\u00a0công", "dich vu cong"),
        ("Xa\u0300 Ba\u0301", "xa ba"),  # decomposed (NFD) input
    ],
)
def test_fold_ignores_case_accents_and_spacing(text, folded):
    assert fold(text) == folded


def test_normalize_text_gives_nfc():
    assert normalize_text("Xa\u0300") == "Xà"
