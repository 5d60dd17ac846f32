"""What the admin home shows of the content: drafts, what is scheduled to go live, and overdue reviews."""

from django import template
from django.urls import reverse
from django.utils import timezone

from ..articles.models import Comparison
from ..library.models import Exercise
from ..writing.models import Status

register = template.Library()


@register.simple_tag
def unpublished_content() -> dict:
    """Drafts and scheduled items, comparisons first, each with the admin page that edits it."""
    items = [*Comparison.objects.exclude(status=Status.PUBLISHED, published_at__lte=timezone.now())]
    items += [*Exercise.objects.exclude(status=Status.PUBLISHED, published_at__lte=timezone.now())]
    for item in items:
        item.admin_url = reverse(f"admin:exercises_{type(item).__name__.lower()}_change", args=[item.pk])
    drafts = [item for item in items if item.status == Status.DRAFT]
    scheduled = sorted((item for item in items if item.status == Status.PUBLISHED), key=lambda item: item.published_at)
    today = timezone.localdate()
    overdue = [*Comparison.objects.published().filter(next_review_due__lt=today)]
    overdue += [*Exercise.objects.published().filter(next_review_due__lt=today)]
    for item in overdue:
        item.admin_url = reverse(f"admin:exercises_{type(item).__name__.lower()}_change", args=[item.pk])
    overdue.sort(key=lambda item: item.next_review_due)
    return {"drafts": drafts, "scheduled": scheduled, "overdue_reviews": overdue}
