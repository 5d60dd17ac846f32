"""What every site answers beside its pages: robots.txt, the web manifest and the health check."""

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from ..pagecache import CACHE_ALIAS, public_page

logger = logging.getLogger(__name__)


@require_safe
@public_page
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /markdownx/", f"Sitemap: {settings.SITE_URL}/sitemap.xml"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
@public_page
def web_manifest(request):
    manifest = {
        "name": settings.GYM_NAME,
        "short_name": "CS Austin",
        "start_url": "/",
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": "#0b5d5b",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json")


@require_safe
def healthz(request):
    """200 when the database and the shared caches answer, 503 naming the part that does not.

    Anyone may ask, so the answer names the part only; what went wrong is in the log.
    """
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("healthz: the database does not answer")
        problems.append("database: down")
    try:
        caches[CACHE_ALIAS].get("healthz")
    except Exception:
        logger.exception("healthz: the page cache does not answer")
        problems.append("cache: down")
    if problems:
        return HttpResponse("\n".join(problems) + "\n", status=503, content_type="text/plain")
    return HttpResponse("".join(["ok\n", *proxy_warnings(request)]), content_type="text/plain")


def proxy_warnings(request) -> list[str]:
    """What this very request says about DJANGO_NUM_PROXIES, which visitor addresses (rate limits, login
    lockouts) depend on: a request that came past the proxy, or a proxy that is not counted."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if settings.NUM_PROXIES and not forwarded:
        return [
            f"warning: DJANGO_NUM_PROXIES={settings.NUM_PROXIES}, but this request reached the site without a proxy: "
            "anyone who can do the same can claim any address in X-Forwarded-For.\n"
        ]
    if not settings.NUM_PROXIES and forwarded:
        return [
            "warning: a proxy added X-Forwarded-For, but DJANGO_NUM_PROXIES=0: every visitor counts as the proxy's "
            "address, so one visitor's requests can use up everyone's rate limit.\n"
        ]
    return []
