import ipaddress

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from . import services
from .charts import muscle_chart
from .forms import TOO_FAST, ConsultationForm
from .models import Comparison, Exercise, ExerciseMuscle
from .page_cache import CACHE_ALIAS, GENERATION_KEY, public_page
from .templatetags.articles import Citations

EXERCISE_PARTS = (
    "points",
    "quotes",
    "schemes",
    Prefetch("muscle_links", queryset=ExerciseMuscle.objects.select_related("muscle")),
)


@require_GET
@public_page
def home(request):
    comparisons = Comparison.objects.published().select_related("exercise_a", "exercise_b").order_by("-published_at")
    return render(request, "exercises/home.html", {"comparisons": comparisons})


@require_GET
@public_page
def comparison_detail(request, slug):
    comparison = get_object_or_404(
        Comparison.objects.published()
        .select_related("exercise_a", "exercise_b")
        .prefetch_related("factors", "criteria", "myths", "faqs", "related"),
        slug=slug,
    )
    prefetch_related_objects(comparison.exercises, *EXERCISE_PARTS)
    related = list(comparison.related.all())
    live = set(
        Comparison.objects.published().filter(slug__in=[r.target_slug for r in related]).values_list("slug", flat=True)
    )
    for link in related:
        link.url = Comparison(slug=link.target_slug).get_absolute_url() if link.target_slug in live else ""
    published_exercises = set(Exercise.objects.published().filter(pk__in=[e.pk for e in comparison.exercises]))
    return render(
        request,
        "exercises/comparison_detail.html",
        {
            "comparison": comparison,
            "exercises": comparison.exercises,
            "linkable_exercises": published_exercises,
            "related_links": related,
            "chart": muscle_chart(comparison.exercises),
            "citations": Citations(),
            "consultation_form": ConsultationForm(source=request.path),
        },
    )


@require_GET
@public_page
def exercise_detail(request, slug):
    exercise = get_object_or_404(Exercise.objects.published().prefetch_related(*EXERCISE_PARTS), slug=slug)
    comparisons = (
        Comparison.objects.published()
        .filter(Q(exercise_a=exercise) | Q(exercise_b=exercise))
        .select_related("exercise_a", "exercise_b")
    )
    return render(
        request,
        "exercises/exercise_detail.html",
        {
            "exercise": exercise,
            "comparisons": comparisons,
            "chart": muscle_chart([exercise]),
            "citations": Citations(),
        },
    )


def client_ip(request) -> str | None:
    """The visitor's address, trusting only as many X-Forwarded-For hops as we have proxies."""
    candidates = [request.META.get("REMOTE_ADDR", "")]
    if settings.NUM_PROXIES:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= settings.NUM_PROXIES:
            candidates.insert(0, forwarded[-settings.NUM_PROXIES])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


SENT_TOO_FAST = "That was quicker than we expected. Please check your answers and send the form again."
RATE_LIMITED = (
    "We have had several requests from your connection in the last hour, so this one was not sent. "
    "Please try again later, or call the gym. Your answers are still here."
)


@require_http_methods(["GET", "POST"])
@public_page
def consultation(request):
    if request.method == "GET":
        form = ConsultationForm(source=request.path)
        return render(request, "exercises/consultation_form.html", {"form": form})

    form = ConsultationForm(request.POST)
    ip_address = client_ip(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if reason := form.spam_reason():
        services.record_spam(reason=reason, ip_address=ip_address, user_agent=user_agent)
        if reason == TOO_FAST:
            # A person with autofill can be this quick: show the form again, answers kept.
            form.is_valid()
            form.add_error(None, SENT_TOO_FAST)
            return render(request, "exercises/consultation_form.html", {"form": form}, status=400)
        # Bots see the same page as people, so they learn nothing from it.
        return redirect("exercises:consultation_thanks")
    if not form.is_valid():
        return render(request, "exercises/consultation_form.html", {"form": form}, status=400)
    if not services.allow_consultation_from(ip_address):
        form.add_error(None, RATE_LIMITED)
        return render(request, "exercises/consultation_form.html", {"form": form}, status=429)
    data = form.cleaned_data
    services.create_consultation_request(
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        goal=data["goal"],
        preferred_contact=data["preferred_contact"],
        best_time=data["best_time"],
        message=data["message"],
        consent_version=data["consent_version"],
        calls_texts_consent=data["calls_texts_consent"],
        source_path=data["source"],
        ip_address=ip_address,
        user_agent=user_agent,
    )
    return redirect("exercises:consultation_thanks")


@require_GET
@public_page
def consultation_thanks(request):
    return render(request, "exercises/consultation_thanks.html")


@require_GET
def healthz(request):
    """200 when the database and the shared caches answer, 503 naming what does not."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        problems.append(f"database: {type(error).__name__}: {error}")
    try:
        caches[CACHE_ALIAS].get(GENERATION_KEY)
    except Exception as error:
        problems.append(f"cache: {type(error).__name__}: {error}")
    if problems:
        return HttpResponse("\n".join(problems) + "\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
