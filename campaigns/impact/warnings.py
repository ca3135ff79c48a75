"""Warnings of the impact report: stable codes from the analysis, Vietnamese (or English) messages here."""

from django.utils.translation import gettext

from campaigns.core.months import index_label
from campaigns.impact.narrative import format_month


def _month(value) -> str:
    """A cohort as the analysis gives it (a month ordinal) or as a label ("2022-04"), written 04/2022."""
    if isinstance(value, int) or str(value).isdigit():
        value = index_label(int(value))
    return format_month(str(value))


def _message(code: str, params: dict) -> str:
    messages = {
        "partial_units": lambda: (
            gettext("%(count)s old communes were split between several new ones; their figures are left out.")
            % {"count": params.get("count", "?")}
        ),
        "missing_months": lambda: (
            gettext("%(count)s unit-months have no dossier statistics.") % {"count": params.get("count", "?")}
        ),
        "collinear": lambda: (
            gettext(
                "The channel “%(channel)s” does not vary enough to be told apart from the others and is left out of the "
                "activity mix."
            )
            % {"channel": params.get("channel", "?")}
        ),
        "few_units": lambda: gettext(
            "Too few units to relate the activities to the online rate reliably: the activity mix is not shown."
        ),
        "decay_not_selected": lambda: gettext(
            "Too few months to choose how long each activity's influence lasts; no carry-over was assumed."
        ),
        "decay_at_grid_edge": lambda: (
            gettext(
                "The influence of “%(channel)s” seems to last longer than the longest carry-over tried; read its figure "
                "with caution."
            )
            % {"channel": params.get("channel", "?")}
        ),
        "mix_failed": lambda: gettext("The activity mix could not be estimated from these data."),
        "effect_no_treated": lambda: gettext(
            "No unit in the scope was reached by the campaign's channels in the window: there is no effect to estimate."
        ),
        "no_never_treated": lambda: gettext(
            "Every unit was reached at some point: the reached units are compared with units not yet reached."
        ),
        "effect_no_comparison": lambda: gettext(
            "All units were reached in the same month: there is nothing to compare them with."
        ),
        "effect_not_estimable": lambda: gettext(
            "No unit has a month before it was reached to compare with: the effect cannot be estimated."
        ),
        "pretrend_alarm": lambda: gettext(
            "Before the campaign, the reached units were already moving differently from the others: read the "
            "effect with caution."
        ),
        "reached_from_start": lambda: (
            gettext(
                "%(count)s units were already reached in the first month of the window and cannot be compared before "
                "and after."
            )
            % {"count": params.get("count", "?")}
        ),
        "few_schedules": lambda: (
            gettext(
                "Only %(count)s different ways of choosing which units to reach exist with this rollout: too few to "
                "give a range for the effect."
            )
            % {"count": params.get("count", "?")}
        ),
    }
    builder = messages.get(code)
    if builder is not None:
        return builder()
    if code.startswith(("did_", "effect_")):
        return gettext("The effect cannot be estimated from these data.")
    return gettext("Some figures could not be checked; look at the data of this scope.")


def messages(warnings: list[dict]) -> list[dict]:
    """[{code, params}] → [{code, message}] in the active language, without repeats."""
    result, seen = [], set()
    for warning in warnings:
        code, params = warning["code"], dict(warning.get("params") or {})
        message = _message(code, params)
        if (code, message) in seen:
            continue
        seen.add((code, message))
        result.append({"code": code, "message": message})
    return result
