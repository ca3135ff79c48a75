"""The five roles of PRODUCT.md as Django groups, with their permissions kept in code.

``sync_role_groups`` gives each managed group exactly the permissions listed here (it runs
after every ``migrate``). Entries naming a model that does not exist yet are skipped, so the
table can state the whole role matrix while the apps that own those models are still being
built; they take effect with the migration that adds the model.
"""

import logging

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.core.events import role_groups_synced

logger = logging.getLogger(__name__)


class Role(models.TextChoices):
    COMMUNICATIONS = "communications", _("Communications staff")
    TRAINER = "trainer", _("Trainer")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    LEADER = "leader", _("Leader")
    ADMINISTRATOR = "administrator", _("Administrator")


# Group names are data shown to administrators; they stay fixed so the mapping holds.
ROLE_GROUP_NAMES = {
    Role.COMMUNICATIONS: "Biên tập viên",
    Role.TRAINER: "Giảng viên",
    Role.UNIT_OFFICER: "Cán bộ một cửa",
    Role.LEADER: "Lãnh đạo",
    Role.ADMINISTRATOR: "Quản trị viên",
}

VIEW = ("view",)
VIEW_REPORT = ("view", "report")  # "report": the campaign impact report
EDIT = ("view", "add", "change", "delete")
EDIT_REPORT = (*EDIT, "report")
ADD_VIEW = ("view", "add")
# Media items keep drafts (DraftStateMixin): "publish" makes a handbook or leaflet show in the public document library.
EDIT_PUBLISH = (*EDIT, "publish")

# Model permissions per role ("app_label.modelname": actions). Unit scope and ownership are
# checked on top of these by campaigns.access.permissions for every object.
ROLE_MODEL_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.COMMUNICATIONS: {
        "campaigns.administrativeunit": VIEW,
        "campaigns.campaign": VIEW_REPORT,
        "campaigns.target": VIEW,
        "campaigns.dossierstatistic": VIEW,
        "trainings.trainingsession": VIEW,
        "outreach_media.mediaitem": EDIT_PUBLISH,
        "outreach_media.distribution": EDIT,
        "outreach_media.airing": EDIT,
        "outreach_media.post": EDIT,
        "outreach_media.outreachevent": EDIT,
        "outreach_media.trackedlink": EDIT,
    },
    Role.TRAINER: {
        "campaigns.administrativeunit": VIEW,
        "campaigns.campaign": VIEW,
        "campaigns.target": VIEW,
        "trainings.trainingsession": EDIT,  # own sessions only: checked per object
        "trainings.registration": EDIT,
        "trainings.attendee": EDIT,
        "trainings.feedback": EDIT,
        "trainings.certificate": EDIT,
        "outreach_media.mediaitem": VIEW,
    },
    Role.UNIT_OFFICER: {
        "campaigns.administrativeunit": VIEW,
        "campaigns.campaign": VIEW_REPORT,
        "campaigns.target": VIEW,
        "campaigns.dossierstatistic": EDIT,
        "trainings.trainingsession": VIEW,
        "outreach_media.mediaitem": EDIT,
        "outreach_media.distribution": EDIT,
        "outreach_media.airing": EDIT,
        "outreach_media.post": EDIT,
        "outreach_media.outreachevent": EDIT,
    },
    Role.LEADER: {
        "campaigns.administrativeunit": VIEW,
        "campaigns.campaign": EDIT_REPORT,
        "campaigns.target": EDIT,
        "campaigns.dossierstatistic": VIEW,
        "trainings.trainingsession": VIEW,
        "outreach_media.mediaitem": VIEW,
        "outreach_media.distribution": VIEW,
        "outreach_media.airing": VIEW,
        "outreach_media.post": VIEW,
        "outreach_media.outreachevent": VIEW,
        "outreach_media.trackedlink": VIEW,
    },
}

