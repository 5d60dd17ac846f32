"""Erasing a lead clears every copy of them: the admin's log, the emails still owed, the job queue, every table."""

import json
import smtplib

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from reversion.models import Version

from exercises.leads import privacy
from exercises.leads.delivery import Delivery, deliver_notification
from exercises.leads.models import ConsultationRequest, Notification, NotificationKind, NotificationStatus
from exercises.leads.tasks import sweep_notifications
from tests.conftest import valid_consultation
from tests.test_leads_inbox import change_form_data

CHANGELIST = reverse("admin:exercises_consultationrequest_changelist")
# Accents, so that a copy kept as JSON ("Zo\u00eb") is looked for too.
NAME, EMAIL, PHONE = "Zoë Quist-Núñez", "zoe.quist@example.com", "512-555-0177"


class MailServerDown(LocmemBackend):
    """Refuses every message for now (a 4xx, so each email is tried again), quoting the address as servers do."""

    def send_messages(self, messages):
        address = messages[0].to[0] if messages[0].to else ""
        raise smtplib.SMTPRecipientsRefused({address: (451, f"4.3.0 {address}: try again later".encode())})


def personal_needles() -> set[str]:
    values = {NAME, EMAIL, PHONE, "Quist", "zoe.quist", "5125550177"}
    return {value.casefold() for value in values} | {json.dumps(value)[1:-1].casefold() for value in values}


def copies_in_the_database() -> list[tuple[str, str, str]]:
    """(table, column, value) for every text value in any table, of any app, that holds the lead's data."""
    found = []
    needles = personal_needles()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    if isinstance(value, dict | list):  # a JSON column, decoded by the driver
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str) and any(needle in value.casefold() for needle in needles):
                        found.append((table, column, value))
    return found


def store_the_lead(client, django_capture_on_commit_callbacks) -> ConsultationRequest:
    data = valid_consultation(
        name=NAME, email=EMAIL, phone=PHONE, preferred_contact="phone", calls_texts_consent="on", message="Call me."
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/consultation/", data).status_code == 302
    return ConsultationRequest.objects.get(email=EMAIL)


def work_the_lead_in_the_admin(admin_client, admin_user, lead):
    """What staff do before the visitor asks for erasure: change its status, with a note naming them."""
    change = reverse("admin:exercises_consultationrequest_change", args=[lead.pk])
    page = admin_client.get(change)
    notes = f"Called {NAME} on {PHONE}, wrote to {EMAIL}."
    assert admin_client.post(change, change_form_data(page, status="contacted", staff_notes=notes)).status_code == 302
    # What the admin writes when an inline row changes: the row by its str(), which names the visitor.
    notification = lead.notifications.get(kind=NotificationKind.STAFF)
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(ConsultationRequest),
        object_id=str(lead.pk),
        object_repr=str(lead),
        action_flag=CHANGE,
        change_message=json.dumps(
            [{"changed": {"name": "email notification", "object": str(notification), "fields": ["Status"]}}]
        ),
    )


def erase_in_the_admin(admin_client, lead):
    action = {"action": "erase_personal_data", "_selected_action": [lead.pk], "confirmed": "yes"}
    assert admin_client.post(CHANGELIST, action).status_code == 302


