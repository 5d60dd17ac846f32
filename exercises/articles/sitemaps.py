from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from ..gym.models import Coach
from ..library.models import Exercise
from .models import Comparison


class SiteUrlSitemap(Sitemap):
    """Locations on SITE_URL, whatever host the request came in on."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def lastmod(self, item):
        return item.updated_at


class ComparisonSitemap(SiteUrlSitemap):
    priority = 0.8

    def items(self):
        return Comparison.objects.published().order_by("-published_at")


class ExerciseSitemap(SiteUrlSitemap):
    priority = 0.6

    def items(self):
        return Exercise.objects.published()


class CoachSitemap(SiteUrlSitemap):
    priority = 0.5

    def items(self):
        return Coach.objects.published()

    def lastmod(self, item):
        return None


SITEMAPS = {"comparisons": ComparisonSitemap, "exercises": ExerciseSitemap, "coaches": CoachSitemap}