# Wagtail page and collection permissions (granted on the root page and root collection).
ROLE_PAGE_PERMISSIONS = {
    # Communications staff submit pages for moderation (cms.workflow); approving the task publishes them.
    Role.COMMUNICATIONS: ("add_page", "change_page", "lock_page", "unlock_page"),
    # Leaders review submitted pages in the editor and approve them; Wagtail publishes an approved page as the
    # approver, so approvers need "publish_page" too.
    Role.LEADER: ("change_page", "publish_page"),
    Role.ADMINISTRATOR: ("add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"),
}
_MEDIA_EDIT = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtailimages.delete_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtaildocs.delete_document",
)
ROLE_COLLECTION_PERMISSIONS = {
    Role.COMMUNICATIONS: _MEDIA_EDIT,
    Role.TRAINER: ("wagtaildocs.choose_document", "wagtailimages.choose_image"),
    Role.UNIT_OFFICER: ("wagtaildocs.choose_document", "wagtailimages.choose_image"),
    Role.ADMINISTRATOR: _MEDIA_EDIT,
}


WAGTAIL_STARTER_GROUPS = ("Editors", "Moderators")


def role_group_name(role: Role) -> str:
    return ROLE_GROUP_NAMES[role]


def _permissions_for(role: Role):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    wanted = {"wagtailadmin.access_admin"}
    for label, actions in ROLE_MODEL_PERMISSIONS.get(role, {}).items():
        app_label, model_name = label.split(".")
        wanted.update(f"{app_label}.{action}_{model_name}" for action in actions)
    existing = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.select_related("content_type").filter(
            content_type__in=ContentType.objects.all()
        )
    }
    if role == Role.ADMINISTRATOR:
        return list(existing.values())
    return [existing[name] for name in sorted(wanted) if name in existing]


def sync_role_groups(*, using: str = "default") -> dict[Role, int]:
    """Create or refresh the five role groups; returns the number of model permissions per role."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    granted = {}
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role_group_name(role))
        permissions = _permissions_for(role)
        group.permissions.set(permissions)
        granted[role] = len(permissions)

        if root_page is not None:
            wanted_pages = set(ROLE_PAGE_PERMISSIONS.get(role, ()))
            GroupPagePermission.objects.filter(group=group, page=root_page).exclude(
                permission__codename__in=wanted_pages
            ).delete()
            for codename in wanted_pages:
                permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
                GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=permission)

        if root_collection is not None:
            wanted_collection = set(ROLE_COLLECTION_PERMISSIONS.get(role, ()))
            current = GroupCollectionPermission.objects.filter(group=group, collection=root_collection)
            for item in current.select_related("permission__content_type"):
                label = f"{item.permission.content_type.app_label}.{item.permission.codename}"
                if label not in wanted_collection:
                    item.delete()
            for label in wanted_collection:
                app_label, codename = label.split(".")
                permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
    # Wagtail's starter groups, with English names in the Vietnamese admin and permissions outside the role matrix:
    # removed as long as nobody belongs to them (a group someone was put in is left to the administrators).
    Group.objects.using(using).filter(name__in=WAGTAIL_STARTER_GROUPS, user__isnull=True).delete()
    return granted


def _create_publish_permissions(using: str) -> None:
    """The "publish" permission of every model with drafts (media items). Wagtail makes them only for snippets
    already registered, which depends on whether the admin's URLs were loaded before the migration."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import DraftStateMixin, Page

    for model in apps.get_models():
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page):
            content_type = ContentType.objects.db_manager(using).get_for_model(model)
            Permission.objects.using(using).get_or_create(
                content_type=content_type,
                codename=f"publish_{model._meta.model_name}",
                defaults={"name": f"Can publish {model._meta.verbose_name_raw}"},
            )


def sync_role_groups_after_migrate(sender, using="default", plan=None, **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # Permissions of every app must exist before they are handed out.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    _create_publish_permissions(using)
    sync_role_groups(using=using)
    role_groups_synced.send(sender=sync_role_groups, using=using)
