"""One read per public page (comparison, exercise, coach, home): what it shows, as a plain object for its template.

Views only turn HTTP into one of these calls and a template. Each function
runs a fixed number of queries, however many sections, FAQs or points an
article has.
"""

import math
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.urls import reverse

from ..gym.models import Coach, GymProfile
from ..library.bodymap import BodyMaps, body_maps
from ..library.charts import muscle_chart
from ..library.models import Exercise
from ..library.selectors import BODY_MAP_PARTS, EXERCISE_PARTS
from ..site.seo import (
    WORDS_PER_MINUTE,
    PageMeta,
    coach_structured_data,
    comparison_structured_data,
    exercise_structured_data,
)
from ..templatetags.articles import Citations
from ..writing.markdown import cited_keys
from ..writing.models import Reference
from .models import Comparison, RelatedComparison, SectionKind, SlugRedirect
from .rows import comparison_rows
from .sections import Article, ShownSection, count_words, related_links, shown_sections, split_lede


def related_links_prefetch() -> Prefetch:
    """The related lines, each knowing whether a published comparison has its slug (no query per line)."""
    live_target = Comparison.objects.published().filter(slug=OuterRef("target_slug"))
    return Prefetch("related", queryset=RelatedComparison.objects.annotate(target_live=Exists(live_target)))


class MovedPermanently(Exception):
    """The item lives at another address now: the view answers with a 301 to ``url``."""

    def __init__(self, url: str):
        self.url = url


def find_for_visitor(queryset: QuerySet, *, slug: str, kind: str, staff: bool):
    """The item at this slug: published ones for readers, any for staff (a preview).

    An old slug raises MovedPermanently to where the item lives now; nothing raises Http404.
    """
    visible = queryset if staff else queryset.published()
    item = visible.filter(slug=slug).first()
    if item is not None:
        return item
    moved = SlugRedirect.objects.filter(**{f"{kind}__isnull": False}, old_slug=slug).select_related(kind).first()
    if moved is not None and (staff or moved.target.is_live):
        raise MovedPermanently(moved.target.get_absolute_url())
    raise Http404(f"No published {kind} at this address.")


# With select_related("author", "reviewer"): a query only when the article names an author.
BYLINE_CREDENTIALS = ("author__credentials", "reviewer__credentials")


@dataclass
class Byline:
    """Who wrote and who reviewed an article, as readers may see them: published coaches only."""

    author: Coach | None
    reviewer: Coach | None
    reviewed_on: object

    @classmethod
    def of(cls, item) -> "Byline":
        author = item.author if item.author and item.author.is_published else None
        reviewer = item.reviewer if item.reviewer and item.reviewer.is_published else None
        return cls(author, reviewer, item.reviewed_on if reviewer else None)


