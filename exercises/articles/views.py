"""The public pages of articles: the home page, comparisons (with the consultation form at their end) and their share
images, exercises and coaches. Each view turns HTTP into one selector call and a template."""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_safe

from ..gym.selectors import gym_for
from ..leads.forms import ConsultationForm
from ..leads.views import refuses_cross_origin, take_consultation, to_thanks
from ..pagecache import CACHE_ALIAS, public_page
from ..photos.processing import cropped
from ..site.seo import SHARE_SIZE, PageMeta, share_image
from . import selectors
from .models import Comparison
from .selectors import MovedPermanently


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
    return render(request, "exercises/home.html", {"page": selectors.home_page(), "meta": meta})


@require_safe
@public_page
def coach_list(request):
    gym = gym_for(request)
    meta = PageMeta(
        title="Our coaches",
        description=f"The coaches of {gym.name}: who they are, what they hold, and what they have written.",
        path=request.path,
    )
    return render(request, "exercises/coach_list.html", {"coaches": selectors.coach_list(), "meta": meta})


@require_safe
@public_page
def coach_detail(request, slug):
    page = selectors.coach_page(slug=slug)
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
            return to_thanks()
        form, status = shown
    page = selectors.comparison_page(slug=slug, staff=request.user.is_staff, gym=gym_for(request))
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
    comparison = selectors.find_for_visitor(
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
    comparison = selectors.find_for_visitor(
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
    page = selectors.exercise_page(slug=slug, staff=request.user.is_staff, gym=gym_for(request))
    context = {"page": page, "meta": page.meta, "preview": page.exercise if page.preview else None}
    return as_preview(render(request, "exercises/exercise_detail.html", context), page.exercise)
