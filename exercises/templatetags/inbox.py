"""The inbox's word on the admin home: emails that could not be sent, until a staff alert has told of them,
and how quickly leads were answered this month."""

from statistics import median

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from ..leads.models import ConsultationRequest, Notification, NotificationStatus

register = template.Library()


@register.simple_tag
def undelivered_emails():
    failed = Notification.objects.filter(status=NotificationStatus.FAILED, failure_announced_at__isnull=True)
    return list(failed.select_related("request")[:20])


@register.simple_tag
def median_answer_time() -> str:
    """From a lead's arrival to its first contact, over the leads that arrived this month; "" when none."""
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    answered = ConsultationRequest.objects.filter(created_at__gte=month_start, first_contacted_at__isnull=False)
    waits = [lead.first_contacted_at - lead.created_at for lead in answered.only("created_at", "first_contacted_at")]
    if not waits:
        return ""
    now = timezone.now()
    return timesince(now - median(waits), now, depth=2)
