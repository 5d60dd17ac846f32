"""What every text shares: publishing (draft, scheduled, live), Markdown kept as sanitised HTML, and the
references any text cites with ``[ref:key]``.

Long text is Markdown, edited with markdownx and rendered to sanitised HTML when saved (see ``MarkdownModel``),
so a page view never parses Markdown.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from ..photos.models import Photo
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
        help_text="Empty: the byline reads the gym profile's default byline (Words on the site).",
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
    journal = models.CharField(max_length=200, blank=True, help_text="Empty when the text does not name it.")
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="Empty when the text does not give it.",
    )
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
        return self.known

    def clean(self):
        super().clean()
        if not (self.authors or self.journal):
            raise ValidationError("Give at least who did the study or the journal it appeared in.")

    def natural_key(self):
        return (self.key,)

    @property
    def known(self) -> str:
        """What is known, in the usual citation order: "Plotkin DL et al. (2022). Title. Journal, 36(2), 245–252",
        or only "Journal of Strength and Conditioning Research, 2018", or only "Bret Contreras"."""
        who = f"{self.authors} ({self.year})" if self.authors and self.year else self.authors
        where = ", ".join(part for part in (self.journal, "" if self.authors else str(self.year or "")) if part)
        where = ", ".join(part for part in (where, self.volume if where else "", self.pages if where else "") if part)
        return ". ".join(part for part in (who, self.title.rstrip("."), where) if part)

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
