"""The content of an exercise comparison, one record per thing a reader sees.

Long text is Markdown, edited with markdownx and rendered to sanitised HTML
when saved (see ``MarkdownModel``), so a page view never parses Markdown.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from .markdown import cited_keys, placed_keys, render_markdown


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Published with a date still to come."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())


class PublishableManager(models.Manager.from_queryset(PublishableQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def a_year_after(day):
    """The same date next year; 1 March for a 29 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, month=3, day=1)


class Publishable(models.Model):
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Readers see it from this moment on; a future date schedules it. Empty means now, once published.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    meta_title = models.CharField(
        "search title",
        max_length=70,
        blank=True,
        help_text="Shown in search results and when shared. Up to about 60 characters shows in full. "
        "Empty uses the title.",
    )
    meta_description = models.CharField(
        "search description",
        max_length=200,
        blank=True,
        help_text="One or two sentences for search results. Aim for 120–155 characters. Empty uses the summary.",
    )
    author = models.ForeignKey(
        "Coach",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_%(class)ss",
        help_text="Empty: the byline reads “By the coaching team at” the gym.",
    )
    reviewer = models.ForeignKey(
        "Coach",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_%(class)ss",
        help_text="A coach who checked it, named in the byline with the date below.",
    )
    reviewed_on = models.DateField("reviewed on", null=True, blank=True)
    next_review_due = models.DateField(
        "next review due", null=True, blank=True, help_text="Empty: a year after the review."
    )

    objects = PublishableManager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        # As in Django's own docs: publishing without a date means "now".
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.reviewer_id and not self.reviewed_on:
            raise ValidationError({"reviewed_on": "Give the date the coach reviewed it."})
        if self.reviewed_on and not self.next_review_due:
            self.next_review_due = a_year_after(self.reviewed_on)

    @property
    def is_live(self) -> bool:
        return self.status == Status.PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()

    @property
    def seo_title(self) -> str:
        return self.meta_title or str(self)

    @property
    def seo_description(self) -> str:
        return self.meta_description or self.summary


class MarkdownModel(models.Model):
    """Keeps ``<field>_html`` in step with each Markdown field named in ``markdown_fields``."""

    markdown_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for name in self.markdown_fields:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)))
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        for name in self.markdown_fields:
            keys = set(cited_keys(getattr(self, name)))
            known = set(Reference.objects.filter(key__in=keys).values_list("key", flat=True))
            if missing := sorted(keys - known):
                errors[name] = f"No reference has the key {', '.join(missing)}. Add it under References first."
                continue
            keys = set(placed_keys(getattr(self, name)))
            known = set(Photo.objects.filter(key__in=keys).values_list("key", flat=True))
            if missing := sorted(keys - known):
                errors[name] = (
                    f"No photo has the key {', '.join(missing)}. Upload it under Photos first, or pick one with "
                    "the Image button."
                )
        if errors:
            raise ValidationError(errors)


class ReferenceManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Reference(models.Model):
    """A study the articles cite with ``[ref:key]``; numbered per page as a footnote."""

    key = models.SlugField(max_length=60, unique=True, help_text="Cite it in any Markdown text as [ref:key].")
    authors = models.CharField(
        max_length=300,
        blank=True,
        help_text="As the paper lists them, e.g. “Plotkin DL, Rodas MA, Vigotsky AD, et al.”",
    )
    title = models.CharField(max_length=300, blank=True, help_text="The paper's title.")
    journal = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    volume = models.CharField(max_length=40, blank=True, help_text="Volume and issue, e.g. 36(2).")
    pages = models.CharField(max_length=40, blank=True, help_text="Pages or article number, e.g. 245–252 or e13909.")
    finding = models.TextField(help_text="One sentence: what the study found.")
    doi = models.CharField("DOI", max_length=200, blank=True, help_text="For example 10.1519/JSC.0000000000001234")
    pmid = models.CharField(
        "PubMed ID",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^[0-9]+$", "A PubMed ID is digits only, for example 35291645.")],
    )
    url = models.URLField("URL", blank=True)
    position = models.PositiveIntegerField(default=0, db_index=True)

    objects = ReferenceManager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "reference"
        verbose_name_plural = "references"

    def __str__(self):
        return f"{self.journal} ({self.year})"

    def natural_key(self):
        return (self.key,)

    @property
    def is_complete(self) -> bool:
        """Enough to find the paper: who wrote it and what it is called."""
        return bool(self.authors and self.title)

    @property
    def is_checkable(self) -> bool:
        """A reader can follow it to the paper itself."""
        return bool(self.doi or self.pmid or self.url)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""


class MuscleManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Muscle(models.Model):
    """A muscle group, shared by every exercise that works it."""

    name = models.CharField("plain name", max_length=80, unique=True)
    latin_name = models.CharField(max_length=120, blank=True)
    position = models.PositiveIntegerField(default=0, db_index=True)

    objects = MuscleManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "muscle"
        verbose_name_plural = "muscles"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class BodyRegion(models.TextChoices):
    """The named areas of the drawn body map (exercises/bodymap.py holds their shapes)."""

    CHEST = "chest", "Chest"
    SHOULDERS = "shoulders", "Shoulders"
    BICEPS = "biceps", "Biceps"
    TRICEPS = "triceps", "Triceps"
    FOREARMS = "forearms", "Forearms"
    ABS = "abs", "Abs"
    OBLIQUES = "obliques", "Obliques"
    UPPER_BACK = "upper_back", "Upper back and lats"
    TRAPS = "traps", "Traps"
    LOWER_BACK = "lower_back", "Lower back"
    HIP_FLEXORS = "hip_flexors", "Hip flexors"
    GLUTES = "glutes", "Glutes"
    QUADRICEPS = "quadriceps", "Quadriceps"
    ADDUCTORS = "adductors", "Adductors (inner thigh)"
    HAMSTRINGS = "hamstrings", "Hamstrings"
    CALVES = "calves", "Calves"
    SHINS = "shins", "Shins"


class MuscleRegion(models.Model):
    """One area of the body map that lights up when an exercise works this muscle."""

    muscle = models.ForeignKey(Muscle, on_delete=models.CASCADE, related_name="regions")
    region = models.CharField("area of the body map", max_length=20, choices=BodyRegion)

    class Meta:
        ordering = ["muscle", "region"]
        verbose_name = "area of the body map"
        verbose_name_plural = "areas of the body map"
        constraints = [
            models.UniqueConstraint(
                fields=["muscle", "region"],
                name="muscle_region_once",
                violation_error_message="This muscle already lights up that area of the body map.",
            ),
        ]

    def __str__(self):
        return f"{self.muscle}: {self.get_region_display()}"


class Exercise(MarkdownModel, Publishable):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True, help_text="Empty makes one from the name.")
    summary = models.CharField(max_length=200, blank=True, help_text="One line, shown on cards and in search results.")
    what_it_is = MarkdownxField("what it is", blank=True)
    what_it_is_html = models.TextField(editable=False, default="")
    muscles_intro = models.CharField(
        max_length=200, blank=True, help_text="The sentence that leads into the muscle list."
    )
    muscles_more = models.CharField(
        max_length=300, blank=True, help_text="A closing line for muscles that only help out."
    )
    how_it_works = MarkdownxField("how it works", blank=True)
    how_it_works_html = models.TextField(editable=False, default="")
    equipment = models.CharField(max_length=200, blank=True)
    programming_tip = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0, db_index=True)

    markdown_fields = ("what_it_is", "how_it_works")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "exercise"
        verbose_name_plural = "exercises"
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(published_at__isnull=False),
                name="exercise_published_has_date",
                violation_error_message="A published exercise needs a publish date.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("exercises:exercise_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        if not self.slug:
            self.slug = slugify(self.name)

    def _points(self, kind):
        return [point for point in self.points.all() if point.kind == kind]

    @property
    def benefits(self):
        return self._points(PointKind.BENEFIT)

    @property
    def drawbacks(self):
        return self._points(PointKind.DRAWBACK)

    @property
    def form_tips(self):
        return self._points(PointKind.FORM_TIP)

    @property
    def choose_if(self):
        return self._points(PointKind.CHOOSE_IF)


class MuscleRole(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    STABILISER = "stabiliser", "Stabiliser"


class ExerciseMuscle(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="muscle_links")
    muscle = models.ForeignKey(Muscle, on_delete=models.PROTECT, related_name="exercise_links")
    role = models.CharField(max_length=12, choices=MuscleRole, default=MuscleRole.PRIMARY)
    emphasis = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (barely) to 5 (the main mover). Drives the muscle chart.",
    )
    label = models.CharField(
        max_length=120, blank=True, help_text="How the list names it, e.g. “Quadriceps (front of your thighs)”."
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown in the muscle list; leave empty to show the muscle in the chart only.",
    )
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "muscle worked"
        verbose_name_plural = "muscles worked"
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "muscle"],
                name="exercise_muscle_once",
                violation_error_message="This muscle is already listed for the exercise.",
            ),
            models.CheckConstraint(
                condition=Q(emphasis__gte=1, emphasis__lte=5),
                name="exercise_muscle_emphasis_1_to_5",
                violation_error_message="Emphasis runs from 1 to 5.",
            ),
        ]

    def __str__(self):
        return f"{self.exercise}: {self.muscle} ({self.get_role_display().lower()})"

    @property
    def display_label(self) -> str:
        return self.label or self.muscle.name


