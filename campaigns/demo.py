"""Demo data: the seed campaigns' places and people in the roles that will use them.

The five seed campaigns are real (news reports, see docs/demo-data.md). Their figures live in
``SEED_CAMPAIGNS`` so that every capability adds its part of the demo from the same facts.
"""

import datetime
import os
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import AdministrativeUnit, UserScope
from .roles import Role, role_group_name

REFORM = datetime.date(2025, 7, 1)
DEMO_PASSWORD_ENV = "DEMO_PASSWORD"  # noqa: S105 - the name of a variable
DEFAULT_DEMO_PASSWORD = "demo-dvc-2026"  # noqa: S105 - printed on purpose: local demo only


@dataclass(frozen=True)
class SeedCampaign:
    slug: str
    title: str
    unit_code: str
    unit_valid_to: datetime.date | None  # REFORM for units that existed before 01/07/2025
    start_date: datetime.date
    end_date: datetime.date
    plan_number: str = ""
    partners: tuple[str, ...] = ()
    facts: dict = field(default_factory=dict)


SEED_CAMPAIGNS = (
    SeedCampaign(
        slug="tanh-linh-2022",
        title="Tánh Linh 2022: dịch vụ công trực tuyến và bưu chính công ích",
        unit_code="599",
        unit_valid_to=REFORM,
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2022, 12, 31),
        partners=("Bưu điện huyện Tánh Linh",),
        facts={"reportages": 2, "handbooks": 750},
    ),
    SeedCampaign(
        slug="ben-tre-2020",
        title="TP Bến Tre 2020: 100% dịch vụ công trực tuyến mức độ 4",
        unit_code="829",
        unit_valid_to=REFORM,
        start_date=datetime.date(2020, 9, 16),
        end_date=datetime.date(2020, 12, 31),
        plan_number="3510/KH-UBND",
        facts={"plan_date": datetime.date(2020, 9, 16), "level3_procedures": 39},
    ),
    SeedCampaign(
        # The report does not name the district; the demo places the campaign at city level.
        slug="ha-noi-2022",
        title="Một huyện của Hà Nội 2022: đẩy mạnh dịch vụ công trực tuyến và BCCI",
        unit_code="01",
        unit_valid_to=REFORM,
        start_date=datetime.date(2022, 8, 25),
        end_date=datetime.date(2022, 12, 31),
        partners=("Bưu điện Hà Nội",),
        facts={"conference_delegates": 120, "online_rate_8_months": 0.13, "target_online": 0.50},
    ),
    SeedCampaign(
        slug="ha-tinh-2021",
        title="Hà Tĩnh 2021: nộp hồ sơ trực tuyến để phòng dịch",
        unit_code="42",
        unit_valid_to=REFORM,
        start_date=datetime.date(2021, 7, 25),
        end_date=datetime.date(2021, 8, 25),
        facts={"centre_online_rate": 0.3312, "city_online_dossiers": 338, "city_online_rate": 0.395},
    ),
    SeedCampaign(
        slug="dien-bien-2023",
        title="Điện Biên 2023: hiện đại hoá phục vụ người dân và doanh nghiệp",
        unit_code="11",
        unit_valid_to=REFORM,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2023, 12, 31),
        facts={"q2_online_dossiers": 33892, "q2_online_rate": 0.69},
    ),
)

# (username, full name, role, [(unit code, valid_to)])
DEMO_USERS = (
    ("bientap", "Nguyễn Thu Hà", Role.COMMUNICATIONS, [("68", None)]),
    ("giangvien", "Trần Văn Minh", Role.TRAINER, [("599", REFORM), ("23149", None)]),
    ("motcua", "Lê Thị Lan", Role.UNIT_OFFICER, [("23149", None)]),
    ("lanhdao", "Phạm Quốc Hùng", Role.LEADER, [("42", None)]),
)


def demo_password() -> str:
    return os.environ.get(DEMO_PASSWORD_ENV) or DEFAULT_DEMO_PASSWORD


def _unit(code: str, valid_to: datetime.date | None) -> AdministrativeUnit:
    units = AdministrativeUnit.objects.filter(code=code)
    return units.get(valid_to=valid_to) if valid_to else units.get(valid_to__isnull=True)


@transaction.atomic
def demo_load() -> dict:
    """Create (or refresh) the demo administrator and one user per role with their scopes."""
    User = get_user_model()
    password = demo_password()
    admin, _created = User.objects.get_or_create(
        username="admin", defaults={"email": "admin@example.invalid", "first_name": "Quản trị", "last_name": "Demo"}
    )
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    admin.groups.set([Group.objects.get(name=role_group_name(Role.ADMINISTRATOR))])

    users = {"admin": admin}
    for username, full_name, role, scopes in DEMO_USERS:
        family, _sep, given = full_name.rpartition(" ")
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": given, "last_name": family, "email": f"{username}@example.invalid"},
        )
        user.set_password(password)
        user.is_staff = False
        user.save()
        user.groups.set([Group.objects.get(name=role_group_name(role))])
        wanted = [_unit(code, valid_to) for code, valid_to in scopes]
        UserScope.objects.filter(user=user).exclude(unit__in=wanted).delete()
        for unit in wanted:
            UserScope.objects.get_or_create(user=user, unit=unit)
        users[username] = user
    return {"users": users, "password": password}
