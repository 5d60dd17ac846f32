import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_safe

from .charts import muscle_chart
from .context_processors import gym_for
from .leads.forms import ConsultationForm
from .leads.views import take_consultation
from .models import Comparison, Exercise, ExerciseMuscle, SlugRedirect
from .pagecache import CACHE_ALIAS, public_page
from .seo import (
    PageMeta,
    comparison_structured_data,
    exercise_structured_data,
    reading_minutes,
    share_image,
    visit_structured_data,
)
from .templatetags.articles import Citations

logger = logging.getLogger(__name__)

EXERCISE_PARTS = (
    "points",
    "quotes",
    "schemes",
    Prefetch("muscle_links", queryset=ExerciseMuscle.objects.select_related("muscle")),
)


def find_for_visitor(request, queryset, slug: str, kind: str):
    """The item at this slug: published ones for readers, any for staff (a preview).

    An old slug answers with a 301 to where the item lives now.
    """
    visible = queryset if request.user.is_staff else queryset.published()
    item = visible.filter(slug=slug).first()
    if item is not None:
        return item
    moved = SlugRedirect.objects.filter(**{f"{kind}__isnull": False}, old_slug=slug).select_related(kind).first()
    if moved is not None and (request.user.is_staff or moved.target.is_live):
        raise MovedPermanently(moved.target.get_absolute_url())
    raise Http404(f"No published {kind} at this address.")


class MovedPermanently(Exception):
    def __init__(self, url: str):
        self.url = url


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
    comparisons = Comparison.objects.published().select_related("exercise_a", "exercise_b").order_by("-published_at")
    meta = PageMeta(
        title=f"{settings.GYM_NAME}: strength coaching and exercise comparisons",
        description="Coached strength training in Austin, Texas, and plain-English comparisons of the lifts "
        "people ask about most, so you can pick the right one for your goals.",
        path=request.path,
    )
    return render(request, "exercises/home.html", {"comparisons": comparisons, "meta": meta})


@require_http_methods(["GET", "HEAD", "POST"])
@public_page
@renders_moved
def comparison_detail(request, slug):
    form, status = ConsultationForm(source=request.path), 200
    if request.method == "POST":
        # The form at the end of the article: an error brings the reader back here, at the form.
        if (shown := take_consultation(request)) is None:
            return redirect("exercises:consultation_thanks")
        form, status = shown
    comparison = find_for_visitor(
        request,
        Comparison.objects.select_related("exercise_a", "exercise_b").prefetch_related(
            "factors", "criteria", "myths", "faqs", "related"
        ),
        slug,
        "comparison",
    )
    prefetch_related_objects(comparison.exercises, *EXERCISE_PARTS)
    related = list(comparison.related.all())
    live = set(
        Comparison.objects.published().filter(slug__in=[r.target_slug for r in related]).values_list("slug", flat=True)
    )
    for link in related:
        link.url = Comparison(slug=link.target_slug).get_absolute_url() if link.target_slug in live else ""
    published_exercises = {exercise for exercise in comparison.exercises if exercise.is_live}
    meta = PageMeta(
        title=comparison.seo_title,
        description=comparison.seo_description,
        path=comparison.get_absolute_url(),
        image=reverse("exercises:comparison_share_image", kwargs={"slug": comparison.slug}),
        type="article",
        published=comparison.published_at,
        modified=comparison.updated_at,
    )
    html = [comparison.intro_html, comparison.combine_body_html, comparison.warmup_html, comparison.final_thoughts_html]
    html += [f.verdict_a_html + f.verdict_b_html for f in comparison.factors.all()]
    html += [faq.answer_html for faq in comparison.faqs.all()]
    html += [e.what_it_is_html + e.how_it_works_html for e in comparison.exercises]
    response = render(
        request,
        "exercises/comparison_detail.html",
        {
            "comparison": comparison,
            "exercises": comparison.exercises,
            "linkable_exercises": published_exercises,
            "related_links": related,
            "chart": muscle_chart(comparison.exercises),
            "citations": Citations(),
            "consultation_form": form,
            "meta": meta,
            "structured_data": comparison_structured_data(comparison, meta, gym_for(request)),
            # Lists and tables add roughly half as much again as the prose.
            "reading_minutes": reading_minutes(*html) * 3 // 2,
            "preview": not comparison.is_live,
        },
        status=status,
    )
    if request.method == "POST":
        # One visitor's answers: never kept by any cache.
        response.public_page = False
        add_never_cache_headers(response)
    return as_preview(response, comparison)


@require_safe
@renders_moved
def comparison_share_image(request, slug):
    comparison = find_for_visitor(
        request, Comparison.objects.select_related("exercise_a", "exercise_b"), slug, "comparison"
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
@public_page
@renders_moved
def exercise_detail(request, slug):
    exercise = find_for_visitor(request, Exercise.objects.prefetch_related(*EXERCISE_PARTS), slug, "exercise")
    comparisons = (
        Comparison.objects.published()
        .filter(Q(exercise_a=exercise) | Q(exercise_b=exercise))
        .select_related("exercise_a", "exercise_b")
        .order_by("-published_at")
    )
    meta = PageMeta(
        title=exercise.seo_title,
        description=exercise.seo_description,
        path=exercise.get_absolute_url(),
        type="article",
        published=exercise.published_at,
        modified=exercise.updated_at,
    )
    response = render(
        request,
        "exercises/exercise_detail.html",
        {
            "exercise": exercise,
            "comparisons": comparisons,
            "chart": muscle_chart([exercise]),
            "citations": Citations(),
            "meta": meta,
            "structured_data": exercise_structured_data(exercise, meta, gym_for(request)),
            "reading_minutes": reading_minutes(exercise.what_it_is_html, exercise.how_it_works_html) * 2,
            "preview": not exercise.is_live,
        },
    )
    return as_preview(response, exercise)


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
