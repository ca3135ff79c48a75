"""Demo outreach from the seed campaigns (idempotent).

Tánh Linh 2022: 2 reportages, 750 handbooks, 300 leaflets, panels and posters, loudspeaker
broadcasts, Zalo groups and a Fanpage. Spread over the district's old communes and the months of
the campaign; the totals match the article. One tracked link on the handbook with a few scans.
"""

import datetime
import random

from django.db import transaction

from campaigns.models import AdministrativeUnit, Campaign
from campaigns.plans.channels import Channel
from cms.demo.campaigns import REFORM
from outreach_media.choices import MediaKind, Platform
from outreach_media.models import Airing, Distribution, LinkScan, MediaItem, OutreachEvent, Post, TrackedLink

COMMUNES = ("23149", "23152", "23158", "23161", "23164", "23176")


# The campaign's media items, in the order they are created: name -> (kind, title, other fields).
DEMO_ITEMS = {
    "handbook": (
        MediaKind.HANDBOOK,
        "Sổ tay hướng dẫn sử dụng dịch vụ công trực tuyến",
        {"print_run": 750, "cost": 11_250_000, "produced_on": datetime.date(2022, 3, 15)},
    ),
    "leaflet": (
        MediaKind.LEAFLET,
        "Tờ rơi: gửi hồ sơ, nhận kết quả qua bưu điện",
        {"print_run": 300, "cost": 1_500_000, "produced_on": datetime.date(2022, 3, 20)},
    ),
    "panel": (MediaKind.PANEL, "Pa nô: Dịch vụ công trực tuyến – nhanh, gọn, tiết kiệm", {}),
    "reportage": (MediaKind.REPORTAGE, "Phóng sự: Người dân Tánh Linh nộp hồ sơ trực tuyến", {}),
    "radio": (MediaKind.RADIO, "Chuyên mục truyền thanh: dịch vụ công trực tuyến", {}),
    "zalo": (MediaKind.ZALO, "Tin nhắn Zalo: nộp hồ sơ trực tuyến tại nhà", {}),
    "fanpage": (MediaKind.FANPAGE, "Bài đăng Fanpage: hướng dẫn dịch vụ công trực tuyến", {}),
}


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` in ``parts`` positive shares that add up exactly."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _item(campaign, district, kind, title, **fields) -> MediaItem:
    item = MediaItem.objects.filter(campaign=campaign, kind=kind, title=title).first()
    if item is None:
        item = MediaItem.objects.create(campaign=campaign, kind=kind, title=title, unit=district, live=True, **fields)
    return item


@transaction.atomic
def demo_outreach_load() -> dict:
    rng = random.Random(750)  # noqa: S311 - demo data, not security
    campaign = Campaign.objects.filter(slug="tanh-linh-2022").first()
    if campaign is None:
        return {"items": 0}
    district = AdministrativeUnit.objects.get(code="599", valid_to=REFORM)
    communes = [AdministrativeUnit.objects.get(code=code, valid_to=REFORM) for code in COMMUNES]
    items = {
        name: _item(campaign, district, kind, title, **fields) for name, (kind, title, fields) in DEMO_ITEMS.items()
    }
    handbook, leaflet, panel = items["handbook"], items["leaflet"], items["panel"]
    reportage, radio, zalo, fanpage = items["reportage"], items["radio"], items["zalo"], items["fanpage"]
    if not Distribution.objects.filter(media_item__campaign=campaign).exists():
        months = [4, 5, 6, 7, 8, 9]
        for item, total in ((handbook, 750), (leaflet, 300)):
            for commune, copies, month in zip(communes, _split(total, len(communes), rng), months, strict=True):
                Distribution.objects.create(
                    media_item=item,
                    unit=commune,
                    date=datetime.date(2022, month, rng.randint(5, 25)),
                    copies=copies,
                    place=f"Bộ phận một cửa {commune.name}",
                )
        for commune in communes[:4]:
            Distribution.objects.create(
                media_item=panel, unit=commune, date=datetime.date(2022, 4, 2), copies=1, place="Trước trụ sở UBND"
            )
        for month, commune in ((5, communes[0]), (8, communes[3])):
            Airing.objects.create(
                media_item=reportage, unit=commune, station="Đài Truyền thanh – Truyền hình huyện", count=1,
                date=datetime.date(2022, month, 20), duration_minutes=8,
            )  # fmt: skip
        for commune in communes:
            for month in (4, 6, 8):
                Airing.objects.create(
                    media_item=radio, unit=commune, station="Loa truyền thanh xã", count=4,
                    date=datetime.date(2022, month, 1), duration_minutes=5,
                )  # fmt: skip
        for commune in communes:
            for month in (4, 5, 6, 7, 8, 9):
                Post.objects.create(
                    media_item=zalo, platform=Platform.ZALO, unit=commune, date=datetime.date(2022, month, 10), count=2,
                    reach=rng.randint(150, 400), title="Nhắn tin nhóm Zalo thôn, khu phố",
                )  # fmt: skip
        for month in (4, 5, 6, 7, 8, 9):
            Post.objects.create(
                media_item=fanpage, platform=Platform.FANPAGE, unit=district, date=datetime.date(2022, month, 15), count=3,
                reach=rng.randint(1500, 4000), views=rng.randint(2000, 6000), interactions=rng.randint(50, 300),
                title="Bài đăng Fanpage huyện", link="https://www.facebook.com/",
            )  # fmt: skip
        OutreachEvent.objects.create(
            channel=Channel.ASSISTED, unit=communes[0], date=datetime.date(2022, 6, 15), quantity=85, people=85,
            title="Hỗ trợ người dân nộp hồ sơ trực tuyến tại bộ phận một cửa", campaign=campaign,
        )  # fmt: skip
    link, _created = TrackedLink.objects.get_or_create(
        media_item=handbook, label="Bản in 2022", defaults={"target_url": "/huong-dan/", "code": "stdvc22"}
    )
    if not link.scans.exists():
        for offset in range(0, 150, 3):
            day = datetime.date(2022, 4, 1) + datetime.timedelta(days=offset)
            LinkScan.objects.create(link=link, day=day, count=rng.randint(0, 6))
    return {"items": MediaItem.objects.filter(campaign=campaign).count()}


# The guide that the demo handbook's QR code opens (set once the site pages exist, see load_demo).
DEMO_QR_GUIDE_SLUG = "nop-ho-so-truc-tuyen"


def demo_link_targets() -> int:
    """Point the demo handbook's QR code at the guide it is about; returns the number of links changed."""
    from wagtail.models import Page

    guide = Page.objects.filter(slug=DEMO_QR_GUIDE_SLUG, live=True).first()
    if guide is None:
        return 0
    return TrackedLink.objects.filter(code="stdvc22", target_page__isnull=True).update(
        target_page=guide, target_url=""
    )
