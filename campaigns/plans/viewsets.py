"""Campaigns and their targets in the Wagtail admin (leaders edit, others view in scope)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, Panel

from campaigns.access.choosers import UnitMultipleChooser, UnitScopeFormMixin
from campaigns.access.viewsets import ScopedModelViewSet
from campaigns.plans.models import Campaign


class RolloutPlanPanel(Panel):
    """A link from the campaign form to its measurement plan (the smallest effect the rollout could show)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "campaigns/panels/rollout_plan_link.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["url"] = reverse("campaign_rollout_plan", args=[self.instance.pk]) if self.instance.pk else None
            return context


class CampaignForm(UnitScopeFormMixin, WagtailAdminModelForm):
    """Every unit the campaign analyses (its unit, further scope units, the units of its targets and reported
    figures) must lie inside the editor's scope: its report lists them all."""


class CampaignViewSet(ScopedModelViewSet):
    model = Campaign
    icon = "calendar-alt"
    menu_label = _("Campaigns")
    add_to_admin_menu = True
    menu_order = 450
    list_display = ["name", "plan_number", "unit", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    search_fields = ["name", "plan_number", "issuing_body"]
    inspect_view_enabled = True
    edit_handler_panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("unit"),
        FieldPanel("scope_units", widget=UnitMultipleChooser),
        FieldPanel("parent"),
        MultiFieldPanel(
            [FieldPanel("plan_number"), FieldPanel("plan_date"), FieldPanel("issuing_body")],
            heading=_("Plan document"),
        ),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")], heading=_("Period")),
        FieldPanel("status"),
        FieldPanel("objectives"),
        FieldPanel("partners"),
        FieldPanel("budget"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("control_group"), InlinePanel("reach_rules", label=_("Reach rule"))],
            heading=_("When a unit counts as reached"),
            help_text=_(
                "A unit is reached from the first month in which any rule holds; units never reached are the "
                "comparison group of the impact analysis."
            ),
        ),
        InlinePanel(
            "targets",
            heading=_("Targets"),
            label=_("Target"),
            panels=[
                FieldPanel(name)
                for name in ("indicator", "preset", "value", "deadline", "reported_value", "reported_on")
            ]
            + [FieldPanel("reported_source"), FieldPanel("units", widget=UnitMultipleChooser)],
        ),
        InlinePanel("reported_figures", heading=_("Figures reported elsewhere"), label=_("Reported figure")),
        RolloutPlanPanel(heading=_("Measurement plan")),
    ]
    edit_handler = ObjectList(edit_handler_panels, base_form_class=CampaignForm)
