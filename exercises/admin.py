import reversion
from django.contrib import admin, messages
from django.db import models
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion.admin import VersionAdmin

from . import selectors, services
from .models import (
    FAQ,
    ClientQuote,
    Comparison,
    Criterion,
    Exercise,
    ExerciseMuscle,
    ExercisePoint,
    GymProfile,
    Muscle,
    Myth,
    OpeningHours,
    ProgrammingScheme,
    Reference,
    RelatedComparison,
    ShowdownFactor,
    SlugRedirect,
    Status,
)

admin.site.site_header = "Community Strength Austin"
admin.site.site_title = "Community Strength Austin admin"
admin.site.index_title = "Content and consultation requests"

MARKDOWN_EDITOR = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
SEARCH_AND_SHARING = ("Search and sharing", {"fields": ("meta_title", "meta_description")})


class HistoryAdmin(VersionAdmin):
    """Every change kept by django-reversion; the history page lists the newest first."""

    history_latest_first = True


class PublishableAdmin(HistoryAdmin):
    """History and revert (django-reversion, following the inlines), and old slugs kept as redirects."""

    formfield_overrides = MARKDOWN_EDITOR

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            services.record_slug_change(item=obj, old_slug=old_slug)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, object_id)
        published = request.method == "GET" and item is not None and item.status == Status.PUBLISHED
        if published and (missing := selectors.uncheckable_references(item)):
            keys = ", ".join(reference.key for reference in missing)
            messages.warning(
                request,
                f"Readers cannot check {len(missing)} of the studies this article cites: {keys}. "
                "Add a DOI, PubMed ID or link to each under References.",
            )
        return super().change_view(request, object_id, form_url, extra_context)


class MarkdownInline(admin.StackedInline):
    formfield_overrides = MARKDOWN_EDITOR
    extra = 0


class PositionedTabularInline(admin.TabularInline):
    extra = 0


# --- Exercise and its parts ------------------------------------------------


class ExerciseMuscleInline(PositionedTabularInline):
    model = ExerciseMuscle
    autocomplete_fields = ("muscle",)
    fields = ("position", "muscle", "role", "emphasis", "label", "note")


class ExercisePointInline(PositionedTabularInline):
    model = ExercisePoint
    fields = ("position", "kind", "title", "body")


class ProgrammingSchemeInline(PositionedTabularInline):
    model = ProgrammingScheme
    fields = (
        "position",
        "goal",
        "sets_min",
        "sets_max",
        "reps_min",
        "reps_max",
        "load",
        "rest_min_seconds",
        "rest_max_seconds",
    )


class ClientQuoteInline(PositionedTabularInline):
    model = ClientQuote
    fields = ("position", "first_name", "context", "quote")


@admin.register(Exercise)
class ExerciseAdmin(PublishableAdmin):
    list_display = ("name", "status", "published_at", "muscle_count", "position", "updated_at")
    list_editable = ("position",)
    list_filter = ("status",)
    search_fields = ("name", "summary", "what_it_is", "how_it_works")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("updated_at",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "summary", "status", "published_at", "position", "updated_at")}),
        ("Article", {"fields": ("what_it_is", "muscles_intro", "muscles_more", "how_it_works", "equipment")}),
        ("Programming", {"fields": ("programming_tip",)}),
        SEARCH_AND_SHARING,
    )
    inlines = (ExerciseMuscleInline, ExercisePointInline, ProgrammingSchemeInline, ClientQuoteInline)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("muscle_links")

    @admin.display(description="muscles")
    def muscle_count(self, obj):
        return len(obj.muscle_links.all())


@admin.register(Muscle)
class MuscleAdmin(HistoryAdmin):
    list_display = ("name", "latin_name", "position")
    list_editable = ("position",)
    search_fields = ("name", "latin_name")


@admin.register(Reference)
class ReferenceAdmin(HistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("key", "authors", "title", "journal", "year", "checkable", "position")
    list_editable = ("position",)
    list_filter = ("year",)
    search_fields = ("key", "authors", "title", "journal", "finding", "doi", "pmid")

    @admin.display(description="a reader can check it", boolean=True)
    def checkable(self, obj):
        return obj.is_checkable


# --- Comparison and its parts ----------------------------------------------


class ShowdownFactorInline(MarkdownInline):
    model = ShowdownFactor
    fields = ("position", "title", "verdict_a", "verdict_b")


class CriterionInline(PositionedTabularInline):
    model = Criterion
    fields = ("position", "name", "exercise_a_text", "exercise_b_text")


class MythInline(PositionedTabularInline):
    model = Myth
    fields = ("position", "myth", "correction")


class FAQInline(MarkdownInline):
    model = FAQ
    fields = ("position", "question", "answer")


class RelatedComparisonInline(PositionedTabularInline):
    model = RelatedComparison
    fields = ("position", "text_before", "link_text", "target_slug", "text_after")


@admin.register(Comparison)
class ComparisonAdmin(PublishableAdmin):
    list_display = ("title", "exercise_a", "exercise_b", "status", "published_at", "faq_count", "updated_at")
    list_filter = ("status", "exercise_a", "exercise_b")
    search_fields = ("title", "summary", "intro", "final_thoughts")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("exercise_a", "exercise_b")
    readonly_fields = ("updated_at",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "summary",
                    ("exercise_a", "exercise_b"),
                    "status",
                    "published_at",
                    "position",
                    "updated_at",
                )
            },
        ),
        ("Introduction", {"fields": ("intro",)}),
        ("Showdown", {"fields": ("showdown_heading", "showdown_intro", "criteria_caption")}),
        ("Who should use each", {"fields": ("who_heading", "combine_heading", "combine_body")}),
        ("Programming, myths and form", {"fields": ("programming_heading", "myths_heading", "form_heading", "warmup")}),
        ("Closing", {"fields": ("final_heading", "final_thoughts", "faq_heading", "cta_heading", "cta_body")}),
        SEARCH_AND_SHARING,
    )
    inlines = (ShowdownFactorInline, CriterionInline, RelatedComparisonInline, MythInline, FAQInline)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("exercise_a", "exercise_b").prefetch_related("faqs")

    @admin.display(description="FAQs")
    def faq_count(self, obj):
        return len(obj.faqs.all())


@admin.register(FAQ)
class FAQAdmin(HistoryAdmin):
    """FAQs are edited inline on their comparison too; this list finds one fast."""

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
    list_display = ("old_slug", "target", "created_at")
    search_fields = ("old_slug",)
    autocomplete_fields = ("comparison", "exercise")


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(GymProfile)
class GymProfileAdmin(HistoryAdmin):
    """One record: the footer of every page, the visit page and what search engines know of the gym."""

    formfield_overrides = {**MARKDOWN_EDITOR, models.URLField: {"assume_scheme": "https"}}
    inlines = (OpeningHoursInline,)
    fieldsets = (
        (None, {"fields": ("name",)}),
        ("Where", {"fields": ("street_address", "city", "region", "postal_code", "map_url", "directions")}),
        ("How to reach it", {"fields": ("phone", "email")}),
        ("Privacy page", {"fields": ("privacy_contact", "privacy_notice")}),
    )

    def has_add_permission(self, request):
        return not GymProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
