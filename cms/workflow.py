"""The editorial workflow: communications staff submit pages, administrators or leaders approve and publish.

``ensure_moderation_workflow`` runs after every ``migrate`` (right after the role groups are synchronised: the
``role_groups_synced`` signal, connected in CmsConfig.ready) and at the
end of the demo content load. It is idempotent: the workflow, its single approval task and the assignment to the
site's home page are created once and refreshed afterwards.
"""

from django.db import transaction

from campaigns.access.roles import Role, role_group_name
from cms.models import HomePage

WORKFLOW_NAME = "Kiểm duyệt trước khi đăng"
TASK_NAME = "Duyệt nội dung"
APPROVER_ROLES = (Role.ADMINISTRATOR, Role.LEADER)
# Wagtail's starter workflow and task, made by its own migrations with an English name. The project does not use
# them; they are kept (a page's workflow history may name them) but renamed and switched off.
WAGTAIL_STARTER_NAME = "Moderators approval"
RETIRED_STARTER_NAME = "Phê duyệt mẫu của Wagtail (không dùng)"


def retire_wagtail_starter_workflow():
    from wagtail.models import Task, Workflow

    for model in (Workflow, Task):
        model.objects.filter(name=WAGTAIL_STARTER_NAME).update(name=RETIRED_STARTER_NAME, active=False)


@transaction.atomic
def ensure_moderation_workflow():
    """Create or refresh the moderation workflow; returns it, assigned to the home page when one exists."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    retire_wagtail_starter_workflow()
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    elif not task.active:
        task.active = True
        task.save(update_fields=["active"])
    approvers = [Group.objects.get_or_create(name=role_group_name(role))[0] for role in APPROVER_ROLES]
    task.groups.set(approvers)

    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    workflow.workflow_tasks.exclude(task=task).delete()

    home = HomePage.objects.order_by("depth", "path").first()
    if home is not None:
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


def role_groups_synced_receiver(sender, **kwargs) -> None:
    ensure_moderation_workflow()
