from django.db.models import Prefetch, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .charts import muscle_chart
from .models import Comparison, Exercise, ExerciseMuscle
from .templatetags.articles import Citations

EXERCISE_PARTS = (
    "points",
    "quotes",
    "schemes",
    Prefetch("muscle_links", queryset=ExerciseMuscle.objects.select_related("muscle")),
)


@require_GET
def home(request):
    comparisons = Comparison.objects.published().select_related("exercise_a", "exercise_b").order_by("-published_at")
    return render(request, "exercises/home.html", {"comparisons": comparisons})


@require_GET
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
        },
    )


@require_GET
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


@require_GET
def consultation(request):
    return render(request, "exercises/consultation_form.html")


@require_GET
def consultation_thanks(request):
    return render(request, "exercises/consultation_thanks.html")
