"""End to end: statistics and activities imported through the commands, then ``campaign_impact``."""

import datetime
import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from campaigns.impact.analysis.effect import METHOD, estimate_effect
from campaigns.impact.cache import impact_result_refresh
from campaigns.impact.panel import RuleSpec, build_panel
from campaigns.impact.report import effect_inputs
from campaigns.models import Target

from .conftest import EFFECT, TRAINED

SCHEMA = json.loads((Path(__file__).parents[3] / "campaigns" / "impact" / "schema.json").read_text())


def run(*args) -> str:
    out = io.StringIO()
    call_command("campaign_impact", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_json_report_validates_and_finds_the_planted_effect(imported):
    payload = json.loads(run("--campaign", "tl-test", "--format", "json"))
    jsonschema.validate(payload, SCHEMA)
    assert payload["scope"]["units"] == 13
    assert payload["scope"]["treated_units"] == 6
    assert payload["scope"]["never_treated_units"] == 7
    assert payload["window"] == {"start": "2021-04", "end": "2023-12"}
    overall = payload["did"]["overall"]
    assert abs(overall["att"] - EFFECT) < 3 * overall["se"] + 0.005
    assert overall["ci95"][0] < EFFECT < overall["ci95"][1] or abs(overall["att"] - EFFECT) < 0.005
    # The naive before/after change of the whole scope carries the trend and the mix of reached and not.
    assert payload["observed"]["change_pp"] > 0.15
    # Pre-periods near zero, and the pre-trend test does not reject on a clean panel.
    pre = [row for row in payload["did"]["event_study"] if row["e"] < 0]
    assert pre and all(abs(row["att"]) < 0.01 for row in pre)
    assert payload["did"]["pretest"]["p_value"] > 0.01
    assert {row["group"] for row in payload["did"]["by_group"]} == {"2022-04", "2022-06", "2022-09"}
    extra = payload["extra_online_dossiers"]
    assert extra["ci95"][0] < extra["estimate"] < extra["ci95"][1]
    # Each trained commune: 1000 dossiers a month × 10 points from its class month to 12/2023.
    months_reached = sum(12 * 2023 + 12 - (12 * 2022 + month) + 1 for month in TRAINED.values())
    assert abs(extra["estimate"] - 100 * months_reached) < 0.1 * 100 * months_reached
    assert payload["counterfactual"] and all(
        row["without_campaign"] < row["observed"] for row in payload["counterfactual"]
    )
    # The headline is estimate_effect's, and it finds the planted effect with a range that covers it.
    headline = payload["effect"]
    assert headline["method"] == METHOD
    assert headline["ci95"][0] < EFFECT < headline["ci95"][1]
    assert abs(headline["att"] - EFFECT) < 0.01
    assert extra == {key: headline["extra_online_dossiers"][key] for key in ("estimate", "ci95")}
    assert all(warning["message"] for warning in payload["warnings"])
    target = payload["targets"][0]
    assert target["indicator"] == "online_rate" and target["target"] == pytest.approx(0.30)
    assert target["verdict"] in {"reached", "not_reached", "too_close"}


@pytest.mark.django_db
def test_json_headline_is_a_direct_call_of_estimate_effect(imported):
    """Report, JSON and stored results carry exactly what estimate_effect returns for the same panel."""
    payload = json.loads(run("--campaign", "tl-test", "--format", "json"))
    campaign = imported
    start, end = datetime.date(2021, 4, 1), datetime.date(2023, 12, 1)
    rules = [
        RuleSpec(rule.channel, float(rule.minimum), rule.per_thousand_dossiers) for rule in campaign.reach_rules.all()
    ]
    panel = build_panel(root=campaign.unit, scope_ids=[campaign.unit_id], start=start, end=end, rules=rules)
    arguments, options = effect_inputs(panel)
    direct = estimate_effect(*arguments, control=campaign.control_group, **options)
    headline = payload["effect"]
    for key in ("att", "ci95", "p_value", "mde80", "schedules", "method", "control"):
        assert (
            headline[key] == pytest.approx(direct[key])
            if isinstance(direct[key], float)
            else headline[key] == direct[key]
        )
    assert headline["extra_online_dossiers"]["estimate"] == pytest.approx(direct["extra_online_dossiers"]["estimate"])
    assert [row["e"] for row in headline["event_study"]] == [row["e"] for row in direct["event_study"]]
    stored = impact_result_refresh(campaign=campaign).payload["effect"]
    assert stored["att"] == pytest.approx(direct["att"]) and stored["ci95"] == pytest.approx(direct["ci95"])
    assert payload["narrative"]["vi"] and payload["narrative"]["en"]


@pytest.mark.django_db
def test_scope_mode_and_not_yet_controls(imported):
    payload = json.loads(
        run(
            "--scope", "599", "--start", "2021-01", "--end", "2023-12", "--channels", "training", "--control", "notyet"
        )
    )
    jsonschema.validate(payload, SCHEMA)
    assert payload["campaign"] is None
    assert payload["did"]["control"] == "notyet"
    assert payload["treatment_rule"]["channels"] == ["training"]
    assert abs(payload["did"]["overall"]["att"] - EFFECT) < 3 * payload["did"]["overall"]["se"] + 0.005


@pytest.mark.django_db
def test_leaflets_per_thousand_rule_changes_who_is_reached(imported):
    rule = imported.reach_rules.get()
    rule.channel, rule.minimum, rule.per_thousand_dossiers = "leaflet", 500, True
    rule.save()  # 200 leaflets for 1.000 dossiers = 200 per 1.000: below 500, nobody is reached
    payload = json.loads(run("--campaign", "tl-test"))
    assert payload["scope"]["treated_units"] == 0
    assert payload["did"] is None and payload["effect"] is None
    assert "effect_no_treated" in {warning["code"] for warning in payload["warnings"]}
    jsonschema.validate(payload, SCHEMA)


@pytest.mark.django_db
def test_text_pdf_and_xlsx_outputs(imported, tmp_path):
    text = run("--campaign", "tl-test", "--format", "text")
    assert "tl-test" in text or "Tánh Linh" in text
    pdf = tmp_path / "bao-cao.pdf"
    run("--campaign", "tl-test", "--format", "pdf", "--output", str(pdf))
    reader = PdfReader(pdf)
    content = "".join(page.extract_text() for page in reader.pages)
    assert "Tánh Linh" in content
    xlsx = tmp_path / "bao-cao.xlsx"
    run("--campaign", "tl-test", "--format", "xlsx", "--output", str(xlsx))
    assert len(load_workbook(xlsx).sheetnames) >= 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--campaign"),
        (("--campaign", "khong-co"), "khong-co"),
        (("--campaign", "tl-test", "--scope", "599"), "--scope"),
        (("--scope", "599", "--start", "2021-01"), "--end"),
        (("--scope", "99999", "--start", "2021-01", "--end", "2021-12"), "99999"),
        (("--scope", "599", "--start", "2021-13", "--end", "2021-12"), "2021-13"),
        (("--scope", "599", "--start", "2022-01", "--end", "2021-12"), ""),
        (("--scope", "599", "--start", "2021-01", "--end", "2021-12", "--channels", "bồ câu"), "bồ câu"),
        (("--campaign", "tl-test", "--format", "pdf"), "--output"),
        (("--scope", "599", "--start", "2030-01", "--end", "2030-12"), "2030"),
    ],
)
def test_bad_options_give_a_clear_message(imported, args, message):
    with pytest.raises(CommandError) as error:
        call_command("campaign_impact", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert message in str(error.value)


@pytest.mark.django_db
@pytest.mark.usefixtures("catalogue")
def test_scope_without_statistics_is_a_clear_error():
    with pytest.raises(CommandError) as error:
        call_command(
            "campaign_impact", "--scope", "829", "--start", "2020-01", "--end", "2020-12", stdout=io.StringIO()
        )
    assert "thống kê" in str(error.value) or "statistics" in str(error.value)


@pytest.mark.django_db
def test_a_target_due_later_is_not_yet_due_whatever_the_current_rate(imported):
    Target.objects.create(campaign=imported, indicator="online_rate", value=0.9, deadline=datetime.date(2030, 12, 31))
    Target.objects.create(campaign=imported, indicator="classes", value=50, deadline=datetime.date(2030, 12, 31))
    payload = json.loads(run("--campaign", "tl-test", "--format", "json"))
    later = [target for target in payload["targets"] if target["deadline"] == "2030-12-31"]
    assert [target["verdict"] for target in later] == ["not_yet_due", "not_yet_due"]
    assert later[0]["value"] is not None and later[0]["ci95"] is not None  # the current value is still shown
    due = [target for target in payload["targets"] if target["deadline"] == "2023-12-31"]
    assert due[0]["verdict"] in {"reached", "not_reached", "too_close"}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["text", "xlsx", "pdf"])
