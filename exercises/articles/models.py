"""A comparison of two exercises: its ordered sections and the rows they show, and the old addresses that
still lead to it (or to an exercise)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from ..library.models import Exercise
from ..writing.models import MarkdownModel, Publishable, Status


class Comparison(Publishable):
    """One article comparing two exercises. What it says, and in which order, is its list of sections."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, blank=True, help_text="Empty makes one from the title.")
    summary = models.CharField(max_length=250, blank=True, help_text="One or two lines for the home page card.")
    exercise_a = models.ForeignKey(
        Exercise, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="first exercise"
    )
    exercise_b = models.ForeignKey(
        Exercise, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="second exercise"
    )
    lead_photo = models.ForeignKey(
        "exercises.Photo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_of",
        help_text="From the photo library: shown under the title, and as the picture when the article is shared. "
        "Empty shows none on the page and shares a drawn card.",
    )
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = "comparison"
        verbose_name_plural = "comparisons"
        constraints = [
            models.CheckConstraint(
                condition=Q(exercise_a__isnull=True) | Q(exercise_b__isnull=True) | ~Q(exercise_a=F("exercise_b")),
                name="comparison_two_different_exercises",
                violation_error_message="A comparison needs two different exercises.",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(published_at__isnull=False),
                name="comparison_published_has_date",
                violation_error_message="A published comparison needs a publish date.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exercises:comparison_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        if not self.slug:
            self.slug = slugify(self.title)

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        """The exercises chosen so far: two once the article is ready."""
        return tuple(exercise for exercise in (self.exercise_a, self.exercise_b) if exercise is not None)


class ComparisonChild(models.Model):
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


class ShowdownFactor(MarkdownModel, ComparisonChild):
    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="factors")
    title = models.CharField(max_length=120)
    verdict_a = MarkdownxField("verdict on the first exercise")
    verdict_a_html = models.TextField(editable=False, default="")
    verdict_b = MarkdownxField("verdict on the second exercise")
    verdict_b_html = models.TextField(editable=False, default="")

    markdown_fields = ("verdict_a", "verdict_b")

    class Meta(ComparisonChild.Meta):
        verbose_name = "showdown factor"
        verbose_name_plural = "showdown factors"

    def __str__(self):
        return self.title


class Criterion(ComparisonChild):
    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    exercise_a_text = models.TextField("first exercise")
    exercise_b_text = models.TextField("second exercise")

    class Meta(ComparisonChild.Meta):
        verbose_name = "criterion"
        verbose_name_plural = "criteria"

    def __str__(self):
        return self.name


class Myth(ComparisonChild):
    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="myths")
    myth = models.CharField(max_length=200)
    correction = models.TextField()

    class Meta(ComparisonChild.Meta):
        verbose_name = "myth"
        verbose_name_plural = "myths"

    def __str__(self):
        return self.myth


class FAQ(MarkdownModel, ComparisonChild):
    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=200)
    answer = MarkdownxField()
    answer_html = models.TextField(editable=False, default="")

    markdown_fields = ("answer",)

    class Meta(ComparisonChild.Meta):
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"

    def __str__(self):
        return self.question


class RelatedComparison(ComparisonChild):
    """A line pointing at another comparison by slug.

    The words always show; they become a link only while a published
    comparison has that slug, so the article can mention one still in draft.
    """

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="related")
    target_slug = models.SlugField("slug of the related comparison", max_length=120)
    text_before = models.CharField(max_length=200, blank=True)
    link_text = models.CharField(max_length=120)
    text_after = models.CharField(max_length=300, blank=True)

    class Meta(ComparisonChild.Meta):
        verbose_name = "related comparison"
        verbose_name_plural = "related comparisons"

    def __str__(self):
        return self.link_text

    def clean(self):
        super().clean()
        if self.comparison_id and self.target_slug == self.comparison.slug:
            raise ValidationError({"target_slug": "A comparison cannot point at itself."})


