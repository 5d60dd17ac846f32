"""The gym itself: its one profile and opening hours, and its coaches with their credentials."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from ..writing.models import MarkdownModel


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
    # The shipped article's own words for its author ("As a certified personal trainer, I've helped clients…"), so that
    # a site whose staff have not saved a profile yet still has a byline that matches the text; no name is invented.
    default_byline = models.CharField(
        "default byline",
        max_length=200,
        blank=True,
        default="a certified personal trainer at Community Strength Austin",
        help_text="Who wrote an article or exercise page that names no coach as its author, read after “By”, e.g. "
        "“a certified personal trainer at Community Strength Austin”. Empty: “By the coaching team at” the gym.",
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

    @property
    def has_visit_details(self) -> bool:
        """Whether /visit/ says more than the town: a street address, directions, a map link or opening hours.
        Until it does, no page links to it."""
        return bool(self.street_address or self.directions_html or self.map_url or self.opening_hours)


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
