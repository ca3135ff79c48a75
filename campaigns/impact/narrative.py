"""The plain-language summary of a campaign impact payload, in Vietnamese and in English.

Every sentence is an English msgid translated with gettext in the language being rendered; numbers follow that
language's separators (vi 1.234,5 and "39,5 %", en 1,234.5 and "39.5%"), months are "04/2022".

Wording rules: the headline is campaigns.impact.analysis.effect.estimate_effect's. A rise or fall is called clear ("tăng
rõ", "giảm rõ") only when its whole 95 % range lies on one side of zero; otherwise the text says there is not
enough evidence yet ("chưa đủ căn cứ") and gives the range. No p-value and no internal code is ever written; a
wide range gets one sentence saying why; the text never claims the trends before the campaign were parallel. The
activity mix is always worded as an association ("gắn với" / "associated with"), never as a cause.
"""

import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from campaigns.core.formatting import percent_vi

LANGUAGES = ("vi", "en")
MINUS = "\u2212"  # typographic minus: "−0,3", not "-0,3"
DASH = "\u2013"  # en dash between the ends of a range: "6,8–7,2"
PRETEST_LEVEL = 0.05  # the pre-trend check fails below this p-value


# --- Numbers in the active language --------------------------------------------------------------------------


def _decimal(value: float, decimals: int, scale: int = 1) -> Decimal:
    """``value * scale`` rounded half up (1234.5 -> 1235, 0.0725 x 100 -> 7.3), from its shortest repr."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = (Decimal(repr(float(value))) * scale).quantize(quantum, rounding=ROUND_HALF_UP)
    return rounded + 0 if rounded else abs(rounded)  # never "-0,0"


def _finite(value) -> bool:
    return value is not None and not isinstance(value, str) and math.isfinite(float(value))


def _signed(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def format_number(value: float | None, decimals: int = 0) -> str:
    """1234.5 -> "1.235" (vi) / "1,235" (en); None (or NaN) -> "—"."""
    if not _finite(value):
        return "—"
    return _signed(number_format(_decimal(value, decimals), decimal_pos=decimals, force_grouping=True))


def format_points(value: float | None, decimals: int = 1) -> str:
    """An effect in rate units as percentage points, without the unit: 0.07 -> "7,0"; -0.003 -> "−0,3"."""
    if not _finite(value):
        return "—"
    return _signed(number_format(_decimal(value, decimals, 100), decimal_pos=decimals, force_grouping=True))


def format_percent(value: float | None, decimals: int = 1) -> str:
    """A rate as a percentage: 0.395 -> "39,5 %" (vi, as campaigns.core.formatting.percent_vi) / "39.5%" (en)."""
    if not _finite(value):
        return "—"
    if translation.get_language() == "en":
        return number_format(_decimal(value, decimals, 100), decimal_pos=decimals) + "%"
    return percent_vi(float(_decimal(value, decimals + 2)), decimals)


def format_month(period: str | None) -> str:
    """ "2022-04" -> "04/2022"; anything else is returned as it is ("" for None)."""
    if not period:
        return ""
    year, _sep, month = str(period).partition("-")
    return f"{month}/{year}" if month else str(period)


def format_months(periods: Sequence[str] | None) -> str:
    """A period given as its first and last month: "01/2021–12/2021", or one month when both are the same."""
    if not periods:
        return ""
    first, last = format_month(periods[0]), format_month(periods[-1])
    return first if first == last else f"{first}{DASH}{last}"


def format_range(low: float, high: float, formatter=format_points) -> str:
    """Both ends of an interval: "6,8–7,2"; "−0,3 to 1,3" when an end is negative (a dash would read as minus)."""
    low_text, high_text = formatter(low), formatter(high)
    if low < 0 or high < 0:
        return _("%(low)s to %(high)s") % {"low": low_text, "high": high_text}
    return f"{low_text}{DASH}{high_text}"


def format_p_value(p_value: float) -> str:
    if p_value < 0.001:
        return "< " + format_number(0.001, 3)
    return format_number(p_value, 3 if p_value < 0.01 else 2)


# --- Reading the payload -------------------------------------------------------------------------------------


def interval(item: Mapping | None) -> tuple[float, float] | None:
    """The (low, high) 95 % interval of an estimate, or None when the payload has none."""
    ci = (item or {}).get("ci95")
    if not ci or len(ci) != 2 or not _finite(ci[0]) or not _finite(ci[1]):
        return None
    low, high = float(ci[0]), float(ci[1])
    return (low, high) if low <= high else (high, low)


def excludes_zero(item: Mapping | None) -> bool:
    """True when the estimate's 95 % interval lies entirely above or entirely below zero."""
    ci = interval(item)
    return ci is not None and (ci[0] > 0 or ci[1] < 0)


