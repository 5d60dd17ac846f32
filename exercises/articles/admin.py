"""Articles in the admin: comparisons with their sections and rows edited in place, exercises (publishing one is
checked against the comparisons that show it), FAQs found fast, and old addresses."""

import json

import reversion
from adminsortable2.admin import CustomInlineFormSet, SortableAdminMixin
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from ..library.admin import ClientQuoteInline, ExerciseMuscleInline, ExercisePointInline, ProgrammingSchemeInline
from ..library.models import Exercise, PointKind
from ..photos.admin import ExercisePhotoInline
from ..writing.admin import MARKDOWN_EDITOR, HistoryAdmin, MarkdownInline, PositionedTabularInline
from . import publish_check, services
from .editor import BYLINE, SEARCH_AND_SHARING, PublishableAdmin
from .models import (
    FAQ,
    REPEATABLE_KINDS,
    Comparison,
    Criterion,
    Myth,
    RelatedComparison,
    Section,
    ShowdownFactor,
    SlugRedirect,
)
from .sections import FIELDS_BY_KIND


def exercise_summary(exercise):
    """What the article borrows from an exercise, read-only, with the way to edit it."""
    if exercise is None:
        return "Pick the exercise above and save; its content then shows here."
    muscles = ", ".join(f"{link.muscle.name} {link.emphasis}/5" for link in exercise.muscle_links.all())
    points = exercise.points.all()
    counts = ", ".join(f"{label} {sum(point.kind == kind for point in points)}" for kind, label in PointKind.choices)
    return format_html(
        '<div class="exercise-summary"><p><strong>{}</strong> ({}) · <a href="{}">Edit {}</a></p>'
        "<p>{}</p><p>Muscles: {}</p><p>Points: {}</p></div>",
        exercise.name,
        exercise.get_status_display().lower(),
        reverse("admin:exercises_exercise_change", args=[exercise.pk]),
        exercise.name,
        Truncator(exercise.what_it_is).words(40) or "What it is: not written yet.",
        muscles or "none yet",
        counts,
    )


@admin.register(Exercise)
class ExerciseAdmin(SortableAdminMixin, PublishableAdmin):
    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "write", "Exercises"
    list_display = ("name", "state", "muscle_count", "updated_at")
    list_filter = ("status",)
    search_fields = ("name", "summary", "what_it_is", "how_it_works")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("state", "updated_at", "used_in")
    fieldsets = (
        (None, {"fields": ("name", "slug", "summary", "state", "published_at", "updated_at")}),
        (
            "Article",
            {
                "fields": ("used_in", "what_it_is", "muscles_intro", "muscles_more", "how_it_works", "equipment"),
                "description": "This is the exercise's own page, and every comparison that shows the exercise "
                "shows this text, its muscles and its points: an edit here changes all of them.",
            },
        ),
        ("Programming", {"fields": ("programming_tip",)}),
        BYLINE,
        SEARCH_AND_SHARING,
    )
    inlines = (
        ExercisePhotoInline,
        ExerciseMuscleInline,
        ExercisePointInline,
        ProgrammingSchemeInline,
        ClientQuoteInline,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("muscle_links")

    def publish_problems(self, obj) -> list[str]:
        return publish_check.exercise_problems(obj)

    @admin.display(description="muscles")
    def muscle_count(self, obj):
        return len(obj.muscle_links.all())

    @admin.display(description="shown in")
    def used_in(self, obj):
        comparisons = Comparison.objects.filter(Q(exercise_a=obj) | Q(exercise_b=obj)) if obj.pk else []
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:exercises_comparison_change", args=[c.pk]), c.title) for c in comparisons),
        )
        return links or "No comparison yet."


class ShowdownFactorInline(MarkdownInline):
    model = ShowdownFactor
    fields = ("title", "verdict_a", "verdict_b")


class CriterionInline(PositionedTabularInline):
    model = Criterion
    fields = ("name", "exercise_a_text", "exercise_b_text")


