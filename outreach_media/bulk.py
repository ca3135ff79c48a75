"""Bulk entry: the copies of one printed item handed out in several units, typed in one form."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from campaigns.access import permissions
from campaigns.units.models import AdministrativeUnit
from outreach_media.choices import PRINTED
from outreach_media.models import Distribution, MediaItem

ROWS = 12


class ItemForm(forms.Form):
    media_item = forms.ModelChoiceField(label=gettext_lazy("Media item"), queryset=MediaItem.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any printed item: a commune hands out the province's leaflets too; the unit of each row is checked.
        self.fields["media_item"].queryset = MediaItem.objects.filter(kind__in=PRINTED, live=True).order_by("title")


class RowForm(forms.Form):
    unit_code = forms.CharField(label=gettext_lazy("Unit code"), max_length=10)
    date = forms.DateField(label=gettext_lazy("Date"))
    copies = forms.IntegerField(label=gettext_lazy("Copies"), min_value=0, max_value=2_147_483_647)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        code, day = (data.get("unit_code") or "").strip(), data.get("date")
        if code and day:
            unit = (
                AdministrativeUnit.objects.filter(code=code)
                .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
                .first()
            )
            if unit is None:
                self.add_error("unit_code", _("No unit with this code was in force on that date."))
            elif not permissions.user_can_use_unit(self.user, unit):
                self.add_error("unit_code", _("This unit is outside your scope."))
            else:
                data["unit"] = unit
        return data


RowFormSet = forms.formset_factory(RowForm, extra=ROWS, max_num=ROWS)


class DistributionBulkView(WagtailAdminTemplateMixin, View):
    page_title = gettext_lazy("Record distributions")
    header_icon = "download"
    template_name = "outreach_media/distribution_bulk.html"
    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("distributions:index"), "label": Distribution._meta.verbose_name_plural.capitalize()},
            {"url": "", "label": self.page_title},
        ]

    def dispatch(self, request, *args, **kwargs):
        if not permissions.has_model_permission(request.user, permissions.ADD, Distribution):
            permissions.log_denial(request.user, "add", Distribution)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, item_form, rows):
        return TemplateResponse(
            self.request, self.template_name, {**self.get_context_data(), "item_form": item_form, "rows": rows}
        )

    def get(self, request):
        kwargs = {"form_kwargs": {"user": request.user}}
        return self.render(ItemForm(user=request.user), RowFormSet(**kwargs))

    def post(self, request):
        item_form = ItemForm(request.POST, user=request.user)
        rows = RowFormSet(request.POST, form_kwargs={"user": request.user})
        if not (item_form.is_valid() and rows.is_valid()):
            return self.render(item_form, rows)
        filled = [form.cleaned_data for form in rows if form.cleaned_data]
        if not filled:
            item_form.add_error(None, _("Fill in at least one row."))
            return self.render(item_form, rows)
        item = item_form.cleaned_data["media_item"]
        with transaction.atomic():
            Distribution.objects.bulk_create(
                Distribution(
                    media_item=item, unit=data["unit"], date=data["date"], copies=data["copies"], place=data["place"]
                )
                for data in filled
            )
        copies = sum(data["copies"] for data in filled)
        messages.success(
            request,
            _("%(rows)s distributions of “%(item)s” recorded, %(copies)s copies in all.")
            % {"rows": len(filled), "item": item.title, "copies": f"{copies:,}".replace(",", ".")},
        )
        return redirect("distributions:index")