def pretest_passed(did: Mapping | None) -> bool | None:
    """Whether the parallel pre-trend check passed (p ≥ 0.05); None when it was not run."""
    pretest = (did or {}).get("pretest")
    if not pretest or not _finite(pretest.get("p_value")):
        return None
    return float(pretest["p_value"]) >= PRETEST_LEVEL


def comparison_label(block: Mapping | None) -> str:
    """The comparison group (of the headline or of the cross-check), as a noun phrase for the sentences."""
    if (block or {}).get("control") == "notyet":
        return _("units that had not yet run the campaign")
    return _("units that never ran the campaign")


def channel_name(channel: Mapping) -> str:
    return str(channel.get("label") or channel.get("channel") or "")


def channel_per(channel: Mapping) -> float:
    per = channel.get("per")
    return float(per) if per else 100.0


# --- Sentences -----------------------------------------------------------------------------------------------


def _observed_sentences(payload: Mapping) -> list[str]:
    observed = payload.get("observed") or {}
    scope = (payload.get("scope") or {}).get("unit_name") or ""
    baseline, latest = observed.get("baseline_rate"), observed.get("latest_rate")
    if not _finite(baseline) or not _finite(latest):
        return [_("The observed online dossier rate is not available for the start and the end of the period.")]
    values = {
        "scope": scope,
        "baseline": format_percent(baseline),
        "baseline_period": format_months(observed.get("baseline_period")),
        "latest": format_percent(latest),
        "latest_period": format_months(observed.get("latest_period")),
    }
    if format_percent(baseline) == format_percent(latest):
        return [_("In %(scope)s, the online dossier rate stayed at %(latest)s (%(latest_period)s).") % values]
    if latest > baseline:
        sentence = _(
            "In %(scope)s, the online dossier rate rose from %(baseline)s (%(baseline_period)s) to %(latest)s "
            "(%(latest_period)s)."
        )
    else:
        sentence = _(
            "In %(scope)s, the online dossier rate fell from %(baseline)s (%(baseline_period)s) to %(latest)s "
            "(%(latest_period)s)."
        )
    return [sentence % values]


def _no_estimate_sentences(payload: Mapping) -> list[str]:
    sentences = [_("The effect of the campaign cannot be estimated from these data.")]
    reasons = [str(w.get("message") or "").strip() for w in payload.get("warnings") or []]
    reasons = [reason.rstrip(".") for reason in reasons if reason]
    if reasons:
        sentences.append(_("Reason: %(reasons)s.") % {"reasons": "; ".join(reasons)})
    sentences.append(_("The figures shown are observed changes only, not the effect of the campaign."))
    return sentences


WIDE_INTERVAL = 0.05  # a range wider than 5 points gets a sentence saying why


def effect_verdict(headline: Mapping | None) -> str:
    """ "rise", "fall" (the whole range on one side of zero), "unclear", or "none" when nothing was estimated."""
    if not headline or not _finite(headline.get("att")):
        return "none"
    ci = interval(headline)
    if ci is not None and ci[0] > 0:
        return "rise"
    if ci is not None and ci[1] < 0:
        return "fall"
    return "unclear"


