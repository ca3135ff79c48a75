"""Shared set-up for the training tests: a trainer of Tây Ninh (the outbox is emptied by the root conftest)."""

import pytest

from campaigns.access.roles import Role

from ..factories.users import UserFactory, unit


@pytest.fixture
def trainer(catalogue):
    return UserFactory(role=Role.TRAINER, scopes=[unit("68")])
