"""Email delivery against a real SMTP server on loopback (aiosmtpd)."""

import socket
import time
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from exercises.leads.delivery import Delivery, deliver_notification
from exercises.leads.models import ConsultationRequest, Notification, NotificationStatus
from exercises.leads.tasks import sweep_notifications
from tests.conftest import free_port, valid_consultation


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return port


def start_smtp(port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return inbox, controller


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def body(message):
    return message.get_payload(decode=True).decode()


@pytest.mark.django_db
def test_both_messages_reach_a_real_smtp_server(client, smtp_port, django_capture_on_commit_callbacks):
    inbox, controller = start_smtp(smtp_port)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/consultation/", valid_consultation(phone="512-555-0134"))
    finally:
        controller.stop()

    by_recipient = {tuple(rcpt): message for rcpt, message in inbox.messages}
    staff = by_recipient[("coaches@example.com",)]
    reply = by_recipient[("maria@example.com",)]
    request = ConsultationRequest.objects.get()
    assert staff["Subject"] == "New consultation request: Maria Lopez"
    assert staff["Reply-To"] == "maria@example.com"
    for detail in ("Maria Lopez", "maria@example.com", "512-555-0134", "Glutes", "Morning", "I have a bad left knee."):
        assert detail in body(staff)
    assert f"/admin/exercises/consultationrequest/{request.pk}/change/" in body(staff)
    assert reply["Subject"] == "Your free consultation with Community Strength Austin"
    assert body(reply).startswith("Hello,")
    assert "Maria" not in body(reply)  # anyone can send it to any address: no text the visitor typed
    assert "What happens next" in body(reply)
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}


@pytest.mark.django_db(transaction=True)
def test_mail_server_down_then_back_delivers_without_anyone_acting(client, smtp_port, settings):
    """The lead is kept while SMTP is down; the worker's own retries deliver it once SMTP is back."""
    settings.CONSULTATION_RETRY_DELAYS = [1, 1, 1]
    HUEY.immediate = False
    HUEY.flush()
    consumer = HUEY.create_consumer(workers=1, worker_type="thread", periodic=False, max_delay=0.2)
    consumer.start()
    controller = None
    try:
        response = client.post("/consultation/", valid_consultation())
        assert response.status_code == 302
        assert ConsultationRequest.objects.count() == 1

        assert wait_for(lambda: Notification.objects.filter(status=NotificationStatus.FAILING).count() == 2)
        failing = Notification.objects.first()
        assert failing.attempts >= 1
        assert "refused" in failing.last_error.lower() or "connect" in failing.last_error.lower()

        inbox, controller = start_smtp(smtp_port)
        assert wait_for(lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() == 2)
        assert len(inbox.messages) == 2
    finally:
        consumer.stop(graceful=True)
        HUEY.flush()
        HUEY.immediate = True
        if controller:
            controller.stop()


@pytest.mark.django_db
def test_a_hung_mail_server_times_out_and_is_retried_later(
    client, smtp_port, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_TIMEOUT = 1
    with socket.socket() as hung:  # accepts connections, never says hello
        hung.bind(("127.0.0.1", smtp_port))
        hung.listen()
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/consultation/", valid_consultation())

    notification = Notification.objects.first()
    assert notification.status == NotificationStatus.FAILING
    assert notification.attempts == 1
    assert "timed out" in notification.last_error
    assert notification.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert ConsultationRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_job_lost_with_a_killed_worker_is_sent_by_the_sweep(client, django_capture_on_commit_callbacks, mailoutbox):
    # The worker claimed the email (lease), then died before sending: no job is left in the queue.
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/consultation/", valid_consultation())
    stale = timezone.now() - timedelta(minutes=10)
    Notification.objects.update(lease_until=stale, next_attempt_at=stale)

    assert sweep_notifications.call_local() == 2

    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_held_lease_stops_a_second_worker_sending_twice(client, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/consultation/", valid_consultation())
    notification = Notification.objects.first()
    Notification.objects.filter(pk=notification.pk).update(lease_until=timezone.now() + timedelta(minutes=1))

    assert deliver_notification(notification.pk) is Delivery.SKIPPED
    assert mailoutbox == []