def _why_wide(headline: Mapping) -> str:
    return _(
        "The range is wide because only %(treated)s units were reached, in %(rounds)s rounds, and a unit's monthly "
        "rate moves by several points on its own."
    ) % {"treated": format_number(headline.get("treated_units")), "rounds": format_number(headline.get("cohorts"))}


def _why_no_range(headline: Mapping) -> str:
    return _(
        "No range can be given because only %(treated)s units were reached, in %(rounds)s rounds: there are too few "
        "ways of choosing them to compare with."
    ) % {"treated": format_number(headline.get("treated_units")), "rounds": format_number(headline.get("cohorts"))}


def _effect_sentences(payload: Mapping, headline: Mapping) -> list[str]:
    """The effect and how sure it is, additional dossiers, and the check of the trends before the campaign."""
    verdict = effect_verdict(headline)
    return [
        *_verdict_sentences(headline, verdict),
        *_extra_dossiers_sentences(payload, verdict),
        *_pretrend_sentences(headline, verdict),
    ]


def _verdict_sentences(headline: Mapping, verdict: str) -> list[str]:
    """The estimate with its range, why the range is wide or missing, and the smallest effect that would show."""
    att = headline.get("att")
    ci = interval(headline)
    values = {
        "effect": format_points(abs(att)),
        "signed_effect": format_points(att),
        "range": format_range(*ci) if ci else "",
        "comparison": comparison_label(headline),
    }
    sentences = []
    if verdict == "rise":
        sentences.append(
            _(
                "The online rate of the reached units rose clearly after they were reached: about %(effect)s "
                "percentage points above what it would have been without the campaign (plausible range: %(range)s "
                "points, judged against %(comparison)s)."
            )
            % values
        )
    elif verdict == "fall":
        sentences.append(
            _(
                "The online rate of the reached units fell clearly compared with %(comparison)s: about %(effect)s "
                "percentage points below what it would have been (plausible range: %(range)s points)."
            )
            % values
        )
    elif ci is None:
        sentences.append(
            _(
                "Not enough evidence yet to say what the campaign changed: the estimate is %(signed_effect)s "
                "percentage points, but this rollout gives too few comparisons to put a range on it."
            )
            % values
        )
    else:
        sentences.append(
            _(
                "Not enough evidence yet to say that the campaign changed the online rate: the estimate is "
                "%(signed_effect)s percentage points, and anything from %(range)s points fits the data."
            )
            % values
        )
    if ci is None:
        sentences.append(_why_no_range(headline))
    elif ci[1] - ci[0] > WIDE_INTERVAL:
        sentences.append(_why_wide(headline))
    mde = headline.get("mde80")
    if _finite(mde) and verdict not in ("rise", "fall"):
        sentences.append(
            _("With this rollout, only a change of about %(mde)s percentage points or more would show clearly.")
            % {"mde": format_points(mde)}
        )
    return sentences


def _extra_dossiers_sentences(payload: Mapping, verdict: str) -> list[str]:
    sentences = []
    extra = payload.get("extra_online_dossiers")
    if extra and _finite(extra.get("estimate")):
        extra_ci = interval(extra)
        extra_values = {
            "estimate": format_number(extra["estimate"]),
            "range": format_range(*extra_ci, formatter=format_number) if extra_ci else "",
        }
        if verdict == "rise" and extra_ci:
            sentences.append(
                _("That is about %(estimate)s additional online dossiers (plausible range: %(range)s).") % extra_values
            )
        elif extra_ci:
            sentences.append(_("Between %(range)s additional online dossiers fit the data.") % extra_values)
    return sentences


