"""Exposure per unit, month and channel; the admin listings' scope rules; the item preview; the summary screen."""

import datetime
import io
import logging
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.access.roles import Role
from campaigns.models import Campaign
from campaigns.plans.channels import Channel
from outreach_media.choices import MediaKind, Platform
from outreach_media.models import Airing, Distribution, LinkScan, MediaItem, OutreachEvent, Post, TrackedLink
from outreach_media.selectors import exposure

from ..factories.trainings import TrainingSessionFactory
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def item(kind=MediaKind.HANDBOOK, code="23149", title="Sổ tay hướng dẫn nộp hồ sơ trực tuyến", **fields):
    return MediaItem.objects.create(kind=kind, title=title, unit=unit(code), live=True, **fields)


@pytest.fixture
def outreach():
    campaign = Campaign.objects.create(
        name="Tánh Linh", slug="tanh-linh", unit=unit("68"), starts_on="2026-01-01", ends_on="2026-12-31"
    )
    handbook = item(campaign=campaign)
    leaflet = item(MediaKind.LEAFLET, title="Tờ rơi BCCI", campaign=campaign)
    reportage = item(MediaKind.REPORTAGE, title="Phóng sự DVCTT", campaign=campaign)
    tanh_linh, bac_ruong = unit("23149"), unit("23152")
    Distribution.objects.create(media_item=handbook, unit=tanh_linh, date="2026-03-02", copies=500, cost=5_000_000)
    Distribution.objects.create(media_item=handbook, unit=tanh_linh, date="2026-03-20", copies=250)
    Distribution.objects.create(media_item=leaflet, unit=bac_ruong, date="2026-04-01", copies=300, people_reached=280)
    Airing.objects.create(media_item=reportage, unit=tanh_linh, date="2026-03-05", count=2, station="Đài huyện")
    Post.objects.create(platform=Platform.ZALO, unit=tanh_linh, date="2026-03-07", count=3, reach=900)
    OutreachEvent.objects.create(channel=Channel.CONFERENCE, unit=bac_ruong, date="2026-04-10", quantity=1, people=120)
    link = TrackedLink.objects.create(media_item=handbook, target_url="/huong-dan/nop-ho-so/")
    LinkScan.objects.create(link=link, day="2026-03-03", count=7)
    LinkScan.objects.create(link=link, day="2026-03-04", count=5)
    TrainingSessionFactory(
        unit=tanh_linh,
        starts_at=datetime.datetime(2026, 3, 9, 1, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 3, 9, 4, tzinfo=datetime.UTC),
        reported_attendees=65,
    )
    return campaign


def test_exposure_per_unit_month_and_channel(outreach):
    rows = {(row.unit_id, row.month, row.channel): row for row in exposure()}
    tanh_linh, bac_ruong = unit("23149").pk, unit("23152").pk
    march, april = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
    handbooks = rows[(tanh_linh, march, Channel.HANDBOOK)]
    assert (handbooks.quantity, handbooks.cost) == (750, 5_000_000)  # "750 sổ tay"
    assert rows[(bac_ruong, april, Channel.LEAFLET)].quantity == 300
    assert rows[(bac_ruong, april, Channel.LEAFLET)].people == 280
    assert rows[(tanh_linh, march, Channel.REPORTAGE)].quantity == 2
    assert (rows[(tanh_linh, march, Channel.ZALO)].quantity, rows[(tanh_linh, march, Channel.ZALO)].people) == (3, 900)
    assert rows[(bac_ruong, april, Channel.CONFERENCE)].people == 120
    assert rows[(tanh_linh, march, Channel.QR)].quantity == 12
    training = rows[(tanh_linh, march, Channel.TRAINING)]
    assert (training.quantity, training.people) == (1, 65)


def test_exposure_filters(outreach):
    april = exposure(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 30))
    assert {row.channel for row in april} == {Channel.LEAFLET, Channel.CONFERENCE}
    only = exposure(unit_ids=[unit("23152").pk])
    assert {row.unit_id for row in only} == {unit("23152").pk}
    by_campaign = exposure(campaign=outreach)
    assert {row.channel for row in by_campaign} == {Channel.HANDBOOK, Channel.LEAFLET, Channel.REPORTAGE, Channel.QR}


def test_exposure_runs_a_fixed_number_of_queries(outreach, django_assert_num_queries):
    with django_assert_num_queries(7):
        before = len(exposure())
    for code in ("22918", "22924", "22933"):
        Distribution.objects.create(
            media_item=MediaItem.objects.first(), unit=unit(code), date="2026-05-01", copies=10
        )
    with django_assert_num_queries(7):
        assert len(exposure()) == before + 3


