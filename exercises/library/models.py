"""The exercise library: exercises, the muscles they work and the body map's areas, their points, client
quotes and programming schemes. Every comparison that shows an exercise shows these."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from ..writing.models import MarkdownModel, Publishable, Status


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
