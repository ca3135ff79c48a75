"""Permission names in Vietnamese.

Django and Wagtail store a permission's name in English when they create it ("Can add page", "Publish any page"),
and the group form shows that name as it is. After every ``migrate`` the English names are rewritten: the standard
ones from the verb and the model's Vietnamese name, Wagtail's own from the table below. A name that is no longer
the English default is left alone.
"""

import re

from django.utils import translation
from django.utils.translation import gettext_lazy as _

VERBS = {
    "add": _("Add %(model)s"),
    "change": _("Change %(model)s"),
    "delete": _("Delete %(model)s"),
    "view": _("View %(model)s"),
    "publish": _("Publish %(model)s"),
    "choose": _("Choose %(model)s"),
    "lock": _("Lock %(model)s"),
    "unlock": _("Unlock %(model)s"),
}
# Names that are not "Can <verb> <model>" (Wagtail's page permissions, the project's own).
NAMES = {
    "Can access Wagtail admin": _("Can access the admin"),
    "Delete pages with children": _("Delete pages with children"),
    "Lock/unlock pages you've locked": _("Lock/unlock pages you've locked"),
    "Publish any page": _("Publish any page"),
    "Unlock any page": _("Unlock any page"),
    "Can bulk delete pages": _("Bulk delete pages"),
    "Can view impact reports": _("View impact reports"),
}
STANDARD = re.compile(r"^Can (\w+) (.+)$")


def vietnamese_name(permission) -> str | None:
    """The Vietnamese name for a permission still named in English, or None."""
    if permission.name in NAMES:
        return str(NAMES[permission.name])
    match = STANDARD.match(permission.name)
    if not match or match.group(1) not in VERBS:
        return None
    model = permission.content_type.model_class()
    if model is None or match.group(2) != model._meta.verbose_name_raw:
        return None
    return str(VERBS[match.group(1)]) % {"model": model._meta.verbose_name}


def translate_permission_names(sender=None, using="default", **kwargs):
    from django.contrib.auth.models import Permission

    with translation.override("vi"):
        for permission in Permission.objects.using(using).select_related("content_type"):
            name = vietnamese_name(permission)
            if name and name != permission.name:
                permission.name = name[:255]
                permission.save(update_fields=["name"])
