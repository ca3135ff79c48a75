import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from campaigns.access.roles import Role, role_group_name
from campaigns.models import AdministrativeUnit, UserScope

PASSWORD = "correct-horse-battery-2026"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Văn"
    last_name = "Nguyễn"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=role_group_name(Role(extracted))))
        if create:
            self.save()

    @factory.post_generation
    def scopes(self, create, extracted, **kwargs):
        for unit in extracted or []:
            UserScope.objects.create(user=self, unit=unit)


def unit(code: str, *, current: bool = True) -> AdministrativeUnit:
    """A unit of the real catalogue by code: the one in force today, or (current=False) the one that ended on
    01/07/2025. The test needs the ``catalogue`` fixture (tests/conftest.py)."""
    units = AdministrativeUnit.objects.filter(code=code)
    try:
        return units.get(valid_to__isnull=True) if current else units.get(valid_to__isnull=False)
    except AdministrativeUnit.DoesNotExist:
        if not AdministrativeUnit.objects.filter(code="01").exists():  # Hà Nội: in the real catalogue, in no factory
            raise AdministrativeUnit.DoesNotExist(
                f"unit {code!r}: the real catalogue is not loaded; ask for the `catalogue` fixture"
            ) from None
        raise
