import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from conferences.selectors.notices import conference_notice_scope
from conferences.services.organizations import person_create
from notifications.models import DeliveryAttempt, Notification, NotificationAttachment, RateLimitWindow

pytestmark = pytest.mark.django_db

NOTIFICATION_MODELS = list(apps.get_app_config("notifications").get_models())
MAX_CHANGELIST_QUERIES = 12


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def make_notification(conference, i: int, **fields) -> Notification:
    values = {
        "idempotency_key": f"invitation:{i}",
        "kind": "invitation",
        "scope": conference_notice_scope(conference.pk),
        "recipient_name": f"Sở Khoa học và Công nghệ {i}",
        "recipient_address": f"so{i}@example.vn",
        "subject": f"Giấy mời dự Hội nghị sơ kết ({i})",
        "body_text": "Kính gửi: Sở Khoa học và Công nghệ",
        "state": Notification.State.SENT,
        "sent_at": timezone.now(),
    }
    notification = Notification.objects.create(**(values | fields))
    NotificationAttachment.objects.create(
        notification=notification,
        filename="giay-moi.pdf",
        content_type="application/pdf",
        file=f"notifications/{notification.pk}/giay-moi.pdf",
    )
    DeliveryAttempt.objects.create(
        notification=notification,
        started_at=timezone.now(),
        worker="worker-1",
        outcome="sent",
        smtp_code=250,
        response="2.0.0 Ok: queued",
    )
    return notification


@pytest.fixture
def notification(conference):
    RateLimitWindow.objects.create(key="smtp.example.vn", window_start=timezone.now(), count=1)
    return make_notification(conference, 0)


def test_every_notifications_model_is_registered():
    assert [m.__name__ for m in NOTIFICATION_MODELS if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize("model", NOTIFICATION_MODELS, ids=lambda m: m.__name__)
def test_pages_open_read_only_for_a_superuser(admin_client, notification, model):
    obj = model._default_manager.order_by("pk").first()

    changelist = admin_client.get(changelist_url(model))
    add = admin_client.get(add_url(model))
    change = admin_client.get(change_url(obj))

    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    # Outbox rows are written by notify() with their rendered text; nobody adds or edits one by hand.
    assert add.status_code == 403
    assert change.status_code == 200
    assert change.context["has_change_permission"] is False
    assert change.context["has_delete_permission"] is False


def test_change_page_shows_the_html_body_escaped(admin_client, conference):
    notification = make_notification(conference, 1, body_html="<p>Kính gửi</p><script>alert(1)</script>")

    response = admin_client.get(change_url(notification))

    content = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)</script>" not in content


def test_change_page_lists_attempts_and_attachments_read_only(admin_client, notification):
    response = admin_client.get(change_url(notification))

    inlines = {f.opts.model: f for f in response.context["inline_admin_formsets"]}
    assert set(inlines) == {DeliveryAttempt, NotificationAttachment}
    for formset in inlines.values():
        assert formset.has_add_permission is False
        assert formset.has_change_permission is False
    assert [form.original.smtp_code for form in inlines[DeliveryAttempt]] == [250]
    assert [form.original.filename for form in inlines[NotificationAttachment]] == ["giay-moi.pdf"]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("so7@example.vn", ["so7@example.vn"]),
        ("(3)", ["so3@example.vn"]),
        ("tran van hoa", ["so9@example.vn"]),
    ],
)
def test_search_on_recipient_and_subject(admin_client, conference, term, expected):
    hoa = person_create(full_name="Trần Văn Hoà")
    for i in range(10):
        make_notification(conference, i, **({"recipient_name": hoa.full_name} if i == 9 else {}))

    response = admin_client.get(changelist_url(Notification), {"q": term})

    assert [n.recipient_address for n in response.context["cl"].result_list] == expected


def test_filter_by_state(admin_client, conference):
    make_notification(conference, 1)
    held = make_notification(conference, 2, state=Notification.State.HELD, sent_at=None)

    response = admin_client.get(changelist_url(Notification), {"state__exact": Notification.State.HELD})

    assert list(response.context["cl"].result_list) == [held]


def test_changelists_run_a_bounded_number_of_queries_with_30_rows(
    admin_client, conference, django_assert_max_num_queries
):
    for i in range(30):
        make_notification(conference, i)
        RateLimitWindow.objects.create(key=f"smtp{i}.example.vn", window_start=timezone.now(), count=i)
    admin_client.get(changelist_url(Notification))  # warm the session and content-type caches

    for model in NOTIFICATION_MODELS:
        url = changelist_url(model)
        with django_assert_max_num_queries(MAX_CHANGELIST_QUERIES, info=url):
            response = admin_client.get(url)
        assert response.status_code == 200
        assert response.context["cl"].result_count == 30, url


def test_admin_actions_approve_cancel_and_resend_through_the_services(admin_client, conference):
    from notifications.services import Recipient, notify

    rows = notify(
        recipients=[Recipient(address=f"a{i}@example.org", name=f"A{i}") for i in range(3)],
        kind="announcement",
        context={"conference": conference, "title": "T", "message": "M"},
        idempotency_key="admin-actions",
        scope=conference_notice_scope(conference.pk),
        hold=True,
    )
    url = "/admin/notifications/notification/"
    admin_client.post(url, {"action": "approve_selected", "_selected_action": [str(rows[0].pk)]})
    admin_client.post(url, {"action": "cancel_selected", "_selected_action": [str(rows[1].pk)]})
    for row in rows:
        row.refresh_from_db()
    assert [r.state for r in rows] == [
        Notification.State.PENDING,
        Notification.State.CANCELLED,
        Notification.State.HELD,
    ]
    Notification.objects.filter(pk=rows[2].pk).update(state=Notification.State.SENT)
    admin_client.post(url, {"action": "resend_selected", "_selected_action": [str(rows[2].pk)]})
    assert Notification.objects.filter(resent_from=rows[2]).count() == 1


def test_the_outbox_admin_is_for_superusers_only(client, conference):
    """The outbox cannot tell whose notices are whose: staff organizers use their conference's pages."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    notice = make_notification(conference, 1)
    user = get_user_model().objects.create_user("to-chuc", password=None, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="notifications"))
    client.force_login(user)

    assert client.get(changelist_url(Notification)).status_code == 403
    assert client.get(changelist_url(DeliveryAttempt)).status_code == 403
    assert client.get(changelist_url(NotificationAttachment)).status_code == 403
    assert client.get(change_url(notice)).status_code == 403
    assert "notifications" not in client.get(reverse("admin:index")).content.decode()
