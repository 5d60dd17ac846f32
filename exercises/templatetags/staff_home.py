"""What the admin home shows of the content: drafts, and what is scheduled to go live."""

from django import template
from django.urls import reverse
from django.utils import timezone

from ..models import Comparison, Exercise, Status

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
    return {"drafts": drafts, "scheduled": scheduled}