# -- scope ---------------------------------------------------------------------------------------------
@pytest.fixture
def officer(client):
    user = UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("23152")])  # Bắc Ruộng only
    client.force_login(user)
    return user


def test_a_unit_officer_lists_only_distributions_in_scope(client, outreach, officer):
    text = client.get(reverse("distributions:index")).content.decode()
    assert "Tờ rơi BCCI" in text
    assert "Sổ tay hướng dẫn" not in text


def test_a_unit_officer_cannot_open_or_record_outside_the_scope(client, outreach, officer):
    outside = Distribution.objects.filter(unit=unit("23149")).first()
    assert client.get(reverse("distributions:edit", args=[outside.pk])).status_code in (302, 403)
    leaflet = MediaItem.objects.get(title="Tờ rơi BCCI")
    data = {"media_item": leaflet.pk, "unit": unit("23149").pk, "date": "05/05/2026", "copies": "10"}
    response = client.post(reverse("distributions:add"), data)
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    inside = client.post(reverse("distributions:add"), {**data, "unit": unit("23152").pk})
    assert inside.status_code == 302
    assert Distribution.objects.filter(unit=unit("23152"), date="2026-05-05", copies=10).exists()


def test_distribution_export_is_formula_safe(client, outreach):
    Distribution.objects.filter(copies=300).update(place="=HYPERLINK(1)")
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    response = client.get(reverse("distributions:index"), {"export": "xlsx"})
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert "'=HYPERLINK(1)" in [cell for row in rows for cell in row]


# -- media items -------------------------------------------------------------------------------------
def test_the_media_item_preview_renders_with_its_image_or_pdf(client, outreach):
    client.force_login(UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("68")]))
    handbook = MediaItem.objects.get(kind=MediaKind.HANDBOOK)
    url = reverse("wagtailsnippets_outreach_media_mediaitem:preview_on_edit", args=[handbook.pk])
    data = {"kind": MediaKind.HANDBOOK, "title": "Sổ tay (xem trước)", "unit": handbook.unit_id, "print_run": "750"}
    assert client.post(url, data).json()["is_valid"] is True
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Sổ tay (xem trước)" in text and "750" in text


def test_a_media_item_keeps_revisions_and_drafts(client, outreach):
    client.force_login(UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("68")]))
    handbook = MediaItem.objects.get(kind=MediaKind.HANDBOOK)
    url = reverse("wagtailsnippets_outreach_media_mediaitem:edit", args=[handbook.pk])
    data = {
        "kind": MediaKind.HANDBOOK,
        "title": "Sổ tay (bản 2)",
        "campaign": outreach.pk,
        "unit": handbook.unit_id,
        "print_run": "750",
    }
    assert client.post(url, data).status_code == 302
    handbook.refresh_from_db()
    assert handbook.has_unpublished_changes and handbook.title == "Sổ tay hướng dẫn nộp hồ sơ trực tuyến"
    assert handbook.revisions.count() == 1


def test_communications_staff_publish_a_media_item_so_it_reaches_the_document_library(client, outreach):
    user = UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("68")])
    assert user.has_perm("outreach_media.publish_mediaitem")
    client.force_login(user)
    handbook = MediaItem.objects.get(kind=MediaKind.HANDBOOK)
    url = reverse("wagtailsnippets_outreach_media_mediaitem:edit", args=[handbook.pk])
    assert 'name="action-publish"' in client.get(url).content.decode()
    data = {
        "kind": MediaKind.HANDBOOK,
        "title": "Sổ tay (bản in lần 2)",
        "campaign": outreach.pk,
        "unit": handbook.unit_id,
        "print_run": "750",
        "action-publish": "action-publish",
    }
    assert client.post(url, data).status_code == 302
    handbook.refresh_from_db()
    assert handbook.live and not handbook.has_unpublished_changes
    assert handbook.title == "Sổ tay (bản in lần 2)"


@pytest.mark.parametrize("role", [Role.TRAINER, Role.LEADER, Role.UNIT_OFFICER])
def test_other_roles_do_not_publish_media_items(role):
    assert not UserFactory(role=role, scopes=[unit("68")]).has_perm("outreach_media.publish_mediaitem")


