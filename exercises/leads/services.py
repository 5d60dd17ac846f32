"""Lead actions that write: storing a request and queueing its emails, counting hits, the inbox's bulk actions."""

import ipaddress
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import Resolver404, resolve
from django.utils import timezone

from ..articles.models import Comparison
from . import consent
from .models import (
    ArticleReads,
    ConsultationRequest,
    Counter,
    Notification,
    NotificationKind,
    NotificationStatus,
    RequestStatus,
)
from .tasks import send_notification

logger = logging.getLogger(__name__)


# --- Counters: rate limits and spam tallies --------------------------------


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def count_hit(*, key: str, window_seconds: int, limit: int | None = None) -> bool:
    """Count one hit in the current window; False when the limit was already reached.

    The conditional UPDATE is the whole trick: it is atomic in SQLite and in
    PostgreSQL, so the limit holds exactly across processes and instances.
    """
    start = _window_start(timezone.now(), window_seconds)
    rows = Counter.objects.filter(key=key, window_start=start)
    if limit is not None:
        rows = rows.filter(hits__lt=limit)
    for _attempt in range(2):
        if rows.update(hits=F("hits") + 1):
            return True
        if limit is not None and limit < 1:
            return False
        try:
            with transaction.atomic():
                Counter.objects.create(key=key, window_start=start, hits=1)
            return True
        except IntegrityError:
            continue  # the window's row exists (full, or just made by another worker)
    return False


def rate_limit_key(ip_address: str | None) -> str:
    """Who a request counts against: its IPv4 address, or its IPv6 /64 (one home or phone hands out many)."""
    if ip_address and ipaddress.ip_address(ip_address).version == 6:
        return f"consultation:{ipaddress.ip_network(f'{ip_address}/64', strict=False)}"
    return f"consultation:{ip_address or 'unknown'}"


def allow_consultation_from(ip_address: str | None) -> bool:
    return count_hit(
        key=rate_limit_key(ip_address),
        window_seconds=settings.CONSULTATION_RATE_LIMIT_WINDOW,
        limit=settings.CONSULTATION_RATE_LIMIT,
    )


def record_spam(*, reason: str, ip_address: str | None, user_agent: str) -> None:
    count_hit(key=f"spam:{reason}", window_seconds=24 * 3600)
    logger.warning("consultation spam rejected reason=%s ip=%s ua=%r", reason, ip_address, user_agent[:120])


def count_read(*, article: Comparison, source: str, when: datetime) -> None:
    """One more read of an article this month from this source: one conditional UPDATE, a row made the first time."""
    month = timezone.localtime(when).date().replace(day=1)
    rows = ArticleReads.objects.filter(month=month, article=article, source=source[:100])
    for _attempt in range(2):
        if rows.update(reads=F("reads") + 1):
            return
        try:
            with transaction.atomic():
                ArticleReads.objects.create(month=month, article=article, source=source[:100], reads=1)
            return
        except IntegrityError:
            continue  # made by another request meanwhile: add to it


# --- Consultation requests --------------------------------------------------


def comparison_for_path(path: str) -> Comparison | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "exercises:comparison_detail":
        return None
    return Comparison.objects.filter(slug=match.kwargs["slug"]).first()


