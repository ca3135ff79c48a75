"""A trainer attaches a class only to a campaign that covers a unit of their scope."""

import datetime

import pytest

from campaigns.access.roles import Role
from campaigns.models import Campaign

from ..factories.trainings import session_form
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def _form(user, campaign):
    return session_form(user, campaign=campaign.pk)


def _campaign(code, slug):
    return Campaign.objects.create(
        name=slug, slug=slug, unit=unit(code), starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2027, 6, 30)
    )


def test_a_trainer_cannot_attach_a_class_to_a_campaign_outside_the_scope():
    trainer = UserFactory(role=Role.TRAINER, scopes=[unit("23149")])
    form = _form(trainer, _campaign("01", "ha-noi"))
    assert not form.is_valid()
    assert "campaign" in form.errors


def test_a_trainer_attaches_a_class_to_a_campaign_covering_the_scope():
    trainer = UserFactory(role=Role.TRAINER, scopes=[unit("23149")])
    province = unit("23149").parent
    form = _form(trainer, _campaign(province.code, "tinh"))
    form.is_valid()
    assert "campaign" not in form.errors
