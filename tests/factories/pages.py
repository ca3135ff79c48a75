"""Site pages below the home page that the migrations create."""

import datetime

import factory
import wagtail_factories

from cms.models import GuideIndexPage, GuidePage, HomePage, NewsIndexPage, NewsPage


def home() -> HomePage:
    return HomePage.objects.get()


def _index(model, factory_name: str):
    def get_or_create():
        page = model.objects.child_of(home()).first()
        return page if page is not None else globals()[factory_name]()

    return get_or_create


class _HomeChildFactory(wagtail_factories.PageFactory):
    """A page right under the home page."""

    class Meta:
        abstract = True

    parent = factory.LazyFunction(home)


GuideIndexPageFactory = factory.make_factory(
    GuideIndexPage, FACTORY_CLASS=_HomeChildFactory, title="Hướng dẫn", slug="huong-dan"
)


class GuidePageFactory(wagtail_factories.PageFactory):
    """A published guide under the guide index (made if there is none); pass ``steps`` as a StreamField value."""

    class Meta:
        model = GuidePage

    title = factory.Sequence(lambda n: f"Hướng dẫn nộp hồ sơ trực tuyến số {n}")
    slug = factory.Sequence(lambda n: f"huong-dan-{n}")
    intro = "Làm thủ tục tại nhà."
    parent = factory.LazyFunction(_index(GuideIndexPage, "GuideIndexPageFactory"))


NewsIndexPageFactory = factory.make_factory(
    NewsIndexPage, FACTORY_CLASS=_HomeChildFactory, title="Tin tức", slug="tin-tuc"
)


class NewsPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsPage

    title = factory.Sequence(lambda n: f"Tập huấn dịch vụ công trực tuyến số {n}")
    slug = factory.Sequence(lambda n: f"tap-huan-{n}")
    date = datetime.date(2025, 8, 25)
    parent = factory.LazyFunction(_index(NewsIndexPage, "NewsIndexPageFactory"))
