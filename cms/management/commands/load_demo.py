from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from campaigns.models import AdministrativeUnit
from cms.demo.campaigns import DEMO_USERS, demo_campaigns_load, demo_impact_load, demo_load
from cms.demo.content import demo_pages_load
from cms.demo.outreach import demo_link_targets, demo_outreach_load
from cms.demo.statistics import demo_statistics_load
from cms.demo.trainings import demo_trainings_load


class Command(BaseCommand):
    help = _("Create the demo data built from the seed campaigns (safe to run again).")

    def handle(self, *args, **options):
        if not AdministrativeUnit.objects.exists():
            call_command("load_units", stdout=self.stdout)
        result = demo_load()
        figures = demo_statistics_load()
        self.stdout.write(
            _("Demo statistics: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.") % figures
        )
        self.stdout.write(
            _("Demo campaigns: %(count)s with plans, reach rules and targets.") % {"count": demo_campaigns_load()}
        )
        trainings = demo_trainings_load()
        self.stdout.write(_("Demo classes: %(sessions)s classes, %(registrations)s registrations in all.") % trainings)
        outreach = demo_outreach_load()
        self.stdout.write(_("Demo outreach: %(items)s media items.") % outreach)
        self.stdout.write(_("Impact reports computed: %(count)s.") % {"count": demo_impact_load()})
        self.stdout.write(
            _("Demo site pages: %(guides)s guides, %(news)s news items, %(campaign_pages)s campaign pages.")
            % demo_pages_load()
        )
        demo_link_targets()
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready.")))
        self.stdout.write(_("Back office: http://127.0.0.1:8000/admin/"))
        self.stdout.write(
            _("Administrator: user name %(user)s, password %(password)s")
            % {"user": "admin", "password": result["password"]}
        )
        for username, _name, role, _scopes in DEMO_USERS:
            self.stdout.write(
                _("%(role)s: user name %(user)s, same password") % {"role": role.label, "user": username}
            )