class SectionKind(models.TextChoices):
    """What a section shows. Each kind has one template, includes/sections/<kind>.html, and rules in sections.py."""

    PROSE = "prose", "Text"
    AT_A_GLANCE = "at_a_glance", "At a glance"
    EXERCISE_OVERVIEW = "exercise_overview", "Exercise overview"
    SHOWDOWN = "showdown", "Showdown: factors and muscle chart"
    CRITERIA = "criteria", "Criteria table"
    WHO_SHOULD_CHOOSE = "who_should_choose", "Who should choose each"
    PROGRAMMING = "programming", "Programming"
    MYTHS = "myths", "Myths"
    FORM_TIPS = "form_tips", "Form tips"
    FAQS = "faqs", "FAQs"
    RELATED = "related", "Related comparisons"
    CALL_TO_ACTION = "call_to_action", "Call to action, with the consultation form"


class Side(models.TextChoices):
    FIRST = "a", "First exercise"
    SECOND = "b", "Second exercise"


# Kinds an article may hold more than once; any other kind shows its rows, so twice would say it all twice.
REPEATABLE_KINDS = (SectionKind.PROSE, SectionKind.EXERCISE_OVERVIEW)


class Section(MarkdownModel, ComparisonChild):
    """One part of a comparison, in order. Its rows (factors, criteria, FAQs…) stay rows of the comparison."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind, default=SectionKind.PROSE)
    heading = models.CharField(
        max_length=160,
        blank=True,
        help_text="Empty uses the usual heading for its kind, e.g. “Busting Myths”. A text section with no "
        "heading at the very top is the article's introduction.",
    )
    side = models.CharField(
        "exercise",
        max_length=1,
        choices=Side,
        blank=True,
        help_text="Exercise overview only: which of the article's two exercises it presents.",
    )
    body = MarkdownxField(
        "text",
        blank=True,
        help_text="Text: the section itself. Showdown, call to action and the rest: a few lines under the "
        "heading. Who should choose each: the “combine both” advice. Form tips: the tip in a box at the end.",
    )
    body_html = models.TextField(editable=False, default="")
    caption = models.CharField(
        max_length=200,
        blank=True,
        help_text="Criteria table: what a screen reader announces with it. Who should choose each: the heading "
        "over the advice. Empty uses the usual one.",
    )

    markdown_fields = ("body",)

    class Meta(ComparisonChild.Meta):
        verbose_name = "section"
        verbose_name_plural = "sections"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=SectionKind.EXERCISE_OVERVIEW) | Q(side=""),
                name="section_side_only_for_overview",
                violation_error_message="Only an exercise overview is about one exercise: leave “exercise” empty.",
            ),
            models.UniqueConstraint(
                fields=["comparison", "kind"],
                condition=~Q(kind__in=REPEATABLE_KINDS),
                name="section_kind_once",
                violation_error_message="The article has a section of this kind already; "
                "only text sections and exercise overviews can repeat.",
            ),
            models.UniqueConstraint(
                fields=["comparison", "side"],
                condition=~Q(side=""),
                name="section_overview_once_per_exercise",
                violation_error_message="This exercise has its overview in the article already.",
            ),
        ]

    def __str__(self):
        return self.heading or self.get_kind_display()


class SlugRedirect(models.Model):
    """An old address of a comparison or exercise, answered with a 301 to where it lives now."""

    old_slug = models.SlugField(max_length=120)
    comparison = models.ForeignKey(Comparison, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    exercise = models.ForeignKey(Exercise, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "old address"
        verbose_name_plural = "old addresses"
        constraints = [
            models.CheckConstraint(
                condition=Q(comparison__isnull=True, exercise__isnull=False)
                | Q(comparison__isnull=False, exercise__isnull=True),
                name="slug_redirect_one_target",
                violation_error_message="An old address points at one comparison or one exercise.",
            ),
            models.UniqueConstraint(
                fields=["old_slug"], condition=Q(comparison__isnull=False), name="slug_redirect_comparison_once"
            ),
            models.UniqueConstraint(
                fields=["old_slug"], condition=Q(exercise__isnull=False), name="slug_redirect_exercise_once"
            ),
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.target}"

    @property
    def target(self):
        return self.comparison or self.exercise
