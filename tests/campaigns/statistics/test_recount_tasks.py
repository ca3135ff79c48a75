"""Edits that touch the whole country (source precedence, units and succession links) recount in the background:
the admin request only queues one run, the dashboard says its figures are being brought up to date, and the worker
leaves the marks and the aggregates as a fresh computation gives them."""

import datetime

import pytest
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.urls import reverse

from campaigns.access.roles import Role
from campaigns.models import DossierStatistic, StatisticSource, UnitSuccession
from campaigns.statistics.aggregates import aggregate_differences
from campaigns.statistics.models import UnitMonthFigure
from campaigns.statistics.tasks import place_all_aggregates, recount_all_statistics, recount_in_progress
from tests.factories.statistics import DossierStatisticFactory
from tests.factories.units import mini_tree
from tests.factories.users import UserFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JULY = datetime.date(2025, 7, 1)
NOTICE = "Số liệu đang được tính lại"


def queued(name: str) -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith=name, status="READY").count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_precedence_edit_queues_one_recount_that_the_worker_runs(client):
    tree = mini_tree()
    DossierStatisticFactory(unit=tree.new_commune, period_start=JULY, source="Báo cáo tay", received_online=1)
    DossierStatisticFactory(unit=tree.new_commune, period_start=JULY, source="Hệ thống một cửa", received_online=600)
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    with override_settings(TASKS=DATABASE_TASKS):
        with transaction.atomic():  # an admin form saving several sources at once
            StatisticSource.objects.create(name="Hệ thống một cửa", rank=90)
            StatisticSource.objects.create(name="Báo cáo tay", rank=91)
        StatisticSource.objects.filter(name="Báo cáo tay").update(rank=92)  # and another edit while it waits
        StatisticSource.objects.get(name="Báo cáo tay").save()
        assert queued("recount_all_statistics") == 1  # one pending run, not one per edit
        counted = DossierStatistic.objects.get(is_counted=True)
        assert counted.source == "Báo cáo tay"  # the request recounted nothing
        assert recount_in_progress()
        page = client.get(reverse("statistics_dashboard"), {"unit": tree.province.pk}).content.decode()
        assert NOTICE in page
        recount_all_statistics.call()  # what the worker runs (the worker itself: tests/campaigns/core/test_jobs.py)
    assert DossierStatistic.objects.get(is_counted=True).source == "Hệ thống một cửa"
    assert aggregate_differences() == []
    assert not recount_in_progress()
    page = client.get(reverse("statistics_dashboard"), {"unit": tree.province.pk}).content.decode()
    assert NOTICE not in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_succession_edit_places_the_figures_again_in_the_background():
    tree = mini_tree()
    DossierStatisticFactory(unit=tree.old_ward_split, period_start=datetime.date(2025, 6, 1), received_online=40)
    UnitMonthFigure.objects.update(online=F("online") + 1)  # so that a rebuild shows
    with override_settings(TASKS=DATABASE_TASKS):
        UnitSuccession.objects.filter(old_unit=tree.old_ward_split).delete()
        assert queued("place_all_aggregates") == 1
        assert aggregate_differences() != []  # the request rebuilt nothing: the worker will
        place_all_aggregates.call()
    assert aggregate_differences() == []
    assert not recount_in_progress()
