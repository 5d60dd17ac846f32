"""The leads' background jobs, run by `python manage.py run_huey`: sending emails, the sweep, counter pruning."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import privacy
from .delivery import Delivery, deliver_notification
from .models import Counter, Notification


@db_task()
def send_notification(notification_id: int) -> str:
    outcome = deliver_notification(notification_id)
    if outcome is Delivery.FAILED:
        retry_at = Notification.objects.values_list("next_attempt_at", flat=True).get(pk=notification_id)
        send_notification.schedule((notification_id,), eta=retry_at)
    return outcome.value


@db_periodic_task(crontab(minute="*"))
def sweep_notifications() -> int:
    """Queue what no scheduled retry is looking after any more.

    A job can be lost when a worker dies mid-send or the queue was unreachable
    at commit; the outbox row is still there, so a minute's sweep finds it.
    """
    overdue = timezone.now() - timedelta(seconds=settings.CONSULTATION_SWEEP_GRACE_SECONDS)
    ids = list(Notification.objects.due().filter(next_attempt_at__lte=overdue).values_list("pk", flat=True))
    for notification_id in ids:
        send_notification(notification_id)
    return len(ids)


@db_periodic_task(crontab(minute="17", hour="3"))
def prune_counters() -> None:
    Counter.objects.filter(window_start__lt=timezone.now() - timedelta(days=30)).delete()


@db_periodic_task(crontab(minute="23", hour="3"))
def erase_expired_requests() -> int:
    """Leads older than DJANGO_LEAD_RETENTION_DAYS lose their personal data, as the privacy page says."""
    return privacy.erase_expired_requests()