def test_no_p_value_and_no_internal_code_reaches_a_leader(imported, tmp_path, fmt):
    output = tmp_path / f"report.{fmt}"
    run("--campaign", "tl-test", "--format", fmt, "--output", str(output))
    if fmt == "text":
        text = output.read_text(encoding="utf-8")
    elif fmt == "xlsx":
        workbook = load_workbook(output)
        text = " ".join(
            str(cell.value)
            for sheet in workbook
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        )
    else:
        text = " ".join(page.extract_text() for page in PdfReader(output).pages)
    payload = json.loads(run("--campaign", "tl-test", "--format", "json"))
    lowered = text.lower()
    assert "p =" not in lowered and "p-value" not in lowered and "giá trị p" not in lowered
    for warning in payload["warnings"]:
        assert warning["code"] not in text
    for code in ("small_cohort", "too_few_periods", "few_controls", "pretest", "imputation-randomisation"):
        assert code not in text


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["toan-quoc", " TOAN-QUOC "])
def test_the_whole_country_as_scope(imported, code, monkeypatch):
    # The national report itself is measured by bench/national_report.py (10.035 communes): here, that the command
    # asks for every province, old and new, and names the scope.
    from campaigns.impact import report
    from campaigns.management.commands import campaign_impact

    asked = {}

    def impact_report(**options):
        asked.update(options)
        root, scope_ids, _rules, _control = report._settings(None, options["scope"], None, None)
        return {"scope": {"unit_code": root.code, "unit_name": root.name, "units": len(scope_ids)}}

    monkeypatch.setattr(campaign_impact, "impact_report", impact_report)
    payload = json.loads(run("--scope", code, "--start", "2022-01", "--end", "2022-12", "--channels", "training"))
    assert isinstance(asked["scope"], report.Nation)
    assert (asked["start"], asked["end"]) == (datetime.date(2022, 1, 1), datetime.date(2022, 12, 1))
    assert payload["scope"] == {"unit_code": "toan-quoc", "unit_name": "Toàn quốc", "units": 63 + 34}


@pytest.mark.django_db
def test_the_whole_country_is_no_unit_code_for_a_campaign_or_a_typo(imported):
    with pytest.raises(CommandError, match="Không có đơn vị hành chính nào mang mã “toan-quoc-x”"):
        run("--scope", "toan-quoc-x", "--start", "2021-01", "--end", "2023-12")
    with pytest.raises(CommandError, match="--scope cần kèm --start"):
        run("--scope", "toan-quoc")
