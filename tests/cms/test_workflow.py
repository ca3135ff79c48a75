"""Editorial workflow: communications staff submit, administrators or leaders approve, approval publishes."""

import pytest
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from campaigns.access.roles import ROLE_PAGE_PERMISSIONS, Role, role_group_name, sync_role_groups
from cms.models import GuideIndexPage, GuidePage, HomePage
from cms.workflow import TASK_NAME, WORKFLOW_NAME, ensure_moderation_workflow

from ..factories.users import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    sync_role_groups()
    ensure_moderation_workflow()
    index = GuideIndexPage(title="Hướng dẫn", slug="huong-dan")
    HomePage.objects.get().add_child(instance=index)
    page = GuidePage(title="Nộp hồ sơ trực tuyến", slug="nop-ho-so")
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def _edit(client, page, title, action):
    data = nested_form_data(
        {
            "title": title,
            "slug": page.slug,
            "intro": "",
            "applies_to": "",
            "audience": "",
            "steps": streamfield([]),
            "handbook": "",
            "related_guides": inline_formset([]),
            "seo_title": "",
            "search_description": "",
        }
    )
    data[action] = "1"
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_the_workflow_is_created_once_and_assigned_to_the_home_page():
    first = ensure_moderation_workflow()
    second = ensure_moderation_workflow()
    assert first.pk == second.pk
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    task = GroupApprovalTask.objects.get(name=TASK_NAME)
    assert sorted(task.groups.values_list("name", flat=True)) == sorted(
        [role_group_name(Role.ADMINISTRATOR), role_group_name(Role.LEADER)]
    )
    assert [wt.task.specific for wt in first.workflow_tasks.all()] == [task]
    home = HomePage.objects.get()
    assert WorkflowPage.objects.get(page=home).workflow == first
    assert home.get_workflow() == first


def test_communications_staff_may_not_publish_and_leaders_may_review():
    assert "publish_page" not in ROLE_PAGE_PERMISSIONS[Role.COMMUNICATIONS]
    # Approving the last task publishes the page as the approver: approvers need both.
    assert {"change_page", "publish_page"} <= set(ROLE_PAGE_PERMISSIONS[Role.LEADER])


def test_submitted_edit_waits_for_approval_and_approval_publishes(client, guide):
    client.force_login(UserFactory(username="bien.tap", role=Role.COMMUNICATIONS))
    response = _edit(client, guide, "Nộp hồ sơ trực tuyến (bản mới)", "action-submit")
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors

    guide.refresh_from_db()
    assert guide.title == "Nộp hồ sơ trực tuyến"
    assert guide.has_unpublished_changes
    assert client.get(guide.url).content.decode().count("(bản mới)") == 0
    state = guide.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == WORKFLOW_NAME

    leader = UserFactory(username="lanh.dao", role=Role.LEADER)
    task_state = state.current_task_state.specific
    assert task_state.task.specific.user_can_access_editor(guide, leader)
    task_state.approve(user=leader)

    guide.refresh_from_db()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert guide.live
    assert guide.title == "Nộp hồ sơ trực tuyến (bản mới)"
    assert not guide.has_unpublished_changes
    assert "(bản mới)" in client.get(guide.url).content.decode()


def test_a_leader_approves_through_the_admin(client, guide):
    client.force_login(UserFactory(username="bien.tap", role=Role.COMMUNICATIONS))
    _edit(client, guide, "Tiêu đề đã duyệt", "action-submit")
    state = guide.current_workflow_state

    client.force_login(UserFactory(username="lanh.dao", role=Role.LEADER))
    assert client.get(reverse("wagtailadmin_pages:edit", args=[guide.pk])).status_code == 200
    url = reverse("wagtailadmin_pages:workflow_action", args=[guide.pk, "approve", state.current_task_state.pk])
    response = client.post(url, {"comment": ""})
    assert response.status_code in (200, 302)
    guide.refresh_from_db()
    assert guide.live
    assert guide.title == "Tiêu đề đã duyệt"


def test_communications_staff_cannot_publish_directly(client, guide):
    client.force_login(UserFactory(username="bien.tap", role=Role.COMMUNICATIONS))
    response = _edit(client, guide, "Đăng thẳng không qua duyệt", "action-publish")
    assert response.status_code in (302, 403)

    guide.refresh_from_db()
    assert guide.title == "Nộp hồ sơ trực tuyến"
    assert "Đăng thẳng" not in client.get(guide.url).content.decode()
    assert not WorkflowState.objects.filter(object_id=str(guide.pk), status=WorkflowState.STATUS_APPROVED).exists()