# -- summary -------------------------------------------------------------------------------------------
def test_the_summary_screen_shows_totals_chart_and_xlsx(client, outreach):
    client.force_login(UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("68")]))
    response = client.get(reverse("outreach_media_summary"), {"campaign": outreach.pk})
    text = response.content.decode()
    assert "750 sổ tay" in text and "300 tờ rơi" in text and "2 phóng sự" in text
    chart = client.get(reverse("outreach_media_summary_chart"), {"campaign": outreach.pk})
    assert chart["Content-Type"] == "image/png" and chart.content[:4] == b"\x89PNG"
    xlsx = client.get(reverse("outreach_media_summary_xlsx"), {"campaign": outreach.pk})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Hình thức" and rows[0][1] == "03/2026"
    assert ("Sổ tay", 750) in [(row[0], row[1]) for row in rows[1:]]


def test_the_summary_table_has_a_row_per_channel_and_a_column_per_month(client, outreach):
    client.force_login(UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("68")]))
    for name in ("outreach_media_summary", "outreach_media_summary_results"):
        response = client.get(reverse(name), {"campaign": outreach.pk})
        assert response.status_code == 200
        cells = re.sub(r"\s*([<>])\s*", r"\1", response.content.decode())
        assert ">03/2026<" in cells and ">04/2026<" in cells
        assert '<th scope="row">Sổ tay</th><td>750</td><td>0</td><td><strong>750</strong></td>' in cells
        assert reverse("outreach_media_summary_xlsx") + f"?campaign={outreach.pk}" in cells
    assert [row["total"] for row in response.context["object_list"]][:1] and response.context["headline"]


def test_the_summary_refuses_users_without_the_view_permission(client, outreach, caplog):
    trainer = UserFactory(role=Role.TRAINER, scopes=[unit("68")])
    client.force_login(trainer)
    with caplog.at_level(logging.WARNING, logger="campaigns.access"):
        for name in ("outreach_media_summary", "outreach_media_summary_results", "outreach_media_summary_xlsx"):
            response = client.get(reverse(name), {"campaign": outreach.pk})
            assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert caplog.text.count(f"access denied: user_id={trainer.pk} action=view model=outreach_media.distribution") == 3
    assert reverse("outreach_media_summary") not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_summary_refuses_a_unit_outside_the_scope(client, outreach):
    client.force_login(UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("23152")]))
    response = client.get(reverse("outreach_media_summary"), {"unit": "23149"})
    assert "unit" in response.context["form"].errors


# -- bulk entry ----------------------------------------------------------------------------------------
def bulk_data(item, rows):
    data = {"media_item": item.pk, "form-TOTAL_FORMS": "12", "form-INITIAL_FORMS": "0"}
    for index, (code, day, copies, place) in enumerate(rows):
        data.update(
            {
                f"form-{index}-unit_code": code,
                f"form-{index}-date": day,
                f"form-{index}-copies": copies,
                f"form-{index}-place": place,
            }
        )
    return data


def test_bulk_entry_records_several_units_at_once(client, outreach, officer):
    leaflet = MediaItem.objects.get(title="Tờ rơi BCCI")
    officer_scope = unit("23152")
    response = client.post(
        reverse("outreach_media_bulk"),
        bulk_data(leaflet, [("23152", "10/05/2026", "120", "Chợ Bắc Ruộng"), ("23152", "11/05/2026", "80", "")]),
    )
    assert response.status_code == 302
    assert sorted(Distribution.objects.filter(unit=officer_scope, date__month=5).values_list("copies", flat=True)) == [
        80,
        120,
    ]


@pytest.mark.parametrize(
    ("code", "copies", "field"),
    [
        ("23149", "10", "unit_code"),
        ("99999", "10", "unit_code"),
        ("23152", "-5", "copies"),
        ("23152", "1,5", "copies"),
    ],
    ids=["outside-scope", "unknown-unit", "negative", "fraction"],
)
def test_bulk_entry_with_a_bad_row_writes_nothing(client, outreach, officer, code, copies, field):
    leaflet = MediaItem.objects.get(title="Tờ rơi BCCI")
    before = Distribution.objects.count()
    response = client.post(
        reverse("outreach_media_bulk"),
        bulk_data(leaflet, [("23152", "10/05/2026", "120", ""), (code, "11/05/2026", copies, "")]),
    )
    assert response.status_code == 200
    assert field in response.context["rows"].forms[1].errors
    assert Distribution.objects.count() == before


def test_an_old_commune_code_is_refused_for_a_date_after_the_reform(client, outreach):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    leaflet = MediaItem.objects.get(title="Tờ rơi BCCI")
    response = client.post(reverse("outreach_media_bulk"), bulk_data(leaflet, [("23176", "10/05/2026", "5", "")]))
    assert "unit_code" in response.context["rows"].forms[0].errors
