"""The inbox's word on the admin home: who to call back now, how the week went, and emails that could not be
sent, until a staff alert has told of them."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from ..leads import selectors
from ..leads.models import Notification, NotificationStatus

register = template.Library()


@register.simple_tag
def undelivered_emails():
    failed = Notification.objects.filter(status=NotificationStatus.FAILED, failure_announced_at__isnull=True)
    return list(failed.select_related("request")[:20])


@register.simple_tag
def callback_desk() -> selectors.CallbackDesk:
    return selectors.callback_desk()


@register.filter
def duration(value: timedelta | None) -> str:
    """A wait in words, to two units ("3 hours, 5 minutes"); "—" for none."""
    if value is None:
        return "—"
    now = timezone.now()
    return timesince(now - value, now, depth=2)


@register.filter
def dial_link(phone: str) -> str:
    """A phone number as a tap-to-call link (digits and a leading plus only in the address)."""
    if not phone:
        return ""
    return format_html('<a href="tel:{}">{}</a>', "".join(c for c in phone if c.isdigit() or c == "+"), phone)
