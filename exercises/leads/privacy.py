"""Erasing a visitor's personal data, on request or once it has been kept too long."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ConsultationRequest, Notification

logger = logging.getLogger(__name__)


# Blank, not deleted: the row keeps its date, goal, source page and status, so the counts stay true.
ERASED = {"name": "", "email": "", "phone": "", "message": "", "ip_address": None, "user_agent": "", "staff_notes": ""}


def erase_personal_data(requests: Iterable[ConsultationRequest], *, by: str) -> list[ConsultationRequest]:
    """What the consent box promises: a visitor's data goes when they ask (or when it is kept too long)."""
    ids = [r.pk for r in requests if r.erased_at is None]
    with transaction.atomic():
        ConsultationRequest.objects.filter(pk__in=ids).update(**ERASED, erased_at=timezone.now(), erased_by=by[:150])
        # An error from the mail server may quote the address.
        Notification.objects.filter(request__in=ids).update(last_error="")
    logger.info("personal data erased requests=%s by=%s", ids, by)
    return list(ConsultationRequest.objects.filter(pk__in=ids))


def erase_expired_requests() -> int:
    cutoff = timezone.now() - timedelta(days=settings.LEAD_RETENTION_DAYS)
    expired = ConsultationRequest.objects.filter(created_at__lt=cutoff, erased_at__isnull=True)
    return len(erase_personal_data(expired, by=f"retention: older than {settings.LEAD_RETENTION_DAYS} days"))
