from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and statistics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: these modules use models, which exist only once every app is loaded.
        from django.db.models.signals import post_delete, post_migrate, post_save

        from campaigns.access.roles import sync_role_groups_after_migrate
        from campaigns.core.count_fields import register_count_fields
        from campaigns.core.events import aggregates_stale, figures_changed, units_changed
        from campaigns.impact.tasks import figures_changed_receiver
        from campaigns.statistics import signals
        from campaigns.statistics.sources import translate_default_descriptions

        post_migrate.connect(sync_role_groups_after_migrate, sender=self)
        post_migrate.connect(translate_default_descriptions, sender=self)
        figures_changed.connect(figures_changed_receiver, dispatch_uid="impact-refresh")
        register_count_fields()
        statistic = self.get_model("DossierStatistic")
        source = self.get_model("StatisticSource")
        post_save.connect(signals.statistic_saved_or_deleted, sender=statistic)
        post_delete.connect(signals.statistic_saved_or_deleted, sender=statistic)
        post_save.connect(signals.precedence_changed, sender=source)
        post_delete.connect(signals.precedence_changed, sender=source)
        units_changed.connect(signals.units_changed, dispatch_uid="statistics-units-changed")
        aggregates_stale.connect(signals.units_changed, dispatch_uid="statistics-aggregates-stale")
        for model in (self.get_model("AdministrativeUnit"), self.get_model("UnitSuccession")):
            post_save.connect(signals.units_changed, sender=model)
            post_delete.connect(signals.units_changed, sender=model)
