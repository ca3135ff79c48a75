"""The campaign edit form in the admin: HTML bytes and render time with unit choosers, against the same form with
the selects of every administrative unit it had before (the reference, rendered in the same run).

Needs a database with the units and the demo (``manage.py load_units`` and ``load_demo``), named by DATABASE_URL:

    DATABASE_URL=sqlite:///demo.sqlite3 .venv/bin/python bench/campaign_form.py [--campaign tanh-linh-2022] [--repeat 3]

Prints one Markdown table; docs/site.md holds the figures of the last run.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from django import forms  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from campaigns.access.choosers import UnitMultipleChooser  # noqa: E402
from campaigns.models import AdministrativeUnit, Campaign  # noqa: E402


def as_selects():
    """Give the multiple unit chooser back the behaviour of a <select multiple> of every unit (the form before)."""
    UnitMultipleChooser.template_name = forms.SelectMultiple.template_name
    UnitMultipleChooser.get_context = forms.SelectMultiple.get_context
    UnitMultipleChooser.optgroups = forms.SelectMultiple.optgroups
    UnitMultipleChooser.format_value = forms.SelectMultiple.format_value


def measure(client, url, repeat):
    client.get(url)  # warm-up: templates, translations
    times, size, options = [], 0, 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
        options = response.content.count(b"<option")
    return min(times), size, options


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaign", default="tanh-linh-2022")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_test_environment()
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None or not AdministrativeUnit.objects.exists():
        sys.exit("Load the units and the demo first (manage.py load_units, load_demo).")
    campaign = Campaign.objects.get(slug=args.campaign)
    client = Client()
    client.force_login(admin)
    url = reverse("campaigns:edit", args=[campaign.pk])
    units = AdministrativeUnit.objects.count()
    choosers = measure(client, url, args.repeat)
    as_selects()
    selects = measure(client, url, max(1, args.repeat // 3))
    count = f"{units:,}".replace(",", ".")
    print(f"Campaign edit form ({campaign.slug}, {campaign.targets.count()} targets), {count} units")
    print()
    print("| form | HTML bytes | <option> | render (s) |")
    print("|---|---:|---:|---:|")
    for label, (seconds, size, options) in (("selects of every unit (before)", selects), ("unit choosers", choosers)):
        print(f"| {label} | {size:,} | {options:,} | {seconds:.2f} |".replace(",", "."))
    print()
    print(f"ratio: {choosers[1] / selects[1]:.3f} of the bytes, {choosers[0] / selects[0]:.3f} of the time")


if __name__ == "__main__":
    main()
