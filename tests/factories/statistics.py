"""Dossier statistics: one unit, one calendar month, one source."""

import datetime

import factory

from campaigns.statistics.models import DossierStatistic

from .units import AdministrativeUnitFactory


def month_end(start: datetime.date) -> datetime.date:
    return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


class DossierStatisticFactory(factory.django.DjangoModelFactory):
    """August 2025 of a commune: 60 of 100 dossiers online (pass ``period_start`` for another month)."""

    class Meta:
        model = DossierStatistic

    unit = factory.SubFactory(AdministrativeUnitFactory)
    period_start = datetime.date(2025, 8, 1)
    period_end = factory.LazyAttribute(lambda statistic: month_end(statistic.period_start))
    source = ""
    received_online = 60
    received_direct = 40


def statistic_for(unit, period: tuple, online: int, direct=None, postal=None, **extra) -> DossierStatistic:
    """``unit``'s figures for ``period`` (first day, last day) exactly as given: a calendar month, a quarter or a
    period off the report months (15th to 14th, 25th to 25th)."""
    return DossierStatistic.objects.create(
        unit=unit,
        period_start=period[0],
        period_end=period[1],
        received_online=online,
        received_direct=direct,
        received_postal=postal,
        **extra,
    )


def statistic_form(unit, month: datetime.date, *, source: str = "", **counts) -> dict:
    """The admin's dossier statistic form as an officer fills it in: one calendar month of ``unit`` (dates typed
    dd/mm/yyyy) and the ``counts`` as typed ("1.215")."""
    return {
        "unit": str(unit.pk),
        "period_start": f"{month:%d/%m/%Y}",
        "period_end": f"{month_end(month):%d/%m/%Y}",
        "source": source,
        **counts,
    }


def statistics_upload(client, text: str, name: str = "thang-7.csv", **extra):
    """Post a statistics CSV to the import preview, as an officer picks it in the admin."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    data = {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv"), "source": "", **extra}
    return client.post(reverse("statistics_import"), data)
