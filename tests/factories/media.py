"""Outreach media items and what was done with them."""

import datetime

import factory

from outreach_media.models import Distribution, MediaItem

from .units import AdministrativeUnitFactory


class MediaItemFactory(factory.django.DjangoModelFactory):
    """A published leaflet of a commune, without a file (pass ``document``, ``campaign``, ``live=False``…)."""

    class Meta:
        model = MediaItem

    kind = "leaflet"
    title = factory.Sequence(lambda n: f"Tờ rơi hướng dẫn nộp hồ sơ trực tuyến số {n}")
    unit = factory.SubFactory(AdministrativeUnitFactory)
    produced_on = datetime.date(2025, 8, 1)
    live = True


class DistributionFactory(factory.django.DjangoModelFactory):
    """200 copies of a leaflet handed out in its unit."""

    class Meta:
        model = Distribution

    media_item = factory.SubFactory(MediaItemFactory)
    unit = factory.LazyAttribute(lambda distribution: distribution.media_item.unit)
    date = datetime.date(2025, 8, 15)
    copies = 200
