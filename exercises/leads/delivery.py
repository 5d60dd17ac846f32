"""Sending one owed email and recording how it went on its outbox row."""

import enum
import logging
import smtplib
from datetime import timedelta
from email.errors import HeaderParseError

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Notification, NotificationKind, NotificationRecipient, NotificationStatus

logger = logging.getLogger(__name__)


class Delivery(enum.Enum):
    SENT = "sent"
    FAILED = "failed"  # tried again later
    GAVE_UP = "gave_up"  # can never be sent as it stands
    SKIPPED = "skipped"  # already sent, not yet due, or another worker holds it
    CANCELLED = "cancelled"  # the visitor's data was erased: nothing left to send


class NoRecipients(Exception):
    """Nobody to alert yet; staff can add someone, so it is tried again."""


class NoVisitorAddress(Exception):
    """An auto-reply with no address to go to: it can never be sent, and must never read as sent."""


def is_permanent(error: Exception) -> bool:
    """An email that can never go out as it stands: a header that cannot be written, or the server's 5xx."""
    if isinstance(error, HeaderParseError | BadHeaderError | UnicodeError | NoVisitorAddress):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def unannounced_failures():
    """Emails that can never be sent and that no staff alert has listed yet."""
    failed = Notification.objects.filter(status=NotificationStatus.FAILED, failure_announced_at__isnull=True)
    return failed.select_related("request")


def retry_delay(attempts: int) -> timedelta:
    delays = settings.CONSULTATION_RETRY_DELAYS
    return timedelta(seconds=delays[min(attempts, len(delays)) - 1])


def staff_recipients() -> list[str]:
    extra = NotificationRecipient.objects.filter(active=True).values_list("email", flat=True)
    return sorted({*settings.CONSULTATION_RECIPIENTS, *extra})


def build_email(notification: Notification, *, undelivered=()) -> EmailMessage:
    """The email a row owes; a staff alert also lists earlier emails that could not be sent (undelivered)."""
    request = notification.request
    context = {
        "request": request,
        "gym_name": settings.GYM_NAME,
        "site_url": settings.SITE_URL,
        "admin_url": settings.SITE_URL + reverse("admin:exercises_consultationrequest_change", args=[request.pk]),
    }
    if notification.kind == NotificationKind.STAFF:
        context["auto_reply"] = request.notifications.filter(kind=NotificationKind.AUTO_REPLY).exists()
        context["undelivered"] = [
            (
                failure,
                settings.SITE_URL + reverse("admin:exercises_consultationrequest_change", args=[failure.request_id]),
            )
            for failure in undelivered
        ]
        # The visitor's name goes into a header: strip anything that could start a new one.
        safe_name = " ".join(request.name.split())
        return EmailMessage(
            subject=f"New consultation request: {safe_name}",
            body=render_to_string("emails/consultation_staff.txt", context),
            to=staff_recipients(),
            reply_to=[request.email],
        )
    return EmailMessage(
        subject=f"Your free consultation with {settings.GYM_NAME}",
        body=render_to_string("emails/consultation_auto_reply.txt", context),
        to=[request.email],
    )


def deliver_notification(notification_id: int) -> Delivery:
    """Send one owed email if it is due, recording the outcome on its row."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.CONSULTATION_SEND_LEASE_SECONDS)
    claimed = Notification.objects.due(now).filter(pk=notification_id).update(lease_until=lease)
    if not claimed:
        return Delivery.SKIPPED
    notification = Notification.objects.select_related("request").get(pk=notification_id)
    if notification.request.erased_at is not None:
        # Erased after this job was queued (or while a retry waited): an alert or reply now would carry an empty
        # name and address, so it is cancelled, never sent.
        notification.status = NotificationStatus.CANCELLED
        notification.lease_until = None
        notification.save(update_fields=["status", "lease_until"])
        logger.info("email cancelled id=%s kind=%s: personal data erased", notification.pk, notification.kind)
        return Delivery.CANCELLED
    notification.attempts += 1
    undelivered = []
    if notification.kind == NotificationKind.STAFF:
        undelivered = list(unannounced_failures())
    try:
        message = build_email(notification, undelivered=undelivered)
        # recipients() drops empty addresses, and send() then sends nothing without a word: that must not be "sent".
        if not message.recipients():
            if notification.kind == NotificationKind.STAFF:
                raise NoRecipients("No staff recipients: set DJANGO_CONSULTATION_RECIPIENTS or add one in the admin.")
            raise NoVisitorAddress("The request has no email address to reply to.")
        message.send()
    except Exception as error:
        notification.last_error = f"{type(error).__name__}: {error}"[:1000]
        notification.lease_until = None
        if is_permanent(error):
            notification.status = NotificationStatus.FAILED
            notification.save(update_fields=["status", "attempts", "last_error", "lease_until"])
            logger.error(
                "email cannot be sent id=%s kind=%s; not retried: %s",
                notification.pk,
                notification.kind,
                notification.last_error,
            )
            return Delivery.GAVE_UP
        notification.status = NotificationStatus.FAILING
        notification.next_attempt_at = timezone.now() + retry_delay(notification.attempts)
        notification.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "lease_until"])
        logger.warning(
            "email failed id=%s kind=%s attempt=%s retry_at=%s error=%s",
            notification.pk,
            notification.kind,
            notification.attempts,
            notification.next_attempt_at.isoformat(),
            notification.last_error,
        )
        return Delivery.FAILED
    notification.status = NotificationStatus.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.lease_until = None
    notification.save(update_fields=["status", "attempts", "last_error", "sent_at", "lease_until"])
    if undelivered:
        Notification.objects.filter(pk__in=[failure.pk for failure in undelivered]).update(
            failure_announced_at=notification.sent_at
        )
    logger.info("email sent id=%s kind=%s attempt=%s", notification.pk, notification.kind, notification.attempts)
    return Delivery.SENT