class PointKind(models.TextChoices):
    BENEFIT = "benefit", "Benefit"
    DRAWBACK = "drawback", "Drawback"
    FORM_TIP = "form_tip", "Form tip"
    CHOOSE_IF = "choose_if", "Choose this if"


class ExercisePoint(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(max_length=10, choices=PointKind)
    title = models.CharField(max_length=120, blank=True, help_text="Optional bold lead, e.g. “Beginner-Friendly”.")
    body = models.TextField()
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "point"
        verbose_name_plural = "points"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title or self.body[:60]}"


class ClientQuote(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="quotes")
    first_name = models.CharField(max_length=60)
    context = models.CharField(max_length=120, blank=True, help_text="Who they are, e.g. “a soccer player”.")
    quote = models.TextField()
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "client quote"
        verbose_name_plural = "client quotes"

    def __str__(self):
        return f"{self.first_name} on {self.exercise}"


class Goal(models.TextChoices):
    STRENGTH = "strength", "Strength"
    HYPERTROPHY = "hypertrophy", "Hypertrophy"


class Load(models.TextChoices):
    HEAVY = "heavy", "heavy weight"
    MODERATE = "moderate", "moderate weight"
    LIGHT = "light", "light weight"


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


class ProgrammingScheme(models.Model):
    """Sets, reps and rest for one goal, kept as numbers so tables and prose agree."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="schemes")
    goal = models.CharField(max_length=12, choices=Goal)
    sets_min = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    sets_max = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    reps_min = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    reps_max = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    load = models.CharField(max_length=10, choices=Load)
    rest_min_seconds = models.PositiveSmallIntegerField()
    rest_max_seconds = models.PositiveSmallIntegerField()
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "programming scheme"
        verbose_name_plural = "programming schemes"
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "goal"],
                name="scheme_one_per_goal",
                violation_error_message="This exercise already has a scheme for that goal.",
            ),
            models.CheckConstraint(
                condition=Q(sets_min__lte=F("sets_max")),
                name="scheme_sets_range",
                violation_error_message="The lowest number of sets cannot be above the highest.",
            ),
            models.CheckConstraint(
                condition=Q(reps_min__lte=F("reps_max")),
                name="scheme_reps_range",
                violation_error_message="The lowest number of reps cannot be above the highest.",
            ),
            models.CheckConstraint(
                condition=Q(rest_min_seconds__lte=F("rest_max_seconds")),
                name="scheme_rest_range",
                violation_error_message="The shortest rest cannot be longer than the longest.",
            ),
        ]

    def __str__(self):
        return f"{self.exercise}: {self.get_goal_display()}"

    @property
    def sets_display(self) -> str:
        return _span(self.sets_min, self.sets_max)

    @property
    def reps_display(self) -> str:
        return _span(self.reps_min, self.reps_max)

    @property
    def rest_display(self) -> str:
        low, high = self.rest_min_seconds, self.rest_max_seconds
        if low % 60 == 0 and high % 60 == 0 and high >= 120:
            return f"{_span(low // 60, high // 60)} minutes"
        return f"{_span(low, high)} seconds"

    @property
    def sentence(self) -> str:
        """Reads like the article: "3–5 sets of 5–8 reps with heavy weight, 2–3 minutes rest."."""
        return (
            f"{self.sets_display} sets of {self.reps_display} reps with "
            f"{self.get_load_display()}, {self.rest_display} rest."
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class GymProfile(MarkdownModel):
    """The gym itself, one record: where it is, how to reach it and when it is open. What is blank is not shown."""

    name = models.CharField(max_length=100)
    street_address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state", max_length=100, blank=True)
    postal_code = models.CharField("ZIP code", max_length=20, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    map_url = models.URLField("map link", blank=True, help_text="A link to the gym on a map, for directions.")
    directions = MarkdownxField(blank=True, help_text="How to find the door, where to park, which bus stops near.")
    directions_html = models.TextField(editable=False, default="")
    privacy_contact = models.EmailField(
        blank=True, help_text="Where visitors ask for their data to be deleted. Empty uses the email above."
    )
    privacy_notice = MarkdownxField(
        blank=True,
        help_text="The gym's own words at the top of the privacy page; the facts below it are kept up to date.",
    )
    privacy_notice_html = models.TextField(editable=False, default="")
    tagline = models.CharField(
        "home page tagline", max_length=300, blank=True, help_text="The line under the gym's name on the home page."
    )
    consultation_intro = models.CharField(
        "consultation form introduction",
        max_length=300,
        blank=True,
        help_text="Over the form on the consultation page.",
    )
    what_happens_next = MarkdownxField(
        "after a request",
        blank=True,
        help_text="What happens once someone asks for a consultation: who calls, within how long. Shown beside "
        "the form and on the thank-you page; a numbered list reads best.",
    )
    what_happens_next_html = models.TextField(editable=False, default="")
    consultation_coach = models.ForeignKey(
        "Coach",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Named beside the form, when set and published: the coach who answers requests.",
    )
    exercise_cta_heading = models.CharField(
        "exercise page call to action",
        max_length=160,
        blank=True,
        help_text="The heading over the consultation button at the end of each exercise page.",
    )
    ratings_note = models.CharField(
        "how the muscle ratings were set",
        max_length=200,
        blank=True,
        help_text="One line under every muscle chart, e.g. who rated each muscle and how. Empty shows nothing.",
    )

    markdown_fields = ("directions", "privacy_notice", "what_happens_next")

    class Meta:
        ordering = ["pk"]
        verbose_name = "gym profile"
        verbose_name_plural = "gym profile"
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=1),
                name="gym_profile_is_one_record",
                violation_error_message="The gym has one profile: edit it rather than add another.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("exercises:visit")

    @classmethod
    def current(cls) -> "GymProfile":
        """The gym's profile with its hours; an unsaved one with the gym's name until staff save one."""
        # The coach's portrait sizes cost a query only when the profile names a coach with a photo.
        profile = (
            cls.objects.select_related("consultation_coach__photo")
            .prefetch_related("hours", "consultation_coach__photo__renditions")
            .filter(pk=1)
            .first()
        )
        return profile or cls(name=settings.GYM_NAME)

    @property
    def locality(self) -> str:
        """ "Austin, Texas 78701": the parts that are filled in."""
        place = ", ".join(part for part in (self.city, self.region) if part)
        return " ".join(part for part in (place, self.postal_code) if part)

    @property
    def privacy_email(self) -> str:
        return self.privacy_contact or self.email

    @property
    def phone_href(self) -> str:
        return "tel:" + "".join(c for c in self.phone if c.isdigit() or c == "+") if self.phone else ""

    @property
    def opening_hours(self) -> list["OpeningHours"]:
        return list(self.hours.all()) if self.pk else []


class OpeningHours(models.Model):
    profile = models.ForeignKey(GymProfile, on_delete=models.CASCADE, related_name="hours")
    weekday = models.IntegerField(choices=Weekday)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="opening_hours_close_after_open",
                violation_error_message="The gym must close after it opens (for hours past midnight, add two rows).",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class CoachQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class CoachManager(models.Manager.from_queryset(CoachQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Coach(MarkdownModel):
    """A coach of the gym, who writes or reviews articles. Readers see only published ones."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, blank=True, help_text="Empty makes one from the name.")
    role = models.CharField(max_length=100, blank=True, help_text="E.g. “Head coach”.")
    bio = MarkdownxField(blank=True, help_text="A few lines: how they coach, and whom.")
    bio_html = models.TextField(editable=False, default="")
    years_coaching = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(80)], help_text="Empty shows nothing."
    )
    photo = models.ForeignKey(
        "exercises.Photo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coach_of",
        help_text="A portrait from the photo library, shown on the coach's page. Empty shows none.",
    )
    is_published = models.BooleanField(
        "published", default=False, help_text="Readers see the coach's page and byline only when ticked."
    )
    position = models.PositiveIntegerField(default=0, db_index=True)

    markdown_fields = ("bio",)
    objects = CoachManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "coach"
        verbose_name_plural = "coaches"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("exercises:coach_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        if not self.slug:
            self.slug = slugify(self.name)

    @property
    def credential_names(self) -> str:
        """ "NSCA-CSCS, NASM-CPT", as a byline lists them."""
        return ", ".join(credential.name for credential in self.credentials.all())


class Credential(models.Model):
    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="credentials")
    name = models.CharField(max_length=60, help_text="As it is written after a name, e.g. “NSCA-CSCS”.")
    issued_by = models.CharField(
        max_length=200, help_text="The body that issued it, e.g. “National Strength and Conditioning Association”."
    )
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "credential"
        verbose_name_plural = "credentials"

    def __str__(self):
        return f"{self.name} ({self.issued_by})"


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


# Django registers an app's models from this module; the leads' own live in exercises/leads/, the photo
# library's in exercises/photos/.
from .leads.models import (  # noqa: E402, F401
    BestTime,
    ConsultationGoal,
    ConsultationRequest,
    ContactMethod,
    Counter,
    Notification,
    NotificationKind,
    NotificationRecipient,
    NotificationStatus,
    RequestStatus,
)
from .photos.models import ExercisePhoto, Photo, PhotoRendition, RenditionFormat  # noqa: E402, F401
