"""Reads of the leads for the admin home: who to call back now, and how the week went."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.conf import settings
from django.utils import timezone

from .models import ConsultationRequest, RequestStatus


@dataclass(frozen=True)
class WaitingLead:
    pk: int
    name: str
    email: str
    phone: str
    goal: str
    source: str
    created_at: datetime
    waited: timedelta
    overdue: bool


@dataclass(frozen=True)
class Week:
    since: datetime
    requests: int
    answered: int
    median_answer: timedelta | None
    booked: int
    won: int


@dataclass(frozen=True)
class CallbackDesk:
    waiting: list[WaitingLead]
    waiting_total: int
    overdue_total: int
    target: timedelta
    week: Week


def callback_desk(*, now: datetime | None = None, limit: int = 25) -> CallbackDesk:
    """New requests, oldest first, each marked when it has waited longer than the gym's target
    (DJANGO_LEAD_TARGET_MINUTES), and this week's requests (since Monday, local time) and what came of them."""
    now = now or timezone.now()
    target = timedelta(minutes=settings.LEAD_TARGET_MINUTES)
    new = ConsultationRequest.objects.filter(status=RequestStatus.NEW, archived=False, erased_at__isnull=True)
    waiting = [
        WaitingLead(
            pk=lead.pk,
            name=lead.name,
            email=lead.email,
            phone=lead.phone,
            goal=lead.get_goal_display(),
            source=lead.source_comparison.title if lead.source_comparison else lead.source_path,
            created_at=lead.created_at,
            waited=now - lead.created_at,
            overdue=now - lead.created_at > target,
        )
        for lead in new.select_related("source_comparison").order_by("created_at", "pk")[:limit]
    ]
    return CallbackDesk(
        waiting=waiting,
        waiting_total=new.count(),
        overdue_total=new.filter(created_at__lt=now - target).count(),
        target=target,
        week=this_week(now=now),
    )


def this_week(*, now: datetime) -> Week:
    """Requests since Monday 00:00 (spam left out); of those, how many were answered, how fast (the median from
    arrival to first contact), how many were booked (booked, or won since) and won."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    since = today - timedelta(days=today.weekday())
    week = ConsultationRequest.objects.filter(created_at__gte=since, created_at__lte=now).exclude(
        status=RequestStatus.SPAM
    )
    answered = week.filter(first_contacted_at__isnull=False).values_list("created_at", "first_contacted_at")
    waits = [contacted - created for created, contacted in answered]
    return Week(
        since=since,
        requests=week.count(),
        answered=len(waits),
        median_answer=median(waits) if waits else None,
        booked=week.filter(status__in=(RequestStatus.BOOKED, RequestStatus.WON)).count(),
        won=week.filter(status=RequestStatus.WON).count(),
    )