def minutes_to_read(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


@dataclass
class ComparisonPage:
    comparison: Comparison
    byline: Byline
    lede_html: str  # the introduction's short first paragraph, before the answer
    answer: ShownSection | None  # the at-a-glance box, on the first screen
    lead_html: str  # the rest of the introduction, after the answer
    sections: list[ShownSection]
    meta: PageMeta
    structured_data: str
    reading_minutes: int
    preview: bool
    body_maps: BodyMaps
    citations: Citations = field(default_factory=Citations)

    @property
    def toc(self) -> list[ShownSection]:
        """Every section the page shows under a heading of its own, in order (the answer first)."""
        return [section for section in [self.answer, *self.sections] if section is not None and section.heading]


def comparison_page(*, slug: str, staff: bool, gym: GymProfile) -> ComparisonPage:
    comparison = find_for_visitor(
        Comparison.objects.select_related(
            "exercise_a", "exercise_b", "author", "reviewer", "lead_photo"
        ).prefetch_related(*BYLINE_CREDENTIALS, "lead_photo__renditions"),
        slug=slug,
        kind="comparison",
        staff=staff,
    )
    # Sections, their rows, the body map's areas and the references: one query (rows.py).
    rows = comparison_rows(comparison, [exercise.pk for exercise in comparison.exercises])
    prefetch_related_objects(list(comparison.exercises), *EXERCISE_PARTS)
    preview = not comparison.is_live
    # Readers never see a draft exercise's text, even on a live article; staff previewing see everything.
    visible = {
        side: exercise
        for side in ("a", "b")
        if (exercise := getattr(comparison, f"exercise_{side}")) is not None and (exercise.is_live or staff)
    }
    article = Article(
        comparison=comparison,
        visible=visible,
        related=related_links(rows.related),
        gym=gym.name,
        factors=rows.factors,
        criteria=rows.criteria,
        myths=rows.myths,
        faqs=rows.faqs,
    )
    sections = rows.sections
    lead = sections.pop(0) if sections and sections[0].kind == "prose" and not sections[0].heading else None
    shown = shown_sections(sections, article)
    meta = PageMeta(
        title=comparison.seo_title,
        description=comparison.seo_description,
        path=comparison.get_absolute_url(),
        # The lead photo when it has one, cut to the share card's shape; a drawn card otherwise.
        image=reverse(
            "exercises:comparison_share_photo" if comparison.lead_photo else "exercises:comparison_share_image",
            kwargs={"slug": comparison.slug},
        ),
        type="article",
        published=comparison.published_at,
        modified=comparison.updated_at,
    )
    faqs = next((section.rows for section in shown if section.kind == "faqs"), [])
    lead_html = lead.body_html if lead else ""
    words = sum(section.words for section in shown) + count_words([lead_html])
    byline = Byline.of(comparison)
    # The answer first: a short lede, the at-a-glance box, then the rest of the introduction and the sections.
    lede_html, lead_html = split_lede(lead_html, title=comparison.title)
    answer = next((section for section in shown if section.kind == SectionKind.AT_A_GLANCE), None)
    return ComparisonPage(
        comparison=comparison,
        byline=byline,
        lede_html=lede_html,
        answer=answer,
        lead_html=lead_html,
        sections=[section for section in shown if section is not answer],
        meta=meta,
        structured_data=comparison_structured_data(comparison, meta, gym, faqs=faqs, byline=byline),
        reading_minutes=minutes_to_read(words),
        preview=preview,
        body_maps=body_maps(article.exercises, rows.regions_of()),
        citations=Citations(references=rows.references),
    )


@dataclass
class ExercisePage:
    exercise: Exercise
    byline: Byline
    comparisons: list[Comparison]
    chart: object
    meta: PageMeta
    structured_data: str
    reading_minutes: int
    preview: bool
    body_maps: BodyMaps
    citations: Citations = field(default_factory=Citations)


def exercise_page(*, slug: str, staff: bool, gym: GymProfile) -> ExercisePage:
    exercise = find_for_visitor(
        Exercise.objects.select_related("author", "reviewer").prefetch_related(
            *EXERCISE_PARTS, *BODY_MAP_PARTS, *BYLINE_CREDENTIALS
        ),
        slug=slug,
        kind="exercise",
        staff=staff,
    )
    byline = Byline.of(exercise)
    comparisons = list(
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
    points = exercise.points.all()
    texts = [exercise.summary, exercise.what_it_is_html, exercise.how_it_works_html, exercise.muscles_intro]
    texts += [link.note for link in exercise.muscle_links.all()] + [f"{p.title} {p.body}" for p in points]
    texts += [quote.quote for quote in exercise.quotes.all()] + [s.sentence for s in exercise.schemes.all()]
    return ExercisePage(
        exercise=exercise,
        byline=byline,
        comparisons=comparisons,
        chart=muscle_chart([exercise], chart_id="exercise-chart"),
        meta=meta,
        structured_data=exercise_structured_data(exercise, meta, gym, byline=byline),
        reading_minutes=minutes_to_read(count_words(texts)),
        preview=not exercise.is_live,
        body_maps=body_maps([exercise]),
    )


@dataclass
class HomePage:
    comparisons: list[Comparison]
    exercises: list[Exercise]
    has_coaches: bool  # "Meet our coaches" only links to a page with someone on it


def home_page() -> HomePage:
    comparisons = (
        Comparison.objects.published()
        .select_related("exercise_a", "exercise_b", "lead_photo")
        .prefetch_related("lead_photo__renditions")  # the card's picture: one query however many cards
        .order_by("-published_at")
    )
    return HomePage(
        comparisons=list(comparisons),
        exercises=list(Exercise.objects.published()),
        has_coaches=Coach.objects.published().exists(),
    )


@dataclass
class CoachPage:
    coach: Coach
    articles: list
    meta: PageMeta
    structured_data: str


def coach_list() -> list[Coach]:
    return list(Coach.objects.published().prefetch_related("credentials"))


def coach_page(*, slug: str) -> CoachPage:
    coach = (
        Coach.objects.published()
        .select_related("photo")
        .prefetch_related("credentials", "photo__renditions")
        .filter(slug=slug)
        .first()
    )
    if coach is None:
        raise Http404("No coach at this address.")
    by_them = Q(author=coach) | Q(reviewer=coach)
    articles = [
        *Comparison.objects.published().filter(by_them).select_related("exercise_a", "exercise_b"),
        *Exercise.objects.published().filter(by_them),
    ]
    articles.sort(key=lambda item: item.published_at, reverse=True)
    credentials = coach.credential_names
    meta = PageMeta(
        title=f"{coach.name}{', ' + credentials if credentials else ''}",
        description=f"{coach.name}{', ' + coach.role if coach.role else ''}: who they are and what they have written.",
        path=coach.get_absolute_url(),
        type="profile",
    )
    return CoachPage(coach=coach, articles=articles, meta=meta, structured_data=coach_structured_data(coach, meta))


def cited_reference_keys(item: Comparison | Exercise) -> set[str]:
    """Every reference an article cites, in its own text, its parts' and (for a comparison) its exercises'."""
    parts = [item] if isinstance(item, Exercise) else [*item.sections.all(), *item.factors.all(), *item.faqs.all()]
    if isinstance(item, Comparison):
        parts += item.exercises
    return {key for part in parts for name in part.markdown_fields for key in cited_keys(getattr(part, name))}


def uncheckable_references(item: Comparison | Exercise) -> list[Reference]:
    """References the article cites that a reader cannot follow to the paper: no DOI, PubMed ID or URL."""
    cited = Reference.objects.filter(key__in=cited_reference_keys(item))
    return [reference for reference in cited if not reference.is_checkable]
