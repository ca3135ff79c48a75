import io
import logging
import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from campaigns.access.roles import Role
from campaigns.models import ImpactResult
from tests.factories.campaigns import hanoi_2022, management_form
from tests.factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
# Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard and a message.
REFUSED = (302, 403)


def _login(client, role, *scopes):
    user = UserFactory(role=role, scopes=list(scopes))
    client.force_login(user)
    return user


def test_leader_in_scope_sees_the_report_with_charts_and_downloads(client, imported):
    _login(client, Role.LEADER, unit("599", current=False))
    index = client.get(reverse("campaign_impact_index"))
    assert index.status_code == 200
    assert "Tánh Linh (kiểm thử)" in index.content.decode()
    cells = re.sub(r"\s*([<>])\s*", r"\1", index.content.decode())
    report_url = reverse("campaign_impact", args=[imported.pk])
    assert f'<td><a href="{report_url}">{imported.name}</a><br><small>12/KH-UBND</small></td>' in cells
    assert "<td>01/04/2022 – 31/12/2022</td>" in cells
    assert "<td>—</td><td>chưa tính</td>" in cells  # not computed yet: no effect, no time
    results = client.get(reverse("campaign_impact_index_results"))
    assert results.status_code == 200 and report_url in results.content.decode()
    response = client.get(reverse("campaign_impact", args=[imported.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert response.context["headline"]["att"] > 0.05
    assert response.context["payload"]["did"]["overall"]["att"] > 0.05  # the cross-check agrees
    assert escape(response.context["payload"]["narrative"]["vi"]) in text
    assert ImpactResult.objects.filter(campaign=imported).count() == 1
    for kind in ("counterfactual", "event-study"):
        chart = client.get(reverse("campaign_impact_chart", args=[imported.pk, kind]))
        assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")
    pdf = client.get(reverse("campaign_impact_download", args=[imported.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("campaign_impact_download", args=[imported.pk, "xlsx"]))
    assert xlsx.status_code == 200
    assert "attachment" in xlsx["Content-Disposition"]


def test_cached_report_is_reused_and_recomputed_when_data_change(
    client, imported, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from .conftest import write_statistics

    _login(client, Role.LEADER, unit("599", current=False))
    client.get(reverse("campaign_impact", args=[imported.pk]))
    first = ImpactResult.objects.get(campaign=imported)
    client.get(reverse("campaign_impact", args=[imported.pk]))
    assert ImpactResult.objects.get(campaign=imported).computed_at == first.computed_at
    # New figures (no effect at all) arrive through the import: the stored report is recomputed.
    path = tmp_path / "moi.csv"
    write_statistics(path, effect=0.0, seed=8)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_statistics", str(path), stdout=None)
    second = ImpactResult.objects.get(campaign=imported)
    assert second.fingerprint != first.fingerprint
    assert second.payload["did"]["overall"]["ci95"][0] < 0.03


def test_users_without_the_report_permission_are_refused(client, imported, caplog):
    _login(client, Role.TRAINER, unit("599", current=False))
    with caplog.at_level(logging.WARNING):
        assert client.get(reverse("campaign_impact_index")).status_code in REFUSED
        assert client.get(reverse("campaign_impact", args=[imported.pk])).status_code in REFUSED
        assert client.get(reverse("campaign_impact_download", args=[imported.pk, "pdf"])).status_code in REFUSED
    assert not ImpactResult.objects.exists()


def test_campaign_outside_the_users_scope_is_refused(client, imported):
    _login(client, Role.UNIT_OFFICER, unit("42"))
    assert imported.name not in client.get(reverse("campaign_impact_index")).content.decode()
    for url in (
        reverse("campaign_impact", args=[imported.pk]),
        reverse("campaign_impact_chart", args=[imported.pk, "counterfactual"]),
        reverse("campaign_impact_download", args=[imported.pk, "xlsx"]),
    ):
        assert client.get(url).status_code in REFUSED
    assert not ImpactResult.objects.exists()


def test_unit_officer_in_scope_and_communications_may_read(client, imported):
    _login(client, Role.UNIT_OFFICER, unit("599", current=False))
    assert client.get(reverse("campaign_impact", args=[imported.pk])).status_code == 200
    _login(client, Role.COMMUNICATIONS, unit("60", current=False))
    assert client.get(reverse("campaign_impact", args=[imported.pk])).status_code == 200


def test_unknown_download_kind_and_campaign(client, imported):
    _login(client, Role.LEADER, unit("599", current=False))
    client.get(reverse("campaign_impact", args=[imported.pk]))
    assert client.get(reverse("campaign_impact_download", args=[imported.pk, "exe"])).status_code == 404
    assert client.get(reverse("campaign_impact_chart", args=[imported.pk, "pie"])).status_code == 404
    assert client.get(reverse("campaign_impact", args=[999999])).status_code == 404


def test_leader_edits_a_campaign_with_targets_in_the_admin(client, imported):
    _login(client, Role.LEADER, unit("599", current=False))
    url = reverse("campaigns:edit", args=[imported.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "reach_rules-TOTAL_FORMS" in response.content.decode()


def test_trainer_cannot_edit_campaigns(client, imported):
    _login(client, Role.TRAINER, unit("599", current=False))
    response = client.get(reverse("campaigns:edit", args=[imported.pk]))
    assert response.status_code in (302, 403)


def test_report_xlsx_has_number_cells(client, imported, tmp_path):
    _login(client, Role.LEADER, unit("599", current=False))
    client.get(reverse("campaign_impact", args=[imported.pk]))
    content = client.get(reverse("campaign_impact_download", args=[imported.pk, "xlsx"])).content
    path = tmp_path / "r.xlsx"
    path.write_bytes(content)
    book = load_workbook(path)
    numbers = [
        cell.value for sheet in book for row in sheet.iter_rows() for cell in row if isinstance(cell.value, float)
    ]
    assert numbers


def test_campaign_without_statistics_shows_a_message_not_an_error(client):
    import datetime

    from campaigns.models import Campaign

    campaign = Campaign.objects.create(
        name="Bến Tre (kiểm thử)", slug="bt-test", unit=unit("829", current=False),
        starts_on=datetime.date(2020, 9, 16), ends_on=datetime.date(2020, 12, 31),
    )  # fmt: skip
    _login(client, Role.LEADER, unit("829", current=False))
    response = client.get(reverse("campaign_impact", args=[campaign.pk]))
    assert response.status_code == 200
    assert "Chưa có số liệu thống kê hồ sơ hằng tháng cho phạm vi này." in response.content.decode()
    # What can be said is stored (computed once by the worker, made stale by an import of its statistics).
    stored = ImpactResult.objects.get(campaign=campaign)
    assert stored.payload["unavailable"]["code"] and stored.payload["effect"] is None
    # Its PDF exists: it says why no effect can be estimated, from the stored report (not computed again).
    pdf = client.get(reverse("campaign_impact_download", args=[campaign.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert ImpactResult.objects.get(campaign=campaign).computed_at == stored.computed_at


def test_stored_report_says_why_when_its_data_are_gone(client, imported):
    from campaigns.impact.tasks import refresh_impact
    from campaigns.models import DossierStatistic

    _login(client, Role.LEADER, unit("599", current=False))
    client.get(reverse("campaign_impact", args=[imported.pk]))
    DossierStatistic.objects.all().delete()
    refresh_impact.enqueue(imported.pk)
    stored = ImpactResult.objects.get(campaign=imported)
    assert stored.payload["effect"] is None and stored.payload["unavailable"]["code"]
    page = client.get(reverse("campaign_impact", args=[imported.pk]))
    assert page.context["error"] == stored.payload["unavailable"]["message"]


def test_cached_report_runs_a_fixed_number_of_queries(client, imported, django_assert_max_num_queries):
    _login(client, Role.LEADER, unit("599", current=False))
    url = reverse("campaign_impact", args=[imported.pk])
    client.get(url)
    computed_at = ImpactResult.objects.get().computed_at
    # Session, user, permissions, the campaign, the check that all its units lie in the viewer's scope (its scope
    # units, the viewer's scope), the stored result and the data fingerprint (statistics aggregate, the seven
    # exposure queries, rules, targets, settings, the measurement plan) and the admin menu (with its background-jobs
    # item): the same whatever the number of units.
    with django_assert_max_num_queries(42) as captured:
        assert client.get(url).status_code == 200
    assert ImpactResult.objects.get().computed_at == computed_at
    assert len(captured.captured_queries) == 41, "\n".join(query["sql"][:100] for query in captured.captured_queries)


def _campaign_form(campaign, **changes):
    data = {
        "name": campaign.name,
        "slug": campaign.slug,
        "unit": str(campaign.unit_id),
        "plan_number": "",
        "plan_date": "",
        "issuing_body": "",
        "starts_on": "01/04/2022",
        "ends_on": "31/12/2022",
        "status": "active",
        "objectives": "",
        "partners": "",
        "budget": "",
        "description": "",
        "control_group": "never",
        **management_form("reach_rules", 1),
        "reach_rules-0-channel": "leaflet",
        "reach_rules-0-minimum": "50",
        "reach_rules-0-per_thousand_dossiers": "on",
        "reach_rules-0-ORDER": "1",
        **management_form("targets", 1),
        "targets-0-indicator": "online_rate",
        "targets-0-preset": "new_rural_advanced",
        "targets-0-value": "",
        "targets-0-deadline": "31/12/2023",
        "targets-0-ORDER": "1",
        **management_form("reported_figures"),
    }
    data.update(changes)
    return data


def test_leader_saves_plan_rules_and_targets_and_bad_input_writes_nothing(client, imported):
    _login(client, Role.LEADER, unit("599", current=False))
    imported.reach_rules.all().delete()
    imported.targets.all().delete()
    url = reverse("campaigns:edit", args=[imported.pk])
    bad = client.post(url, _campaign_form(imported, plan_number="3510/XYZ-UBND", **{"targets-0-value": "130"}))
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "3510/XYZ-UBND" in text and "Nghị định 30/2020" in text
    imported.refresh_from_db()
    assert imported.plan_number == "12/KH-UBND"
    assert not imported.reach_rules.exists() and not imported.targets.exists()
    good = client.post(url, _campaign_form(imported, plan_number="Số: 45/kh-ubnd"))
    assert good.status_code == 302
    imported.refresh_from_db()
    assert imported.plan_number == "45/KH-UBND"
    rule = imported.reach_rules.get()
    assert (rule.channel, rule.minimum, rule.per_thousand_dossiers) == ("leaflet", 50, True)
    assert imported.targets.get().preset == "new_rural_advanced"


def test_recompute_button_queues_a_new_report_for_allowed_users_only(client, imported):
    url = reverse("campaign_impact", args=[imported.pk])
    _login(client, Role.LEADER, unit("599", current=False))
    client.get(url)
    first = ImpactResult.objects.get().computed_at
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    assert ImpactResult.objects.get().computed_at > first  # the immediate task backend of the tests ran it
    _login(client, Role.TRAINER, unit("599", current=False))
    assert client.post(url).status_code in REFUSED
    _login(client, Role.UNIT_OFFICER, unit("42"))
    assert client.post(url).status_code in REFUSED
    assert ImpactResult.objects.count() == 1


def test_a_campaign_without_monthly_statistics_still_has_its_pdf_and_xlsx(client, imported):
    """No effect can be estimated: the downloads say why and show the targets and figures as reported."""
    import datetime

    from campaigns.models import ReportedFigure

    campaign = hanoi_2022()  # its target of 50 % reported at 13 %
    ReportedFigure.objects.create(
        campaign=campaign,
        label="Hồ sơ trực tuyến",
        value=33.12,
        is_percent=True,
        period_start=datetime.date(2022, 10, 1),
        period_end=datetime.date(2022, 10, 31),
        source="Báo cáo của tỉnh",
    )
    _login(client, Role.LEADER, unit("01", current=False))
    page = client.get(reverse("campaign_impact", args=[campaign.pk]))
    assert page.status_code == 200 and page.context["error"]
    pdf = client.get(reverse("campaign_impact_download", args=[campaign.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("campaign_impact_download", args=[campaign.pk, "xlsx"]))
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    cells = " ".join(
        str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None
    )
    assert "33,12 %" in cells and "Báo cáo của tỉnh" in cells
    assert "%%" not in cells
    reported = [row for sheet in workbook for row in sheet.iter_rows(values_only=True) if 0.13 in row and 0.5 in row]
    assert reported  # the target's reported 13 % next to its 50 %, as numbers
    assert "unavailable" in ImpactResult.objects.get(campaign=campaign).payload


def test_unit_table_is_paginated_and_searchable(client, imported, monkeypatch):
    from campaigns.impact.views import ImpactReportView

    monkeypatch.setattr(ImpactReportView, "UNITS_PER_PAGE", 5)
    _login(client, Role.LEADER, unit("599", current=False))
    url = reverse("campaign_impact", args=[imported.pk])
    first = client.get(url)
    page = first.context["units_page"]
    assert page.paginator.count == 13 and page.paginator.num_pages == 3 and len(page.rows) == 5
    assert "trang 1 / 3" in first.content.decode()
    last = client.get(url, {"p": "3"}).context["units_page"]
    assert len(last.rows) == 3
    # Out of range or malformed page numbers give a page, never an error.
    assert client.get(url, {"p": "999"}).context["units_page"].number == 3
    assert client.get(url, {"p": "abc"}).context["units_page"].number == 1
    # By code, and by name without accents.
    by_code = client.get(url, {"q": "23149"}).context["units_page"]
    assert [row["code"] for row in by_code.rows] == ["23149"]
    name = by_code.rows[0]["name"]
    from campaigns.core.text import fold

    by_name = client.get(url, {"q": fold(name).upper()}).context["units_page"]
    assert "23149" in [row["code"] for row in by_name.rows]
    # A hostile search is shown back escaped and finds nothing.
    hostile = client.get(url, {"q": '<script>alert("x")</script>' + "a" * 500})
    body = hostile.content.decode()
    assert hostile.status_code == 200 and "<script>alert" not in body
    assert "Không có đơn vị nào khớp với tìm kiếm này." in body


def _stored_page_queries(client, url) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # computes the report (immediate task backend) when the data changed
    cache.clear()  # no recent check to reuse: the fingerprint is read in full
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_stored_page_queries_do_not_grow_with_the_units(client, imported, tmp_path):
    from django.core.management import call_command

    from campaigns.models import DossierStatistic

    _login(client, Role.LEADER, unit("60", current=False))
    url = reverse("campaign_impact", args=[imported.pk])
    small = _stored_page_queries(client, url)
    assert ImpactResult.objects.get(campaign=imported).payload["scope"]["units"] == 13
    # The campaign widened to a second district whose twelve communes have statistics: 25 units, the same queries.
    codes = [
        "23191",
        "23194",
        "23197",
        "23200",
        "23203",
        "23206",
        "23212",
        "23215",
        "23218",
        "23221",
        "23224",
        "23227",
    ]
    path = tmp_path / "duc-linh.csv"
    path.write_text(
        "Mã ĐVHC,Kỳ,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n"
        + "".join(f"{code},{month:02d}/{year},{100 + month},300\n" for code in codes for year in (2021, 2022, 2023)
                  for month in range(1, 13)),
        encoding="utf-8",
    )  # fmt: skip
    call_command("import_statistics", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    imported.scope_units.add(unit("600", current=False))
    imported.save()
    assert DossierStatistic.objects.filter(unit__code__in=codes).count() == 12 * 36
    large = _stored_page_queries(client, url)
    assert ImpactResult.objects.get(campaign=imported).payload["scope"]["units"] == 25
    assert large == small


def test_a_page_view_reuses_a_recent_check_until_an_import_or_a_new_report(client, imported):
    from campaigns.impact.tasks import figures_changed_receiver
    from campaigns.models import DossierStatistic

    _login(client, Role.LEADER, unit("599", current=False))
    url = reverse("campaign_impact", args=[imported.pk])
    client.get(url)
    first = ImpactResult.objects.get(campaign=imported)
    assert client.get(url).context["current"] is True
    # A figure changed by hand, outside an import: the page trusts the check of the last minute.
    DossierStatistic.objects.filter(unit__code="23149").update(received_online=0)
    assert client.get(url).context["current"] is True
    assert ImpactResult.objects.get(campaign=imported).computed_at == first.computed_at
    # An import says figures changed: the next view checks again and the report is recomputed (immediate backend).
    figures_changed_receiver(sender=None)
    client.get(url)
    second = ImpactResult.objects.get(campaign=imported)
    assert second.computed_at > first.computed_at and second.fingerprint != first.fingerprint
    assert client.get(url).context["current"] is True


@pytest.mark.parametrize(
    "page",
    ["-1", "0", "abc", "1.5", "9" * 400, "1 OR 1=1", "1;DROP TABLE campaigns_impactresult", "%00", "<b>2</b>", ""],
)
def test_unit_table_pages_answer_any_page_number_cleanly(client, imported, monkeypatch, page):
    from campaigns.impact.views import ImpactReportView

    monkeypatch.setattr(ImpactReportView, "UNITS_PER_PAGE", 5)
    _login(client, Role.LEADER, unit("599", current=False))
    url = reverse("campaign_impact", args=[imported.pk])
    client.get(url)
    response = client.get(url, {"p": page})
    assert response.status_code == 200
    shown = response.context["units_page"]
    assert shown.number in (1, 3) and len(shown.rows) in (5, 3)
    assert "<b>2</b>" not in response.content.decode()
    assert ImpactResult.objects.count() == 1


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        "23149'; DROP TABLE campaigns_impactresult; --",
        '"><img src=x onerror=alert(1)>',
        "{{ request.user.password }}",
        "%",
        "_",
        "\x00",
        "Xã" * 1000,
    ],
)
def test_unit_table_search_treats_hostile_text_as_text(client, imported, query):
    _login(client, Role.LEADER, unit("599", current=False))
    url = reverse("campaign_impact", args=[imported.pk])
    client.get(url)
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["units_page"].paginator.count == 0
    assert "<img src=x" not in body and "onerror=alert(1)>" not in body
    assert ImpactResult.objects.count() == 1
