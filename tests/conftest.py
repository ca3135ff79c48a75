import io

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test runs on top of the real administrative units, loaded once per session."""
    with django_db_blocker.unblock():
        call_command("load_units", verbosity=0, stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    from django.utils import translation

    with translation.override("vi"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
