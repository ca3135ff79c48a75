"""Warnings of the impact report: stable codes from the analysis, Vietnamese (or English) messages here."""

from django.utils.translation import gettext

from .narrative import format_month
from .panel import month_label


def _month(value) -> str:
    """A cohort as the analysis gives it (a month ordinal) or as a label ("2022-04"), written 04/2022."""
    if isinstance(value, int) or str(value).isdigit():
        value = month_label(int(value))
    return format_month(str(value))


def _message(code: str, params: dict) -> str:
    messages = {
        "small_cohort": lambda: (
            gettext(
                "Only %(units)s units were first reached in %(cohort)s (fewer than 20): that group's estimate is uncertain."
            )
            % {"units": params.get("units", "?"), "cohort": _month(params.get("cohort", ""))}
        ),
        "single_unit_cohorts": lambda: (
            gettext(
                "In %(count)s months only one unit was first reached: its month-to-month variation cannot be measured, "
                "so the intervals and the pre-trend test are too optimistic."
            )
            % {"count": params.get("count", "?")}
        ),
        "few_controls": lambda: (
            gettext("Fewer than 20 units serve as comparison (%(count)s): the estimates are uncertain.")
            % {"count": params.get("count", params.get("units", "?"))}
        ),
        "pretest_rejects": lambda: (
            gettext(
                "Before the campaign, reached units were already moving differently from the others (pre-trend test "
                "p = %(p)s): read the effect with caution."
            )
            % {"p": f"{params.get('p_value', 0):.3f}".replace(".", ",")}
        ),
        "dropped_units": lambda: (
            gettext(
                "%(count)s units were left out of the effect estimate because some months have no dossiers or no report."
            )
            % {"count": params.get("count", "?")}
        ),
        "treated_from_start": lambda: (
            gettext(
                "%(count)s units were already reached at the start of the window and cannot be compared before and after."
            )
            % {"count": params.get("count", params.get("units", "?"))}
        ),
        "last_cohort_control_only": lambda: (
            gettext(
                "The units first reached in %(cohort)s serve only as comparison (no unit was left unreached after them)."
            )
            % {"cohort": _month(params.get("cohort", ""))}
        ),
        "few_clusters": lambda: (
            gettext("Only %(clusters)s districts group the units: the intervals may be too narrow.")
            % {"clusters": params.get("clusters", "?")}
        ),
        "no_pretest": lambda: gettext(
            "The months before the campaign are too few for the pre-trend check: it could not be made."
        ),
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
        "did_no_treated": lambda: gettext(
            "No unit in the scope was reached by the campaign's channels in the window: there is no effect to estimate."
        ),
        "did_no_never_treated": lambda: gettext(
            "Every unit was reached at some point: compare with units not yet reached instead of never reached."
        ),
        "did_no_controls": lambda: gettext("There are no comparison units: the effect cannot be estimated."),
        "did_single_unit": lambda: gettext("The scope holds a single unit: the effect cannot be estimated."),
    }
    builder = messages.get(code)
    if builder is not None:
        return builder()
    if code.startswith("did_"):
        return gettext("The effect cannot be estimated from these data (%(code)s).") % {"code": code[4:]}
    return gettext("Check the data (%(code)s).") % {"code": code}


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
