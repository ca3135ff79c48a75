from django import template
from django.utils.formats import number_format

from campaigns.core.formatting import percent_vi

register = template.Library()


@register.filter
def grouped(value, decimals=None):
    """1234567 -> "1.234.567" in Vietnamese (the active language's separators, always grouped)."""
    if value is None or value == "":
        return "—"
    return number_format(value, decimal_pos=decimals, force_grouping=True)


@register.filter
def percent(value, decimals=1):
    """0.395 -> "39,5 %"; None -> "—" (an unknown rate is never shown as 0)."""

    return percent_vi(value, int(decimals))
