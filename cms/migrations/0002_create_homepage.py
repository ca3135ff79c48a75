from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("cms.HomePage")

    # Wagtail's own migration creates a "Welcome to your new Wagtail site!" page; replace it.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()

    homepage_content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    locale = Locale.objects.filter(language_code="vi").first() or Locale.objects.first()
    if locale is None:
        locale = Locale.objects.create(language_code="vi")
    elif locale.language_code != "vi":
        locale.language_code = "vi"
        locale.save()
    homepage = HomePage.objects.create(
        title="Dịch vụ công trực tuyến",
        draft_title="Dịch vụ công trực tuyến",
        slug="home",
        content_type=homepage_content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro="<p>Hướng dẫn, tin tức và lịch tập huấn về dịch vụ công trực tuyến và dịch vụ bưu chính công ích.</p>",
    )
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(hostname="localhost", root_page=homepage, is_default_site=True, site_name="Dịch vụ công")


def remove_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    HomePage = apps.get_model("cms.HomePage")
    HomePage.objects.filter(slug="home", depth=2).delete()
    ContentType.objects.filter(model="homepage", app_label="cms").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
