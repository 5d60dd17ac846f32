"""Erasing a visitor's personal data, on request or once it has been kept too long."""

import json
import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import ConsultationRequest, Notification, NotificationStatus

logger = logging.getLogger(__name__)


# Blank, not deleted: the row keeps its date, goal, source page and status, so the counts stay true.
# Where the visit began goes too: a campaign's utm_term or utm_content can carry a name or an address.
ERASED = {
    "name": "",
    "email": "",
    "phone": "",
    "message": "",
    "ip_address": None,
    "user_agent": "",
    "staff_notes": "",
    "landing_path": "",
    "referrer_host": "",
    "utm_source": "",
    "utm_medium": "",
    "utm_campaign": "",
    "utm_term": "",
    "utm_content": "",
    "article_path": "",
    "article": None,
}


def erase_personal_data(requests: Iterable[ConsultationRequest], *, by: str) -> list[ConsultationRequest]:
    """What the consent box promises: a visitor's data goes when they ask (or when it is kept too long).

    Every copy goes: the request's own fields, the error a mail server may have quoted, the emails still owed
    (cancelled: sent now, they would carry an empty name and address) and the admin's log of the request,
    which names it "Name <email>" on the admin home. The job queue holds only the emails' ids.
    """
    ids = [r.pk for r in requests if r.erased_at is None]
    with transaction.atomic():
        personal = list(ConsultationRequest.objects.filter(pk__in=ids).values_list("name", "email", "phone"))
        ConsultationRequest.objects.filter(pk__in=ids).update(**ERASED, erased_at=timezone.now(), erased_by=by[:150])
        # An error from the mail server may quote the address.
        Notification.objects.filter(request__in=ids).update(last_error="")
        Notification.objects.filter(request__in=ids).exclude(status=NotificationStatus.SENT).update(
            status=NotificationStatus.CANCELLED, lease_until=None
        )
        erased = list(ConsultationRequest.objects.filter(pk__in=ids))
        scrub_admin_log(erased=erased, personal={value for values in personal for value in values if value})
    logger.info("personal data erased requests=%s by=%s", ids, by)
    return erased


def scrub_admin_log(*, erased: list[ConsultationRequest], personal: set[str]) -> None:
    """The admin's log entries of erased requests: named as the request now is, and no message quoting them."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ConsultationRequest),
        object_id__in=[str(request.pk) for request in erased],
    )
    names = {str(request.pk): str(request) for request in erased}
    for entry in entries:
        entry.object_repr = names[entry.object_id]
        entry.change_message = scrubbed_change_message(entry.change_message, personal=personal)
        entry.save(update_fields=["object_repr", "change_message"])


def scrubbed_change_message(message: str, *, personal: set[str]) -> str:
    """The admin's own messages name the fields changed (kept) and the inline rows added or removed, by their
    str() (dropped: a notification's names its request's visitor). Any other message quoting them goes."""
    try:
        parts = json.loads(message)
    except ValueError:
        parts = None
    if isinstance(parts, list):
        for part in parts:
            for detail in part.values() if isinstance(part, dict) else ():
                if isinstance(detail, dict):
                    detail.pop("object", None)
        message = json.dumps(parts)
        readable = json.dumps(parts, ensure_ascii=False)
    else:
        readable = message
    if any(value.casefold() in readable.casefold() for value in personal):
        return ""
    return message


def erase_expired_requests() -> int:
    cutoff = timezone.now() - timedelta(days=settings.LEAD_RETENTION_DAYS)
    expired = ConsultationRequest.objects.filter(created_at__lt=cutoff, erased_at__isnull=True)
    return len(erase_personal_data(expired, by=f"retention: older than {settings.LEAD_RETENTION_DAYS} days"))
