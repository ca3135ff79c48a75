import datetime

import numpy as np
import pytest

from campaigns.core.months import index_label, month_index
from campaigns.impact.panel import RuleSpec, build_panel
from campaigns.models import AdministrativeUnit, DossierStatistic
from tests.campaigns.statistics.test_indicators import stat
from tests.factories.users import unit

from .conftest import TRAINED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def test_month_ordinals_are_consecutive_across_years():
    assert month_index(datetime.date(2022, 1, 1)) - month_index(datetime.date(2021, 12, 1)) == 1
    assert index_label(month_index(datetime.date(2022, 4, 15))) == "2022-04"


def test_panel_of_an_old_district_reads_counts_and_reach(imported):
    district = unit("599", current=False)
    panel = build_panel(
        root=district,
        scope_ids=[district.pk],
        start=datetime.date(2021, 1, 1),
        end=datetime.date(2023, 12, 1),
        rules=[RuleSpec("training", 1)],
    )
    assert len(panel.units) == 13 and len(panel.months) == 36
    assert panel.reported.all()
    assert (panel.total == 1000).all()
    lac_tanh = [u.code for u in panel.units].index("23149")
    stored = DossierStatistic.objects.get(unit__code="23149", unit__valid_to__isnull=False, period_start="2022-05-01")
    assert panel.online[lac_tanh, 16] == stored.received_online
    reached = {u.code: index_label(int(m)) for u, m in zip(panel.units, panel.first_reached, strict=True) if m}
    assert reached == {code: f"2022-{month:02d}" for code, month in TRAINED.items()}
    assert panel.channels["training"][lac_tanh].sum() == 60  # attendances
    assert panel.training_sessions[lac_tanh].sum() == 1
    assert panel.channels["leaflet"].sum() == 1200


def test_reach_rule_per_thousand_dossiers(imported):
    district = unit("599", current=False)

    def reached(minimum):
        panel = build_panel(
            root=district, scope_ids=[district.pk], start=datetime.date(2021, 1, 1), end=datetime.date(2023, 12, 1),
            rules=[RuleSpec("leaflet", minimum, per_thousand_dossiers=True)],
        )  # fmt: skip
        return int((panel.first_reached > 0).sum())

    assert reached(200) == 6  # 200 leaflets for 1.000 dossiers
    assert reached(201) == 0


def test_old_communes_merged_whole_count_under_the_new_commune():
    # Xã Tánh Linh (23149 today) took Lạc Tánh, Gia An and Đức Thuận whole on 01/07/2025.
    new = unit("23149")
    for code in ("23149", "23176", "23185"):
        stat(code, datetime.date(2025, 6, 1), 100, 100, current=False)
    stat("23149", datetime.date(2025, 7, 1), 400, 200)
    panel = build_panel(
        root=new, scope_ids=[new.pk], start=datetime.date(2025, 6, 1), end=datetime.date(2025, 7, 1), rules=[]
    )
    assert [u.code for u in panel.units] == ["23149"]
    assert panel.online.tolist() == [[300, 400]]
    assert panel.total.tolist() == [[600, 600]]
    assert sorted(AdministrativeUnit.objects.filter(pk__in=panel.units[0].sources).values_list("code", flat=True)) == [
        "23149", "23149", "23176", "23185",
    ]  # fmt: skip


def test_periods_that_are_not_calendar_months_are_left_out():
    ha_tinh = unit("436", current=False)  # TP Hà Tĩnh
    commune = AdministrativeUnit.objects.filter(parent=ha_tinh).order_by("code").first()
    DossierStatistic.objects.create(
        unit=commune, period_start=datetime.date(2021, 7, 25), period_end=datetime.date(2021, 8, 25),
        received_online=5, received_direct=5,
    )  # fmt: skip
    panel = build_panel(
        root=ha_tinh, scope_ids=[ha_tinh.pk], start=datetime.date(2021, 7, 1), end=datetime.date(2021, 8, 1), rules=[]
    )
    assert not panel.reported.any()
    assert np.all(panel.total == 0)