def _pretrend_sentences(headline: Mapping, verdict: str) -> list[str]:
    """Whether the reached units were already moving apart before the campaign, and how far the finding holds."""
    sentences = []
    pretrend = headline.get("pretrend") or {}
    p_value = pretrend.get("p_value")
    if not _finite(p_value):
        sentences.append(_("The months before the campaign are too few to check the trends before it."))
    elif float(p_value) < PRETEST_LEVEL:
        sentences.append(
            _(
                "Before the campaign, the reached units were already moving differently from the others: the "
                "result needs caution."
            )
        )
    else:
        sentences.append(
            _(
                "Before the campaign, no clear difference in trend was seen between the reached units and the "
                "others; this does not prove that they would have moved alike afterwards."
            )
        )
    breakdown = pretrend.get("breakdown")
    if verdict in ("rise", "fall") and _finite(breakdown):
        sentences.append(
            _(
                "The conclusion holds unless the gap between them was already growing by more than %(slope)s "
                "percentage points a month."
            )
            % {"slope": format_points(breakdown, 2)}
        )
    return sentences


def _channel_item(channel: Mapping) -> str:
    ci = interval(channel)
    return _("%(channel)s (%(effect)s percentage points per %(per)s, 95 %% interval: %(interval)s)") % {
        "channel": channel_name(channel),
        "effect": format_points(channel.get("effect_per_100")),
        "per": format_number(channel_per(channel)),
        "interval": format_range(*ci) if ci else _("not available"),
    }


def _channel_sentences(payload: Mapping) -> list[str]:
    channels = [c for c in payload.get("channels") or [] if _finite(c.get("effect_per_100"))]
    if not channels:
        return []
    higher = [c for c in channels if excludes_zero(c) and c["effect_per_100"] > 0]
    lower = [c for c in channels if excludes_zero(c) and c["effect_per_100"] < 0]
    unclear = [c for c in channels if not excludes_zero(c)]
    sentences = []
    if higher:
        items = "; ".join(_channel_item(c) for c in sorted(higher, key=lambda c: -c["effect_per_100"]))
        sentences.append(_("Activities associated with a higher online rate: %(items)s.") % {"items": items})
    if lower:
        items = "; ".join(_channel_item(c) for c in sorted(lower, key=lambda c: c["effect_per_100"]))
        sentences.append(_("Activities associated with a lower online rate: %(items)s.") % {"items": items})
    if unclear:
        names = ", ".join(channel_name(c) for c in unclear)
        if higher or lower:
            sentence = _("No clear association with the online rate for: %(names)s.")
        else:
            sentence = _("None of the activities is clearly associated with the online rate (%(names)s).")
        sentences.append(sentence % {"names": names})
    sentences.append(
        _(
            "These are associations, not proof of cause: activities often happen together with other changes in "
            "the same units."
        )
    )
    return sentences


def sentences(payload: Mapping) -> list[str]:
    """The narrative's sentences in the active language."""
    result = _observed_sentences(payload)
    headline = payload.get("effect")
    if effect_verdict(headline) == "none":
        return result + _no_estimate_sentences(payload)
    return result + _effect_sentences(payload, headline) + _channel_sentences(payload)


def public_sentences(payload: Mapping) -> list[str]:
    """What citizens read on a campaign page, in the active language: what was observed and the headline effect in
    plain words; the per-channel figures with their confidence intervals stay in the report for staff."""
    headline = payload.get("effect")
    if effect_verdict(headline) == "none":
        return []
    return _observed_sentences(payload) + _effect_sentences(payload, headline)


def narrative(payload: Mapping) -> dict[str, str]:
    """The summary in Vietnamese and in English: {"vi": "...", "en": "..."}."""
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = " ".join(sentences(payload))
    return texts


def narrative_text(payload: Mapping) -> str:
    """The summary in the active language (Vietnamese for any language other than English)."""
    language = "en" if translation.get_language() == "en" else "vi"
    with translation.override(language):
        return " ".join(sentences(payload))