class MythInline(PositionedTabularInline):
    model = Myth
    fields = ("myth", "correction")


class FAQInline(MarkdownInline):
    model = FAQ
    fields = ("question", "answer")


class RelatedComparisonInline(PositionedTabularInline):
    model = RelatedComparison
    fields = ("text_before", "link_text", "target_slug", "text_after")


class SectionFormSet(CustomInlineFormSet):
    """Catches a kind added twice in one save, which the database's conditional constraint would only refuse."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk or self._should_delete_form(form):
                continue
            kind, side = form.cleaned_data.get("kind"), form.cleaned_data.get("side", "")
            key = ("side", side) if side else (None if kind in REPEATABLE_KINDS else ("kind", kind))
            if key is None:
                continue
            if key in seen:
                raise ValidationError(
                    "Two sections show the same exercise's overview."
                    if side
                    else f"Two sections are “{Section(kind=kind).get_kind_display()}”: keep one."
                )
            seen.add(key)


class SectionInline(MarkdownInline):
    model = Section
    formset = SectionFormSet
    fields = ("kind", "heading", "side", "caption", "body")
    verbose_name_plural = "sections, in the order readers see them"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "kind":
            # admin-article.js shows only the fields the chosen kind uses.
            field.widget.attrs["data-section-fields"] = json.dumps(FIELDS_BY_KIND)
        return field


@admin.register(Comparison)
class ComparisonAdmin(SortableAdminMixin, PublishableAdmin):
    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name, task_rank = "write", "Comparisons (articles)", 0
    list_display = ("title", "exercise_a", "exercise_b", "state", "faq_count", "updated_at")
    list_filter = ("status", "exercise_a", "exercise_b")
    search_fields = ("title", "summary", "sections__heading", "sections__body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("exercise_a", "exercise_b", "lead_photo")
    readonly_fields = ("state", "updated_at", "exercise_a_summary", "exercise_b_summary")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "summary",
                    ("exercise_a", "exercise_b"),
                    "lead_photo",
                    "state",
                    "published_at",
                    "updated_at",
                )
            },
        ),
        (
            "The exercises it shows",
            {
                "fields": ("exercise_a_summary", "exercise_b_summary"),
                "description": "What each exercise is, its muscles and its points come from the exercise's own "
                "page. An edit there changes every article that shows that exercise.",
            },
        ),
        BYLINE,
        SEARCH_AND_SHARING,
    )
    inlines = (SectionInline, ShowdownFactorInline, CriterionInline, RelatedComparisonInline, MythInline, FAQInline)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("exercise_a", "exercise_b").prefetch_related("faqs")

    @admin.display(description="FAQs")
    def faq_count(self, obj):
        return len(obj.faqs.all())

    @admin.display(description="first exercise")
    def exercise_a_summary(self, obj):
        return exercise_summary(obj.exercise_a if obj.pk else None)

    @admin.display(description="second exercise")
    def exercise_b_summary(self, obj):
        return exercise_summary(obj.exercise_b if obj.pk else None)

    def publish_problems(self, obj) -> list[str]:
        return publish_check.comparison_problems(obj) if publish_check.faces_readers(obj) else []


@admin.register(FAQ)
class FAQAdmin(HistoryAdmin):
    """FAQs are edited inline on their comparison too; this list finds one fast."""

    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "write", "FAQs"

    formfield_overrides = MARKDOWN_EDITOR
    list_display = ("question", "comparison", "position")
    list_filter = ("comparison",)
    search_fields = ("question", "answer")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.touch_comparison_of(obj)
        # An FAQ edited here is part of its comparison's history, as when edited inline there.
        reversion.add_to_revision(obj.comparison)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "settings", "Old addresses (redirects)"
    list_display = ("old_slug", "target", "created_at")
    search_fields = ("old_slug",)
    autocomplete_fields = ("comparison", "exercise")
