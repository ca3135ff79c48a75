"""Shared set-up for the training tests: a trainer of Tây Ninh and an SMS outbox that starts empty."""

import pytest

from campaigns.access.roles import Role
from trainings.sms import LocmemSmsBackend

from ..factories.users import UserFactory, unit


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def trainer():
    return UserFactory(role=Role.TRAINER, scopes=[unit("68")])
