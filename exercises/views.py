import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_safe

from . import pages
from .context_processors import gym_for
from .leads.forms import ConsultationForm
from .leads.views import refuses_cross_origin, take_consultation
from .models import Comparison
from .pagecache import CACHE_ALIAS, public_page
from .pages import MovedPermanently
from .photos.processing import cropped
from .seo import SHARE_SIZE, PageMeta, share_image, visit_structured_data

logger = logging.getLogger(__name__)


def renders_moved(view):
    """Turn MovedPermanently into a 301, so finding an item stays one call."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except MovedPermanently as moved:
            return HttpResponsePermanentRedirect(moved.url)

    return wrapper


def as_preview(response, item):
    """Staff looking at an unpublished item: never cached, anywhere."""
    if not item.is_live:
        response.public_page = False
        add_never_cache_headers(response)
    return response


@require_safe
@public_page
def home(request):
    meta = PageMeta(
        title=f"{settings.GYM_NAME}: strength coaching and exercise comparisons",
        description="Coached strength training in Austin, Texas, and plain-English comparisons of the lifts "
        "people ask about most, so you can pick the right one for your goals.",
        path=request.path,
    )
    return render(request, "exercises/home.html", {"page": pages.home_page(), "meta": meta})


@require_safe
@public_page
def coach_list(request):
    gym = gym_for(request)
    meta = PageMeta(
        title="Our coaches",
        description=f"The coaches of {gym.name}: who they are, what they hold, and what they have written.",
        path=request.path,
    )
    return render(request, "exercises/coach_list.html", {"coaches": pages.coach_list(), "meta": meta})


@require_safe
@public_page
def coach_detail(request, slug):
    page = pages.coach_page(slug=slug)
    return render(request, "exercises/coach_detail.html", {"page": page, "meta": page.meta})


@require_http_methods(["GET", "HEAD", "POST"])
@refuses_cross_origin
@public_page
@renders_moved
def comparison_detail(request, slug):
    form, status = ConsultationForm(source=request.path), 200
    if request.method == "POST":
        # The form at the end of the article: an error brings the reader back here, at the form.
        if (shown := take_consultation(request)) is None:
            return redirect("exercises:consultation_thanks")
        form, status = shown
    page = pages.comparison_page(slug=slug, staff=request.user.is_staff, gym=gym_for(request))
    preview = page.comparison if page.preview else None
    context = {"page": page, "meta": page.meta, "consultation_form": form, "preview": preview}
    response = render(request, "exercises/comparison_detail.html", context, status=status)
    if request.method == "POST":
        # One visitor's answers: never kept by any cache.
        response.public_page = False
        add_never_cache_headers(response)
    return as_preview(response, page.comparison)


@require_safe
@renders_moved
def comparison_share_image(request, slug):
    comparison = pages.find_for_visitor(
        Comparison.objects.select_related("exercise_a", "exercise_b"),
        slug=slug,
        kind="comparison",
        staff=request.user.is_staff,
    )
    names = [exercise.name for exercise in comparison.exercises]
    stamp = max(comparison.updated_at, *(exercise.updated_at for exercise in comparison.exercises))
    fingerprint = hashlib.sha256(f"{stamp.isoformat()}|{comparison.title}|{names}".encode()).hexdigest()[:24]
    key = f"share:{comparison.pk}:{fingerprint}"
    cache = caches[CACHE_ALIAS]
    png = cache.get(key)
    if png is None:
        png = share_image(title=comparison.title, exercises=names)
        cache.set(key, png, timeout=settings.PAGE_CACHE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return as_preview(response, comparison)


@require_safe
@renders_moved
def comparison_share_photo(request, slug):
    comparison = pages.find_for_visitor(
        Comparison.objects.select_related("lead_photo"), slug=slug, kind="comparison", staff=request.user.is_staff
    )
    photo = comparison.lead_photo
    if photo is None:
        raise Http404("This comparison has no lead photo.")
    fingerprint = hashlib.sha256(f"{photo.file.name}|{photo.focus}".encode()).hexdigest()[:24]
    key = f"share-photo:{photo.pk}:{fingerprint}"
    cache = caches[CACHE_ALIAS]
    jpeg = cache.get(key)
    if jpeg is None:
        with photo.file.open("rb") as original:
            jpeg = cropped(original.read(), SHARE_SIZE, photo.focus)
        cache.set(key, jpeg, timeout=settings.PAGE_CACHE_SECONDS)
    response = HttpResponse(jpeg, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    return as_preview(response, comparison)


@require_safe
@public_page
@renders_moved
def exercise_detail(request, slug):
    page = pages.exercise_page(slug=slug, staff=request.user.is_staff, gym=gym_for(request))
    context = {"page": page, "meta": page.meta, "preview": page.exercise if page.preview else None}
    return as_preview(render(request, "exercises/exercise_detail.html", context), page.exercise)


@require_safe
@public_page
def visit(request):
    gym = gym_for(request)
    meta = PageMeta(
        title=f"Visit {gym.name}",
        description=f"Where {gym.name} is, when it is open and how to get in touch.",
        path=request.path,
    )
    structured_data = visit_structured_data(gym, meta)
    return render(request, "exercises/gymprofile_visit.html", {"meta": meta, "structured_data": structured_data})


@require_safe
@public_page
def privacy(request):
    gym = gym_for(request)
    meta = PageMeta(
        title="Privacy",
        description=f"What {gym.name} keeps when you ask for a consultation, for how long, and how to have it erased.",
        path=request.path,
    )
    return render(
        request, "exercises/gymprofile_privacy.html", {"meta": meta, "retention_days": settings.LEAD_RETENTION_DAYS}
    )


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
