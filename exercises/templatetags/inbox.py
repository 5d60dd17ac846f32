"""The inbox's word on the admin home: emails that could not be sent, until a staff alert has told of them."""

from django import template

from ..leads.models import Notification, NotificationStatus

register = template.Library()


@register.simple_tag
def undelivered_emails():
    failed = Notification.objects.filter(status=NotificationStatus.FAILED, failure_announced_at__isnull=True)
    return list(failed.select_related("request")[:20])
