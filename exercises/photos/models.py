"""Photos staff upload, the renditions made of each, and the photos an exercise shows."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Percent from the left and from the top; the middle when unset.
PERCENT = [MaxValueValidator(100)]


class Photo(models.Model):
    """One picture of the gym's own, as uploaded (cleaned: no EXIF, upright) with what readers need to know."""

    key = models.SlugField(
        max_length=60,
        unique=True,
        blank=True,
        help_text="Places the photo in a text as ![what it shows](image:key). Empty makes one from the file name.",
    )
    file = models.FileField(upload_to="photos/", max_length=200, editable=False)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        "description",
        max_length=250,
        blank=True,
        help_text="What the photo shows, for readers who cannot see it, e.g. “Coach setting the hip thrust bench”.",
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Tick only when the photo adds nothing the text does not say; it then has no description.",
    )
    caption = models.CharField(max_length=300, blank=True, help_text="Shown under the photo. Empty shows none.")
    credit = models.CharField(
        max_length=200, blank=True, help_text="Who took it, shown after the caption. Empty shows none."
    )
    focal_x = models.PositiveSmallIntegerField(
        "focus across (%)",
        null=True,
        blank=True,
        validators=PERCENT,
        help_text="Where the subject is, from the left edge (0) to the right (100). Crops keep it in view.",
    )
    focal_y = models.PositiveSmallIntegerField(
        "focus down (%)",
        null=True,
        blank=True,
        validators=PERCENT,
        help_text="From the top edge (0) to the bottom (100). Empty, with the other, means the middle.",
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "photo"
        verbose_name_plural = "photos"
        constraints = [
            models.CheckConstraint(
                condition=Q(decorative=True) | ~Q(alt_text=""),
                name="photo_described_unless_decorative",
                violation_error_message="Describe the photo for readers who cannot see it, or tick “decorative”.",
            ),
            models.CheckConstraint(
                condition=Q(focal_x__isnull=True, focal_y__isnull=True)
                | Q(focal_x__isnull=False, focal_y__isnull=False, focal_x__lte=100, focal_y__lte=100),
                name="photo_focal_point_whole",
                violation_error_message="Give both parts of the focus (across and down, 0–100), or neither.",
            ),
        ]

    def __str__(self):
        return self.alt_text or self.key

    def clean(self):
        super().clean()
        if not self.decorative and not self.alt_text.strip():
            raise ValidationError(
                {"alt_text": "Describe the photo for readers who cannot see it, or tick “decorative”."}
            )
        if (self.focal_x is None) != (self.focal_y is None):
            raise ValidationError({"focal_y": "Give both parts of the focus (across and down), or neither."})

    @property
    def alt(self) -> str:
        return "" if self.decorative else self.alt_text

    @property
    def focus(self) -> tuple[float, float]:
        """The focal point as fractions (0–1), the middle when unset."""
        if self.focal_x is None or self.focal_y is None:
            return (0.5, 0.5)
        return (self.focal_x / 100, self.focal_y / 100)

    @property
    def object_position(self) -> str:
        across, down = self.focus
        return f"{across:.0%} {down:.0%}"

    def _renditions(self, kind: str) -> list["PhotoRendition"]:
        return sorted((r for r in self.renditions.all() if r.format == kind), key=lambda r: r.width)

    @property
    def avif_srcset(self) -> str:
        return ", ".join(f"{r.file.url} {r.width}w" for r in self._renditions(RenditionFormat.AVIF))

    @property
    def jpeg_srcset(self) -> str:
        return ", ".join(f"{r.file.url} {r.width}w" for r in self._renditions(RenditionFormat.JPEG))

    @property
    def fallback(self) -> "PhotoRendition | None":
        """The JPEG an old browser loads: the first at least 800 px wide, or the widest there is."""
        jpegs = self._renditions(RenditionFormat.JPEG)
        return next((r for r in jpegs if r.width >= 800), jpegs[-1] if jpegs else None)

    @property
    def thumbnail(self) -> "PhotoRendition | None":
        jpegs = self._renditions(RenditionFormat.JPEG)
        return jpegs[0] if jpegs else None

    @property
    def thumbnail_avif(self) -> "PhotoRendition | None":
        """The smallest AVIF, beside ``thumbnail`` where a picture is shown small (a card)."""
        avifs = self._renditions(RenditionFormat.AVIF)
        return avifs[0] if avifs else None


class RenditionFormat(models.TextChoices):
    AVIF = "avif", "AVIF"
    JPEG = "jpeg", "JPEG"


class PhotoRendition(models.Model):
    """One size of a photo in one format, made when the photo is saved; its file name holds its content's hash."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="renditions")
    format = models.CharField(max_length=4, choices=RenditionFormat.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(upload_to="photos/", max_length=200)

    class Meta:
        ordering = ["photo", "format", "width"]
        verbose_name = "photo rendition"
        verbose_name_plural = "photo renditions"
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "format", "width"],
                name="rendition_once_per_size",
                violation_error_message="This photo has a rendition of that size and format already.",
            ),
        ]

    def __str__(self):
        return f"{self.photo.key} {self.width}w {self.get_format_display()}"


class ExercisePhoto(models.Model):
    """A photo shown with an exercise, in order: e.g. the start and the end of the movement."""

    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.CASCADE, related_name="photos")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="exercise_photos")
    label = models.CharField(
        max_length=80, blank=True, help_text="E.g. “Start position”. Shown under the photo, before its caption."
    )
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "exercise photo"
        verbose_name_plural = "photos"
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "photo"],
                name="exercise_photo_once",
                violation_error_message="This photo is on this exercise already.",
            ),
        ]

    def __str__(self):
        return f"{self.exercise}: {self.label or self.photo}"
