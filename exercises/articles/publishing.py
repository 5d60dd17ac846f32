"""What the page cache is told about the site: which pages are public, and when content goes live by itself."""

from datetime import datetime

from django.urls import reverse

from ..gym.models import Coach
from ..library.models import Exercise
from .models import Comparison


def public_paths() -> list[str]:
    """Every public page, the most visited first. Not the thank-you page: it answers only a sent form's signed
    address, which is never kept (leads.views.consultation_thanks)."""
    paths = [reverse("exercises:home")]
    paths += [item.get_absolute_url() for item in Comparison.objects.published().order_by("-published_at")]
    paths += [item.get_absolute_url() for item in Exercise.objects.published()]
    paths += [coach.get_absolute_url() for coach in Coach.objects.published()]
    names = [
        "coach_list",
        "visit",
        "privacy",
        "consultation",
        "sitemap",
        "robots_txt",
        "web_manifest",
    ]
    return paths + [reverse(f"exercises:{name}") for name in names]


def next_go_live() -> datetime | None:
    """When the next scheduled comparison or exercise goes live, or None (one query for both)."""
    upcoming = Comparison.objects.scheduled().order_by().values_list("published_at", flat=True)
    upcoming = upcoming.union(Exercise.objects.scheduled().order_by().values_list("published_at", flat=True))
    return next(iter(upcoming.order_by("published_at")[:1]), None)