@pytest.mark.django_db
def test_after_an_erasure_no_table_holds_the_leads_name_email_or_phone(
    client, admin_client, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_leads_erasure.MailServerDown"
    lead = store_the_lead(client, django_capture_on_commit_callbacks)
    work_the_lead_in_the_admin(admin_client, admin_user, lead)
    lead.refresh_from_db()
    assert NAME in admin_client.get("/admin/").content.decode()  # under Recent actions
    tables = {table for table, _, _ in copies_in_the_database()}
    # The search finds what is there: the lead itself, the mail server's error, the admin's log.
    assert {"exercises_consultationrequest", "exercises_notification", "django_admin_log"} <= tables
    assert EMAIL in lead.notifications.get(kind=NotificationKind.AUTO_REPLY).last_error

    erase_in_the_admin(admin_client, lead)

    assert copies_in_the_database() == []
    home = admin_client.get("/admin/").content.decode()
    assert NAME not in home and EMAIL not in home
    assert "(personal data erased)" in home  # the log entries are still there, under the request's new name
    entries = LogEntry.objects.filter(object_id=str(lead.pk)).order_by("action_time")
    assert entries.count() == 3
    assert [message["changed"]["fields"] for message in json.loads(entries[0].change_message)] == [
        ["Status", "Staff notes"]
    ]
    assert "Erased personal data" in entries.last().change_message


@pytest.mark.django_db
def test_the_retention_job_clears_the_admin_log_too(
    client, admin_client, admin_user, django_capture_on_commit_callbacks
):
    lead = store_the_lead(client, django_capture_on_commit_callbacks)
    work_the_lead_in_the_admin(admin_client, admin_user, lead)
    ConsultationRequest.objects.filter(pk=lead.pk).update(created_at=timezone.now() - timezone.timedelta(days=800))

    assert privacy.erase_expired_requests() == 1

    assert copies_in_the_database() == []


@pytest.mark.django_db
def test_reversion_never_kept_a_copy_of_a_lead(client, admin_client, admin_user, django_capture_on_commit_callbacks):
    lead = store_the_lead(client, django_capture_on_commit_callbacks)
    work_the_lead_in_the_admin(admin_client, admin_user, lead)
    erase_in_the_admin(admin_client, lead)

    leads = ContentType.objects.get_for_models(ConsultationRequest, Notification).values()
    assert not Version.objects.filter(content_type__in=leads).exists()
    needles = personal_needles()
    assert not [v for v in Version.objects.all() if any(needle in v.serialized_data.casefold() for needle in needles)]


@pytest.mark.django_db
def test_erasing_a_lead_cancels_its_owed_emails_even_once_the_mail_server_is_back(
    client, admin_client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_leads_erasure.MailServerDown"
    lead = store_the_lead(client, django_capture_on_commit_callbacks)
    assert set(lead.notifications.values_list("status", flat=True)) == {NotificationStatus.FAILING}

    erase_in_the_admin(admin_client, lead)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    Notification.objects.update(next_attempt_at=timezone.now())
    mail.outbox.clear()

    assert sweep_notifications.call_local() == 0
    for notification in lead.notifications.all():
        assert deliver_notification(notification.pk) is Delivery.SKIPPED
    assert mail.outbox == []
    assert set(lead.notifications.values_list("status", flat=True)) == {NotificationStatus.CANCELLED}
    page = admin_client.get(CHANGELIST).content.decode()
    assert "staff: cancelled: personal data erased; reply: cancelled: personal data erased" in page
    # Resending an erased lead's emails sends nothing: there is nobody left to write to or about.
    resend = {"action": "resend_emails", "_selected_action": [lead.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(CHANGELIST, resend)
    assert mail.outbox == []
    assert set(lead.notifications.values_list("status", flat=True)) == {NotificationStatus.CANCELLED}


@pytest.mark.django_db
def test_a_retry_saved_after_the_erasure_is_cancelled_when_it_comes_up(
    client, settings, django_capture_on_commit_callbacks
):
    """A worker mid-send when the erasure commits saves its failure afterwards; its retry must send nothing."""
    settings.EMAIL_BACKEND = "tests.test_leads_erasure.MailServerDown"
    lead = store_the_lead(client, django_capture_on_commit_callbacks)
    privacy.erase_personal_data([lead], by="coach")
    Notification.objects.update(status=NotificationStatus.FAILING, next_attempt_at=timezone.now())
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()

    outcomes = {deliver_notification(notification.pk) for notification in lead.notifications.all()}

    assert outcomes == {Delivery.CANCELLED}
    assert mail.outbox == []
    assert set(lead.notifications.values_list("status", flat=True)) == {NotificationStatus.CANCELLED}
    assert not lead.notifications.filter(sent_at__isnull=False).exists()


@pytest.mark.django_db
def test_an_auto_reply_with_no_address_is_never_marked_sent(client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.test_leads_erasure.MailServerDown"
    lead = store_the_lead(client, django_capture_on_commit_callbacks)
    ConsultationRequest.objects.filter(pk=lead.pk).update(email="")  # however it came to be empty
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reply = lead.notifications.get(kind=NotificationKind.AUTO_REPLY)
    Notification.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    mail.outbox.clear()

    assert deliver_notification(reply.pk) is Delivery.GAVE_UP

    reply.refresh_from_db()
    assert reply.status == NotificationStatus.FAILED and reply.sent_at is None
    assert "no email address" in reply.last_error
    assert mail.outbox == []


@pytest.mark.django_db
def test_no_queued_job_holds_the_leads_data_and_the_queued_emails_send_nothing(
    client, admin_client, django_capture_on_commit_callbacks
):
    HUEY.immediate = False
    HUEY.flush()
    try:
        lead = store_the_lead(client, django_capture_on_commit_callbacks)
        erase_in_the_admin(admin_client, lead)
        queued = [*HUEY.storage.enqueued_items(), *HUEY.storage.scheduled_items()]
        pending = HUEY.pending()
    finally:
        HUEY.flush()
        HUEY.immediate = True

    assert len(queued) == len(pending) == 2  # the two emails' jobs, by id
    needles = personal_needles()
    for item in queued:
        raw = bytes(item).decode("utf-8", "replace").casefold()
        assert not any(needle in raw for needle in needles)
    mail.outbox.clear()
    for task in pending:
        HUEY.execute(task)
    assert mail.outbox == []
    assert set(lead.notifications.values_list("status", flat=True)) == {NotificationStatus.CANCELLED}


BEFORE, AFTER = ("exercises", "0011_photo_library"), ("exercises", "0012_erasure_cancels_owed_emails")


@pytest.fixture
def back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_what_earlier_erasures_left(back_to_the_latest_schema, admin_user):
    """Requests erased before the fix: their unsent emails are cancelled, their admin log is cleared."""
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    now = timezone.now()
    requests, notifications = (
        old.get_model("exercises", "ConsultationRequest"),
        old.get_model("exercises", "Notification"),
    )
    common = {"goal": "glutes", "consent": True, "consent_text": "Yes.", "consent_version": "v", "consented_at": now}
    erased = requests.objects.create(name="", email="", created_at=now, erased_at=now, **common)
    kept = requests.objects.create(name="Ben Cho", email="ben@example.com", created_at=now, **common)
    notifications.objects.create(request=erased, kind="staff", status="failing", attempts=2)
    notifications.objects.create(request=erased, kind="auto_reply", status="sent", sent_at=now)  # empty "to"
    notifications.objects.create(request=kept, kind="staff", status="failing", attempts=2)
    content_type = ContentType.objects.get_for_model(ConsultationRequest)
    log = {"user": admin_user, "content_type": content_type, "action_flag": CHANGE}
    LogEntry.objects.create(
        **log,
        object_id=str(erased.pk),
        object_repr=f"{NAME} <{EMAIL}>",
        change_message=json.dumps(
            [{"changed": {"fields": ["Status"]}}, {"changed": {"name": "email notification", "object": f"For {NAME}"}}]
        ),
    )
    LogEntry.objects.create(**log, object_id=str(erased.pk), object_repr=f"{NAME} <{EMAIL}>", change_message=NAME)
    LogEntry.objects.create(**log, object_id=str(kept.pk), object_repr="Ben Cho <ben@example.com>", change_message="")

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])

    assert copies_in_the_database() == []
    statuses = dict(Notification.objects.filter(request_id=erased.pk).values_list("kind", "status"))
    assert statuses == {"staff": "cancelled", "auto_reply": "cancelled"}
    assert Notification.objects.get(request_id=kept.pk).status == "failing"
    assert LogEntry.objects.get(object_id=str(kept.pk)).object_repr == "Ben Cho <ben@example.com>"
    assert set(LogEntry.objects.filter(object_id=str(erased.pk)).values_list("object_repr", flat=True)) == {
        f"Request of {now:%Y-%m-%d} (personal data erased)"
    }