def create_consultation_request(
    *,
    name: str,
    email: str,
    phone: str,
    goal: str,
    preferred_contact: str,
    best_time: str,
    message: str,
    consent_version: str,
    calls_texts_consent: bool,
    source_path: str,
    ip_address: str | None,
    user_agent: str,
    landing_path: str = "",
    referrer_host: str = "",
    utm_source: str = "",
    utm_medium: str = "",
    utm_campaign: str = "",
    utm_term: str = "",
    utm_content: str = "",
    article_path: str = "",
) -> ConsultationRequest:
    """Store the lead and the emails it owes in one transaction, then hand the emails to the worker.

    The first-touch values come cleaned (leads/attribution.py). The article read last is the one named, or,
    when none is, the article the form was sent from.
    """
    now = timezone.now()
    source_comparison = comparison_for_path(source_path) if source_path else None
    article = comparison_for_path(article_path) if article_path else None
    if article is None and source_comparison is not None:
        article, article_path = source_comparison, source_path
    with transaction.atomic():
        request = ConsultationRequest.objects.create(
            name=name,
            email=email,
            phone=phone,
            goal=goal,
            preferred_contact=preferred_contact,
            best_time=best_time,
            message=message,
            consent=True,
            consent_text=consent.CONSENT_TEXT[consent_version],
            consent_version=consent_version,
            calls_texts_consent=calls_texts_consent,
            calls_texts_consent_text=consent.CALLS_TEXTS_CONSENT_TEXT[consent_version] if calls_texts_consent else "",
            consented_at=now,
            source_path=source_path[:200],
            source_comparison=source_comparison,
            landing_path=landing_path[:200],
            referrer_host=referrer_host[:253],
            utm_source=utm_source[:100],
            utm_medium=utm_medium[:100],
            utm_campaign=utm_campaign[:100],
            utm_term=utm_term[:100],
            utm_content=utm_content[:100],
            article_path=article_path[:200] if article else "",
            article=article,
            ip_address=ip_address,
            user_agent=user_agent[:400],
            created_at=now,
        )
        kinds = [NotificationKind.STAFF]
        if not auto_reply_sent_recently(email, now=now):
            kinds.append(NotificationKind.AUTO_REPLY)
        notifications = Notification.objects.bulk_create(
            [Notification(request=request, kind=kind, next_attempt_at=now) for kind in kinds]
        )
        ids = [notification.pk for notification in notifications]
        transaction.on_commit(lambda: queue_notifications(ids))
    logger.info("consultation request stored id=%s source=%s", request.pk, request.source_path or "-")
    return request


def auto_reply_sent_recently(email: str, *, now) -> bool:
    """Anyone can type any address into the form: the gym writes to one address at most once a day."""
    return Notification.objects.filter(
        kind=NotificationKind.AUTO_REPLY, request__email__iexact=email, created_at__gte=now - timedelta(days=1)
    ).exists()


def queue_notifications(notification_ids: Iterable[int]) -> None:
    for notification_id in notification_ids:
        try:
            send_notification(notification_id)
        except Exception:
            # The row is already stored; the worker's sweep sends it.
            logger.exception("could not queue notification id=%s; the sweep will send it", notification_id)


def resend_notifications(requests: Iterable[ConsultationRequest]) -> int:
    # An erased request's emails were cancelled: there is nobody left to write to or about.
    owed = Notification.objects.filter(request__in=list(requests), request__erased_at__isnull=True)
    ids = list(owed.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        status=NotificationStatus.PENDING, next_attempt_at=timezone.now(), lease_until=None
    )
    transaction.on_commit(lambda: queue_notifications(ids))
    return len(ids)


def set_request_status(requests: Iterable[ConsultationRequest], status: str) -> int:
    chosen = ConsultationRequest.objects.filter(pk__in=[r.pk for r in requests])
    if status != RequestStatus.NEW:
        chosen.filter(first_contacted_at__isnull=True).update(first_contacted_at=timezone.now())
    return chosen.update(status=status)


def note_first_contact(request: ConsultationRequest) -> None:
    """Staff moved a lead on from New (in its form or in the list): the answer time stops there."""
    if request.status != RequestStatus.NEW and request.first_contacted_at is None:
        request.first_contacted_at = timezone.now()


def mark_contacted(*, request: ConsultationRequest) -> bool:
    """Staff reached the visitor: a New lead becomes Contacted and its first contact is now.

    False, and nothing changed, when its first contact was already kept (a second click, another coach).
    The conditional UPDATE makes two clicks at once count once.
    """
    now = timezone.now()
    changed = ConsultationRequest.objects.filter(pk=request.pk, first_contacted_at__isnull=True).update(
        first_contacted_at=now, updated_at=now
    )
    if changed:
        ConsultationRequest.objects.filter(pk=request.pk, status=RequestStatus.NEW).update(
            status=RequestStatus.CONTACTED
        )
    request.refresh_from_db()
    return bool(changed)


def archive_requests(requests: Iterable[ConsultationRequest]) -> int:
    return ConsultationRequest.objects.filter(pk__in=[r.pk for r in requests]).update(archived=True)
