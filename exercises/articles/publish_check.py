"""The one check an article passes before readers can see it, and every save while they can.

A draft saves with a title alone; publishing or scheduling asks this module
what is still missing, and the admin lists all of it in one message. It reads
the rows as saved, so inline edits made in the same form count.
"""

from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from ..gym.models import GymProfile
from ..library.models import Exercise
from ..library.selectors import EXERCISE_PARTS
from ..writing.markdown import cited_keys
from ..writing.models import Reference, Status
from .models import Comparison, SectionKind, Side
from .sections import Article, related_links, show
from .selectors import related_links_prefetch

SEARCH_TITLE_LENGTH = 60
SEARCH_DESCRIPTION_LENGTH = 160
# A section that needs more than "shows something" to be worth publishing.
SECTION_MINIMUM = {
    SectionKind.CRITERIA: "add at least one criterion",
    SectionKind.SHOWDOWN: "add at least one factor",
    SectionKind.MYTHS: "add at least one myth",
    SectionKind.FAQS: "add at least one FAQ",
    SectionKind.RELATED: "add at least one related comparison",
}


def faces_readers(item: Comparison | Exercise) -> bool:
    """Published or scheduled: readers see it now, or will without anyone looking at it again."""
    return item.status == Status.PUBLISHED


def search_problems(item: Comparison | Exercise) -> list[str]:
    problems = []
    if len(item.seo_title) > SEARCH_TITLE_LENGTH:
        problems.append(
            f"The search title is {len(item.seo_title)} characters: shorten it (or the title) to "
            f"{SEARCH_TITLE_LENGTH}, so search results show it whole."
        )
    if not item.summary:
        problems.append("Write the summary: the home page card and search results show it.")
    if len(item.seo_description) > SEARCH_DESCRIPTION_LENGTH:
        problems.append(
            f"The search description is {len(item.seo_description)} characters: shorten it to "
            f"{SEARCH_DESCRIPTION_LENGTH}, so search results show it whole."
        )
    return problems


def unknown_references(parts) -> list[str]:
    cited = {key for part in parts for name in part.markdown_fields for key in cited_keys(getattr(part, name))}
    known = set(Reference.objects.filter(key__in=cited).values_list("key", flat=True))
    return [
        f"The text cites [ref:{key}], but no reference has that key: add it under References, or remove the citation."
        for key in sorted(cited - known)
    ]


def exercise_own_problems(exercise: Exercise) -> list[str]:
    problems = []
    if not exercise.what_it_is:
        problems.append(f"Exercise “{exercise.name}”: write “what it is”.")
    if not exercise.muscle_links.exists():
        problems.append(f"Exercise “{exercise.name}”: add at least one muscle it works.")
    return problems


def exercise_problems_in(comparison: Comparison, exercise: Exercise) -> list[str]:
    """What this exercise lacks for this comparison to show it: published no later, complete if presented."""
    problems = []
    if exercise.status != Status.PUBLISHED:
        problems.append(f"The exercise “{exercise.name}” is still a draft: publish the exercise first.")
    elif exercise.published_at > max(comparison.published_at or timezone.now(), timezone.now()):
        problems.append(
            f"The exercise “{exercise.name}” goes live on {exercise.published_at:%B %-d, %Y at %-I:%M %p}, "
            "after this article: schedule the article for then or later, or publish the exercise sooner."
        )
    sides = [side for side in Side.values if getattr(comparison, f"exercise_{side}_id") == exercise.pk]
    overviews = [s for s in comparison.sections.all() if s.kind == SectionKind.EXERCISE_OVERVIEW and s.side in sides]
    if overviews:
        problems += exercise_own_problems(exercise)
    return problems


def comparison_problems(comparison: Comparison) -> list[str]:
    """Everything that keeps this comparison from being shown to readers; empty when it is ready."""
    comparison = (
        Comparison.objects.select_related("exercise_a", "exercise_b")
        .prefetch_related("sections", "factors", "criteria", "myths", "faqs", related_links_prefetch())
        .get(pk=comparison.pk)
    )
    prefetch_related_objects(list(comparison.exercises), *EXERCISE_PARTS)
    problems = search_problems(comparison)
    exercises = {side: getattr(comparison, f"exercise_{side}") for side in Side.values}
    for side, label in Side.choices:
        if exercises[side] is None:
            problems.append(f"Choose the {label.lower()}.")
    for exercise in comparison.exercises:
        problems += exercise_problems_in(comparison, exercise)
    sections = list(comparison.sections.all())
    if not sections:
        problems.append("Add at least one section.")
    article = Article(
        comparison=comparison,
        visible={side: exercise for side, exercise in exercises.items() if exercise is not None},
        related=related_links(comparison.related.all()),
        gym=GymProfile.current().name,
        factors=list(comparison.factors.all()),
        criteria=list(comparison.criteria.all()),
        myths=list(comparison.myths.all()),
        faqs=list(comparison.faqs.all()),
    )
    for section in sections:
        label = f"The section “{section.heading or section.get_kind_display()}”"
        if section.kind == SectionKind.EXERCISE_OVERVIEW:
            if not section.side:
                problems.append(f"{label}: choose which exercise it presents.")
            continue
        shown = show(section, article)
        if section.kind in SECTION_MINIMUM and not (shown and shown.rows):
            problems.append(f"{label} is empty: {SECTION_MINIMUM[section.kind]}, or remove the section.")
        elif shown is None:
            problems.append(f"{label} is empty: fill it in, or remove the section.")
    problems += unknown_references(
        [*sections, *comparison.factors.all(), *comparison.faqs.all(), *comparison.exercises]
    )
    return list(dict.fromkeys(problems))


def exercise_problems(exercise: Exercise) -> list[str]:
    """What keeps this exercise from being published, and what saving it would break in live comparisons."""
    exercise = Exercise.objects.get(pk=exercise.pk)
    problems = []
    if faces_readers(exercise):
        problems += search_problems(exercise) + exercise_own_problems(exercise) + unknown_references([exercise])
    users = (
        Comparison.objects.filter(status=Status.PUBLISHED)
        .filter(Q(exercise_a=exercise) | Q(exercise_b=exercise))
        .prefetch_related("sections")
    )
    for comparison in users:
        problems += [
            f"The published comparison “{comparison.title}” shows this exercise. {problem}"
            for problem in exercise_problems_in(comparison, exercise)
            if problem not in problems
        ]
    return list(dict.fromkeys(problems))
