"""The inbox's word on the admin home: emails that could not be sent, until a staff alert has told of them,
and how quickly leads were answered this month."""

from datetime import timedelta
from statistics import median

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from ..leads.models import ConsultationRequest, Notification, NotificationStatus, RequestStatus

register = template.Library()


@register.simple_tag
def undelivered_emails():
    failed = Notification.objects.filter(status=NotificationStatus.FAILED, failure_announced_at__isnull=True)
    return list(failed.select_related("request")[:20])


@register.simple_tag
def waiting_leads() -> dict:
    """New leads today and this week, and the one that has waited longest for an answer."""
    now = timezone.localtime()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = today - timedelta(days=today.weekday())
    leads = ConsultationRequest.objects.filter(archived=False)
    unanswered = leads.filter(status=RequestStatus.NEW).order_by("created_at")
    return {
        "today": leads.filter(created_at__gte=today).count(),
        "week": leads.filter(created_at__gte=week).count(),
        "unanswered": unanswered.count(),
        "oldest": unanswered.first(),
    }


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
